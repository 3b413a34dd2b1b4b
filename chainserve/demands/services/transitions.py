"""Every step of a demand after intake: dispatch, handling, closing, rating, escalation, merging.

Each step locks the demand row, checks who may take it and the status it may start from (the table in
`demands.permissions`) and the version the user saw (two people acting at once: one wins, the other gets a
ConflictError), writes its event, keeps the metrics' summary table (DemandFigures) in step in the same
transaction, and notifies after commit. Nothing here is called from signals.

Every step reads its instant from `clock.now()`: inside `clock.recorded_at(at)` (a step the chain office or an
admin records at a past instant, `steps.perform`) the whole step — timestamps, deadlines, event — happens then.
"""

from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chainserve.core.services import required_text
from chainserve.core.workdays import current_calendar
from chainserve.registry.choices import OrgKind

from .. import metrics, permissions, sla
from ..choices import AssignmentRole, Rating, Status
from ..models import Assignment, ChainIssue, Demand, DemandEvent, DispatchRule
from ..permissions import STEPS
from . import clock, events, figures
from .attachments import attach_all, check_attachments

REOPEN_WORKING_DAYS = getattr(settings, "DEMAND_REOPEN_WORKING_DAYS", 10)


class TransitionError(Exception):
    """A step that the demand's status does not allow; the message says why."""


class ConflictError(TransitionError):
    """Someone else changed the demand since the user loaded it."""


# The enterprise's steps that the chain office or an admin records for it, only at a past instant (a past year's
# ledger: the rating its return visit, 回访, took). Now, the enterprise takes them itself.
RECORDED_FOR_ENTERPRISE = {"rate"}


# ---------------------------------------------------------------- helpers

def records_for_enterprise(step, user, demand):
    """Whether user records the enterprise's `step` on demand for it (RECORDED_FOR_ENTERPRISE), the demand
    being in a state the step starts from."""
    return (step in RECORDED_FOR_ENTERPRISE and clock.past() is not None and permissions.is_office(user)
            and STEPS[step].opens(demand))


def _lock(demand, version):
    locked = Demand.objects.select_for_update().get(pk=demand.pk)
    if version is not None and int(version) != locked.version:
        raise ConflictError(_("Someone else has just updated this demand. Reload it to see what changed."))
    locked._share = metrics.share(locked)
    if clock.past() is not None:
        _require_after_history(locked, clock.past())
    return locked


def _require_after_history(demand, at):
    """Refuse (ValidationError at `at`) a step recorded before the demand's last event: its history stays in
    the order it happened."""
    last = DemandEvent.objects.filter(demand=demand).aggregate(last=Max("at"))["last"]
    if last is not None and at < last:
        raise ValidationError({"at": _("Before the demand's last step (%(d)s).") % {
            "d": timezone.localtime(last).isoformat()}})


def _lock_pair(demand, version, other):
    """Lock two demands in primary-key order, whichever is acted on: two opposite merges at once then queue one
    behind the other instead of each holding one row and waiting for the other's (a deadlock)."""
    first, second = sorted((demand, other), key=lambda d: d.pk)
    locked = {d.pk: _lock(d, version if d.pk == demand.pk else None) for d in (first, second)}
    return locked[demand.pk], locked[other.pk]


def _require_step(demand, step):
    """Refuse (TransitionError) a step from a status it does not start from (the table's statuses)."""
    if demand.status not in STEPS[step].statuses:
        raise TransitionError(_("Not possible while the demand is “%(s)s”.") % {"s": demand.get_status_display()})


def _require_when(demand, step):
    """Refuse (TransitionError) a step whose further condition on the demand does not hold."""
    when = STEPS[step].when
    if not when.holds(demand):
        raise TransitionError(str(when.unmet))


def _save(demand, *, to=None):
    """Move demand to status `to` (if given), bump its version and save it, keeping DemandFigures in step;
    returns the status it was in (for the step's event)."""
    was = demand.status
    if to is not None:
        demand.status = to
    demand.version += 1
    demand.save()
    figures.count(demand)
    return was


# ---------------------------------------------------------------- dispatcher

def accept(demand, user, *, version=None, note=""):
    permissions.check("accept", user, demand)
    with transaction.atomic():
        d = _lock(demand, version)
        _require_step(d, "accept")
        d.accepted_at = clock.now()
        was = _save(d, to=Status.ACCEPTED)
        events.accepted(d, user, was, note)
    return d


