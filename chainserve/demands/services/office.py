"""The chain office's steps on demands in handling: 催办 (urge the departments), 改派 (reassign the lead
department, with its reason) and a partner institution (a bank) made co-handler of a financing demand. Dispatching several at once (批量派单) is demands.services.steps.dispatch_selected.

Like every step (demands.services.transitions) each locks the demand, checks the version the user saw (one
winner, one conflict), writes its event in the same transaction and notifies after commit.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainserve.core.services import required_text
from chainserve.core.workdays import current_calendar
from chainserve.registry.choices import OrgKind

from .. import permissions, sla
from ..choices import AssignmentRole
from ..models import Assignment
from . import events
from .transitions import _lock, _require_step, _require_when, _save


def urge(demand, user, note, *, version=None):
    """催办: remind the departments handling the demand; they are notified, the history keeps it."""
    note = required_text(note, "note", _("Write what the departments are reminded of."))
    permissions.check("urge", user, demand)
    with transaction.atomic():
        d = _lock(demand, version)
        _require_step(d, "urge")
        departments = list(Assignment.objects.filter(demand=d, active=True).values_list("department_id", flat=True))
        was = _save(d)
        events.urged(d, user, was, note, departments)
    return d


def reassign(demand, user, lead, reason, *, version=None):
    """改派: hand the demand being handled to another lead department, with the reason; the former lead's
    assignment ends (the demand leaves its inbox), co-handlers stay, the deadline stays."""
    reason = required_text(reason, "note", _("Say why the demand goes to another department."))
    permissions.check("reassign", user, demand)
    if lead is None or lead.kind != OrgKind.DEPARTMENT:
        raise ValidationError({"lead": _("Choose the government department that leads from now on.")})
    permissions.check_within_reach(user, "lead", [lead])
    with transaction.atomic():
        d = _lock(demand, version)
        _require_step(d, "reassign")
        former = d.lead_department
        if former is not None and former.pk == lead.pk:
            raise ValidationError({"lead": _("%(o)s leads already; choose another department.") % {"o": lead}})
        Assignment.objects.filter(demand=d, role=AssignmentRole.LEAD).update(active=False)
        Assignment.objects.update_or_create(demand=d, department=lead, defaults={
            "role": AssignmentRole.LEAD, "due": d.resolve_due, "active": True, "answered_at": None})
        d.lead_department = lead
        d.extension_days, d.extension_reason = None, ""  # asked by the department that no longer leads
        was = _save(d)
        events.reassigned(d, user, was, reason, former, lead)
    return d


def add_partner(demand, user, partner, note="", *, version=None):
    """A bank or fund co-handles a financing demand (协办): its users then see the demand and answer their part,
    within the co-handlers' deadline; nothing else of the demand changes."""
    permissions.check("add_partner", user, demand)
    if partner is None or partner.kind not in permissions.PARTNER_KINDS:
        raise ValidationError({"partner": _("Choose a bank, investor or fund.")})
    permissions.check_within_reach(user, "partner", [partner])
    calendar = current_calendar()
    with transaction.atomic():
        d = _lock(demand, version)
        _require_step(d, "add_partner")
        _require_when(d, "add_partner")
        if Assignment.objects.filter(demand=d, department=partner, active=True).exists():
            raise ValidationError({"partner": _("%(o)s co-handles this demand already.") % {"o": partner}})
        policy = sla.policy_for(d.category, d.priority)
        due = min(sla.due(timezone.now(), policy.cohandler_days, calendar), d.resolve_due)
        Assignment.objects.update_or_create(demand=d, department=partner, defaults={
            "role": AssignmentRole.CO, "due": due, "active": True, "answered_at": None})
        was = _save(d)
        events.partner_added(d, user, was, note.strip(), partner)
    return d
