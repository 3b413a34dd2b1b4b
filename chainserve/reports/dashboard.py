"""The chain leader's dashboard — 链长驾驶舱: the data of its charts, from the figures and demands.metrics."""

from django.db.models import Count

from chainserve.chains.models import Segment
from chainserve.chains.services import segment_stats
from chainserve.core.money import format_amount
from chainserve.demands import metrics
from chainserve.demands.choices import OPEN_STATUSES

from .figures import activities, agreements, category_figures, demand_filters, demands, meetings, yi

TIMELINE_LIMIT = 300


def monthly(period, scope):
    """Per month of the period: demands received and resolved (metrics.totals), meetings and activities held."""
    months = period.months()
    totals = [metrics.totals(**demand_filters(m, scope)) for m in months]
    return {
        "labels": [m.start.strftime("%Y-%m") for m in months],
        "received": [t.received for t in totals],
        "resolved": [t.resolved for t in totals],
        "meetings": [meetings(m, scope).count() for m in months],
        "activities": [activities(m, scope).count() for m in months],
    }


def by_category(period, scope):
    rows = category_figures(period, scope)
    return {"names": [f.name for f in rows], "resolved": [f.resolved for f in rows],
            "unresolved": [f.unresolved for f in rows], "open": [f.open for f in rows]}


def by_department(period, scope):
    rows = [f for f in metrics.grouped("department", **demand_filters(period, scope)) if f.key is not None]
    ranking = metrics.department_ranking(figures=rows)
    overdue = sorted((f for f in rows if f.overdue), key=lambda f: (-f.overdue, f.name))
    return {
        "overdue": {"names": [f.name for f in overdue], "values": [f.overdue for f in overdue]},
        "ranking": {"names": [f.name for f in ranking], "response": [f.response_rate for f in ranking],
                    "resolution": [f.resolution_rate for f in ranking],
                    "satisfaction": [f.satisfaction_rate for f in ranking]},
    }


def chain_map(period, scope):
    """The chain's segments sized by their enterprises and coloured by the open demands of those enterprises."""
    chain = scope.chain
    if chain is None:
        return None
    stats = segment_stats(chain)
    open_qs = demands(period, scope).filter(status__in=OPEN_STATUSES, organization__placements__chain=chain)
    open_by = dict(open_qs.order_by().values_list("organization__placements__segment_id").annotate(n=Count("id")))
    segments = list(Segment.objects.filter(chain=chain).order_by("stage", "position", "pk"))
    children = {}
    for seg in segments:
        children.setdefault(seg.parent_id, []).append(seg)

    def node(seg):
        kids = [node(c) for c in children.get(seg.pk, [])]
        own = stats[seg.pk].count if seg.pk in stats else 0
        count = own + sum(k["count"] for k in kids)
        demands_open = open_by.get(seg.pk, 0) + sum(k["open"] for k in kids)
        out = {"name": seg.name, "id": seg.pk, "count": count, "open": demands_open,
               "value": [max(count, 1), demands_open]}
        if kids:
            out["children"] = kids
        return out

    return {"name": chain.name, "children": [node(s) for s in children.get(None, [])]}


def timeline(period, scope):
    acts = activities(period, scope).order_by("starts_at")[:TIMELINE_LIMIT]
    deals = []
    for kind in ("credit", "cooperation", "investment"):
        deals += list(agreements(kind)(period, scope).select_related("enterprise")
                      .order_by("signed_on")[:TIMELINE_LIMIT])
    return {
        "activities": [{"date": a.starts_at.date().isoformat(), "name": a.title, "kind": a.get_kind_display(),
                        "url": a.get_absolute_url()} for a in acts],
        "agreements": [{"date": d.signed_on.isoformat(), "name": d.title, "kind": d.get_kind_display(),
                        "amount": float(yi(d.amount_fen)), "amount_text": format_amount(d.amount_fen) if d.amount_fen else "",
                        "url": d.get_absolute_url()} for d in deals],
    }


def dashboard_data(period, scope):
    return {"monthly": monthly(period, scope), "categories": by_category(period, scope),
            "departments": by_department(period, scope), "chain_map": chain_map(period, scope),
            "timeline": timeline(period, scope)}
