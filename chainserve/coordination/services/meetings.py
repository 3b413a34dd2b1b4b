"""Joint meetings: agenda, topics, attendance, minutes, decisions, action items, cancelling."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chainserve.core.choices import Role
from chainserve.core.models import User
from chainserve.core.services import notify, required_text
from chainserve.demands import services as demand_services
from chainserve.registry.choices import OrgKind

from ..choices import ActionStatus, MeetingStatus
from ..models import ActionItem, AgendaItem, Attendance, Decision, Meeting
from .base import CoordinationError, _cancel, _may_change, _notify_cancelled, _with_author


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
    handlers = User.objects.filter(role=Role.HANDLER, organization_id=action.owner_id)
    # Stored messages are written in the platform's language, whoever's request (or command) led to them.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Action item from %(m)s") % {"m": action.meeting}
    notify(list(handlers), f"action-item:{action.pk}", title, action.decision.text, action.get_absolute_url())


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


def cancel_meeting(meeting, user, reason):
    """Cancel a scheduled joint meeting with the reason; the users of its current member units are told."""
    with transaction.atomic():
        m = _cancel(Meeting, meeting, user, reason, MeetingStatus.SCHEDULED,
                    _("Only a scheduled meeting can be cancelled."))
        members = m.committee.members.filter(ended_on__isnull=True).values("organization_id")
        _notify_cancelled(m, User.objects.filter(organization__in=members).exclude(pk=user.pk))
    return m
