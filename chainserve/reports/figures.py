"""The figures of a bulletin — 简报指标: one function per figure, each linked to the records behind it.

A figure has a key, a label, a unit, `compute(period, scope)` → its value, and `records(period, scope, item)`
→ the queryset of the records it counts (the page behind `records_url`). The bulletin page, the dashboard,
the exports, the API and the command line all read the values from `compute_all`, so a figure is the same
number everywhere. Figures read the other apps through their models and public functions; demand figures
come from `chainserve.demands.metrics`.
"""

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext

from chainserve.chains.choices import LeadStage
from chainserve.chains.models import Chain, Lead, LeadEvent, Placement
from chainserve.chains.services import lead_counts
from chainserve.coordination.choices import ActivityKind, ActivityStatus, AgreementKind, CoverageKind, MeetingStatus
from chainserve.coordination.metrics import Enterprises, coverage_rates, pairing_counts
from chainserve.coordination.models import (
    Activity,
    Agreement,
    Coverage,
    InstructorAssignment,
    Meeting,
    Pairing,
    current_on,
)
from chainserve.core.money import FEN_PER_YI, format_amount
from chainserve.demands import metrics
from chainserve.demands.choices import OPEN_STATUSES, Status
from chainserve.demands.models import Demand
from chainserve.registry.choices import DrugClass, ListingStatus, OrgKind, Phase
from chainserve.registry.models import District, Organization, Product

from .models import IndustryScale

COUNT, PERCENT, DAYS, FEN = "count", "percent", "days", "fen"
# The unit of a value in a workbook's number column: amounts go there as numbers of 亿元 (display() writes them
# whole: 68.2亿元, CNY 6.82 billion).
UNIT_LABELS = {COUNT: "", PERCENT: "%", DAYS: _("working days"), FEN: _("CNY 100 million")}
GROUPS = {"coordination": _("Coordination"), "demands": _("Demands"), "agreements": _("Agreements"),
          "investment": _("Investment attraction"), "party": _("Party building"), "industry": _("Industry")}
CLASS_1 = (DrugClass.CHEM_1, DrugClass.BIO_1, DrugClass.TCM_1)
CLINICAL_PHASES = (Phase.PHASE_1, Phase.PHASE_2, Phase.PHASE_3, Phase.NDA)
NOT_RECEIVED = (Status.REJECTED, Status.MERGED)  # as metrics counts `received`


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
    """Whose records: a chain, a district (of the enterprise, or of a district-level chain), or the whole city;
    seen as `user` (None: everything, for the command line). `cache` keeps one aggregate shared by several
    figures for one computation."""

    user: object = None
    chain: Chain | None = None
    district: District | None = None
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    def visible(self, model):
        return model.objects.all() if self.user is None else model.objects.restrict(self.user, "view")

    def on_chains(self, qs, prefix="", district=None):
        """qs narrowed by chain through `<prefix>chain`, and by district through `district` (default: the
        chain's district)."""
        if self.chain is not None:
            qs = qs.filter(**{f"{prefix}chain": self.chain})
        if self.district is not None:
            qs = qs.filter(**{district or f"{prefix}chain__district": self.district})
        return qs

    def organizations(self):
        """Organisations in scope: placed on the chain, in the district."""
        qs = self.visible(Organization)
        if self.chain is not None:
            qs = qs.filter(pk__in=Placement.objects.filter(chain=self.chain).values("organization_id"))
        if self.district is not None:
            qs = qs.filter(district=self.district)
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
        query = {"start": period.start.isoformat(), "end": period.end.isoformat(), **scope.params()}
        if item is not None:
            query["item"] = item
        return f"{reverse('reports:records', args=[self.key])}?{urlencode(query)}"


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


# ---------------------------------------------------------------- coordination

def meetings(period, scope, item=None):
    qs = scope.visible(Meeting).filter(status=MeetingStatus.HELD, starts_at__gte=period.since,
                                       starts_at__lt=period.until)
    return scope.on_chains(qs)


