"""Figures of the industry (the registry as it stands), investment attraction (chains.services.lead_counts)
and party building (coordination.metrics)."""

import hashlib

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from chainserve.chains.choices import LeadStage
from chainserve.chains.models import Lead, LeadEvent
from chainserve.chains.services import lead_counts
from chainserve.coordination.choices import CoverageKind
from chainserve.coordination.metrics import Enterprises, coverage_rates, pairing_counts
from chainserve.coordination.models import Coverage, InstructorAssignment, Pairing, current_on
from chainserve.registry.choices import DrugClass, ListingStatus, OrgKind, Phase
from chainserve.registry.models import Organization, Product, RegistryStamp

from ..models import IndustryScale
from .base import COUNT, FEN, PERCENT, figure

CLASS_1 = (DrugClass.CHEM_1, DrugClass.BIO_1, DrugClass.TCM_1)
CLINICAL_PHASES = (Phase.PHASE_1, Phase.PHASE_2, Phase.PHASE_3, Phase.NDA)


# ---------------------------------------------------------------- industry (the registry, as it stands)

def enterprises(period, scope, item=None):
    return scope.organizations().filter(kind=OrgKind.ENTERPRISE)


def _labelled(slug):
    """Carrying the label, as a condition for the enterprises of a scope (None: any scope, the records' list).
    Over a chain's enterprises a correlated EXISTS: one index probe per enterprise. Over a district or the city
    `pk IN (…)`, which PostgreSQL hashes once for the whole aggregate — but it hashes every enterprise of the city
    with the label (276,417 for 高新技术企业 at a province's size): 0.15–0.4 s even for a chain of 254 enterprises,
    1–9 ms with EXISTS (0.7–0.8 s either way for 50,000); for the city's 920,329 EXISTS is the slower (issue 21)."""
    rows = Organization.labels.through.objects.filter(label__slug=slug)

    def condition(scope=None):
        if scope is not None and scope.chain is not None:
            return Q(Exists(rows.filter(organization_id=OuterRef("pk"))))
        return Q(pk__in=rows.values("organization_id"))
    return condition


def _condition(condition, scope=None):
    return condition(scope) if callable(condition) else condition


# figure key -> the condition on an enterprise it counts (None: every one; a label's: a function of the scope)
ENTERPRISE_CONDITIONS = {}


COUNTS_CACHED_FOR = 3600  # seconds; a change of the registry ends it sooner (RegistryStamp)


def _enterprise_counts(period, scope):
    """Every enterprise figure in one query over the enterprises in scope, computed once and shared — and kept in
    Django's cache under the registry's stamp (RegistryStamp: a new one after every change of a profile), for the
    chain, the district and the organisations the viewer sees (_seen: all of them, a region's subtree, one's own).
    The registry as it stands does not depend on the period. Why cached: at a province's size (920,329 enterprises)
    the query reads every enterprise with two label tests, 0.6–1.4 s on each view of the dashboard (issue 21)."""
    def count():
        return enterprises(period, scope).aggregate(
            **{key: Count("pk", filter=_condition(condition, scope)) for key, condition in ENTERPRISE_CONDITIONS.items()})

    def cached():
        key = ":".join(["reports", "enterprise-counts", RegistryStamp.current(),
                        str(scope.chain.pk if scope.chain else ""), str(scope.district.pk if scope.district else ""),
                        ",".join(ENTERPRISE_CONDITIONS), _seen(scope)])
        return cache.get_or_set(key, count, COUNTS_CACHED_FOR)

    return scope.memo("enterprise_counts", cached)


def _seen(scope):
    """Which organisations the viewer sees, for a cache key: "" for all of them, else a digest of the SQL of the
    viewer's restriction — a region's staff their subtree (its path), an enterprise itself (its id) — so viewers who
    see the same organisations share the figures, and no viewer ever reads those of a viewer who sees others.
    A city's chain office otherwise counted its 50,000 placed enterprises on every view (0.9 s, issue 20)."""
    query = scope.visible(Organization).query
    return hashlib.sha256(str(query).encode()).hexdigest()[:24] if query.where else ""


def _enterprise_figure(key, label, condition=None):
    ENTERPRISE_CONDITIONS[key] = condition

    def records(period, scope, item=None):
        qs = enterprises(period, scope)
        return qs if condition is None else qs.filter(_condition(condition))

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
    """The enterprises the party-building figures divide by, counted once for all of them — and their number kept
    in the cache under the registry's stamp, as the enterprise figures are: for a city's chain of 50,000 placed
    enterprises among a province's two million the count takes 0.75–0.83 s (issue 20)."""
    def make():
        firms = Enterprises(scope.chain, scope.district)
        key = ":".join(["reports", "party-enterprises", RegistryStamp.current(),
                        str(scope.chain.pk if scope.chain else ""), str(scope.district.pk if scope.district else "")])
        firms.total = cache.get_or_set(key, firms.ids.count, COUNTS_CACHED_FOR)  # in place of its cached_property
        return firms
    return scope.memo("party_enterprises", make)


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


