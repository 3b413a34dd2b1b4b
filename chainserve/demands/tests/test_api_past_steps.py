"""The demands API's past steps: the chain office or an admin takes a step with `at`, and the step happens then —
the demand's dates, its deadlines from that year's calendar, its event at that instant (marked as recorded
afterwards, notifying no one) and its figures in its own year."""

import pytest

from chainserve.core.models import Notification
from chainserve.demands.choices import EventType, Status
from chainserve.demands.models import Assignment, Demand, DemandEvent, DemandFigures
from chainserve.reports.figures import Period, Scope, compute_all

from .factories import eod, local

URL = "/api/v1/demands/"
KEYS = ["demands_received", "demands_resolved", "demands_open", "response_rate", "resolution_rate",
        "avg_working_days", "satisfaction_rate"]


def step(api, demand_id, name, **body):
    return api.post(f"{URL}{demand_id}/steps/{name}/", body, format="json")


def past_demand(desk, api, received_at="2025-03-03T09:00:00+08:00"):
    response = api.post(URL, {"organization": desk.nfs.pk, "category": desk.policy.pk, "channel": "visit",
                              "title": "研发费用加计扣除辅导", "description": "企业希望了解申报口径。",
                              "received_at": received_at}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def figures(year):
    return {v.figure.key: v.value for v in compute_all(Period.year(year), Scope(), KEYS).values}


def test_a_demand_received_and_resolved_in_2025_through_the_api_counts_in_2025(desk, clock, api_as):
    this_year, notifications = figures(2026), Notification.objects.count()
    api = api_as(desk.admin)
    pk = past_demand(desk, api)

    for name, body in [
        ("accept", {"at": "2025-03-03T10:00:00+08:00"}),
        ("dispatch", {"at": "2025-03-04T09:30:00+08:00", "lead": desk.dept.pk, "co": [desk.market.pk]}),
        ("answer", {"at": "2025-03-05T15:00:00+08:00", "note": "已联系企业。"}),
        ("close", {"at": "2025-03-14T16:00:00+08:00", "resolved": True, "note": "已辅导完成。"}),
        # the enterprise's rating, as the office's return visit (回访) took it
        ("rate", {"at": "2025-03-18T10:00:00+08:00", "rating": "satisfied", "note": "辅导及时。"}),
    ]:
        response = step(api, pk, name, **body)
        assert response.status_code == 200, (name, response.json())

    demand = Demand.objects.get(pk=pk)
    assert (demand.status, demand.accepted_at, demand.dispatched_at, demand.first_answered_at, demand.closed_at,
            demand.rating, demand.rated_at) == (
        Status.RESOLVED, local(2025, 3, 3, 10), local(2025, 3, 4, 9, 30), local(2025, 3, 5, 15),
        local(2025, 3, 14, 16), "satisfied", local(2025, 3, 18, 10))
    # 2025's calendar: answer within 2 and resolve within 10 working days of Monday 3 March; closed on Friday the
    # 14th, 9 working days on; the co-handler's 5 working days run from the dispatch, on the 4th
    assert (demand.answer_due, demand.resolve_due, demand.resolve_working_days) == (
        eod(2025, 3, 5), eod(2025, 3, 17), 9)
    assert Assignment.objects.get(demand=demand, department=desk.market).due == eod(2025, 3, 11)
    assert [(e.type, e.at, e.from_status, e.to_status, e.data.get("imported"), e.data.get("recorded"))
            for e in demand.events.all()] == [
        (EventType.SUBMITTED, local(2025, 3, 3, 9), "", Status.NEW, True, None),
        (EventType.ACCEPTED, local(2025, 3, 3, 10), Status.NEW, Status.ACCEPTED, True, "2026-09-29T10:00:00+08:00"),
        (EventType.DISPATCHED, local(2025, 3, 4, 9, 30), Status.ACCEPTED, Status.DISPATCHED, True,
         "2026-09-29T10:00:00+08:00"),
        (EventType.ANSWERED, local(2025, 3, 5, 15), Status.DISPATCHED, Status.DISPATCHED, True,
         "2026-09-29T10:00:00+08:00"),
        (EventType.RESOLVED, local(2025, 3, 14, 16), Status.DISPATCHED, Status.RESOLVED, True,
         "2026-09-29T10:00:00+08:00"),
        (EventType.RATED, local(2025, 3, 18, 10), Status.RESOLVED, Status.RESOLVED, True,
         "2026-09-29T10:00:00+08:00"),
    ]
    assert figures(2025) == {"demands_received": 1, "demands_resolved": 1, "demands_open": 0, "response_rate": 100.0,
                             "resolution_rate": 100.0, "avg_working_days": 9.0,
                             "satisfaction_rate": 100.0}
    assert figures(2026) == this_year
    assert Notification.objects.count() == notifications  # it happened in 2025: no one is told now


def test_the_office_accepts_and_dispatches_at_past_instants(desk, clock, api_as):
    api = api_as(desk.office)
    pk = past_demand(desk, api)

    accepted = step(api, pk, "accept", at="2025-03-03T10:00:00+08:00")
    dispatched = step(api, pk, "dispatch", at="2025-03-05T11:00:00+08:00", lead=desk.dept.pk)

    assert (accepted.status_code, dispatched.status_code) == (200, 200)
    assert (dispatched.json()["accepted_at"], dispatched.json()["dispatched_at"], dispatched.json()["status"]) == (
        "2025-03-03T10:00:00+08:00", "2025-03-05T11:00:00+08:00", "dispatched")


@pytest.mark.parametrize(("role", "name", "at", "message"), [
    ("enterprise", "reply", "2025-03-03T10:00:00+08:00",
     "Only the chain office or an admin records a step taken in the past."),
    ("handler", "answer", "2025-03-03T10:00:00+08:00",
     "Only the chain office or an admin records a step taken in the past."),
    ("office", "urge", "2025-03-03T10:00:00+08:00", "This step is not recorded at a past time."),
    ("admin", "answer", "2026-09-30T09:00:00+08:00", "A date in the future (2026-09-30T09:00:00+08:00)."),
    ("admin", "answer", "2025-03-04T09:00:00+08:00", "Before the demand's last step (2025-03-04T09:30:00+08:00)."),
])
def test_a_past_instant_that_may_not_be_is_a_400_at_at_and_changes_nothing(desk, clock, api_as, role, name, at,
                                                                          message):
    admin = api_as(desk.admin)
    pk = past_demand(desk, admin)
    assert step(admin, pk, "dispatch", at="2025-03-04T09:30:00+08:00", lead=desk.dept.pk).status_code == 200
    if role == "enterprise":  # the enterprise's step is open to it: only `at` is refused
        assert step(admin, pk, "ask", at="2025-03-04T10:00:00+08:00", note="请补充材料。").status_code == 200
    before = (Demand.objects.values().get(pk=pk), list(DemandEvent.objects.filter(demand_id=pk).values()),
              list(DemandFigures.objects.values()), Notification.objects.count())

    response = step(api_as(getattr(desk, role)), pk, name, at=at, note="已联系企业。")

    assert (response.status_code, response.json()) == (400, {"at": [message]})
    assert (Demand.objects.values().get(pk=pk), list(DemandEvent.objects.filter(demand_id=pk).values()),
            list(DemandFigures.objects.values()), Notification.objects.count()) == before


def test_a_step_without_at_still_happens_now(desk, clock, api_as):
    api = api_as(desk.office)
    pk = past_demand(desk, api)

    response = step(api, pk, "accept")

    assert response.status_code == 200
    event = Demand.objects.get(pk=pk).events.get(type=EventType.ACCEPTED)
    assert (event.at, event.data, response.json()["accepted_at"]) == (local(2026, 9, 29, 10), {},
                                                                       "2026-09-29T10:00:00+08:00")


def test_the_office_rates_for_the_enterprise_only_at_a_past_instant(desk, clock, api_as, make_demand):
    demand = make_demand("resolved")
    before = (Demand.objects.values().get(pk=demand.pk), DemandEvent.objects.filter(demand=demand).count())

    response = step(api_as(desk.office), demand.pk, "rate", rating="satisfied")

    assert (response.status_code, response.json()) == (
        400, {"non_field_errors": ["This step is not open to you on this demand now."]})
    assert (Demand.objects.values().get(pk=demand.pk), DemandEvent.objects.filter(demand=demand).count()) == before
