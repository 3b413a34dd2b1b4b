"""Every change in coordination: meetings and their agenda, decisions and action items, sign-ups and
check-in, agreements, visits. Each checks the user's scope, keeps history with the author, and is atomic."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainserve.core.choices import Role
from chainserve.core.services import notify, required_text
from chainserve.demands import services as demand_services
from chainserve.registry.choices import OrgKind

from .choices import ActionStatus, ActivityStatus, MeetingStatus
from .models import (
    FEN_PER_WAN,
    ActionItem,
    Activity,
    AgendaItem,
    Attendance,
    Attendee,
    Decision,
    Meeting,
    Registration,
    Visit,
)

VISIT_WARNING_DAYS = 14


class CoordinationError(Exception):
    """A step the record's state does not allow; the message says why."""


def _may_change(user, model, pk):
    if not model.objects.restrict(user, "change").filter(pk=pk).exists():
        raise PermissionDenied(_("You may not change this record."))


def _with_author(obj, user):
    obj._history_user = user
    return obj


def wan_to_fen(value):
    """An amount typed in 万元 (a Decimal) as integer fen; refuses more precision than one fen."""
    if value is None:
        return None
    fen = value * FEN_PER_WAN
    if fen != fen.to_integral_value():
        raise ValidationError({"amount": _("Give the amount to the fen at most.")})
    return int(fen)


# ---------------------------------------------------------------- joint meetings

def build_agenda(meeting, user):
    """Put on the agenda every demand escalated to the joint meeting of the meeting's chain that is not on it
    yet; returns the agenda items added."""
    _may_change(user, Meeting, meeting.pk)
    added = []
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        present = set(meeting.agenda.exclude(demand=None).values_list("demand_id", flat=True))
        position = meeting.agenda.count()
        for demand in demand_services.agenda_candidates(meeting.chain).order_by("created", "pk"):
            if demand.pk in present:
                continue
            position += 1
            item = _with_author(AgendaItem(meeting=meeting, demand=demand, topic=demand.title[:200],
                                           position=position), user)
            item.save()
            added.append(item)
    return added


def add_topic(meeting, user, topic):
    _may_change(user, Meeting, meeting.pk)
    topic = required_text(topic, "topic", _("Write the topic."))
    with transaction.atomic():
        item = _with_author(AgendaItem(meeting=meeting, topic=topic[:200], position=meeting.agenda.count() + 1), user)
        item.save()
    return item


def record_attendance(meeting, user, organization, name="", present=True):
    _may_change(user, Meeting, meeting.pk)
    with transaction.atomic():
        row, _created = Attendance.objects.get_or_create(meeting=meeting, organization=organization,
                                                         name=name.strip()[:60], defaults={"present": present})
        if row.present != present:
            row.present = present
            _with_author(row, user).save()
    return row


def record_minutes(meeting, user, minutes, held=True):
    """Write the minutes; a scheduled meeting whose minutes are written has been held."""
    _may_change(user, Meeting, meeting.pk)
    with transaction.atomic():
        m = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if m.status == MeetingStatus.CANCELLED:
            raise CoordinationError(_("The meeting was cancelled."))
        m.minutes = minutes.strip()
        if held:
            m.status = MeetingStatus.HELD
        _with_author(m, user).save()
    return m


@dataclass
class DecisionInput:
    text: str
    owner: object
    due_on: datetime.date
    agenda_item: object = None
    resolves_demand: bool = False


def decide(meeting, user, data: DecisionInput):
    """Record a decision and the action item it creates; if it resolves the agenda item's demand, the demand
    is closed as resolved at this meeting (its event names the meeting)."""
    _may_change(user, Meeting, meeting.pk)
    text = required_text(data.text, "text", _("Write the decision."))
    if data.owner is None or data.owner.kind != OrgKind.DEPARTMENT:
        raise ValidationError({"owner": _("The owner of an action item is a government department.")})
    if data.due_on is None:
        raise ValidationError({"due_on": _("Give the due date.")})
    item = data.agenda_item
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("The agenda item belongs to another meeting.")})
    if data.resolves_demand and (item is None or item.demand_id is None):
        raise ValidationError({"resolves_demand": _("Only a decision on a demand of the agenda can resolve it.")})
    with transaction.atomic():
        if meeting.status == MeetingStatus.CANCELLED:
            raise CoordinationError(_("The meeting was cancelled."))
        decision = _with_author(Decision(meeting=meeting, agenda_item=item, text=text, created_by=user), user)
        decision.save()
        action = _with_author(ActionItem(decision=decision, owner=data.owner, due_on=data.due_on), user)
        action.save()
        if data.resolves_demand:
            try:
                demand_services.resolve_at_meeting(item.demand, user, meeting, text)
            except demand_services.TransitionError as e:
                raise CoordinationError(str(e)) from None
            item.resolved = True
            _with_author(item, user).save(update_fields=["resolved"])
        _notify_owner(action)
    return decision


