"""The demands API: create (once per Idempotency-Key), errors field by field, steps with conflicts, events."""

import pytest

from chainserve.core.models import IdempotencyKey
from chainserve.demands.choices import Channel, EventType, Status
from chainserve.demands.models import ChainIssue, Demand

from .factories import snapshot

URL = "/api/v1/demands/"
CONFLICT = "Someone else has just updated this demand. Reload it to see what changed."


def body(desk, **extra):
    return {"category": desk.policy.pk, "title": "申请研发费用加计扣除辅导",
            "description": "需要了解申报口径。", **extra}


def test_a_create_sent_twice_with_one_idempotency_key_makes_one_demand(desk, api_as):
    api = api_as(desk.enterprise)

    first = api.post(URL, body(desk), format="json", HTTP_IDEMPOTENCY_KEY="raise-7f3a")
    second = api.post(URL, body(desk), format="json", HTTP_IDEMPOTENCY_KEY="raise-7f3a")

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    demand = Demand.objects.get()
    assert first.json()["id"] == demand.pk
    assert first.json()["number"] == demand.number
    assert (demand.organization, demand.channel, demand.status) == (desk.nfs, Channel.PORTAL, Status.NEW)
    assert demand.events.count() == 1


def test_another_key_or_no_key_makes_another_demand(desk, api_as):
    api = api_as(desk.enterprise)

    api.post(URL, body(desk), format="json", HTTP_IDEMPOTENCY_KEY="a")
    # the same demand again: the enterprise confirms it is new (else a 400 lists the first, test_enterprise.py)
    api.post(URL, body(desk, confirm_new=True), format="json", HTTP_IDEMPOTENCY_KEY="b")
    api.post(URL, body(desk, confirm_new=True), format="json")

    assert Demand.objects.count() == 3


def test_a_key_is_kept_per_user(desk, api_as):
    api_as(desk.enterprise).post(URL, body(desk), format="json", HTTP_IDEMPOTENCY_KEY="same")
    other = api_as(desk.enterprise2).post(URL, body(desk), format="json", HTTP_IDEMPOTENCY_KEY="same")

    assert other.status_code == 201
    assert sorted(Demand.objects.values_list("organization__short_name", flat=True)) == ["", "纽福斯"]


def test_a_failed_create_keeps_no_key_so_it_can_be_retried(desk, api_as):
    api = api_as(desk.enterprise)

    failed = api.post(URL, body(desk, title=""), format="json", HTTP_IDEMPOTENCY_KEY="retry")
    retried = api.post(URL, body(desk), format="json", HTTP_IDEMPOTENCY_KEY="retry")

    assert (failed.status_code, retried.status_code) == (400, 201)
    assert Demand.objects.count() == 1
    assert IdempotencyKey.objects.get().status == 201


def test_the_enterprise_s_own_organisation_is_used_whatever_it_sends(desk, api_as):
    response = api_as(desk.enterprise).post(URL, body(desk, organization=desk.wz.pk, channel="npc"),
                                            format="json")

    assert response.status_code == 201
    demand = Demand.objects.get()
    assert (demand.organization, demand.channel) == (desk.nfs, Channel.PORTAL)


def test_staff_create_on_behalf_with_channel_and_proposer(desk, api_as):
    response = api_as(desk.specialist).post(URL, body(desk, organization=desk.wz.pk, channel="cppcc",
                                                       proposer="李委员"), format="json")

    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("organization", "channel", "proposer", "status", "version")} == {
        "organization": desk.wz.pk, "channel": "cppcc", "proposer": "李委员", "status": "new", "version": 1}
    assert Demand.objects.get().recorded_by == desk.specialist