def activities(period, scope, item=None):
    qs = scope.visible(Activity).filter(status=ActivityStatus.HELD, starts_at__gte=period.since,
                                        starts_at__lt=period.until)
    qs = scope.on_chains(qs)
    return qs if item is None else qs.filter(kind=item)


def agreements(kind):
    def records(period, scope, item=None):
        qs = scope.visible(Agreement).filter(kind=kind, signed_on__gte=period.start, signed_on__lte=period.end)
        return scope.on_chains(qs)
    return records


@figure("meetings_held", "coordination", _("Joint meetings held"), records=meetings)
def meetings_held(period, scope):
    return meetings(period, scope).count()


@figure("activities_held", "coordination", _("Joint activities held"), records=activities)
def activities_held(period, scope):
    return activities(period, scope).count()


def activity_kinds(period, scope):
    return list(ActivityKind.choices)


@figure("activities_by_kind", "coordination", _("Activities by kind"), records=activities, items=activity_kinds)
def activities_by_kind(period, scope):
    counts = dict(activities(period, scope).order_by().values_list("kind").annotate(n=Count("id")))
    return {kind: counts.get(kind, 0) for kind, _label in ActivityKind.choices}


def _agreement_totals(period, scope):
    def make():
        qs = scope.on_chains(scope.visible(Agreement).filter(signed_on__gte=period.start, signed_on__lte=period.end))
        rows = qs.order_by().values("kind").annotate(
            n=Count("id"), institutions=Count("institution", distinct=True), fen=Sum("amount_fen"))
        return {r["kind"]: r for r in rows}
    return scope.memo(("agreements", period), make)


AGREEMENT_LABELS = {
    AgreementKind.CREDIT: (_("Credit agreements signed"), _("Banks and investors granting credit"),
                           _("Credit granted")),
    AgreementKind.COOPERATION: (_("Cooperation agreements signed"), _("Cooperating institutions"),
                                _("Cooperation agreements, amount")),
    AgreementKind.INVESTMENT: (_("Investment intentions signed"), _("Investors signing intentions"),
                               _("Investment intended")),
}


def _agreement_figure(kind, measure, label, unit):
    def compute(period, scope):
        return (_agreement_totals(period, scope).get(kind) or {}).get(measure) or 0
    figure(f"agreements_{kind}_{measure}", "agreements", label, unit, records=agreements(kind))(compute)


for _kind, (_count, _institutions, _amount) in AGREEMENT_LABELS.items():
    _agreement_figure(_kind, "n", _count, COUNT)
    _agreement_figure(_kind, "institutions", _institutions, COUNT)
    _agreement_figure(_kind, "fen", _amount, FEN)


# ---------------------------------------------------------------- demands (from demands.metrics)

def demands(period, scope):
    """The demands received in the period and scope, as records (the figures come from metrics)."""
    qs = metrics.period_queryset(scope.visible(Demand), period.start, period.end)
    return scope.on_chains(qs, district="district")


def demand_filters(period, scope):
    """The arguments of demands.metrics for the period and scope."""
    return {"start": period.start, "end": period.end, "user": scope.user, "chain": scope.chain,
            "district": scope.district}


def _demand_totals(period, scope):
    return scope.memo(("demand_totals", period), lambda: metrics.totals(**demand_filters(period, scope)))


def _by_category(period, scope):
    return scope.memo(("demand_categories", period),
                      lambda: metrics.grouped("category", **demand_filters(period, scope)))


def demand_records(statuses=None, exclude=NOT_RECEIVED):
    def records(period, scope, item=None):
        qs = demands(period, scope).exclude(status__in=exclude)
        if statuses is not None:
            qs = qs.filter(status__in=statuses)
        return qs if item is None else qs.filter(category_id=item)
    return records


received = demand_records()


def _demand_figure(key, label, attr, unit=COUNT, records=received):
    def compute(period, scope):
        return getattr(_demand_totals(period, scope), attr)
    figure(key, "demands", label, unit, records=records)(compute)


