"""Figures of coordination work that reports read: coverage rates, pairing counts, agreement totals by
institution, one function each.

Both take the same filters: `chain` (enterprises placed on that chain), `district` (enterprises registered
in that district) and `on` (the date the figures hold on; today by default), or instead of chain and district
`firms`, the Enterprises a caller computing both keeps, so that they are counted once. Rates are Decimals
between 0 and 1, rounded half up to four places, and None when there is no enterprise to divide by."""

from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Count, Q, Sum
from django.utils import timezone

from chainserve.chains.models import Placement
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Organization

from .choices import CoverageKind, InstructorKind
from .models import Agreement, Coverage, InstructorAssignment, Pairing, current_on


def enterprises(chain=None, district=None):
    """The enterprises the figures are about."""
    qs = Organization.objects.filter(kind=OrgKind.ENTERPRISE)
    if chain is not None:
        qs = qs.filter(pk__in=Placement.objects.filter(chain=chain).values("organization_id"))
    if district is not None:
        qs = qs.filter(district__path__startswith=district.path)  # the region and the regions below it
    return qs


class Enterprises:
    """The enterprises the figures are about (a subquery of their ids) and how many they are, counted once
    however many figures divide by them."""

    def __init__(self, chain=None, district=None):
        self.ids = enterprises(chain, district).values("pk")

    @cached_property
    def total(self):
        return self.ids.count()


def rate(part, whole):
    if not whole:
        return None
    return (Decimal(part) / whole).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def coverage_rates(chain=None, district=None, on=None, firms=None):
    """{"enterprises": N, "<kind>": {"count": n, "rate": n / N}, …} for every coverage kind (party_org,
    party_work, union, youth_league): enterprises with that coverage set up on or before `on` and not ended
    before it; "two_coverages" counts those with both the party organisation and party work."""
    on = on or timezone.localdate()
    firms = firms or Enterprises(chain, district)
    total = firms.total
    current = Coverage.objects.filter(current_on(on), enterprise__in=firms.ids)
    counts = dict(current.values_list("kind").annotate(n=Count("enterprise_id", distinct=True)))
    both = current.filter(kind__in=[CoverageKind.PARTY_ORG, CoverageKind.PARTY_WORK]).values(
        "enterprise_id").annotate(k=Count("kind", distinct=True)).filter(k=2).count()
    figures = {"enterprises": total, "on": on}
    for kind in CoverageKind.values:
        figures[kind] = {"count": counts.get(kind, 0), "rate": rate(counts.get(kind, 0), total)}
    figures["two_coverages"] = {"count": both, "rate": rate(both, total)}
    return figures


def pairing_counts(chain=None, district=None, on=None, firms=None):
    """Pairings and instructors current on `on` for the enterprises: {"pairings": n, "paired_enterprises": n,
    "agency_branches": n, "instructors": {"full": n, "part": n, "all": n}, "enterprises_with_instructor": n,
    "enterprises": N, "paired_rate": …, "instructor_rate": …}."""
    on = on or timezone.localdate()
    firms = firms or Enterprises(chain, district)
    total = firms.total
    pairings = Pairing.objects.filter(current_on(on), enterprise__in=firms.ids).aggregate(
        pairings=Count("pk"), paired=Count("enterprise_id", distinct=True),
        agencies=Count("agency_branch_id", distinct=True))
    instructors = InstructorAssignment.objects.filter(current_on(on), enterprise__in=firms.ids)
    people = instructors.aggregate(
        full=Count("pk", filter=Q(kind=InstructorKind.FULL_TIME)),
        part=Count("pk", filter=Q(kind=InstructorKind.PART_TIME)),
        firms=Count("enterprise_id", distinct=True))
    return {
        "on": on,
        "enterprises": total,
        "pairings": pairings["pairings"],
        "paired_enterprises": pairings["paired"],
        "agency_branches": pairings["agencies"],
        "paired_rate": rate(pairings["paired"], total),
        "instructors": {"full": people["full"], "part": people["part"], "all": people["full"] + people["part"]},
        "enterprises_with_instructor": people["firms"],
        "instructor_rate": rate(people["firms"], total),
    }


def agreement_totals(agreements=None, chain=None, start=None, end=None, kind=None):
    """Agreements by institution: [{"institution_id", "institution": name, "count", "amount_fen"}], the largest
    total first. `agreements` is the queryset to count (all by default; a page passes the user's scope);
    start and end bound the signing date (both included); kind is an AgreementKind."""
    qs = (Agreement.objects.all() if agreements is None else agreements).confirmed()
    if chain is not None:
        qs = qs.filter(chain=chain)
    if start is not None:
        qs = qs.filter(signed_on__gte=start)
    if end is not None:
        qs = qs.filter(signed_on__lte=end)
    if kind:
        qs = qs.filter(kind=kind)
    rows = list(qs.order_by().values("institution_id").annotate(count=Count("pk"), amount_fen=Sum("amount_fen")))
    names = dict(Organization.objects.filter(pk__in=[r["institution_id"] for r in rows]).values_list("pk", "name"))
    result = [{"institution_id": r["institution_id"], "institution": names.get(r["institution_id"], ""),
               "count": r["count"], "amount_fen": r["amount_fen"] or 0} for r in rows]
    return sorted(result, key=lambda r: (-r["amount_fen"], -r["count"], r["institution"]))
