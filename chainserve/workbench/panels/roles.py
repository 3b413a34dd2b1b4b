"""Which panels each role's workbench shows (the enterprise's home is the portal's: portal.panels)."""

from django.db.models import Count as Counted
from django.db.models import Q
from django.utils.translation import gettext as _

from chainserve.chains.models import Chain
from chainserve.core.choices import Role
from chainserve.core.panels import Panel, url
from chainserve.registry.choices import OrgKind

from .demands import handler, office
from .partner import partner
from .specialist import specialist


def leader(user, now):
    """The platform admin (and a chain leader's staff): the office's desk city-wide, and the dashboard."""
    return [Panel("links", _("Dashboard"), rows=[
        (_("Chain leader's dashboard"), url("reports:dashboard")), (_("Demand metrics"), url("demands:metrics")),
        (_("Bulletin"), url("reports:bulletin-live"))]), *office(user, now)]


def chains(user):
    """The chains the office staffs (not those it oversees in the regions below), each with its enterprises and
    its map and gaps one click away."""
    rows = Chain.objects.restrict(user, "change").annotate(enterprises=Counted(
        "placements__organization", filter=Q(placements__organization__kind=OrgKind.ENTERPRISE), distinct=True))
    return Panel("chains", _("Our chains"), rows=list(rows.order_by("name")), more=url("chains:chains"))


def chain_office(user, now):
    return [*office(user, now), chains(user)]


PANELS = {Role.ADMIN: leader, Role.OFFICE: chain_office, Role.HANDLER: handler, Role.SPECIALIST: specialist,
          Role.PARTNER: partner}


def panels_for(user, now):
    """The panels of user's workbench; [] for a role without one."""
    build = PANELS.get(user.role)
    return build(user, now) if build and (user.organization_id or user.role in (Role.ADMIN, Role.OFFICE)) else []