_demand_figure("demands_received", _("Demands received"), "received")
_demand_figure("demands_resolved", _("Demands resolved"), "resolved", records=demand_records([Status.RESOLVED]))
_demand_figure("demands_unresolved", _("Demands closed, not solved"), "unresolved",
               records=demand_records([Status.UNRESOLVED]))
_demand_figure("demands_open", _("Demands open"), "open", records=demand_records(OPEN_STATUSES))
_demand_figure("response_rate", _("Response rate (响应率)"), "response_rate", PERCENT)
_demand_figure("resolution_rate", _("Resolution rate (解决率)"), "resolution_rate", PERCENT,
               records=demand_records([Status.RESOLVED, Status.UNRESOLVED]))
_demand_figure("satisfaction_rate", _("Satisfaction rate (满意率)"), "satisfaction_rate", PERCENT,
               records=lambda period, scope, item=None: received(period, scope, item).exclude(rating=""))
_demand_figure("avg_working_days", _("Average working days to resolve"), "avg_working_days", DAYS,
               records=demand_records([Status.RESOLVED]))


def categories(period, scope):
    return [(str(f.key), f.name) for f in _by_category(period, scope)]


def _category_figure(key, label, attr, records):
    def compute(period, scope):
        return {str(f.key): getattr(f, attr) for f in _by_category(period, scope)}
    figure(key, "demands", label, records=records, items=categories)(compute)


_category_figure("demands_received_by_category", _("Demands received by category"), "received", received)
_category_figure("demands_resolved_by_category", _("Demands resolved by category"), "resolved",
                 demand_records([Status.RESOLVED]))


# ---------------------------------------------------------------- industry (the registry, as it stands)

def enterprises(period, scope, item=None):
    return scope.organizations().filter(kind=OrgKind.ENTERPRISE)


def _labelled(slug):
    """Carrying the label: `pk IN (…)`, which PostgreSQL hashes once for the whole aggregate."""
    return Q(pk__in=Organization.labels.through.objects.filter(label__slug=slug).values("organization_id"))


ENTERPRISE_CONDITIONS = {}  # figure key -> the condition on an enterprise it counts (None: every one)


def _enterprise_counts(period, scope):
    """Every enterprise figure in one query over the enterprises in scope, computed once and shared."""
    return scope.memo("enterprise_counts", lambda: enterprises(period, scope).aggregate(
        **{key: Count("pk", filter=condition) for key, condition in ENTERPRISE_CONDITIONS.items()}))


def _enterprise_figure(key, label, condition=None):
    ENTERPRISE_CONDITIONS[key] = condition

    def records(period, scope, item=None):
        qs = enterprises(period, scope)
        return qs if condition is None else qs.filter(condition)

    def compute(period, scope):
        return _enterprise_counts(period, scope)[key]
    figure(key, "industry", label, records=records)(compute)


_enterprise_figure("enterprises", _("Enterprises"))
_enterprise_figure("listed", _("Listed enterprises"), Q(listing_status=ListingStatus.LISTED))
_enterprise_figure("reserve_listed", _("Reserve-listed enterprises"), Q(listing_status=ListingStatus.RESERVE))
_enterprise_figure("hitech", _("High-tech enterprises (高新技术企业)"), _labelled("hitech"))
_enterprise_figure("srdi", _("Specialised and innovative SMEs (专精特新)"), _labelled("srdi"))


def class1_drugs(period, scope, item=None):
    return Product.objects.filter(organization__in=enterprises(period, scope).values("pk"), drug_class__in=CLASS_1,
                                  phase=Phase.APPROVED, approved_on__gte=period.start, approved_on__lte=period.end)


@figure("class1_drugs_approved", "industry", _("Class-1 new drugs approved"), records=class1_drugs)
def class1_drugs_approved(period, scope):
    return class1_drugs(period, scope).count()


def pipeline(period, scope, item=None):
    qs = Product.objects.filter(organization__in=enterprises(period, scope).values("pk"), phase__in=CLINICAL_PHASES)
    return qs if item is None else qs.filter(phase=item)