def reject(demand, user, reason, *, version=None):
    permissions.check("reject", user, demand)
    reason = required_text(reason, "note", _("Say why the demand is out of scope."))
    with transaction.atomic():
        d = _lock(demand, version)
        _require_step(d, "reject")
        d.closed_at = clock.now()
        was = _save(d, to=Status.REJECTED)
        events.rejected(d, user, was, reason)
    return d


def suggest_departments(demand):
    """(lead, [co-handlers]) from the most specific active dispatch rule, or (None, [])."""
    rules = DispatchRule.objects.filter(category=demand.category, active=True).filter(
        Q(district__isnull=True) | Q(district_id=demand.district_id)).filter(
        Q(chain__isnull=True) | Q(chain_id=demand.chain_id)).select_related("lead_department")
    # Most specific first: district and chain > chain > district > neither; then the oldest rule.
    best = min(rules, key=lambda r: (-(2 * (r.chain_id is not None) + (r.district_id is not None)), r.pk),
               default=None)
    if best is None:
        return None, []
    return best.lead_department, list(best.co_departments.all())


def dispatch(demand, user, lead, co=(), *, version=None, note=""):
    """Send the demand to a lead department and co-handlers (accepting it first if still new)."""
    permissions.check("dispatch", user, demand)
    co = [c for c in co if c.pk != lead.pk]
    for dept in [lead, *co]:
        if dept.kind != OrgKind.DEPARTMENT:
            raise ValidationError({"lead": _("%(o)s is not a government department.") % {"o": dept}})
    permissions.check_within_reach(user, "lead", [lead])
    permissions.check_within_reach(user, "co", co)
    calendar = current_calendar()
    with transaction.atomic():
        d = _lock(demand, version)
        _require_step(d, "dispatch")
        now = clock.now()
        if d.accepted_at is None:
            d.accepted_at = now
        if d.dispatched_at is not None:  # dispatched before: the departments of then hand it over
            Assignment.objects.filter(demand=d).update(active=False)
        d.dispatched_at = now
        d.lead_department = lead
        policy = sla.policy_for(d.category, d.priority)
        co_due = min(sla.due(now, policy.cohandler_days, calendar), d.resolve_due)
        # One upsert for the lead and the co-handlers (a department dispatched to again is active again, unanswered)
        Assignment.objects.bulk_create(
            [Assignment(demand=d, department=lead, role=AssignmentRole.LEAD, due=d.resolve_due)]
            + [Assignment(demand=d, department=dept, role=AssignmentRole.CO, due=co_due) for dept in co],
            update_conflicts=True, unique_fields=["demand", "department"],
            update_fields=["role", "due", "active", "answered_at"])
        was = _save(d, to=Status.DISPATCHED)
        events.dispatched(d, user, was, note, lead, co)
    return d


# ---------------------------------------------------------------- handler

def send_back(demand, user, reason, *, version=None):
    """退单: the lead department returns a wrongly dispatched demand to the dispatcher, with its reason."""
    reason = required_text(reason, "note", _("Say why the demand is not for your department."))
    with transaction.atomic():
        d = _lock(demand, version)
        permissions.check("send_back", user, d)
        _require_step(d, "send_back")
        Assignment.objects.filter(demand=d).update(active=False)
        dept = d.lead_department_id
        d.lead_department = None
        d.sent_back_count += 1
        d.extension_days, d.extension_reason = None, ""  # asked by the department that gave it back
        was = _save(d, to=Status.ACCEPTED)
        events.sent_back(d, user, was, reason, dept)
        day, _lead, *rest = d._share[0]
        figures.add_figures({(day, dept, *rest): Counter(sent_back=1)})  # counted against the department that sent it
    return d


def ask(demand, user, question, *, version=None):
    """Ask the enterprise for information; the clock stops until it replies."""
    question = required_text(question, "note", _("Write the question for the enterprise."))
    with transaction.atomic():
        d = _lock(demand, version)
        permissions.check("ask", user, d)
        _require_step(d, "ask")
        d.paused_at = clock.now()
        was = _save(d, to=Status.WAITING)
        events.asked(d, user, was, question)
    return d