@pytest.mark.parametrize(("role", "data", "errors"), [
    ("enterprise", {"description": "x"}, {"category": ["This field is required."],
                                          "title": ["This field is required."]}),
    ("enterprise", {"category": 9999, "title": "t", "description": "d"},
     {"category": ['Invalid pk "9999" - object does not exist.']}),
    ("enterprise", {"category": "policy", "title": "t", "description": "d", "priority": "asap"},
     {"category": ["Incorrect type. Expected pk value, received str."],
      "priority": ['"asap" is not a valid choice.']}),
    ("enterprise", {"title": " ", "description": "d", "category": None}, {
        "title": ["This field may not be blank."], "category": ["This field may not be null."]}),
    ("specialist", {"title": "t", "description": "d"}, {"organization": ["This field is required."]}),
    ("specialist", {"title": "t", "description": "d", "channel": "portal"},
     {"channel": ["Say where the demand was raised: visit, symposium, meeting, hotline …"]}),
    ("specialist", {"title": "t", "description": "d", "channel": "npc"},
     {"proposer": ["Name the deputy or member who made the proposal."]}),
])
def test_bad_input_is_a_400_field_by_field_and_creates_nothing(desk, api_as, role, data, errors):
    user = getattr(desk, role)
    payload = dict(data)
    if role == "specialist":
        payload.setdefault("category", desk.policy.pk)
        if "channel" in payload or "proposer" in payload:
            payload["organization"] = desk.nfs.pk

    response = api_as(user).post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 400
    assert response.json() == errors
    assert Demand.objects.count() == 0
    assert IdempotencyKey.objects.count() == 0