def clinical_phases(period, scope):
    return [(p.value, p.label) for p in CLINICAL_PHASES]


@figure("products_by_phase", "industry", _("Products in clinical development, by phase"), records=pipeline,
        items=clinical_phases)
def products_by_phase(period, scope):
    counts = dict(pipeline(period, scope).order_by().values_list("phase").annotate(n=Count("id")))
    return {p.value: counts.get(p.value, 0) for p in CLINICAL_PHASES}


def scale_records(period, scope, item=None):
    """The staff's entry for the chain (or the whole city) and the period's last year; none is kept for a
    district alone."""
    qs = scope.visible(IndustryScale).filter(year=period.end.year)
    if scope.chain is not None:
        return qs.filter(chain=scope.chain)
    return qs.none() if scope.district is not None else qs.filter(chain__isnull=True)


def scale_source(period, scope):
    entry = scale_records(period, scope).first()
    return entry.source if entry else ""


@figure("industry_scale", "industry", _("Industry scale"), FEN, records=scale_records, note=scale_source)
def industry_scale(period, scope):
    entry = scale_records(period, scope).first()
    return entry.amount_fen if entry else None


# ---------------------------------------------------------------- investment leads (chains.services.lead_counts)

def _leads(period, scope):
    return scope.memo(("leads", period), lambda: lead_counts(scope.chain, period.start, period.end))


def lead_records(stage):
    def records(period, scope, item=None):
        if scope.district is not None:
            return scope.visible(Lead).none()
        events = LeadEvent.objects.filter(to_stage=stage, at__date__gte=period.start, at__date__lte=period.end)
        if scope.chain is not None:
            events = events.filter(chain=scope.chain)
        return scope.visible(Lead).filter(pk__in=events.values("lead_id"))
    return records


def _lead_figure(key, label, measure, unit, stage):
    def compute(period, scope):
        if scope.district is not None:  # leads are kept per chain, not per district
            return None
        value = _leads(period, scope)[measure]
        return value * 100 if unit == FEN else value  # lead amounts are in 元
    figure(key, "investment", label, unit, records=lead_records(stage))(compute)


_lead_figure("leads_signed", _("Investment intentions signed (leads)"), "signed", COUNT, LeadStage.SIGNED)
_lead_figure("leads_landed", _("Investment projects landed"), "landed", COUNT, LeadStage.LANDED)
_lead_figure("leads_landed_amount", _("Investment landed, amount"), "landed_amount", FEN, LeadStage.LANDED)


# ---------------------------------------------------------------- party building (coordination.metrics)

def _enterprises(scope):
    """The enterprises the party-building figures divide by, counted once for all of them."""
    return scope.memo("party_enterprises", lambda: Enterprises(scope.chain, scope.district))


def _pairing(period, scope):
    return scope.memo(("pairings", period), lambda: pairing_counts(on=period.end, firms=_enterprises(scope)))


def _coverage(period, scope):
    return scope.memo(("coverage", period), lambda: coverage_rates(on=period.end, firms=_enterprises(scope)))


def current(model, **lookup):
    """Records of model current on the period's last day, of the enterprises in scope."""
    def records(period, scope, item=None):
        return scope.visible(model).filter(current_on(period.end), enterprise__in=_enterprises(scope).ids, **lookup)
    return records


def _party_figure(key, label, get, records, unit=COUNT):
    figure(key, "party", label, unit, records=records)(get)


_party_figure("pairings", _("\"1+1\" pairings of agency and enterprise party branches"),
              lambda period, scope: _pairing(period, scope)["pairings"], current(Pairing))
_party_figure("agency_branches", _("Agency party branches pairing"),
              lambda period, scope: _pairing(period, scope)["agency_branches"], current(Pairing))
_party_figure("instructors", _("Party-building instructors"),
              lambda period, scope: _pairing(period, scope)["instructors"]["all"], current(InstructorAssignment))


