"""同比 and 环比: a figure of a period against the same period of the year before and against the period just
before, worded as bulletins print them (同比增长12.5%, 环比下降3.1个百分点)."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .figures import PERCENT, Period, compute_all

YEAR_ON_YEAR, PERIOD_ON_PERIOD = "yoy", "mom"


def _shift_years(day, years):
    """The same day `years` earlier (29 February: the 28th)."""
    year = day.year - years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _whole_months(period):
    """How many calendar months the period covers exactly (from a 1st to a month's last day), else None."""
    s, e = period.start, period.end
    if s.day != 1 or e.day != calendar.monthrange(e.year, e.month)[1]:
        return None
    return (e.year - s.year) * 12 + e.month - s.month + 1


def _months_before(day, months):
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def year_before(period):
    """The same period of the year before (同比)."""
    months = _whole_months(period)
    if months is not None:  # whole months stay whole: February of a leap year against the whole February
        start = _months_before(period.start, 12)
        end = _months_before(period.end, 12)
        return Period(start, end.replace(day=calendar.monthrange(end.year, end.month)[1]))
    return Period(_shift_years(period.start, 1), _shift_years(period.end, 1))


def period_before(period):
    """The period of the same length just before (环比): the quarter before a quarter, the month before a month,
    the same number of days before dates. None when that is the year before (a year, or twelve months): 同比
    says it already."""
    months = _whole_months(period)
    if months is not None:
        if months % 12 == 0:
            return None
        start = _months_before(period.start, months)
        end = period.start - datetime.timedelta(days=1)
        return Period(start, end)
    days = (period.end - period.start).days + 1
    if days in (365, 366) and year_before(period).end == period.start - datetime.timedelta(days=1):
        return None
    return Period(period.start - datetime.timedelta(days=days), period.start - datetime.timedelta(days=1))


@dataclass(frozen=True)
class Change:
    """A figure against an earlier one: `delta` in per cent of the earlier value for a count or an amount, in
    percentage points for a rate."""

    basis: str  # YEAR_ON_YEAR or PERIOD_ON_PERIOD
    unit: str
    before: object
    delta: Decimal

    @property
    def text(self):
        return change_text(self.basis, self.unit, self.delta)


def change(basis, unit, now, before):
    """The Change from `before` to `now`; None where there is nothing to compare with (no earlier value, an
    earlier count of zero, or no value now)."""
    if now is None or before is None:
        return None
    now, before = Decimal(str(now)), Decimal(str(before))
    if unit == PERCENT:
        delta = now - before
    elif before == 0:
        return None
    else:
        delta = (now - before) * 100 / before
    return Change(basis, unit, before, delta.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def change_text(basis, unit, delta):
    value = f"{abs(delta):.1f}"
    points = unit == PERCENT
    if basis == YEAR_ON_YEAR:
        if delta == 0:
            return _("unchanged year on year")
        if points:
            return (_("up %(value)s percentage points year on year") if delta > 0
                    else _("down %(value)s percentage points year on year")) % {"value": value}
        return (_("up %(value)s%% year on year") if delta > 0 else _("down %(value)s%% year on year")) % {
            "value": value}
    if delta == 0:
        return _("unchanged on the previous period")
    if points:
        return (_("up %(value)s percentage points on the previous period") if delta > 0
                else _("down %(value)s percentage points on the previous period")) % {"value": value}
    return (_("up %(value)s%% on the previous period") if delta > 0
            else _("down %(value)s%% on the previous period")) % {"value": value}


def compare(report, keys):
    """{figure key: [Change]} of `keys` in the report: 同比 first, then 环比, each where it exists."""
    earlier = [(YEAR_ON_YEAR, year_before(report.period)), (PERIOD_ON_PERIOD, period_before(report.period))]
    now = {v.figure.key: v for v in report.values if v.figure.key in keys}
    out = {key: [] for key in now}
    for basis, period in earlier:
        if period is None:
            continue
        before = {v.figure.key: v.value for v in compute_all(period, report.scope, keys=set(now)).values}
        for key, value in now.items():
            found = change(basis, value.figure.unit, value.value, before.get(key))
            if found is not None:
                out[key].append(found)
    return out
