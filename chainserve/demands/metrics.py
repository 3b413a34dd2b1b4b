"""The demand figures — 响应率, 解决率, 满意率 and the rest — per department, category, chain, district, period.

One function computes them for every page, export and API answer, in one grouped aggregate query.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import OPEN_STATUSES, RUNNING_STATUSES, EventType, Rating, Status
from .models import DemandEvent

GROUPS = {
    "department": ("lead_department_id", "lead_department__name", _("Department")),
    "category": ("category_id", "category__name", _("Category")),
    "chain": ("chain_id", "chain__name", _("Chain")),
    "district": ("district_id", "district__name", _("District")),
}


def _ratio(part, whole):
    return round(100.0 * part / whole, 1) if whole else None


@dataclass
class Figures:
    key: object
    name: str
    received: int
    answered_on_time: int
    due_for_answer: int
    resolved: int
    unresolved: int
    rated: int
    satisfied: int
    avg_working_days: float | None
    overdue: int
    sent_back: int
    reopened: int
    open: int

    @property
    def response_rate(self):
        return _ratio(self.answered_on_time, self.due_for_answer)

    @property
    def resolution_rate(self):
        return _ratio(self.resolved, self.resolved + self.unresolved)

    @property
    def satisfaction_rate(self):
        return _ratio(self.satisfied, self.rated)

    def as_dict(self):
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        data.update(response_rate=self.response_rate, resolution_rate=self.resolution_rate,
                    satisfaction_rate=self.satisfaction_rate)
        return data


def _aggregates(now):
    counted = ~Q(status__in=[Status.REJECTED, Status.MERGED])
    return {
        "received": Count("id", filter=counted),
        "answered_on_time": Count("id", filter=counted & Q(first_answered_at__lte=F("answer_due"))),
        "due_for_answer": Count("id", filter=counted & (
            Q(first_answered_at__isnull=False) | (Q(answer_due__lt=now) & ~Q(status=Status.WAITING)))),
        "resolved": Count("id", filter=Q(status=Status.RESOLVED)),
        "unresolved": Count("id", filter=Q(status=Status.UNRESOLVED)),
        "rated": Count("id", filter=~Q(rating="")),
        "satisfied": Count("id", filter=Q(rating__in=[Rating.SATISFIED, Rating.BASIC])),
        "avg_working_days": Avg("resolve_working_days", filter=Q(status=Status.RESOLVED)),
        "overdue": Count("id", filter=(Q(status__in=RUNNING_STATUSES) & Q(resolve_due__lt=now))
                         | Q(closed_at__gt=F("resolve_due"), status__in=[Status.RESOLVED, Status.UNRESOLVED])),
        "sent_back": Sum("sent_back_count"),
        "reopened": Sum("reopen_count"),
        "open": Count("id", filter=Q(status__in=OPEN_STATUSES)),
    }


def _figures(key, name, row):
    row = {k: (v or 0) if k != "avg_working_days" else (round(v, 1) if v is not None else None)
           for k, v in row.items()}
    return Figures(key=key, name=name or "—", **row)


def period_queryset(queryset, start=None, end=None):
    """Demands received in [start, end] (dates, inclusive, in the platform's time zone).
    Compared as instants, so that the database uses the index on `created` (no per-row date conversion)."""
    if start:
        queryset = queryset.filter(created__gte=_local_midnight(start))
    if end:
        queryset = queryset.filter(created__lt=_local_midnight(end + datetime.timedelta(days=1)))
    return queryset


def _local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def totals(queryset, now=None) -> Figures:
    row = queryset.order_by().aggregate(**_aggregates(now or timezone.now()))
    return _figures(None, str(_("All")), row)


def grouped(queryset, by, now=None) -> list[Figures]:
    key, name, _label = GROUPS[by]
    rows = queryset.order_by().values(key, name).annotate(**_aggregates(now or timezone.now()))
    figures = [_figures(r.pop(key), r.pop(name), r) for r in rows]
    if by == "department":
        # A send-back counts against the department that sent it back, not the one that got it next.
        sent_back = queryset.order_by().filter(sent_back_count__gt=0).values("pk")
        sent = dict(DemandEvent.objects.filter(demand__in=sent_back, type=EventType.SENT_BACK)
                    .values_list("data__department").annotate(n=Count("id")).order_by())
        for f in figures:
            f.sent_back = sent.get(f.key, 0)
    return figures


def department_ranking(queryset, now=None, figures=None) -> list[Figures]:
    """Departments best first: resolution rate, then satisfaction, then response, then fewest overdue.
    `figures`: the department figures already computed by grouped(), to avoid a second aggregate."""
    if figures is None:
        figures = grouped(queryset, "department", now)
    rows = [f for f in figures if f.key is not None]
    return sorted(rows, key=lambda f: (-(f.resolution_rate or 0), -(f.satisfaction_rate or 0),
                                       -(f.response_rate or 0), f.overdue, f.name))
