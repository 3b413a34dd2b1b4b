"""Escalation of a demand (升级): chain office → coordination committee → the joint meeting's agenda, and
closing a demand by a joint meeting's decision. Steps as in demands.services.transitions (lock, version,
event in the same transaction)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainserve.core.services import required_text
from chainserve.core.workdays import current_calendar

from .. import permissions, sla
from ..choices import OPEN_STATUSES, EscalationLevel, Status
from ..models import Demand
from . import events
from .transitions import ConflictError, _lock, _require_step, _require_when, _save


def escalate(demand, user, reason, *, version=None, level=None, to=None, system=False):
    """Move the demand up to level `to` (by default the next one): chain office → coordination committee →
    the next joint meeting's agenda. The chain office may go straight to any higher level; a handling
    department and the overdue sweep go one level up. `level`, when given, is the level the caller saw: a
    step repeated (a retry, a double click, the overdue sweep meeting an escalation made meanwhile) is then a
    conflict, not one more level."""
    reason = required_text(reason, "note", _("Say why the demand needs a higher level."))
    with transaction.atomic():
        d = _lock(demand, version)
        if level is not None and int(level) != d.escalation_level:
            raise ConflictError(_("The demand is already at the level “%(level)s”. Reload it to see what changed.")
                                % {"level": d.get_escalation_level_display()})
        if not system:
            permissions.check("escalate", user, d)
        _require_step(d, "escalate")
        _require_when(d, "escalate")
        target = d.escalation_level + 1 if to is None else int(to)
        if target not in permissions.escalation_targets(d, None if system else user):
            raise ValidationError({"to_level": _("Choose a higher level that is open to you.")})
        d.escalation_level = target
        was = _save(d)
        events.escalated(d, None if system else user, was, reason, d.escalation_level)
    return d


def agenda_candidates(chain):
    """Open demands escalated to the joint meeting of chain: the agenda the meetings module builds from."""
    return Demand.objects.filter(chain=chain, escalation_level=EscalationLevel.JOINT_MEETING,
                                 status__in=OPEN_STATUSES).select_related("organization", "category")


def resolve_at_meeting(demand, user, meeting, text, *, version=None):
    """Close an open demand as resolved by a decision of a joint meeting; the event names the meeting."""
    permissions.check("resolve_at_meeting", user, demand)
    text = required_text(text, "note", _("Write what the meeting decided."))
    calendar = current_calendar()
    with transaction.atomic():
        d = _lock(demand, version)
        _require_step(d, "resolve_at_meeting")
        now = timezone.now()
        d.closed_at = now
        d.resolution = text
        if d.first_answered_at is None:
            d.first_answered_at = now
        if d.paused_at is not None:  # decided while waiting on the enterprise: that wait ends here
            d.paused_working_days += sla.working_days_since(d.paused_at, now, calendar)
            d.paused_at = None
        d.resolve_working_days = max(0, sla.working_days_since(d.created, now, calendar) - d.paused_working_days)
        d.extension_days, d.extension_reason = None, ""
        was = _save(d, to=Status.RESOLVED)
        events.resolved_at_meeting(d, user, was, text, meeting)
    return d


