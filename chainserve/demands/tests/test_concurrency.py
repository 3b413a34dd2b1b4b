"""Two people acting on one demand: one wins, the other gets a conflict, and nothing is overwritten."""

import threading

import pytest
from django.db import connection, connections, transaction

from chainserve.demands import metrics, services
from chainserve.demands.choices import EventType, Status
from chainserve.demands.models import Demand, DemandEvent
from chainserve.demands.services import ConflictError, TransitionError, transitions

from .factories import snapshot

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="row locks between two connections need PostgreSQL")


@pytest.mark.parametrize("step", [
    lambda s, d, v: services.answer(d, s.handler, "答复。", version=v),
    lambda s, d, v: services.close(d, s.handler, True, "办结。", version=v),
    lambda s, d, v: services.escalate(d, s.office, "升级。", version=v),
    lambda s, d, v: services.request_extension(d, s.handler, 2, "理由。", version=v),
    lambda s, d, v: services.ask(d, s.handler, "问题?", version=v),
], ids=["answer", "close", "escalate", "request_extension", "ask"])
def test_a_stale_version_is_a_conflict_and_changes_nothing(desk, make_demand, step):
    demand = make_demand("dispatched")
    seen = demand.version
    services.comment(demand, desk.office, "别人先动了一步。")
    before = snapshot(demand)

    with pytest.raises(ConflictError, match="Someone else has just updated this demand"):
        step(desk, demand, seen)

    assert snapshot(demand) == before
    step(desk, demand, seen + 1)  # with the version now current it goes through
    assert Demand.objects.get(pk=demand.pk).version == seen + 2


def test_a_version_sent_as_text_from_a_form_is_compared_as_a_number(desk, make_demand):
    demand = make_demand("dispatched")

    services.answer(demand, desk.handler, "答复。", version=str(demand.version))

    assert Demand.objects.get(pk=demand.pk).version == demand.version + 1


# ---------------------------------------------------------------- two connections at once (PostgreSQL)

class Racer(threading.Thread):
    """Runs one step on its own connection and keeps what came of it: "ok" or the error's class name."""

    def __init__(self, step, hold=None, holding=None):
        super().__init__(daemon=True)
        self.step, self.hold, self.holding, self.outcome = step, hold, holding, None

    def run(self):
        try:
            with transaction.atomic():
                self.step()
                if self.hold is not None:  # keep the row locked until told to commit
                    self.holding.set()
                    self.hold.wait(10)
            self.outcome = "ok"
        except TransitionError as e:
            self.outcome = type(e).__name__
        finally:
            connections.close_all()


