"""The demo's demands: received in working hours over two years, every state shown, every course a demand can
take, each one's history adding up to where it stands, and ratings whose comments fit them."""

import datetime
from collections import Counter

from django.utils import timezone

from chainserve.core.workdays import current_calendar
from chainserve.demands.choices import EventType, Rating, Status
from chainserve.demands.models import Demand
from chainserve.demo import texts


def test_the_demo_demands_tell_two_credible_years(db):
    calendar = current_calendar()
    demands = list(Demand.objects.prefetch_related("events").select_related("organization"))

    # about 320 in the last twelve months, some 190 in the twelve before
    today = timezone.localdate()
    year_ago = today - datetime.timedelta(days=365)
    recent = [d for d in demands if timezone.localdate(d.created) > year_ago]
    assert 300 <= len(recent) <= 400 and 150 <= len(demands) - len(recent) <= 250
    # received on working days, in working hours
    for d in demands:
        local = timezone.localtime(d.created)
        assert calendar(local.date()) and datetime.time(9) <= local.time() < datetime.time(17, 30), d.number
    # no firm raises the same demand twice
    assert Counter((d.organization_id, d.title) for d in demands).most_common(1)[0][1] == 1
    # every live state is on show, as the queues and inboxes need it
    assert {Status.NEW, Status.ACCEPTED, Status.DISPATCHED, Status.WAITING, Status.RESOLVED, Status.UNRESOLVED,
            Status.REJECTED} <= {d.status for d in demands}
    events = Counter(e.type for d in demands for e in d.events.all())
    # sent back and dispatched again, reopened after an unsatisfied rating, escalated, asked, extended
    assert min(events[t] for t in (EventType.SENT_BACK, EventType.REOPENED, EventType.ASKED,
                                   EventType.EXTENSION_APPROVED)) >= 3
    meeting = [d for d in demands if any(e.data.get("meeting") for e in d.events.all())]
    assert len(meeting) >= 8
    # closed after 1 to 25 working days, most of them within 3 to 10
    days = [d.resolve_working_days for d in demands if d.status == Status.RESOLVED and not d.reopen_count
            and d not in meeting]
    assert min(days) >= 1 and max(days) <= 25
    assert sum(3 <= n <= 10 for n in days) > 0.7 * len(days)
    # some closed late, a few still running past their deadline (the overdue sweep escalated them)
    assert sum(1 for d in demands if d.closed_at and d.closed_at > d.resolve_due) >= 10
    assert sum(1 for d in demands if d.is_open and d.resolve_due < timezone.now()) >= 3
    for d in demands:
        history = list(d.events.all())
        # one event per change, each starting where the previous one left the demand
        assert d.version == len(history), d.number
        assert (history[0].from_status, history[0].to_status) == ("", Status.NEW), d.number
        assert [e.from_status for e in history[1:]] == [e.to_status for e in history[:-1]], d.number
        assert history[-1].to_status == d.status, d.number
        assert d.accept_due <= d.answer_due <= d.resolve_due, d.number
        # a rating's comment fits it: thanks for the satisfied, a reservation or the reason otherwise
        if d.rating == Rating.SATISFIED:
            assert "感谢" in d.rating_comment or "满意" in d.rating_comment or "实事" in d.rating_comment, d.number
        elif d.rating:
            assert d.rating_comment not in texts.SATISFIED and "感谢" not in d.rating_comment, d.number
    # exactly one demand waits on the agenda of the next joint meeting
    assert sum(1 for d in demands if d.is_open and d.escalation_level == 3) == 1
