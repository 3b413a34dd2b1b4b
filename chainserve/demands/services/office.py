"""The chain office's steps on demands in handling: 催办 (urge the departments), 改派 (reassign the lead
department, with its reason) and dispatching several queued demands at once (批量派单).

Like every step (demands.services.transitions) each locks the demand, checks the version the user saw (one
winner, one conflict), writes its event in the same transaction and notifies after commit.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chainserve.core.services import required_text
from chainserve.registry.choices import OrgKind

from .. import permissions
from ..choices import AssignmentRole
from ..models import Assignment, Demand
from . import events
from .transitions import TransitionError, _lock, _require_step, _save, perform


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


@dataclass(frozen=True)
class Outcome:
    """What became of one demand of a bulk dispatch: its number (or the id asked for) and the refusal, if any."""

    pk: int
    number: str
    error: str = ""

    @property
    def ok(self):
        return not self.error


def dispatch_selected(user, picks, lead, co=(), note=""):
    """Dispatch each picked demand — (id, version seen) pairs — to lead and co, each on its own: one refused
    (taken meanwhile, out of the user's scope, no longer queued) does not stop the others; every row's
    outcome is returned in the order given."""
    if not permissions.is_office(user):
        raise PermissionDenied(_("Only the chain office may do this."))
    if not picks:
        raise ValidationError({"demands": _("Select the demands to dispatch.")})
    found = Demand.objects.restrict(user).in_bulk([pk for pk, _version in picks])
    outcomes = []
    for pk, version in picks:
        demand = found.get(pk)
        if demand is None:  # out of scope answers as a demand that does not exist
            outcomes.append(Outcome(pk, str(pk), _("No such demand.")))
            continue
        try:
            perform("dispatch", demand, user, {"lead": lead, "co": co, "note": note}, version)
        except (TransitionError, PermissionDenied) as e:
            outcomes.append(Outcome(pk, demand.number, str(e)))
        except ValidationError as e:
            outcomes.append(Outcome(pk, demand.number, " ".join(e.messages)))
        else:
            outcomes.append(Outcome(pk, demand.number))
    return outcomes