def reply(demand, user, text, files=(), *, version=None):
    """The enterprise answers the question; the deadlines move on by the working days it took."""
    text = required_text(text, "note", _("Write your answer."))
    check_attachments(files)
    calendar = current_calendar()
    with transaction.atomic():
        d = _lock(demand, version)
        permissions.check("reply", user, d)
        _require_step(d, "reply")
        paused = sla.working_days_since(d.paused_at, clock.now(), calendar)
        d.resolve_due = sla.shift(d.resolve_due, paused, calendar)
        if d.first_answered_at is None:
            d.answer_due = sla.shift(d.answer_due, paused, calendar)
        for a in Assignment.objects.filter(demand=d, active=True):
            a.due = sla.shift(a.due, paused, calendar)
            a.save(update_fields=["due"])
        d.paused_at = None
        d.paused_working_days += paused
        was = _save(d, to=Status.DISPATCHED)
        attach_all(d, events.replied(d, user, was, text, paused), files, user)
    return d


def answer(demand, user, text, files=(), *, version=None):
    """A handling department (lead or co-handler) answers, with files (a 答复函) if any; the first answer
    counts for 响应率."""
    text = required_text(text, "note", _("Write the answer."))
    check_attachments(files)
    with transaction.atomic():
        d = _lock(demand, version)
        _require_step(d, "answer")
        permissions.check("answer", user, d)
        assignment = Assignment.objects.filter(demand=d, department_id=user.organization_id, active=True).first()
        now = clock.now()
        if assignment is not None and assignment.answered_at is None:
            assignment.answered_at = now
            assignment.save(update_fields=["answered_at"])
        if d.first_answered_at is None and (assignment is None or assignment.role == AssignmentRole.LEAD):
            d.first_answered_at = now
        was = _save(d)
        attach_all(d, events.answered(d, user, was, text), files, user)
    return d


def request_extension(demand, user, days, reason, *, version=None):
    reason = required_text(reason, "note", _("Say why more time is needed."))
    if not 1 <= int(days) <= 30:
        raise ValidationError({"days": _("Ask for 1 to 30 working days.")})
    with transaction.atomic():
        d = _lock(demand, version)
        permissions.check("request_extension", user, d)
        _require_step(d, "request_extension")
        if d.status == Status.DISPATCHED and d.resolve_due and clock.now() > d.resolve_due:
            raise TransitionError(_("An extension must be asked for before the deadline."))
        _require_when(d, "request_extension")
        d.extension_days, d.extension_reason = int(days), reason
        was = _save(d)
        events.extension_asked(d, user, was, reason, int(days))
    return d


def decide_extension(demand, user, approve: bool, note="", *, version=None):
    permissions.check("decide_extension", user, demand)
    with transaction.atomic():
        d = _lock(demand, version)
        _require_when(d, "decide_extension")
        _require_step(d, "decide_extension")
        days = d.extension_days
        if approve:
            calendar = current_calendar()
            d.resolve_due = sla.shift(d.resolve_due, days, calendar)
            Assignment.objects.filter(demand=d, role=AssignmentRole.LEAD, active=True).update(due=d.resolve_due)
        d.extension_days, d.extension_reason = None, ""
        was = _save(d)
        (events.extension_approved if approve else events.extension_refused)(d, user, was, note, days)
    return d


def close(demand, user, resolved: bool, text, grade="", files=(), *, version=None):
    """Close as resolved, or as closed-unresolved with the explanation (never counted as solved); files go
    with the closing (the 答复函, minutes …)."""
    text = required_text(text, "note", _("Write what was done.") if resolved else _("Explain why it cannot be solved."))
    check_attachments(files)
    calendar = current_calendar()
    with transaction.atomic():
        d = _lock(demand, version)
        permissions.check("close", user, d)
        _require_step(d, "close")
        if d.is_proposal and grade not in ("A", "B", "C"):
            raise ValidationError({"grade": _("Grade the answer to the proposal: A, B or C.")})
        now = clock.now()
        d.closed_at = now
        d.resolution = text
        d.proposal_grade = grade if d.is_proposal else ""
        if d.first_answered_at is None:
            d.first_answered_at = now
        # Time spent waiting on the enterprise is not the department's.
        d.resolve_working_days = max(0, sla.working_days_since(d.created, now, calendar) - d.paused_working_days)
        d.extension_days, d.extension_reason = None, ""  # a closed demand needs no more time
        was = _save(d, to=Status.RESOLVED if resolved else Status.UNRESOLVED)
        event = (events.resolved if resolved else events.unresolved)(d, user, was, text, d.proposal_grade)
        attach_all(d, event, files, user)
    return d


# ---------------------------------------------------------------- enterprise after closing

