"""Figures of coordination: joint meetings and activities held, visits to enterprises, agreements signed."""

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from chainserve.coordination.choices import ActivityKind, ActivityStatus, AgreementKind, MeetingStatus
from chainserve.coordination.models import Activity, Agreement, Meeting, Visit

from .base import COUNT, FEN, figure


def meetings(period, scope, item=None):
    qs = scope.visible(Meeting).filter(status=MeetingStatus.HELD, starts_at__gte=period.since,
                                       starts_at__lt=period.until)
    return scope.on_chains(qs)


def activities(period, scope, item=None):
    qs = scope.visible(Activity).filter(status=ActivityStatus.HELD, starts_at__gte=period.since,
                                        starts_at__lt=period.until)
    qs = scope.on_chains(qs)
    return qs if item is None else qs.filter(kind=item)


def visits(period, scope, item=None):
    """Visits — 走访 — to the enterprises in scope (placed on the chain, in the district) in the period."""
    qs = scope.visible(Visit).filter(visited_on__gte=period.start, visited_on__lte=period.end)
    if scope.chain is not None or scope.district is not None:
        qs = qs.filter(organization__in=scope.organizations().values("pk"))
    return qs


def agreements(kind):
    def records(period, scope, item=None):
        qs = scope.visible(Agreement).confirmed().filter(kind=kind, signed_on__gte=period.start,
                                                          signed_on__lte=period.end)
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


@figure("visits", "coordination", _("Visits to enterprises"), records=visits)
def visits_made(period, scope):
    return visits(period, scope).count()


def _agreement_totals(period, scope):
    def make():
        qs = scope.on_chains(scope.visible(Agreement).confirmed().filter(signed_on__gte=period.start,
                                                                         signed_on__lte=period.end))
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


