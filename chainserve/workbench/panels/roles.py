"""Which panels each role's workbench shows (the enterprise's home is the portal's: portal.panels)."""

from django.core.cache import cache
from django.db.models import Count as Counted
from django.utils.translation import gettext as _

from chainserve.chains.models import Chain, Placement
from chainserve.core.choices import Role
from chainserve.core.panels import Panel, url
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import RegistryStamp

from .demands import handler, office
from .partner import partner
from .specialist import specialist


def leader(user, now):
    """The platform admin (and a chain leader's staff): the office's desk city-wide, and the dashboard."""
    return [Panel("links", _("Dashboard"), rows=[
        (_("Chain leader's dashboard"), url("reports:dashboard")), (_("Demand metrics"), url("demands:metrics")),
        (_("Bulletin"), url("reports:bulletin-live"))]), *office(user, now)]


COUNTS_CACHED_FOR = 3600  # seconds; a change of a placement or a profile ends it sooner (RegistryStamp)


def enterprise_counts(chain_ids):
    """{chain id: enterprises placed on it}, kept in Django's cache under the registry's stamp (a new one after
    every change of a placement or an organisation's profile). Why cached: a chain of 50,000 placements reads
    each placed organisation for its kind — 0.2–0.9 s on every view of an office's workbench at a province's size."""
    def count():
        rows = Placement.objects.filter(chain_id__in=chain_ids, organization__kind=OrgKind.ENTERPRISE).values(
            "chain_id").annotate(n=Counted("organization_id", distinct=True))
        return {row["chain_id"]: row["n"] for row in rows}

    key = f"workbench:chain-enterprises:{RegistryStamp.current()}:{','.join(map(str, sorted(chain_ids)))}"
    return cache.get_or_set(key, count, COUNTS_CACHED_FOR)


def chains(user):
    """The chains the office staffs, each with its enterprises and its map and gaps one click away."""
    rows = list(Chain.objects.restrict(user).order_by("name"))
    counts = enterprise_counts([c.pk for c in rows])
    for chain in rows:
        chain.enterprises = counts.get(chain.pk, 0)
    return Panel("chains", _("Our chains"), rows=rows, more=url("chains:chains"))


def chain_office(user, now):
    return [*office(user, now), chains(user)]


PANELS = {Role.ADMIN: leader, Role.OFFICE: chain_office, Role.HANDLER: handler, Role.SPECIALIST: specialist,
          Role.PARTNER: partner}


def panels_for(user, now):
    """The panels of user's workbench; [] for a role without one."""
    build = PANELS.get(user.role)
    return build(user, now) if build and (user.organization_id or user.role in (Role.ADMIN, Role.OFFICE)) else []
