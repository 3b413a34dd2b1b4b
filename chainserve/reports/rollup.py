"""Figures rolled up the region tree — 逐级汇总 (issue 20, a first step): a region node's figures and each of its
children's, all computed by the same figures (compute_all) over a region's whole subtree (Scope.district), so a
node's counts are the sum of its children's plus what sits at the node itself, and its rates are computed over
the union of its children's records, never averaged."""

from dataclasses import dataclass

from chainserve.core.models import Region

from .figures import Scope, compute_all

# The figures counted over the enterprises of a region (their demands, their profiles): those a node adds up
# from its children. Rates (PERCENT, DAYS) are computed again over the union; the chain's own records (meetings,
# activities, agreements, leads) belong to the chain's region and are not listed here.
ADDITIVE = ("demands_received", "demands_resolved", "demands_unresolved", "demands_open", "enterprises", "listed",
            "reserve_listed", "hitech", "srdi")


@dataclass
class Rollup:
    region: object
    node: dict  # figure key → value, over the region's whole subtree
    children: list  # [(child region, {figure key → value})], by code

    def sum_of_children(self, key):
        return sum(values[key] or 0 for _child, values in self.children)


def values(report):
    return {v.figure.key: v.value for v in report.values}


def rollup(period, region, user=None, keys=None):
    """The figures of region and of each region directly below it, as user sees them (None: everything)."""
    children = list(region.children.order_by("code"))
    return Rollup(region, values(compute_all(period, Scope(user=user, district=region), keys)),
                  [(child, values(compute_all(period, Scope(user=user, district=child), keys))) for child in children])


# The figures the dashboard's and the bulletin's table of the regions below lists for each child region.
CHILD_FIGURES = ("demands_received", "demands_resolved", "response_rate", "resolution_rate", "satisfaction_rate")


def node_of(scope):
    """The region whose children a page lists: the scope's region, else the user's own, else None (the whole
    platform, whose children are the regions at the top)."""
    if scope.district is not None:
        return scope.district
    user = scope.user
    return user.region if user is not None and user.region_id else None


def children(period, scope, keys=CHILD_FIGURES):
    """[(child region, its Report)] for each region directly below the scope's node (node_of) that the user
    sees, by code: each computed by compute_all over the child's whole subtree (the scope's chain kept), so its
    rates are those of the union of its records, never an average."""
    node = node_of(scope)
    regions = node.children.all() if node is not None else Region.objects.filter(parent=None)
    if scope.user is not None:
        regions = regions.filter(pk__in=Region.objects.restrict(scope.user, "view").values("pk"))
    return [(child, compute_all(period, Scope(user=scope.user, chain=scope.chain, district=child), keys))
            for child in regions.order_by("code")]