def race_while_the_first_holds_its_lock(first, second):
    """Start first, wait until it has done its step inside its still open transaction, start second,
    check that second waits for the row lock, then let first commit. Returns both outcomes."""
    hold, holding = threading.Event(), threading.Event()
    a = Racer(first, hold, holding)
    b = Racer(second)
    a.start()
    assert holding.wait(10)
    b.start()
    b.join(0.5)
    blocked = b.is_alive()
    hold.set()
    a.join(10)
    b.join(10)
    return blocked, a.outcome, b.outcome


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_handlers_with_the_same_version_one_wins_the_other_gets_a_conflict(desk, make_demand):
    demand = make_demand("dispatched")
    version = demand.version

    blocked, first, second = race_while_the_first_holds_its_lock(
        lambda: services.close(demand, desk.handler, True, "已办结。", version=version),
        lambda: services.answer(demand, desk.handler2, "协办意见。", version=version),
    )

    assert blocked is True  # the second waited on the first one's row lock
    assert (first, second) == ("ok", "ConflictError")
    demand = Demand.objects.get(pk=demand.pk)
    assert (demand.status, demand.version, demand.resolution) == (Status.RESOLVED, version + 1, "已办结。")
    assert DemandEvent.objects.filter(demand=demand, type=EventType.ANSWERED).count() == 0
    assert demand.assignments.filter(answered_at__isnull=False).count() == 0


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_a_version_the_loser_is_refused_by_the_new_status(desk, make_demand):
    demand = make_demand("dispatched")

    blocked, first, second = race_while_the_first_holds_its_lock(
        lambda: services.close(demand, desk.handler, True, "已办结。"),
        lambda: services.close(demand, desk.handler, False, "无法解决。"),
    )

    assert blocked is True
    assert (first, second) == ("ok", "TransitionError")
    demand = Demand.objects.get(pk=demand.pk)
    assert (demand.status, demand.resolution) == (Status.RESOLVED, "已办结。")
    assert list(demand.events.filter(type__in=[EventType.RESOLVED, EventType.UNRESOLVED])
                .values_list("type", flat=True)) == [EventType.RESOLVED]


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_dispatchers_racing_freely_make_exactly_one_dispatch(desk, make_demand):
    for _ in range(5):
        demand = make_demand()
        start = threading.Barrier(2)

        def step(lead, demand=demand, start=start):
            start.wait(10)
            services.dispatch(demand, desk.office, lead, version=1)

        racers = [Racer(lambda: step(desk.dept)), Racer(lambda: step(desk.market))]
        for r in racers:
            r.start()
        for r in racers:
            r.join(20)

        assert sorted(r.outcome for r in racers) == ["ConflictError", "ok"]
        demand = Demand.objects.get(pk=demand.pk)
        winner = desk.dept if racers[0].outcome == "ok" else desk.market
        assert (demand.status, demand.version, demand.lead_department) == (Status.DISPATCHED, 2, winner)
        assert list(demand.assignments.values_list("department", flat=True)) == [winner.pk]
        assert demand.events.filter(type=EventType.DISPATCHED).count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_retry_racing_its_original_makes_one_demand(desk):
    """Two requests with one Idempotency-Key at once: the second waits for the first's claim, then replays it."""
    from rest_framework.response import Response

    from chainserve.core.api import idempotent

    answers = []

    def create():
        def produce():
            demand = services.submit(desk.enterprise, services.Intake(desk.nfs, desk.policy, "重试", "内容"))
            return Response({"id": demand.pk}, status=201)
        answers.append(idempotent(desk.enterprise, "retry-1", "/api/v1/demands/", produce))

    blocked, first, second = race_while_the_first_holds_its_lock(create, create)

    assert blocked is True  # the retry's INSERT of the key waited for the original to commit
    assert (first, second) == ("ok", "ok")
    assert [a.data for a in answers] == [{"id": Demand.objects.get().pk}] * 2
    assert [a.get("Idempotent-Replayed") for a in answers] == [None, "true"]


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_creates_and_steps_keep_the_figures_exact(desk, make_demand):
    """Concurrent creates and closes increment the same summary rows: no deadlock, no lost count."""
    from chainserve.demands.models import DemandFigures

    dispatched = [make_demand("dispatched") for _ in range(3)]
    start = threading.Barrier(6)

    def create():
        start.wait(10)
        services.submit(desk.enterprise, services.Intake(desk.nfs, desk.policy, "并发", "内容"))

    def close(demand):
        start.wait(10)
        services.close(demand, desk.handler, True, "已办结。")

    racers = [Racer(create) for _ in range(3)] + [Racer(lambda d=d: close(d)) for d in dispatched]
    for r in racers:
        r.start()
    for r in racers:
        r.join(20)

    assert [r.outcome for r in racers] == ["ok"] * 6

    def rows():
        cols = [*metrics.KEY, *metrics.COLUMNS]
        return sorted((dict(zip(cols, r, strict=True)) for r in DemandFigures.objects.values_list(*cols)
                       if any(r[len(metrics.KEY):])), key=lambda r: [r[k] for k in metrics.KEY])

    kept = rows()
    services.rebuild_figures()
    assert rows() == kept
    assert sum(r["received"] for r in kept if not r["month"]) == 6
    assert sum(r["resolved"] for r in kept if not r["month"]) == 3


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_opposite_merges_at_once_queue_instead_of_deadlocking(desk, make_demand, monkeypatch):
    """X into Y and Y into X at the same moment. Each merge used to lock its duplicate, then its target: each
    held one row and waited for the other's (PostgreSQL's deadlock error). Locked in primary-key order, the
    second waits for the first, then finds its target merged."""
    x, y = make_demand(), make_demand()
    real_lock, first_lock_taken = transitions._lock, threading.Barrier(2, timeout=3)
    seen = threading.local()

    def lock_then_meet(demand, version):  # both merges hold their first row before either asks for its second
        locked = real_lock(demand, version)
        if not getattr(seen, "met", False):
            seen.met = True
            try:
                first_lock_taken.wait()
            except threading.BrokenBarrierError:
                pass  # the other merge is waiting for this row: it cannot meet here
        return locked

    monkeypatch.setattr(transitions, "_lock", lock_then_meet)
    a = Racer(lambda: services.merge(x, y, desk.office))
    b = Racer(lambda: services.merge(y, x, desk.office))
    a.start(), b.start()
    a.join(15), b.join(15)

    assert sorted([a.outcome, b.outcome]) == ["TransitionError", "ok"]
    statuses = sorted(Demand.objects.filter(pk__in=[x.pk, y.pk]).values_list("status", flat=True))
    assert statuses == sorted([Status.MERGED, Status.NEW])  # one merged into the other, which is untouched
