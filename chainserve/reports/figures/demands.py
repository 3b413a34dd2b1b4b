"""Figures of demands, read from `chainserve.demands.metrics`."""

from django.utils.translation import gettext_lazy as _

from chainserve.demands import metrics
from chainserve.demands.choices import OPEN_STATUSES, Status
from chainserve.demands.models import Demand

from .base import COUNT, DAYS, PERCENT, figure

NOT_RECEIVED = (Status.REJECTED, Status.MERGED, Status.WITHDRAWN)  # as metrics counts `received`


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


def category_figures(period, scope):
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
    return [(str(f.key), f.name) for f in category_figures(period, scope)]


def _category_figure(key, label, attr, records):
    def compute(period, scope):
        return {str(f.key): getattr(f, attr) for f in category_figures(period, scope)}
    figure(key, "demands", label, records=records, items=categories)(compute)


_category_figure("demands_received_by_category", _("Demands received by category"), "received", received)
_category_figure("demands_resolved_by_category", _("Demands resolved by category"), "resolved",
                 demand_records([Status.RESOLVED]))


