"""A demand's history (DemandEvent, append-only): one function per event type, each writing its row with what
that event keeps (`was`: the status the demand was in before the step) and queueing its notification."""

from django.utils import timezone

from ..choices import EventType
from ..models import DemandEvent
from . import clock
from .notifications import notify_after_commit


def _write(demand, actor, type, was, note="", **data):
    at = clock.past()
    if at is not None:  # recorded afterwards (clock.recorded_at): marked as the imported steps are, told to no one
        data = {**data, "imported": True, "recorded": timezone.now().isoformat()}
    event = DemandEvent.objects.create(demand=demand, type=type, actor=actor, from_status=was,
                                       to_status=demand.status, note=note, data=data)
    if at is None:
        notify_after_commit(event)
    else:  # `at` is auto_now_add: the instant is written over it
        DemandEvent.objects.filter(pk=event.pk).update(at=at)
        event.at = at
    return event


def past(demand, actor, type, at, was, to, note="", **data):
    """A step of a past year's demand (services.history), unsaved: at its original instant, marked imported,
    and notifying no one (it happened years ago)."""
    return DemandEvent(demand=demand, type=type, actor=actor, at=at, from_status=was, to_status=to, note=note,
                       data={**data, "imported": True})


def submitted(demand, actor, channel):
    return _write(demand, actor, EventType.SUBMITTED, "", channel=channel)


def accepted(demand, actor, was, note):
    return _write(demand, actor, EventType.ACCEPTED, was, note)


def rejected(demand, actor, was, reason):
    return _write(demand, actor, EventType.REJECTED, was, reason)


def dispatched(demand, actor, was, note, lead, co):
    return _write(demand, actor, EventType.DISPATCHED, was, note, lead=lead.pk, co=[c.pk for c in co])


def urged(demand, actor, was, note, departments):
    """催办: the departments reminded (those handling it then)."""
    return _write(demand, actor, EventType.URGED, was, note, departments=departments)


def reassigned(demand, actor, was, reason, former, lead):
    """改派: the lead department it came from (none if it had none) and the one it went to."""
    return _write(demand, actor, EventType.REASSIGNED, was, reason, former=former.pk if former else None,
                  former_name=str(former or ""), lead=lead.pk, lead_name=str(lead))


def partner_added(demand, actor, was, note, partner):
    return _write(demand, actor, EventType.PARTNER_ADDED, was, note, partner=partner.pk, partner_name=str(partner))


def sent_back(demand, actor, was, reason, department_id):
    return _write(demand, actor, EventType.SENT_BACK, was, reason, department=department_id)


def asked(demand, actor, was, question):
    return _write(demand, actor, EventType.ASKED, was, question)


def replied(demand, actor, was, text, paused_working_days):
    return _write(demand, actor, EventType.REPLIED, was, text, paused_working_days=paused_working_days)


def answered(demand, actor, was, text):
    return _write(demand, actor, EventType.ANSWERED, was, text)


def extension_asked(demand, actor, was, reason, days):
    return _write(demand, actor, EventType.EXTENSION_ASKED, was, reason, days=days)


def extension_approved(demand, actor, was, note, days):
    return _write(demand, actor, EventType.EXTENSION_APPROVED, was, note, days=days)


def extension_refused(demand, actor, was, note, days):
    return _write(demand, actor, EventType.EXTENSION_REFUSED, was, note, days=days)


def resolved(demand, actor, was, text, grade):
    return _write(demand, actor, EventType.RESOLVED, was, text, grade=grade)


def resolved_at_meeting(demand, actor, was, text, meeting):
    """Closed as resolved by a joint meeting's decision: the event names the meeting."""
    return _write(demand, actor, EventType.RESOLVED, was, text, meeting=meeting.pk, meeting_title=str(meeting))


def unresolved(demand, actor, was, text, grade):
    return _write(demand, actor, EventType.UNRESOLVED, was, text, grade=grade)


def rated(demand, actor, was, comment, rating):
    return _write(demand, actor, EventType.RATED, was, comment, rating=rating)


def reopened(demand, actor, was, reason):
    return _write(demand, actor, EventType.REOPENED, was, reason)


def escalated(demand, actor, was, reason, level):
    return _write(demand, actor, EventType.ESCALATED, was, reason, level=level)


def merged(duplicate, actor, was, into):
    """The duplicate's side of a merge: the demand it went into."""
    return _write(duplicate, actor, EventType.MERGED, was, into.number, into=into.pk)


def merged_in(target, actor, was, duplicate):
    """The target's side of a merge: the duplicate it took in."""
    return _write(target, actor, EventType.MERGED, was, duplicate.number, merged=duplicate.pk)


def linked(demand, actor, was, issue):
    return _write(demand, actor, EventType.LINKED, was, issue.title, issue=issue.pk)


def commented(demand, actor, was, text):
    return _write(demand, actor, EventType.COMMENTED, was, text)


def recommended(demand, actor, was, item):
    """A catalogue item (resources app) recommended to the enterprise: which one, to link it."""
    meta = type(item)._meta
    return _write(demand, actor, EventType.RECOMMENDED, was, item.title, app=meta.app_label, kind=meta.model_name,
                  item=item.pk)


def deadline_recomputed(demand, actor, was, note, deadlines, assignments, years):
    """The official holiday schedule moved its deadlines: before and after, each field and department."""
    return _write(demand, actor, EventType.DEADLINE_RECOMPUTED, was, note, deadlines=deadlines,
                  assignments=assignments, years=years)


def withdrawn(demand, actor, was, reason):
    return _write(demand, actor, EventType.WITHDRAWN, was, reason)


def supplemented(demand, actor, was, text):
    return _write(demand, actor, EventType.SUPPLEMENTED, was, text)


def referred_up(demand, actor, was, reason, former, region):
    """上报: the region it left and the one above it went to (the level handling it now)."""
    return _referred(demand, actor, EventType.REFERRED_UP, was, reason, former, region)


def referred_down(demand, actor, was, reason, former, region):
    """下交: the region it left and the one below it went to."""
    return _referred(demand, actor, EventType.REFERRED_DOWN, was, reason, former, region)


def _referred(demand, actor, type, was, reason, former, region):
    return _write(demand, actor, type, was, reason, former=former.pk, former_name=str(former), region=region.pk,
                  region_name=str(region))
