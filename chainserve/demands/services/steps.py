"""One named step taken from a page's form or the API (`perform`: the page and the API share it), and the same
step over several demands at once (the office's bulk dispatch)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import ChainIssue, Demand
from . import clock, enterprise, escalation, office, referral, transitions
from .transitions import ConflictError, TransitionError

# Steps that are not idempotent (sent twice, they act twice): they need the version the user saw, or the
# level they expect, so that a retry or a double click is a conflict instead of a second escalation.
EXPECTING_STEPS = {"escalate"}
# Steps that may be recorded at a past instant (`at`: a ledger fed through the API): those of `transitions`, which
# read their instant from `clock`.
DATED_STEPS = {"accept", "reject", "dispatch", "send_back", "ask", "reply", "answer", "request_extension",
               "decide_extension", "close", "rate", "reopen", "merge", "link_issue", "comment"}


def perform(action, demand, user, data, version=None):
    """Run one named step with a form's or the API's cleaned data (the page and the API share this); with
    `data["at"]`, the step as it happened at that past instant (`check_past`)."""
    try:
        version = None if version in (None, "") else int(version)
    except (TypeError, ValueError):
        raise ConflictError(_("Reload the demand and try again.")) from None
    if not Demand.objects.restrict(user, "change").filter(pk=demand.pk).exists():
        # a former assignee (sent back, re-dispatched), an office overseeing it from the region above, or anyone
        # else out of scope: refused before anything else is looked at
        raise PermissionDenied(_("This step is not open to you on this demand now."))
    at = data.get("at")
    if at is not None:
        check_past(action, user, at)
    if version is not None and version != demand.version:
        # checked before the step's availability: a step taken meanwhile may have closed this one
        raise ConflictError(_("Someone else has just updated this demand. Reload it to see what changed."))
    level = data.get("level")
    if action in EXPECTING_STEPS and version is None and level is None:
        raise ValidationError({"version": _("Send the version of the demand you saw (or the level you expect it "
                                            "at now): repeated, this step would act twice.")})
    note = data.get("note", "")
    v = {"version": version}
    steps = {
        "accept": lambda: transitions.accept(demand, user, note=note, **v),
        "reject": lambda: transitions.reject(demand, user, note, **v),
        "dispatch": lambda: transitions.dispatch(demand, user, data["lead"], data.get("co", ()), note=note, **v),
        "send_back": lambda: transitions.send_back(demand, user, note, **v),
        "ask": lambda: transitions.ask(demand, user, note, **v),
        "reply": lambda: transitions.reply(demand, user, note, data.get("files", ()), **v),
        "answer": lambda: transitions.answer(demand, user, note, data.get("files", ()), **v),
        "request_extension": lambda: transitions.request_extension(demand, user, data["days"], note, **v),
        "decide_extension": lambda: transitions.decide_extension(demand, user, data["approve"], note, **v),
        "close": lambda: transitions.close(demand, user, data["resolved"], note, data.get("grade", ""),
                                           data.get("files", ()), **v),
        "rate": lambda: transitions.rate(demand, user, data["rating"], note, **v),
        "reopen": lambda: transitions.reopen(demand, user, note, **v),
        "escalate": lambda: escalation.escalate(demand, user, note, level=level, to=data.get("to_level"), **v),
        "urge": lambda: office.urge(demand, user, note, **v),
        "reassign": lambda: office.reassign(demand, user, data.get("lead"), note, **v),
        "add_partner": lambda: office.add_partner(demand, user, data.get("partner"), note, **v),
        "refer_up": lambda: referral.refer_up(demand, user, note, **v),
        "refer_down": lambda: referral.refer_down(demand, user, data.get("region"), note, **v),
        "merge": lambda: transitions.merge(demand, data["into"], user, **v),
        "link_issue": lambda: transitions.link_issue(demand, user, data.get("issue") or open_issue(user, demand, data)),
        "comment": lambda: transitions.comment(demand, user, note),
        "supplement": lambda: enterprise.supplement(demand, user, note, data.get("files", ()), **v),
        "withdraw": lambda: enterprise.withdraw(demand, user, note, **v),
    }
    with clock.recorded_at(at):
        if not (action in permissions.available_actions(demand, user)
                or transitions.records_for_enterprise(action, user, demand)):
            raise TransitionError(_("This step is not open to you on this demand now."))
        return steps[action]()


def check_past(action, user, at):
    """Refuse (ValidationError at `at`) a step recorded at a past instant by anyone but the chain office or an
    admin, for a step that cannot be, or in the future; its order after the demand's history is checked with the
    demand locked (transitions)."""
    if not permissions.is_office(user):
        raise ValidationError({"at": _("Only the chain office or an admin records a step taken in the past.")})
    if action not in DATED_STEPS:
        raise ValidationError({"at": _("This step is not recorded at a past time.")})
    if at > timezone.now():
        raise ValidationError({"at": _("A date in the future (%(d)s).") % {"d": timezone.localtime(at).isoformat()}})


def open_issue(user, demand, data):
    if demand.chain_id is None:
        raise ValidationError({"new_title": _("The demand is on no chain; a chain-wide issue needs one.")})
    return ChainIssue.objects.create(chain_id=demand.chain_id, title=data["new_title"].strip(), created_by=user)



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
    found = Demand.objects.restrict(user, "change").in_bulk([pk for pk, _version in picks])
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
