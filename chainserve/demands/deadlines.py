"""Provisional deadlines (暂定办理时限) and their recount when a year's official holiday schedule is entered."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from chainserve.core.workdays import add_working_days, current_calendar, working_days_between

from . import sla
from .choices import OPEN_STATUSES
from .models import Assignment, Demand
from .services import events
from .services.transitions import _lock, _save

DEADLINE_FIELDS = ("accept_due", "answer_due", "resolve_due")


def provisional_years(deadline, since=None, calendar=None) -> list[int]:
    """The years without an official schedule that a deadline (counted from since) crosses; [] when none."""
    if deadline is None:
        return []
    calendar = calendar or current_calendar()
    day = timezone.localtime(deadline).date()
    first = min(timezone.localtime(since).date(), day) if since is not None else day
    return [y for y in range(first.year, day.year + 1) if calendar.is_provisional_year(y)]


def is_provisional(demand, calendar=None) -> bool:
    """Whether the demand's resolve deadline counts a year whose official schedule is not loaded."""
    return bool(provisional_years(demand.resolve_due, demand.created, calendar))


def intake_provisional_years(now=None, calendar=None) -> list[int]:
    """The years without an official schedule that the deadlines of a demand received now may count: from
    today to the end of the longest resolve time of the SLA policies."""
    from django.db.models import Max

    from .models import SlaPolicy

    calendar = calendar or current_calendar()
    now = now or timezone.now()
    longest = SlaPolicy.objects.aggregate(n=Max("resolve_days"))["n"] or SlaPolicy().resolve_days
    return provisional_years(sla.due(now, longest, calendar), now, calendar)


def provisional_explanation(years) -> str:
    return _("The %(years)s holiday schedule is not entered yet: counted with the statutory holidays for now.") % {
        "years": "、".join(str(y) for y in years)}


class Deadline(SafeString):
    """A deadline as lists and pages show it: the date, and a 「暂定」 badge when it is provisional. It is the
    HTML itself (templates print a table's cells with str()); `plain` is the text for exports."""

    def __new__(cls, value, since=None, calendar=None, fmt="Y-m-d"):
        years = provisional_years(value, since, calendar)
        text = date_format(timezone.localtime(value), fmt) if value else ""
        if years:
            html = format_html('{} <span class="badge bg-warning text-dark deadline-provisional" title="{}">{}</span>',
                               text, provisional_explanation(years), _("provisional"))
        else:
            html = escape(text)
        self = super().__new__(cls, html)
        self.value, self.years = value, years
        self.plain = f"{text} ({_('provisional')})" if years else text
        return self

    @property
    def provisional(self):
        return bool(self.years)


def _recount(due, anchor, old, new):
    """due counted again under the new calendar: the same number of working days after anchor."""
    if due is None:
        return due
    start, day = timezone.localtime(anchor).date(), timezone.localtime(due).date()
    if day <= start:
        return due
    moved = add_working_days(start, working_days_between(start, day, old), new)
    return due if moved == day else sla.end_of_day(moved)


def calendar_changed(years, old, new, user=None) -> int:
    """Recount the deadlines of open demands that reach into years after the official schedule changed them
    (old and new: the calendars before and after); each demand whose deadline moves gets a
    「办理时限按官方安排调整」 event, which notifies its handling departments and the office. Returns how many.

    The working days are counted again from the day the demand was received, so a demand keeps as many
    working days as it was given; the days already counted before an entered year do not change."""
    first = datetime.date(min(years), 1, 1)
    since = sla.end_of_day(first - datetime.timedelta(days=1))
    reaching = Demand.objects.filter(status__in=OPEN_STATUSES, resolve_due__gt=since)
    dues = defaultdict(list)
    for demand_id, due in Assignment.objects.filter(active=True, demand__in=reaching).values_list("demand_id", "due"):
        dues[demand_id].append(due)
    # Read first, lock only the demands whose deadlines move: most of a year's open demands may reach into it.
    ids = [pk for pk, created, *deadlines in reaching.values_list("pk", "created", *DEADLINE_FIELDS).iterator()
           if any(_recount(due, created, old, new) != due for due in [*deadlines, *dues[pk]])]
    moved = 0
    for pk in ids:
        with transaction.atomic():
            d = _lock(Demand(pk=pk), None)
            if d.status not in OPEN_STATUSES:
                continue
            changes = {}
            for field in DEADLINE_FIELDS:
                before = getattr(d, field)
                after = _recount(before, d.created, old, new)
                if after != before:
                    setattr(d, field, after)
                    changes[field] = [_day(before), _day(after)]
            assignments = {}
            for a in Assignment.objects.select_for_update().filter(demand=d, active=True):
                after = _recount(a.due, d.created, old, new)
                if after != a.due:
                    assignments[str(a.department_id)] = [_day(a.due), _day(after)]
                    a.due = after
                    a.save(update_fields=["due"])
            if not changes and not assignments:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                note = _("Deadlines recounted with the official %(years)s holiday schedule: %(changes)s.") % {
                    "years": "、".join(map(str, years)),
                    "changes": pgettext("list separator", "; ").join(f"{_label(f)} {a} → {b}" for f, (a, b) in changes.items())
                    or _("the departments' deadlines"),
                }
            was = _save(d)
            events.deadline_recomputed(d, user, was, note, changes, assignments, list(years))
            moved += 1
    return moved


def _day(value):
    return timezone.localtime(value).date().isoformat()


def _label(field):
    return Demand._meta.get_field(field).verbose_name