def _notify_owner(action):
    from chainserve.core.models import User

    handlers = User.objects.filter(role=Role.HANDLER, organization_id=action.owner_id)
    transaction.on_commit(lambda: notify(
        list(handlers), f"action-item:{action.pk}", _("Action item from %(m)s") % {"m": action.meeting},
        action.decision.text, action.get_absolute_url()))


def update_action(action, user, progress, done=False):
    """Report progress on an action item, or mark it done; the owner department or the chain office may."""
    progress = required_text(progress, "progress", _("Write what was done."))
    _may_change(user, ActionItem, action.pk)
    with transaction.atomic():
        a = ActionItem.objects.select_for_update().get(pk=action.pk)
        if a.status == ActionStatus.DONE:
            raise CoordinationError(_("The action item is already done."))
        a.progress = progress
        if done:
            a.status, a.done_at = ActionStatus.DONE, timezone.now()
        _with_author(a, user).save()
    return a


# ---------------------------------------------------------------- activities

def sign_up(activity, user, organization, attendees, note=""):
    """An enterprise signs up for an activity with several attendees ((name, title, phone) each)."""
    attendees = [(n.strip(), t.strip(), p.strip()) for n, t, p in attendees if n and n.strip()]
    if user.role == Role.ENTERPRISE:
        if organization.pk != user.organization_id:
            raise PermissionDenied(_("An enterprise signs up only for itself."))
        if not Activity.objects.restrict(user).filter(pk=activity.pk).exists():
            raise PermissionDenied(_("This activity is not open to you."))
    else:
        _may_change(user, Activity, activity.pk)
    if organization.kind != OrgKind.ENTERPRISE:
        raise ValidationError({"organization": _("Only enterprises sign up.")})
    if not attendees:
        raise ValidationError({"attendees": _("Name at least one attendee.")})
    with transaction.atomic():
        a = Activity.objects.select_for_update().get(pk=activity.pk)
        if a.status != ActivityStatus.PLANNED or a.starts_at < timezone.now():
            raise CoordinationError(_("Sign-up is closed for this activity."))
        if Registration.objects.filter(activity=a, organization=organization).exists():
            raise ValidationError({"organization": _("This enterprise has already signed up.")})
        if a.capacity is not None:
            taken = Attendee.objects.filter(registration__activity=a).count()
            if taken + len(attendees) > a.capacity:
                raise ValidationError({"attendees": _("Only %(n)d places are left.") % {"n": max(0, a.capacity - taken)}})
        reg = _with_author(Registration(activity=a, organization=organization, registered_by=user,
                                        note=note.strip()[:200]), user)
        reg.save()
        for name, title, phone in attendees:
            _with_author(Attendee(registration=reg, name=name[:60], title=title[:80], phone=phone[:20]), user).save()
    return reg


def find_registration(user, code):
    """The registration with this check-in code on an activity the user runs, or None."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return Registration.objects.restrict(user, "change").filter(code=code).select_related(
        "activity", "organization").first()


def check_in(registration, user, attendee_ids=None):
    """Check in the given attendees of a registration (all by default); returns how many were checked in now."""
    if user.role == Role.ENTERPRISE:
        raise PermissionDenied(_("Attendees are checked in by the organisers."))
    _may_change(user, Registration, registration.pk)
    with transaction.atomic():
        rows = Attendee.objects.select_for_update().filter(registration=registration, checked_in_at__isnull=True)
        if attendee_ids is not None:
            rows = rows.filter(pk__in=attendee_ids)
        now, count = timezone.now(), 0
        for att in rows:
            att.checked_in_at, att.checked_in_by = now, user
            _with_author(att, user).save()
            count += 1
    return count


def record_outcome(activity, user, outcome, leads_found=0, demands_raised=0):
    _may_change(user, Activity, activity.pk)
    with transaction.atomic():
        a = Activity.objects.select_for_update().get(pk=activity.pk)
        if a.status == ActivityStatus.CANCELLED:
            raise CoordinationError(_("The activity was cancelled."))
        a.outcome, a.leads_found, a.demands_raised = outcome.strip(), leads_found, demands_raised
        a.status = ActivityStatus.HELD
        _with_author(a, user).save()
    return a


# ---------------------------------------------------------------- visits

def recent_visits_by_others(organization, user, on_date=None, exclude=None):
    """Visits to organization by someone other than user within VISIT_WARNING_DAYS before on_date
    (firms complain of being visited by several offices)."""
    on_date = on_date or timezone.localdate()
    since = on_date - datetime.timedelta(days=VISIT_WARNING_DAYS)
    qs = Visit.objects.filter(organization=organization, visited_on__gte=since, visited_on__lte=on_date)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.exclude(visitor=user).select_related("visitor")


def demand_from_visit(visit, user, category, title, description):
    """Record a demand raised during a visit (channel: visit) and link it to the visit."""
    _may_change(user, Visit, visit.pk)
    with transaction.atomic():
        demand = demand_services.submit(user, demand_services.Intake(
            organization=visit.organization, category=category, title=title, description=description,
            channel="visit"))
        visit.demands.add(demand)
    return demand
