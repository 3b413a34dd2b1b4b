"""The demands API's past dates: the chain office or an admin creates a demand with a past `received_at`, written
by the history import's path (deadlines from that year's calendar, figures in that year, its event imported)."""

import pytest

from chainserve.core.models import Notification
from chainserve.demands.choices import EventType, Status
from chainserve.demands.models import Demand, DemandFigures
from chainserve.reports.figures import Period, Scope, compute_all

from .factories import eod, local

URL = "/api/v1/demands/"
KEYS = ["demands_received", "demands_open"]


def body(desk, **extra):
    return {"organization": desk.nfs.pk, "category": desk.policy.pk, "channel": "visit",
            "title": "研发费用加计扣除辅导", "description": "企业希望了解申报口径。", **extra}


@pytest.mark.parametrize("role", ["office", "admin"])
def test_a_demand_received_in_a_past_year_counts_there_with_that_year_s_deadlines(desk, clock, api_as, role):
    this_year = [v.value for v in compute_all(Period.year(2026), Scope(), KEYS).values]
    notifications = Notification.objects.count()

    response = api_as(getattr(desk, role)).post(URL, body(desk, received_at="2024-09-27T15:30:00+08:00",
                                                          priority="urgent"), format="json")

    assert response.status_code == 201, response.json()
    demand = Demand.objects.get(pk=response.json()["id"])
    assert (demand.created, demand.status, demand.priority, demand.channel, demand.recorded_by) == (
        local(2024, 9, 27, 15, 30), Status.NEW, "urgent", "visit", getattr(desk, role))
    assert demand.number == f"SQ2024{demand.pk:07d}"
    # urgent: accept 1, answer 1, resolve 5 working days, counted with 2024's official schedule (9-29, a Sunday,
    # is worked; 10-1 … 10-7 are off)
    assert (demand.accept_due, demand.answer_due, demand.resolve_due) == (
        eod(2024, 9, 29), eod(2024, 9, 29), eod(2024, 10, 10))
    assert response.json()["created"] == "2024-09-27T15:30:00+08:00"
    assert [(e.type, e.at, e.actor, e.data) for e in demand.events.all()] == [
        (EventType.SUBMITTED, local(2024, 9, 27, 15, 30), getattr(desk, role), {"channel": "visit", "imported": True})]
    assert compute_all(Period.year(2024), Scope(), KEYS).value("demands_received") == 1
    assert [v.value for v in compute_all(Period.year(2026), Scope(), KEYS).values] == this_year
    assert Notification.objects.count() == notifications  # as the history import: no one is told


@pytest.mark.parametrize(("role", "received_at", "message"), [
    ("enterprise", "2024-09-27T09:00:00+08:00",
     "Only the chain office or an admin records a demand received in the past."),
    ("specialist", "2024-09-27T09:00:00+08:00",
     "Only the chain office or an admin records a demand received in the past."),
    ("office", "2026-09-30T09:00:00+08:00", "A date in the future (2026-09-30T09:00:00+08:00)."),
    ("office", "1999-12-31T09:00:00+08:00", "A date before 2000."),
])
def test_a_past_date_that_may_not_be_is_a_400_naming_received_at(desk, clock, api_as, role, received_at, message):
    figures = DemandFigures.objects.count()

    response = api_as(getattr(desk, role)).post(URL, body(desk, received_at=received_at), format="json")

    assert (response.status_code, response.json()) == (400, {"received_at": [message]})
    assert (Demand.objects.count(), DemandFigures.objects.count()) == (0, figures)


def test_a_year_before_2025_without_its_holiday_schedule_is_refused(desk, clock, api_as):
    # 2019 is not entered (the calendar starts in 2020): it would be counted Monday to Friday
    response = api_as(desk.office).post(URL, body(desk, received_at="2019-12-02T09:00:00+08:00"), format="json")

    assert response.status_code == 400
    assert response.json() == {"received_at": [
        "The 2019 holiday schedule is not entered: an admin enters it before demands of that year are imported."]}
    assert Demand.objects.count() == 0


def test_the_same_past_demand_sent_twice_is_refused(desk, clock, api_as):
    api = api_as(desk.office)
    first = api.post(URL, body(desk, received_at="2024-05-06T09:00:00+08:00"), format="json")

    again = api.post(URL, body(desk, received_at="2024-05-06T16:00:00+08:00"), format="json")

    assert (first.status_code, again.status_code) == (201, 400)
    assert again.json() == {"received_at": [
        f"The platform has this demand already: {first.json()['number']}, received the same day."]}
    assert Demand.objects.count() == 1


def test_intake_s_own_checks_hold_for_a_past_demand(desk, clock, api_as):
    response = api_as(desk.office).post(URL, body(desk, received_at="2024-05-06T09:00:00+08:00", channel="npc"),
                                        format="json")

    assert (response.status_code, response.json()) == (
        400, {"proposer": ["Name the deputy or member who made the proposal."]})
    assert Demand.objects.count() == 0