@pytest.mark.parametrize("role", ["handler", "partner"])
def test_roles_that_do_not_record_demands_get_403(desk, api_as, role):
    response = api_as(getattr(desk, role)).post(URL, body(desk, organization=desk.nfs.pk, channel="visit"),
                                                format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role cannot record demands."}
    assert Demand.objects.count() == 0


def test_anonymous_gets_nothing(desk, make_demand, api_as):
    demand = make_demand()
    api = api_as(None)

    assert api.get(URL).status_code in (401, 403)
    assert api.get(f"{URL}{demand.pk}/").status_code in (401, 403)
    assert api.post(URL, body(desk), format="json").status_code in (401, 403)
    assert Demand.objects.count() == 1


# ---------------------------------------------------------------- steps

def test_a_demand_goes_through_its_steps_over_the_api(desk, make_demand, api_as):
    demand = make_demand()

    dispatched = api_as(desk.office).post(f"{URL}{demand.pk}/steps/dispatch/", {
        "lead": desk.dept.pk, "co": [desk.market.pk], "note": "经信局牵头。", "version": 1}, format="json")
    assert dispatched.status_code == 200
    assert {k: dispatched.json()[k] for k in ("status", "version", "lead_department", "actions")} == {
        "status": "dispatched", "version": 2, "lead_department": desk.dept.pk,
        # no refer_down: the demand is at 东湖区, which has no region below it
        "actions": ["urge", "reassign", "escalate", "refer_up", "merge", "link_issue", "comment"]}

    handler = api_as(desk.handler)
    assert handler.post(f"{URL}{demand.pk}/steps/ask/", {"note": "请补充。", "version": 2},
                        format="json").json()["status"] == "waiting"
    assert api_as(desk.enterprise).post(f"{URL}{demand.pk}/steps/reply/", {"note": "已补充。", "version": 3},
                                        format="json").json()["status"] == "dispatched"
    closed = handler.post(f"{URL}{demand.pk}/steps/close/",
                          {"resolved": True, "note": "已办结。", "version": 4}, format="json")
    assert (closed.json()["status"], closed.json()["resolution"]) == ("resolved", "已办结。")
    rated = api_as(desk.enterprise).post(f"{URL}{demand.pk}/steps/rate/",
                                         {"rating": "basic", "note": "还行。"}, format="json")
    assert (rated.json()["rating"], rated.json()["rating_comment"], rated.json()["actions"]) == (
        "basic", "还行。", [])

    events = api_as(desk.enterprise).get(f"{URL}{demand.pk}/events/").json()
    assert [(e["type"], e["actor"], e["from_status"], e["to_status"], e["note"]) for e in events] == [
        ("submitted", "enterprise", "", "new", ""),
        ("dispatched", "office", "new", "dispatched", "经信局牵头。"),
        ("asked", "handler", "dispatched", "waiting", "请补充。"),
        ("replied", "enterprise", "waiting", "dispatched", "已补充。"),
        ("resolved", "handler", "dispatched", "resolved", "已办结。"),
        ("rated", "enterprise", "resolved", "resolved", "还行。"),
    ]
    assert events[1]["data"] == {"lead": desk.dept.pk, "co": [desk.market.pk]}


@pytest.mark.parametrize("meanwhile", ["comment", "ask"], ids=["same-status", "status-changed"])
def test_a_stale_version_is_409_and_changes_nothing(desk, make_demand, api_as, meanwhile):
    demand = make_demand("dispatched")
    seen = demand.version
    api_as(desk.handler).post(f"{URL}{demand.pk}/steps/{meanwhile}/", {"note": "另一个窗口先动了。"},
                              format="json")
    before = snapshot(demand)

    response = api_as(desk.handler).post(f"{URL}{demand.pk}/steps/close/", {
        "resolved": True, "note": "已办结。", "version": seen}, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": CONFLICT}
    assert snapshot(demand) == before


@pytest.mark.parametrize(("role", "step", "data", "status", "errors"), [
    ("enterprise", "close", {"resolved": True, "note": "x"}, 400,
     {"non_field_errors": ["This step is not open to you on this demand now."]}),
    ("handler2", "send_back", {"note": "x"}, 400,
     {"non_field_errors": ["This step is not open to you on this demand now."]}),
    ("office", "dispatch", {}, 400, {"lead": ["This field is required."]}),
    ("handler", "close", {"note": "x"}, 400, {"resolved": ["This field is required."]}),
    ("handler", "request_extension", {"days": 31, "note": "x"}, 400,
     {"days": ["Ensure this value is less than or equal to 30."]}),
    ("handler", "ask", {"note": " "}, 400, {"note": ["Write the question for the enterprise."]}),
    ("handler", "fly", {}, 404, {"detail": "Not found."}),
    ("handler3", "answer", {"note": "x"}, 404, {"detail": "No Demand matches the given query."}),
    ("partner", "answer", {"note": "x"}, 404, {"detail": "No Demand matches the given query."}),
])
def test_a_refused_step_says_why_and_changes_nothing(desk, make_demand, api_as, role, step, data, status,
                                                     errors):
    demand = make_demand("dispatched")
    before = snapshot(demand)

    response = api_as(getattr(desk, role)).post(f"{URL}{demand.pk}/steps/{step}/", data, format="json")

    assert response.status_code == status
    assert response.json() == errors
    assert snapshot(demand) == before


def test_a_demand_is_linked_to_a_chain_wide_issue_over_the_api(desk, make_demand, api_as):
    # regression: the step read fields the API did not accept, and answered 500
    first, second = make_demand("dispatched"), make_demand("dispatched")
    office = api_as(desk.office)

    created = office.post(f"{URL}{first.pk}/steps/link_issue/", {"new_title": "融资难"}, format="json")
    issue = ChainIssue.objects.get()
    linked = office.post(f"{URL}{second.pk}/steps/link_issue/", {"issue": issue.pk}, format="json")

    assert (created.status_code, linked.status_code) == (200, 200)
    assert (issue.chain, issue.title, issue.created_by) == (desk.chain, "融资难", desk.office)
    assert created.json()["chain_issue"] == linked.json()["chain_issue"] == issue.pk
    assert list(issue.demands.order_by("pk")) == [first, second]
    assert Demand.objects.get(pk=second.pk).events.last().type == EventType.LINKED


def test_linking_needs_an_issue_or_a_title(desk, make_demand, api_as):
    demand = make_demand("dispatched")
    before = snapshot(demand)

    response = api_as(desk.office).post(f"{URL}{demand.pk}/steps/link_issue/", {"new_title": " "},
                                        format="json")

    assert response.status_code == 400
    assert response.json() == {"issue": ["Choose an issue or give a new one's title."]}
    assert snapshot(demand) == before
    assert ChainIssue.objects.count() == 0


def test_the_list_is_filtered_and_scoped(desk, make_demand, api_as):
    mine = make_demand("dispatched")
    make_demand("resolved")
    make_demand(by=desk.specialist, organization=desk.wz)

    listed = api_as(desk.enterprise).get(URL, {"status": "dispatched"}).json()

    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert listed["count"] == 1


@pytest.mark.parametrize("role", ["handler", "partner"])
def test_roles_that_do_not_record_demands_get_403_before_the_body_is_read(desk, api_as, client_as, role):
    """Whatever is sent (nothing, a field no endpoint takes), as the office's page says to a handler and the portal
    to a partner — not a 400 about the fields (tests/on_the_demo/test_role_parity.py)."""
    api = api_as(getattr(desk, role))

    answers = [api.post(URL, sent, format="json") for sent in ({}, {"no_such_field": 1})]

    assert [(a.status_code, a.json()) for a in answers] == [(403, {"detail": "Your role cannot record demands."})] * 2
    assert client_as(getattr(desk, role)).get("/demands/add/").status_code == 403
    assert client_as(getattr(desk, role)).post("/demands/add/", {}).status_code == 403
    assert Demand.objects.count() == 0
