"""Referring a demand between region levels — 上报 (up to the parent region) and 下交 (down to a child region).

The design: a demand's region (`Demand.district`) is the region whose level handles it now, not a second field
beside it. Referring moves it, and everything that reads the region follows with no further rule: the offices
that see it (models.demand_scope: the region's subtree), who is notified, and the figures by region — a demand
resolved after it went up counts in the row of the region that resolved it (DemandFigures.district), so in the
city's own figures and not in the district's. The enterprise's own region stays on the enterprise
(Organization.district). What the lower level loses: a district office no longer sees a demand it passed up
(the city's now; the district hears of it again if the city passes it back down); the history keeps it all.

The chain goes with it where the receiving level has its own: up, a chain of the district it leaves goes to
the chain above it; down, to the chain's own chain in the region below, if it has one — so that the receiving
level's chain office (models.demand_scope: the offices of its chain) sees it.
A dispatched demand is handed over: its departments' assignments end and it waits in the receiving level's
queue (accepted), as after a send-back.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chainserve.core.services import required_text

from .. import permissions
from ..choices import Status
from ..models import Assignment
from . import events
from .transitions import _lock, _require_step, _save


def refer_up(demand, user, reason, *, version=None):
    """上报: pass the demand to the level above its region, with the reason."""
    reason = required_text(reason, "note", _("Say why the demand goes to the level above."))
    with transaction.atomic():
        d = _lock(demand, version)
        permissions.check("refer_up", user, d)
        _require_step(d, "refer_up")
        region = d.district
        if region is None:
            raise ValidationError({"region": _("The demand is of no region: there is no level above it.")})
        if region.parent_id is None:
            raise ValidationError({"region": _("%(r)s is the top level: there is no level above it to refer the "
                                               "demand to.") % {"r": region}})
        # a chain of the district goes to the chain above it (the city's), whose office then sees it
        chain = d.chain
        _move(d, region.parent, chain.parent if chain and chain.region_id == region.pk else None)
        events.referred_up(d, user, _save(d, to=_queued(d)), reason, region, d.district)
    return d


def refer_down(demand, user, region, reason, *, version=None):
    """下交: pass the demand to a region directly below its own (`region`), with the reason."""
    reason = required_text(reason, "note", _("Say why the demand goes to the level below."))
    with transaction.atomic():
        d = _lock(demand, version)
        permissions.check("refer_down", user, d)
        _require_step(d, "refer_down")
        if d.district_id is None or not d.district.children.exists():
            # not offered then (permissions.REGION_BELOW); asked of the database here, not of what a process keeps
            raise ValidationError({"region": str(permissions.REGION_BELOW.unmet)})
        if region is None or region.parent_id != d.district_id:
            raise ValidationError({"region": _("Choose a region directly below the demand's own.")})
        former = d.district
        # the chain's own chain in the region below, if it has one, whose office then sees it
        _move(d, region, d.chain.district_chains.filter(region=region).first() if d.chain else None)
        events.referred_down(d, user, _save(d, to=_queued(d)), reason, former, region)
    return d


def _move(d, region, chain):
    """Move d to region, and to chain if one is given; a dispatched demand's departments hand it over."""
    if chain is not None:
        d.chain = chain
    d.district = region
    if d.status == Status.DISPATCHED:
        Assignment.objects.filter(demand=d).update(active=False)
        d.lead_department = None
        d.extension_days, d.extension_reason = None, ""  # asked by a department that no longer handles it


def _queued(d):
    """The status the receiving level finds the demand in: new stays new (to accept), else accepted."""
    return Status.NEW if d.status == Status.NEW else Status.ACCEPTED