def rate(demand, user, rating, comment="", *, version=None):
    if rating not in Rating.values:
        raise ValidationError({"rating": _("Choose satisfied, basically satisfied or unsatisfied.")})
    with transaction.atomic():
        d = _lock(demand, version)
        if not records_for_enterprise("rate", user, d):
            permissions.check("rate", user, d)
        _require_step(d, "rate")
        _require_when(d, "rate")
        d.rating, d.rating_comment, d.rated_at = rating, comment.strip()[:500], clock.now()
        was = _save(d)
        events.rated(d, user, was, comment, rating)
    return d


def reopen(demand, user, reason, *, version=None):
    """An unsatisfied enterprise reopens the demand within REOPEN_WORKING_DAYS of its closing."""
    reason = required_text(reason, "note", _("Say what is still not solved."))
    calendar = current_calendar()
    with transaction.atomic():
        d = _lock(demand, version)
        permissions.check("reopen", user, d)
        _require_step(d, "reopen")
        _require_when(d, "reopen")
        if sla.working_days_since(d.closed_at, clock.now(), calendar) > REOPEN_WORKING_DAYS:
            raise TransitionError(_("A demand can be reopened within %(n)d working days of its closing.")
                                  % {"n": REOPEN_WORKING_DAYS})
        policy = sla.policy_for(d.category, d.priority)
        now = clock.now()
        d.resolve_due = sla.due(now, policy.resolve_days, calendar)
        d.closed_at, d.rating, d.rating_comment, d.rated_at = None, "", "", None
        d.resolution, d.proposal_grade = "", ""  # the result reopened is kept by its event, shown as history
        d.resolve_working_days = None
        d.reopen_count += 1
        Assignment.objects.filter(demand=d, department_id=d.lead_department_id).update(active=True, due=d.resolve_due)
        was = _save(d, to=Status.DISPATCHED)
        events.reopened(d, user, was, reason)
    return d


# ---------------------------------------------------------------- chain-wide issues, merging, comments

def link_issue(demand, user, issue):
    permissions.check("link_issue", user, demand)
    if not ChainIssue.objects.restrict(user, "change").filter(pk=issue.pk).exists():
        # the same answer as an issue that does not exist: an issue of another office's chain stays unseen
        raise ValidationError({"issue": _("No such chain-wide issue.")})
    if demand.chain_id and issue.chain_id != demand.chain_id:
        raise ValidationError({"issue": _("The issue belongs to another chain.")})
    with transaction.atomic():
        d = _lock(demand, None)
        _require_step(d, "link_issue")
        d.chain_issue = issue
        was = _save(d)
        events.linked(d, user, was, issue)
    return d


def merge(duplicate, into, user, *, version=None):
    """Merge a duplicate into another demand of the same enterprise; both keep their histories."""
    permissions.check("merge", user, duplicate)
    # Scope first, before anything that tells about the target: a demand the user may not act on (nor see)
    # answers exactly as a number that does not exist.
    if not Demand.objects.restrict(user, "change").filter(pk=into.pk).exists():
        raise ValidationError({"into": _("No demand has the number %(n)s.") % {"n": into.number}})
    if duplicate.pk == into.pk:
        raise ValidationError({"into": _("A demand cannot be merged into itself.")})
    if duplicate.organization_id != into.organization_id:
        raise ValidationError({"into": _("Only demands of the same enterprise are merged; link different "
                                         "enterprises' demands as a chain-wide issue.")})
    with transaction.atomic():
        d, target = _lock_pair(duplicate, version, into)
        _require_step(d, "merge")
        if target.status == Status.MERGED:
            raise TransitionError(_("The target was itself merged into another demand."))
        d.merged_into = target
        d.closed_at = clock.now()
        was = _save(d, to=Status.MERGED)
        events.merged(d, user, was, target)
        was = _save(target)
        events.merged_in(target, user, was, d)
    return d


def comment(demand, user, text):
    permissions.check("comment", user, demand)
    text = required_text(text, "note", _("Write a comment."))
    with transaction.atomic():
        d = _lock(demand, None)
        was = _save(d)
        events.commented(d, user, was, text)
    return d


def recommend(demand, user, item):
    """Record in the history a catalogue item recommended to the enterprise (matching.attach_resource keeps the
    attachment): the enterprise is told, and its demand page links the item while the enterprise may open it."""
    permissions.check("comment", user, demand)
    with transaction.atomic():
        d = _lock(demand, None)
        was = _save(d)
        events.recommended(d, user, was, item)
    return d
