"""Which panels each role's workbench shows (the enterprise's home is the portal's: portal.panels)."""

from django.utils.translation import gettext as _

from chainserve.core.choices import Role
from chainserve.core.panels import Panel, url

from .demands import handler, office
from .partner import partner
from .specialist import specialist


def leader(user, now):
    """The platform admin (and a chain leader's staff): the office's desk city-wide, and the dashboard."""
    return [Panel("links", _("Dashboard"), rows=[
        (_("Chain leader's dashboard"), url("reports:dashboard")), (_("Demand metrics"), url("demands:metrics")),
        (_("Bulletin"), url("reports:bulletin-live"))]), *office(user, now)]


PANELS = {Role.ADMIN: leader, Role.OFFICE: office, Role.HANDLER: handler, Role.SPECIALIST: specialist,
          Role.PARTNER: partner}


def panels_for(user, now):
    """The panels of user's workbench; [] for a role without one."""
    build = PANELS.get(user.role)
    return build(user, now) if build and (user.organization_id or user.role in (Role.ADMIN, Role.OFFICE)) else []
