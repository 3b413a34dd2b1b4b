"""The registry of bulletin figures: units, the period and scope a figure is computed for, and `figure()`,
which registers one (see the package's docstring)."""

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from chainserve.chains.models import Chain, Placement
from chainserve.core.models import Region
from chainserve.core.money import FEN_PER_YI, format_amount
from chainserve.registry.models import Organization

COUNT, PERCENT, DAYS, FEN = "count", "percent", "days", "fen"
# The unit of a value in a workbook's number column: amounts go there as numbers of 亿元 (display() writes them
# whole: 68.2亿元, CNY 6.82 billion).
UNIT_LABELS = {COUNT: "", PERCENT: "%", DAYS: _("working days"), FEN: _("CNY 100 million")}
GROUPS = {"coordination": _("Coordination"), "demands": _("Demands"), "agreements": _("Agreements"),
          "investment": _("Investment attraction"), "party": _("Party building"), "industry": _("Industry")}


# ---------------------------------------------------------------- period and scope

@dataclass(frozen=True)
class Period:
    """Dates from start to end, both included, in the platform's time zone."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, year):
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def quarter(cls, year, quarter):
        first = 3 * (quarter - 1) + 1
        return cls(datetime.date(year, first, 1), datetime.date(year, first + 2, calendar.monthrange(year, first + 2)[1]))

    @classmethod
    def month(cls, year, month):
        return cls(datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1]))

    @property
    def label(self):
        s, e = self.start, self.end
        if s == Period.year(s.year).start and e == Period.year(s.year).end:
            return _("%(year)s") % {"year": s.year}
        if s.day == 1 and s.month % 3 == 1 and e == Period.quarter(s.year, s.month // 3 + 1).end:
            return _("Q%(quarter)s %(year)s") % {"quarter": s.month // 3 + 1, "year": s.year}
        if s.day == 1 and e == Period.month(s.year, s.month).end:
            return _("%(month)s/%(year)s") % {"month": s.month, "year": s.year}
        return _("%(start)s to %(end)s") % {"start": s.isoformat(), "end": e.isoformat()}

    @property
    def since(self):
        """The first instant of the period (for date-time fields: compared as instants, on their index)."""
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def until(self):
        """The first instant after the period."""
        return timezone.make_aware(datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min))

    def months(self):
        """The calendar months of the period, each cut to the period."""
        out, day = [], self.start
        while day <= self.end:
            month = Period.month(day.year, day.month)
            out.append(Period(max(month.start, self.start), min(month.end, self.end)))
            day = month.end + datetime.timedelta(days=1)
        return out


@dataclass
class Scope:
    """Whose records: a chain, a region and the regions below it (`district`: of the enterprise, or of the chain),
    or all — seen as `user` (None: everything, for the command line), so never past the user's region subtree
    (restrict). `cache` keeps one aggregate shared by several
    figures for one computation."""

    user: object = None
    chain: Chain | None = None
    district: Region | None = None
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    def visible(self, model):
        return model.objects.all() if self.user is None else model.objects.restrict(self.user, "view")

    def on_chains(self, qs, prefix="", district=None):
        """qs narrowed by chain through `<prefix>chain`, and by district through `district` (default: the
        chain's district)."""
        if self.chain is not None:
            qs = qs.filter(**{f"{prefix}chain": self.chain})
        if self.district is not None:  # the region and the regions below it
            qs = qs.filter(**{f"{district or prefix + 'chain__region'}__path__startswith": self.district.path})
        return qs

    def organizations(self):
        """Organisations in scope: placed on the chain, in the district."""
        qs = self.visible(Organization)
        if self.chain is not None:
            qs = qs.filter(pk__in=Placement.objects.filter(chain=self.chain).values("organization_id"))
        if self.district is not None:
            qs = qs.filter(district__path__startswith=self.district.path)
        return qs

    def params(self):
        return {k: v for k, v in (("chain", self.chain.pk if self.chain else ""),
                                  ("district", self.district.pk if self.district else "")) if v}

    def memo(self, key, make):
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]


# ---------------------------------------------------------------- the registry

@dataclass
class Figure:
    key: str
    group: str
    label: object
    unit: str
    compute: Callable  # (period, scope) -> value; a breakdown returns {item key: value}
    records: Callable  # (period, scope, item) -> queryset of the records behind the figure
    items: Callable | None = None  # (period, scope) -> [(item key, label)] for a breakdown
    note: Callable | None = None  # (period, scope) -> text shown beside the value (e.g. its source)

    def records_url(self, period, scope, item=None):
        return records_url(self.key, period, scope.params(), item)


def records_url(key, period, params, item=None):
    """The page of the records behind figure `key` (or one item of a breakdown) for the period and the scope's
    query parameters (Scope.params())."""
    query = {"start": period.start.isoformat(), "end": period.end.isoformat(), **params}
    if item is not None:
        query["item"] = item
    return f"{reverse('reports:records', args=[key])}?{urlencode(query)}"


FIGURES: dict[str, Figure] = {}


def figure(key, group, label, unit=COUNT, *, records, items=None, note=None):
    """Register the decorated compute(period, scope) as figure `key`."""
    def register(compute):
        FIGURES[key] = Figure(key, group, label, unit, compute, records, items, note)
        return compute
    return register


def yi(fen):
    """An amount in fen as 亿元, to two decimals at most (68.2)."""
    value = (Decimal(fen or 0) / FEN_PER_YI).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


def display(unit, value):
    if value is None:
        return "—"
    if unit == PERCENT:
        return f"{value:.1f}%"
    if unit == DAYS:
        return f"{value:.1f}"
    if unit == FEN:
        return format_amount(value, in_yi=True)
    return str(value)


