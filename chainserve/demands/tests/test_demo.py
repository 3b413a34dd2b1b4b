"""The demo's demands: every state shown, and each one's history adds up to where it stands."""

from collections import Counter

from chainserve.demands.choices import Status
from chainserve.demands.models import Demand
from chainserve.demo import load_demo


def test_the_demo_demands_cover_every_working_state_and_their_histories_add_up(db):
    load_demo()

    demands = list(Demand.objects.prefetch_related("events"))
    assert len(demands) == 48
    assert set(Counter(d.status for d in demands)) == {Status.NEW, Status.DISPATCHED, Status.WAITING,
                                                         Status.RESOLVED, Status.UNRESOLVED}
    for d in demands:
        events = list(d.events.all())
        # one event per change, each starting where the previous one left the demand
        assert d.version == len(events), d.number
        assert (events[0].from_status, events[0].to_status) == ("", Status.NEW), d.number
        assert [e.from_status for e in events[1:]] == [e.to_status for e in events[:-1]], d.number
        assert events[-1].to_status == d.status, d.number
        assert d.accept_due <= d.answer_due <= d.resolve_due, d.number