def _percent(rate):
    return None if rate is None else float(rate * 100)


COVERAGE_LABELS = {
    CoverageKind.PARTY_ORG: _("Party organisation coverage"),
    CoverageKind.PARTY_WORK: _("Party work coverage"),
    "two_coverages": _("Both coverages (两个覆盖)"),
    CoverageKind.UNION: _("Trade unions set up"),
    CoverageKind.YOUTH_LEAGUE: _("Youth league set up"),
}
for _key, _label in COVERAGE_LABELS.items():
    _kinds = [CoverageKind.PARTY_ORG, CoverageKind.PARTY_WORK] if _key == "two_coverages" else [_key]
    _party_figure(f"coverage_{_key}", _label,
                  lambda period, scope, k=_key: _percent(_coverage(period, scope)[k]["rate"]),
                  current(Coverage, kind__in=_kinds), PERCENT)


# ---------------------------------------------------------------- the bulletin

@dataclass
class Value:
    figure: Figure
    value: object
    note: str = ""
    items: list = field(default_factory=list)  # [(item key, label, value)] of a breakdown

    @property
    def display(self):
        return display(self.figure.unit, self.value) if self.figure.items is None else ""

    def item_display(self, value):
        return display(self.figure.unit, value)


@dataclass
class Report:
    period: Period
    scope: Scope
    computed_at: datetime.datetime
    values: list[Value]

    def value(self, key):
        return next(v.value for v in self.values if v.figure.key == key)

    @property
    def summary(self):
        return summary(self)

    def groups(self):
        """[(group label, [values])] in the registry's order."""
        return [(label, [v for v in self.values if v.figure.group == g]) for g, label in GROUPS.items()]

    def as_dict(self):
        scope = self.scope
        return {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat(),
                       "label": str(self.period.label)},
            "scope": {"chain": scope.chain.pk if scope.chain else None, "chain_name": str(scope.chain or ""),
                      "district": scope.district.pk if scope.district else None,
                      "district_name": str(scope.district or "")},
            "computed_at": self.computed_at.isoformat(),
            "summary": self.summary,
            "figures": [{"key": v.figure.key, "group": v.figure.group, "label": str(v.figure.label),
                         "unit": v.figure.unit, "value": v.value, "display": v.display, "note": v.note,
                         "items": [{"key": k, "label": str(label), "value": n} for k, label, n in v.items]}
                        for v in self.values],
        }


def compute_all(period, scope, keys=None) -> Report:
    """Every figure (or those of `keys`) for the period and scope, in the registry's order."""
    computed_at = timezone.now()
    values = []
    for key, fig in FIGURES.items():
        if keys is not None and key not in keys:
            continue
        value = fig.compute(period, scope)
        note = fig.note(period, scope) if fig.note else ""
        items = [(k, label, value.get(k, 0)) for k, label in fig.items(period, scope)] if fig.items else []
        values.append(Value(fig, value, note, items))
    return Report(period, scope, computed_at, values)


# The sentence of a bulletin, as the reports print it: (figure, template); parts whose figure is not computed
# are left out. A count takes its plural form from the value ("Held 1 joint meeting").
SUMMARY = [
    ("meetings_held", ngettext_lazy("held %(value)s joint meeting", "held %(value)s joint meetings", "count")),
    ("activities_held", ngettext_lazy("held %(value)s joint activity", "held %(value)s joint activities", "count")),
    ("demands_resolved", ngettext_lazy("coordinated and resolved %(value)s demand",
                                       "coordinated and resolved %(value)s demands", "count")),
    ("agreements_credit_fen", _("signed credit agreements of %(value)s")),
]


def summary(report):
    values = {v.figure.key: v for v in report.values}
    parts = [template % {"value": values[key].display, "count": values[key].value or 0}
             for key, template in SUMMARY if key in values]
    if not parts:
        return ""
    text = pgettext("list separator", ", ").join(parts) + pgettext("sentence end", ".")
    return text[0].upper() + text[1:]
