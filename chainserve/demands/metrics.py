"""The demand figures — 响应率, 解决率, 满意率 and the rest — per department, category, chain, district, period.

The figures are sums over `DemandFigures`, a summary table the services keep in step in the same transaction
as each change (a page costs O(groups × days), not O(demands)). Only what depends on the clock — demands
overdue now, first answers late now — is counted live, over the running demands (index on status).

Every public function takes the same arguments:

* `start`, `end`: the period, dates of receipt in the platform's time zone, inclusive (None: open-ended);
* `user`: whose scope applies — admin: the city; office: its chains and demands on no chain, within its region,
  and the demands of the regions below it (oversight: demands.models.overseen_demands); handler: the
  demands its department leads (and the send-backs it made); specialist: the demands it recorded (counted
  from those demands directly); others: nothing. None: the whole city, for system jobs (the bulletin);
* the filters `chain`, `district`, `department` (lead department), `category`: a record or its id;
* `now`: the instant for "overdue" and "late" (default: now).

A demand counts in the day it was received and under its lead department of now; a send-back counts against
the department that sent it back. Rejected and merged demands count in no figure but "sent back" and
"reopened".
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainserve.chains.models import Chain
from chainserve.core.choices import Role
from chainserve.core.forms import parse_date
from chainserve.core.models import Region, below_region_q, region_q
from chainserve.registry.models import Organization

from .choices import CLOSED_STATUSES, OPEN_STATUSES, RUNNING_STATUSES, EventType, Rating, Status
from .models import ON_THE_CLOCK, Category, Demand, DemandEvent, DemandFigures, overseen_demands

# by: (column of DemandFigures, field of Demand, label, model naming the keys)
GROUPS = {
    "department": ("department", "lead_department_id", _("Department"), Organization),
    "category": ("category", "category_id", _("Category"), Category),
    "chain": ("chain", "chain_id", _("Chain"), Chain),
    "district": ("district", "district_id", _("District"), Region),
}
FILTERS = {by: (column, field) for by, (column, field, _label, _model) in GROUPS.items()}

COUNTED = ~Q(status__in=[Status.REJECTED, Status.MERGED, Status.WITHDRAWN])
SATISFIED = (Rating.SATISFIED, Rating.BASIC)


def _counted(d):
    return d.status not in (Status.REJECTED, Status.MERGED, Status.WITHDRAWN)


def _before(a, b):
    return a is not None and b is not None and a <= b


def _after(a, b):
    return a is not None and b is not None and a > b


# What one demand adds to its row now, and the same summed over demands in SQL (the rebuild uses the latter;
# a test proves the two agree). Each figure below is made of these counters and nothing else.
COUNTERS = {
    "received": (_counted, Count("id", filter=COUNTED)),
    "answered": (lambda d: _counted(d) and d.first_answered_at is not None,
                 Count("id", filter=COUNTED & Q(first_answered_at__isnull=False))),
    "answered_on_time": (lambda d: _counted(d) and _before(d.first_answered_at, d.answer_due),
                         Count("id", filter=COUNTED & Q(first_answered_at__lte=F("answer_due")))),
    "resolved": (lambda d: d.status == Status.RESOLVED, Count("id", filter=Q(status=Status.RESOLVED))),
    "unresolved": (lambda d: d.status == Status.UNRESOLVED, Count("id", filter=Q(status=Status.UNRESOLVED))),
    "rated": (lambda d: d.rating != "", Count("id", filter=~Q(rating=""))),
    "satisfied": (lambda d: d.rating in SATISFIED, Count("id", filter=Q(rating__in=SATISFIED))),
    "days_total": (lambda d: d.resolve_working_days or 0 if d.status == Status.RESOLVED else 0,
                   Sum("resolve_working_days", filter=Q(status=Status.RESOLVED), default=0)),
    "days_counted": (lambda d: d.status == Status.RESOLVED and d.resolve_working_days is not None,
                     Count("resolve_working_days", filter=Q(status=Status.RESOLVED))),
    "closed_late": (lambda d: d.status in CLOSED_STATUSES and _after(d.closed_at, d.resolve_due),
                    Count("id", filter=Q(status__in=CLOSED_STATUSES, closed_at__gt=F("resolve_due")))),
    "reopened": (lambda d: d.reopen_count, Sum("reopen_count", default=0)),
    "open": (lambda d: d.status in OPEN_STATUSES, Count("id", filter=Q(status__in=OPEN_STATUSES))),
}
COLUMNS = [*COUNTERS, "sent_back"]
KEY = ["month", "day", "department", "category", "chain", "district"]


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
        """响应率: first answers within their deadline among the demands whose first answer is due."""
        return _ratio(self.answered_on_time, self.due_for_answer)

    @property
    def resolution_rate(self):
        """解决率: resolved among the closed (closed-unresolved is never solved)."""
        return _ratio(self.resolved, self.resolved + self.unresolved)

    @property
    def satisfaction_rate(self):
        """满意率: satisfied and basically satisfied among the rated."""
        return _ratio(self.satisfied, self.rated)

    def as_dict(self):
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        data.update(response_rate=self.response_rate, resolution_rate=self.resolution_rate,
                    satisfaction_rate=self.satisfaction_rate)
        return data


def from_counts(key, name, c):
    """Figures from a Counter of the counters (a missing one is 0)."""
    return Figures(
        key=key or None, name=name or "—", received=c["received"], answered_on_time=c["answered_on_time"],
        # answered, or unanswered past its deadline (while waiting on the enterprise the clock stops)
        due_for_answer=c["answered"] + c["late_unanswered"], resolved=c["resolved"], unresolved=c["unresolved"],
        rated=c["rated"], satisfied=c["satisfied"],
        avg_working_days=round(c["days_total"] / c["days_counted"], 1) if c["days_counted"] else None,
        # closed after the deadline, or running past it now
        overdue=c["closed_late"] + c["overdue_open"], sent_back=c["sent_back"], reopened=c["reopened"],
        open=c["open"])


# ---------------------------------------------------------------- one demand's share (for the services)

def share(demand):
    """(row key, counters) that demand contributes to DemandFigures now; the services add the difference
    between its share before and after a change."""
    key = (timezone.localdate(demand.created), demand.lead_department_id or 0, demand.category_id,
           demand.chain_id or 0, demand.district_id or 0)
    return key, {name: int(of(demand)) for name, (of, _sql) in COUNTERS.items()}


def summarise(demands):
    """{(day, department, category, chain, district): Counter} of demands (a queryset), straight from the
    demands and their send-back events: what the rebuild writes, and the figures of a specialist."""
    rows = defaultdict(Counter)
    values = demands.order_by().annotate(day=TruncDate("created")).values(
        "day", "lead_department_id", "category_id", "chain_id", "district_id")
    for r in values.annotate(**{name: sql for name, (_of, sql) in COUNTERS.items()}):
        key = (r.pop("day"), r.pop("lead_department_id") or 0, r.pop("category_id"), r.pop("chain_id") or 0,
               r.pop("district_id") or 0)
        rows[key].update(r)
    sent = DemandEvent.objects.filter(type=EventType.SENT_BACK,
                                      demand__in=demands.filter(sent_back_count__gt=0).order_by().values("pk"))
    for day, dept, category, chain, district, n in sent.annotate(day=TruncDate("demand__created")).values_list(
            "day", "data__department", "demand__category_id", "demand__chain_id", "demand__district_id") \
            .annotate(n=Count("id")).order_by():
        rows[(day, dept or 0, category, chain or 0, district or 0)]["sent_back"] += n
    return rows


def _live(now, running=None):
    """What depends on the clock, over running demands (`running`: the condition that picks them, when the
    queryset is not already of running demands only): overdue now, first answer late now."""
    def counted(q):
        return Count("id", filter=q if running is None else running & q)
    return {"overdue_open": counted(Q(resolve_due__lt=now)),
            "late_unanswered": counted(Q(first_answered_at__isnull=True, answer_due__lt=now))}


def count(demands, *fields, now=None):
    """{(values of fields): Counter of every counter} over a queryset of demands grouped by `fields` of Demand,
    straight from the demands in one query: figures the summary table does not keep (proposals by channel,
    lead unit and grade), read through from_counts() like every other figure."""
    rows = demands.order_by().values(*fields).annotate(
        **{name: sql for name, (_of, sql) in COUNTERS.items()},
        **_live(now or timezone.now(), Q(status__in=RUNNING_STATUSES)))
    cells = defaultdict(Counter)
    for r in rows:
        cells[tuple(r.pop(f) for f in fields)].update(r)
    return cells


def with_months(rows):
    """Day rows {(day, …): Counter} as DemandFigures keys: each day row, and the sum of each month."""
    out = defaultdict(Counter)
    for (day, *rest), counts in rows.items():
        out[(False, day, *rest)].update(counts)
        out[(True, day.replace(day=1), *rest)].update(counts)
    return out


# ---------------------------------------------------------------- periods, scopes, filters

# The years the figures are asked for (as the reports' periods): a far date (9999-12-31) is refused at its
# field, before the month and day arithmetic below would overflow past year 9999.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_period(query, today):
    """The period of the metrics page from its query string: `from` and `to`, ISO dates (missing or empty:
    the first day of today's year, today). Returns (start, end, errors); errors maps a field to its message
    (a date that is not one, outside FIRST_YEAR…LAST_YEAR, or an end before the start) and the period is
    then the default one."""
    period = {"from": today.replace(month=1, day=1), "to": today}
    errors = {}
    for field in period:
        value = (query.get(field) or "").strip()
        if not value:
            continue
        day = parse_date(value)
        if day is None:
            errors[field] = _("Enter a valid date.")
            continue
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            errors[field] = _("Give a date from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            continue
        period[field] = day
    if not errors and period["to"] < period["from"]:
        errors["to"] = _("The end date cannot be before the start date.")
    if errors:
        return today.replace(month=1, day=1), today, errors
    return period["from"], period["to"], errors


def _month_after(day):
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _rows(month):
    # `month__in`, not `month=`: the ORM writes `month = true` as the bare column on SQLite, which the key's
    # index cannot use to pick the day or the month rows (it then reads both for every range).
    return Q(month__in=[month])


def period_rows(start=None, end=None):
    """Q over DemandFigures for the days start…end: whole months from the month rows, the rest from days."""
    first = start if start is None or start.day == 1 else _month_after(start)
    stop = None if end is None else (_month_after(end) if _month_after(end) - datetime.timedelta(days=1) == end
                                     else end.replace(day=1))
    days = _rows(False)
    if start:
        days &= Q(day__gte=start)
    if end:
        days &= Q(day__lte=end)
    if first and stop and first >= stop:  # no whole month in the period
        return days
    months = _rows(True)
    if first:
        months &= Q(day__gte=first)
    if stop:
        months &= Q(day__lt=stop)
    q = months
    if first and first != start:
        q |= _rows(False) & Q(day__gte=start, day__lt=first)
    if stop and end >= stop:
        q |= _rows(False) & Q(day__gte=stop, day__lte=end)
    return q


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


NOTHING = "nothing"
LIVE = "live"


def _scope(user):
    """(Q over DemandFigures, Q over Demand) of what user counts; NOTHING; or LIVE (count its demands)."""
    if user is None or user.is_superuser or user.role == Role.ADMIN:
        return Q(), Q()
    if not user.is_active:
        return NOTHING
    if user.role == Role.OFFICE:
        chains = list(Chain.objects.filter(staff=user).values_list("pk", flat=True))
        return _in_region(user, Q(chain__in=[*chains, 0]), Q(chain_id__in=chains) | Q(chain__isnull=True))
    if user.role == Role.HANDLER and user.organization_id:
        return Q(department=user.organization_id), Q(lead_department_id=user.organization_id)
    if user.role == Role.SPECIALIST:
        return LIVE
    return NOTHING


def _in_region(user, rows, demands):
    """An office's (rows, demands) narrowed to its region subtree, and widened to what it oversees below its
    region (Demand.scope "view": demands.models.overseen_demands) — the same rows its demand list shows."""
    if region_q(user) is None:
        return rows, demands
    subtree = Region.objects.filter(path__startswith=user.region.path).values("pk")
    rows, demands = rows & Q(district__in=subtree), demands & Q(district__in=subtree)
    below = overseen_demands(user)
    if below is None:
        return rows, demands
    chains_below = Chain.objects.filter(below_region_q(user, "region")).values("pk")
    regions_below = Region.objects.filter(below_region_q(user, "")).values("pk")
    return (rows | Q(district__in=regions_below) | Q(chain__in=chains_below, district__in=subtree),
            demands | below)


def _filters(filters, part=0):
    """{column: id} of the filters given (records or ids) — of the figures' columns (part 0) or the demand's
    fields (part 1); a region (`district`) stands for its whole subtree: {column__in: its regions' ids}."""
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise TypeError(f"unknown filters: {sorted(unknown)}")
    out = {}
    for name, v in filters.items():
        if v in (None, ""):
            continue
        column = FILTERS[name][part]
        if name == "district":
            region = v if isinstance(v, Region) else Region.objects.filter(pk=v).first()
            out[f"{column}__in"] = list(region.subtree().values_list("pk", flat=True)) if region else [v]
        else:
            out[column] = getattr(v, "pk", v)
    return out


def _matches(row, wanted):
    return all(row[c.removesuffix("__in")] in v if c.endswith("__in") else row[c] == v for c, v in wanted.items())


def _cells(by, start, end, user, now, filters):
    """{(group key, department): Counter of every counter} for the period, filters and user's scope."""
    column, field = GROUPS[by][0], GROUPS[by][1]
    scope, wanted = _scope(user), _filters(filters)
    cells = defaultdict(Counter)
    if scope == NOTHING:
        return cells
    if scope == LIVE:
        demands = Q(recorded_by=user)
        for (_day, *key), counts in summarise(period_queryset(Demand.objects.filter(demands), start, end)).items():
            row = dict(zip(["department", "category", "chain", "district"], key, strict=True))
            if _matches(row, wanted):
                cells[(row[column], row["department"])].update(counts)
    else:
        rows, demands = scope
        names = list(dict.fromkeys([column, "department"]))
        summed = DemandFigures.objects.filter(rows, period_rows(start, end), **wanted).values(*names) \
            .annotate(**{c: Sum(c) for c in COLUMNS}).order_by()
        for r in summed:
            key = r.pop(column)
            cells[(key, r.pop("department", key))].update(r)
    # what depends on the clock: over the running demands only
    running = period_queryset(Demand.objects.filter(demands, ON_THE_CLOCK), start, end).filter(**_filters(filters, 1))
    now = now or timezone.now()
    for r in running.values(*dict.fromkeys([field, "lead_department_id"])).annotate(**_live(now)).order_by():
        key = r.pop(field) or 0
        cells[(key, r.pop("lead_department_id", key) or 0)].update(r)
    return cells


def _fold(cells, part):
    """{key: Counter} summing cells by part(cell key)."""
    out = defaultdict(Counter)
    for key, counts in cells.items():
        out[part(key)].update(counts)
    return out


def _named(by, sums):
    model = GROUPS[by][3]
    names = dict(model.objects.filter(pk__in=[k for k in sums if k]).values_list("pk", "name"))
    figures = [from_counts(k, names.get(k), c) for k, c in sums.items() if any(c.values())]
    return sorted(figures, key=lambda f: (f.key is None, f.name))


# ---------------------------------------------------------------- the figures

def grouped(by, start=None, end=None, *, user=None, now=None, **filters) -> list[Figures]:
    """The figures per department, category, chain or district (`by`), by name; "—" for none.
    Groups with nothing to count are left out."""
    return _named(by, _fold(_cells(by, start, end, user, now, filters), lambda k: k[0]))


def totals(start=None, end=None, *, user=None, now=None, **filters) -> Figures:
    """The figures of everything in the period, filters and scope: the three rates of a city for a year are
    `totals(today − 365 days, today)`."""
    return _total(_cells("department", start, end, user, now, filters))


def department_ranking(start=None, end=None, *, user=None, now=None, figures=None, **filters) -> list[Figures]:
    """Departments best first: resolution rate, then satisfaction, then response, then fewest overdue.
    `figures`: the department figures already computed by grouped(), to avoid a second query."""
    if figures is None:
        figures = grouped("department", start, end, user=user, now=now, **filters)
    rows = [f for f in figures if f.key is not None]
    return sorted(rows, key=lambda f: (-(f.resolution_rate or 0), -(f.satisfaction_rate or 0),
                                       -(f.response_rate or 0), f.overdue, f.name))


def page(by, start=None, end=None, *, user=None, now=None, **filters):
    """(rows by `by`, the total, the department ranking) from one summary query and one live query:
    what the metrics page and its export show."""
    cells = _cells(by, start, end, user, now, filters)
    rows = _named(by, _fold(cells, lambda k: k[0]))
    total = _total(cells)
    by_department = rows if by == "department" else _named("department", _fold(cells, lambda k: k[1]))
    return rows, total, department_ranking(figures=by_department)


def _total(cells):
    counts = Counter()
    for c in cells.values():
        counts.update(c)
    return from_counts(None, str(_("All")), counts)
