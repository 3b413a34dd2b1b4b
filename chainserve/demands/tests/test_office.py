"""The chain office's steps beside the queue: 催办, 改派 with a reason, bulk dispatch, escalation in one step."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chainserve.core.models import Notification
from chainserve.demands import services
from chainserve.demands.choices import AssignmentRole, EscalationLevel, EventType, Status
from chainserve.demands.models import Assignment, Demand
from chainserve.demands.permissions import escalation_targets
from chainserve.demands.services import ConflictError, TransitionError

from .factories import snapshot

CONFLICT = "Someone else has just updated this demand. Reload it to see what changed."


def inbox(event):
    return sorted(Notification.objects.filter(key=f"demand-event:{event.pk}").values_list("user__username",
                                                                                           flat=True))


def assignments_of(demand):
    return sorted(Assignment.objects.filter(demand=demand).values_list("department__name", "role", "active"))


# ---------------------------------------------------------------- 催办

def test_the_office_urges_the_departments_handling_a_demand_and_they_hear_it(desk, make_demand):
    demand = make_demand("dispatched")  # lead 经信局 (handler), co-handler 市场监管局 (handler2)

    services.urge(demand, desk.office, "请于本周内答复企业。", version=demand.version)

    demand = Demand.objects.get(pk=demand.pk)
    event = demand.events.last()
    assert (event.type, event.actor, event.note, event.from_status, event.to_status) == (
        EventType.URGED, desk.office, "请于本周内答复企业。", Status.DISPATCHED, Status.DISPATCHED)
    assert sorted(event.data["departments"]) == sorted([desk.dept.pk, desk.market.pk])
    assert demand.version == 3  # dispatch made it 2
    services.notify_event(event.pk)
    assert inbox(event) == ["handler", "handler2"]


@pytest.mark.parametrize("actor", ["handler", "enterprise", "specialist", "partner"])
def test_only_the_office_urges_and_a_refusal_changes_nothing(desk, make_demand, actor):
    demand = make_demand("dispatched")
    before = snapshot(demand)

    with pytest.raises(PermissionDenied, match="Only the chain office"):
        services.urge(demand, getattr(desk, actor), "请尽快办理。")

    assert snapshot(demand) == before


def test_a_demand_not_in_handling_is_not_urged_nor_without_a_note(desk, make_demand):
    queued, handled = make_demand("accepted"), make_demand("dispatched")
    before = snapshot(queued), snapshot(handled)

    with pytest.raises(TransitionError, match="Not possible while"):
        services.urge(queued, desk.office, "请尽快办理。")
    with pytest.raises(ValidationError) as e:
        services.urge(handled, desk.office, "  ")

    assert e.value.message_dict == {"note": ["Write what the departments are reminded of."]}
    assert (snapshot(queued), snapshot(handled)) == before


def test_two_urges_on_the_same_version_one_wins_the_other_is_a_conflict(desk, make_demand):
    demand = make_demand("dispatched")
    seen = demand.version
    services.urge(demand, desk.office, "第一次催办。", version=seen)
    before = snapshot(demand)

    with pytest.raises(ConflictError, match="Someone else has just updated"):
        services.urge(demand, desk.admin, "第二次催办。", version=seen)

    assert snapshot(demand) == before


# ---------------------------------------------------------------- 改派

def test_the_office_reassigns_the_lead_with_a_reason_and_the_former_lead_lets_go(desk, make_demand):
    demand = make_demand("dispatched")
    services.request_extension(demand, desk.handler, 5, "需会商。")
    demand.refresh_from_db()
    due = demand.resolve_due

    services.reassign(demand, desk.office, desk.science, "属科技局职责。", version=demand.version)

    demand = Demand.objects.get(pk=demand.pk)
    assert (demand.lead_department, demand.status, demand.resolve_due) == (desk.science, Status.DISPATCHED, due)
    assert (demand.extension_days, demand.extension_reason) == (None, "")  # the former lead's request goes with it
    assert assignments_of(demand) == sorted([
        (desk.dept.name, AssignmentRole.LEAD, False), (desk.market.name, AssignmentRole.CO, True),
        (desk.science.name, AssignmentRole.LEAD, True)])
    event = demand.events.last()
    assert (event.type, event.note, event.data) == (EventType.REASSIGNED, "属科技局职责。", {
        "former": desk.dept.pk, "former_name": desk.dept.name, "lead": desk.science.pk, "lead_name": desk.science.name})
    assert not Demand.objects.restrict(desk.handler).filter(pk=demand.pk).exists()
    assert Demand.objects.restrict(desk.handler3).filter(pk=demand.pk).exists()
    assert services.available_actions(demand, desk.handler3)[:3] == ["ask", "send_back", "close"]
    services.notify_event(event.pk)
    assert inbox(event) == ["handler", "handler2", "handler3"]  # the former lead (handler) hears it too


def test_a_co_handler_made_lead_keeps_one_assignment(desk, make_demand):
    demand = make_demand("dispatched")

    services.reassign(demand, desk.office, desk.market, "市场监管局牵头更合适。")

    assert assignments_of(demand) == sorted([(desk.dept.name, AssignmentRole.LEAD, False),
                                             (desk.market.name, AssignmentRole.LEAD, True)])


@pytest.mark.parametrize(("lead", "reason", "errors"), [
    ("science", " ", {"note": ["Say why the demand goes to another department."]}),
    ("dept", "再派一次。", {"lead": ["明湖市经济和信息化局 leads already; choose another department."]}),
    ("nfs", "派给企业。", {"lead": ["Choose the government department that leads from now on."]}),
])
def test_a_reassignment_without_reason_to_the_same_lead_or_to_no_department_changes_nothing(
        desk, make_demand, lead, reason, errors):
    demand = make_demand("dispatched")
    before = snapshot(demand)

    with pytest.raises(ValidationError) as e:
        services.reassign(demand, desk.office, getattr(desk, lead), reason)

    assert e.value.message_dict == errors
    assert snapshot(demand) == before


@pytest.mark.parametrize("actor", ["handler", "handler2", "enterprise", "partner"])
def test_only_the_office_reassigns(desk, make_demand, actor):
    demand = make_demand("dispatched")
    before = snapshot(demand)

    with pytest.raises(PermissionDenied):
        services.reassign(demand, getattr(desk, actor), desk.science, "改派。")

    assert snapshot(demand) == before


def test_two_reassignments_at_once_one_wins_the_other_is_a_conflict(desk, make_demand):
    demand = make_demand("dispatched")
    seen = demand.version
    services.reassign(demand, desk.office, desk.science, "属科技局职责。", version=seen)
    before = snapshot(demand)

    with pytest.raises(ConflictError):
        services.reassign(demand, desk.admin, desk.market, "属市场监管局职责。", version=seen)

    assert snapshot(demand) == before
    assert Demand.objects.get(pk=demand.pk).lead_department == desk.science


# ---------------------------------------------------------------- bulk dispatch

def test_a_bulk_dispatch_says_each_demands_outcome_and_refusals_change_nothing(desk, make_demand):
    first, second, taken = make_demand("new"), make_demand("accepted"), make_demand("accepted")
    stale = taken.version
    services.dispatch(taken, desk.admin, desk.market)  # someone else, meanwhile
    hidden = make_demand("new", by=desk.specialist, organization=desk.wz, chain=desk.dchain)  # not the office's
    before = snapshot(taken), snapshot(hidden)

    outcomes = services.dispatch_selected(desk.office, [(first.pk, first.version), (taken.pk, stale),
                                                        (hidden.pk, hidden.version), (second.pk, None)],
                                          desk.science, [desk.market])

    assert [(o.pk, o.number, o.ok, o.error) for o in outcomes] == [
        (first.pk, first.number, True, ""), (taken.pk, taken.number, False, CONFLICT),
        (hidden.pk, str(hidden.pk), False, "No such demand."), (second.pk, second.number, True, "")]
    for d in (first, second):
        d = Demand.objects.get(pk=d.pk)
        assert (d.status, d.lead_department) == (Status.DISPATCHED, desk.science)
        assert assignments_of(d) == sorted([(desk.science.name, AssignmentRole.LEAD, True),
                                            (desk.market.name, AssignmentRole.CO, True)])
    assert (snapshot(taken), snapshot(hidden)) == before


@pytest.mark.parametrize("actor", ["handler", "specialist", "enterprise", "partner"])
def test_only_the_office_dispatches_in_bulk(desk, make_demand, actor):
    demand = make_demand("accepted")
    before = snapshot(demand)

    with pytest.raises(PermissionDenied):
        services.dispatch_selected(getattr(desk, actor), [(demand.pk, None)], desk.science)

    assert snapshot(demand) == before


# ---------------------------------------------------------------- escalation in one step

def test_the_office_escalates_straight_to_the_joint_meeting(desk, make_demand):
    demand = make_demand("dispatched")

    services.escalate(demand, desk.office, "多部门协调未果,提交联席会议。", to=EscalationLevel.JOINT_MEETING,
                      level=0)

    demand = Demand.objects.get(pk=demand.pk)
    assert demand.escalation_level == EscalationLevel.JOINT_MEETING
    assert list(demand.events.filter(type=EventType.ESCALATED).values_list("data", flat=True)) == [{"level": 3}]
    assert list(services.agenda_candidates(desk.chain)) == [demand]


def test_a_handler_goes_one_level_up_only_and_a_level_not_above_is_refused(desk, make_demand):
    demand = make_demand("dispatched")
    before = snapshot(demand)

    with pytest.raises(ValidationError) as e:
        services.escalate(demand, desk.handler, "升级。", to=EscalationLevel.JOINT_MEETING)

    assert e.value.message_dict == {"to_level": ["Choose a higher level that is open to you."]}
    assert snapshot(demand) == before
    assert escalation_targets(demand, desk.handler) == [EscalationLevel.OFFICE]
    assert escalation_targets(demand, desk.office) == [1, 2, 3]
    services.escalate(demand, desk.office, "链办协调。", to=EscalationLevel.COMMITTEE)
    demand.refresh_from_db()
    before = snapshot(demand)
    with pytest.raises(ValidationError):
        services.escalate(demand, desk.office, "升级。", to=EscalationLevel.OFFICE)
    assert snapshot(demand) == before
    assert escalation_targets(demand, desk.handler) == [EscalationLevel.JOINT_MEETING]


# ---------------------------------------------------------------- pages and API

def test_the_queue_dispatches_the_ticked_rows_and_names_each_outcome(desk, make_demand, client_as):
    first, taken = make_demand("new"), make_demand("accepted")
    client = client_as(desk.office)
    page = client.get("/demands/queue/").content.decode()
    assert f'name="demand" value="{first.pk}"' in page and f'name="version-{taken.pk}" value="{taken.version}"' in page
    services.dispatch(taken, desk.admin, desk.market)  # meanwhile

    response = client.post("/demands/queue/dispatch/", {
        "demand": [first.pk, taken.pk], f"version-{first.pk}": first.version, f"version-{taken.pk}": 2,
        "bulk-lead": desk.science.pk}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        f"Dispatched 1 to {desk.science.name}: {first.number}", f"{taken.number} not dispatched: {CONFLICT}"]
    assert Demand.objects.get(pk=first.pk).lead_department == desk.science
    assert Demand.objects.get(pk=taken.pk).lead_department == desk.market


def test_a_bulk_dispatch_without_a_lead_says_so_and_a_handler_gets_403(desk, make_demand, client_as):
    demand = make_demand("accepted")
    before = snapshot(demand)

    response = client_as(desk.office).post("/demands/queue/dispatch/", {"demand": [demand.pk]}, follow=True)
    none_ticked = client_as(desk.office).post("/demands/queue/dispatch/", {"bulk-lead": desk.science.pk},
                                              follow=True)
    refused = client_as(desk.handler).post("/demands/queue/dispatch/", {"demand": [demand.pk],
                                                                        "bulk-lead": desk.science.pk})

    assert [str(m) for m in response.context["messages"]] == ["Lead department: This field is required."]
    assert [str(m) for m in none_ticked.context["messages"]] == ["Select the demands to dispatch."]
    assert refused.status_code == 403
    assert snapshot(demand) == before


def test_the_page_names_each_level_on_its_button_and_one_press_gets_there(desk, make_demand, client_as):
    demand = make_demand("dispatched")
    client = client_as(desk.office)
    page = client.get(f"/demands/{demand.pk}/").content.decode()
    for level, name in [(1, "Chain office"), (2, "Coordination committee"), (3, "Joint meeting agenda")]:
        assert f'name="escalate-to_level" value="{level}">Escalate to {name}</button>' in page
    assert 'name="escalate-to_level" value="1">' in client_as(desk.handler).get(f"/demands/{demand.pk}/").content.decode()

    client.post(f"/demands/{demand.pk}/escalate/", {"version": demand.version, "escalate-note": "提交联席会议。",
                                                    "escalate-to_level": 3})

    assert Demand.objects.get(pk=demand.pk).escalation_level == EscalationLevel.JOINT_MEETING


def test_the_page_urges_and_reassigns_with_the_reason_at_its_field(desk, make_demand, client_as):
    demand = make_demand("dispatched")
    client = client_as(desk.office)

    missing = client.post(f"/demands/{demand.pk}/reassign/", {"version": demand.version,
                                                              "reassign-lead": desk.science.pk})
    client.post(f"/demands/{demand.pk}/urge/", {"version": demand.version, "urge-note": "请尽快答复。"})
    client.post(f"/demands/{demand.pk}/reassign/", {"version": demand.version + 1, "reassign-lead": desk.science.pk,
                                                    "reassign-note": "属科技局职责。"})

    assert missing.status_code == 400
    assert missing.context["action_forms"]["reassign"].errors == {"note": ["This field is required."]}
    assert list(demand.events.values_list("type", flat=True))[-2:] == [EventType.URGED, EventType.REASSIGNED]
    page = client.get(f"/demands/{demand.pk}/").content.decode()
    assert f"{desk.dept.name} → {desk.science.name}" in page


def test_the_api_urges_reassigns_and_dispatches_in_bulk_with_conflicts(desk, make_demand, api_as):
    demand, queued = make_demand("dispatched"), make_demand("accepted")
    api = api_as(desk.office)
    url = f"/api/v1/demands/{demand.pk}/steps/"

    urged = api.post(url + "urge/", {"version": demand.version, "note": "请尽快答复。"}, format="json")
    stale = api.post(url + "reassign/", {"version": demand.version, "lead": desk.science.pk, "note": "改派。"},
                     format="json")
    no_lead = api.post(url + "reassign/", {"version": demand.version + 1, "note": "改派。"}, format="json")
    reassigned = api.post(url + "reassign/", {"version": demand.version + 1, "lead": desk.science.pk,
                                              "note": "属科技局职责。"}, format="json")
    bulk = api.post("/api/v1/demands/dispatch-selected/", {
        "demands": [{"id": queued.pk, "version": queued.version}, {"id": 999999}], "lead": desk.market.pk},
        format="json")
    refused = api_as(desk.handler).post("/api/v1/demands/dispatch-selected/", {
        "demands": [{"id": queued.pk}], "lead": desk.market.pk}, format="json")

    assert urged.status_code == 200 and "urge" in urged.json()["actions"]
    assert (stale.status_code, stale.json()) == (409, {"detail": CONFLICT})
    assert (no_lead.status_code, no_lead.json()) == (400, {"lead": ["This field is required."]})
    assert (reassigned.status_code, reassigned.json()["lead_department"]) == (200, desk.science.pk)
    assert (bulk.status_code, bulk.json()) == (200, [
        {"id": queued.pk, "number": queued.number, "ok": True, "detail": ""},
        {"id": 999999, "number": "999999", "ok": False, "detail": "No such demand."}])
    assert refused.status_code == 403
