"""Coordination API: scopes, decisions and action items, sign-up with attendees and check-in, agreements."""

import datetime

from chainserve.coordination.models import ActionItem, Activity, Agreement, Registration, Visit


def test_meeting_agenda_decide_and_progress(coord, api_as):
    office = api_as(coord.users.office)
    data = office.post(f"/api/v1/meetings/{coord.meeting.pk}/build-agenda/").json()
    assert [(a["demand"], a["resolved"]) for a in data["agenda"]] == [(coord.demand.pk, False)]
    response = office.post(f"/api/v1/meetings/{coord.meeting.pk}/decide/", {
        "text": "协调厂房。", "owner": coord.world.dept.pk, "due_on": "2026-12-31",
        "agenda_item": data["agenda"][0]["id"], "resolves_demand": True}, format="json")
    assert response.status_code == 201
    action_id = response.json()["decisions"][0]["action_item"]

    handler = api_as(coord.users.handler)
    assert [a["id"] for a in handler.get("/api/v1/action-items/").json()["results"]] == [action_id]
    done = handler.post(f"/api/v1/action-items/{action_id}/progress/", {"progress": "已完成", "done": True},
                        format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"


def test_decide_with_bad_owner_is_400(coord, api_as):
    response = api_as(coord.users.office).post(f"/api/v1/meetings/{coord.meeting.pk}/decide/", {
        "text": "x", "owner": coord.world.nfs.pk, "due_on": "2026-12-31"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"owner": ["The owner of an action item is a government department."]}
    assert ActionItem.objects.count() == 0


def test_enterprise_sees_no_meetings(coord, api_as):
    assert api_as(coord.users.enterprise).get("/api/v1/meetings/").json()["results"] == []
    assert api_as(coord.users.enterprise).get("/api/v1/committees/").json()["results"] == []


def test_enterprise_registration_with_attendees_idempotent(coord, api_as):
    client = api_as(coord.users.enterprise)
    body = {"activity": coord.activity.pk, "attendees": [{"name": "王思远"}, {"name": "李敏", "title": "财务总监"}]}
    first = client.post("/api/v1/registrations/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post("/api/v1/registrations/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["organization"] == coord.world.nfs.pk
    assert [a["name"] for a in first.json()["attendees"]] == ["王思远", "李敏"]
    assert Registration.objects.count() == 1
    reg_id = first.json()["id"]
    assert client.post(f"/api/v1/registrations/{reg_id}/check-in/").status_code == 403
    checked = api_as(coord.users.office).post(f"/api/v1/registrations/{reg_id}/check-in/")
    assert all(a["checked_in_at"] for a in checked.json()["attendees"])


def test_enterprise_sees_only_own_registrations_and_open_activities(coord, api_as):
    from chainserve.coordination import services
    from chainserve.registry.tests.factories import UserFactory

    other = UserFactory(username="enterprise2", role="enterprise", organization=coord.world.wz)
    services.sign_up(coord.activity, other, coord.world.wz, [("陈杰", "", "")])
    Activity.objects.create(chain=coord.chain, kind="forum", title="内部论坛", starts_at=coord.activity.starts_at,
                            open_to_enterprises=False)
    client = api_as(coord.users.enterprise)
    assert client.get("/api/v1/registrations/").json()["results"] == []
    assert [a["title"] for a in client.get("/api/v1/activities/").json()["results"]] == ["银企对接会"]


def test_agreements_scoped_to_parties(coord, api_as):
    created = api_as(coord.users.office).post("/api/v1/agreements/", {
        "chain": coord.chain.pk, "kind": "credit", "title": "授信", "institution": coord.world.bank.pk,
        "enterprise": coord.world.nfs.pk, "amount_fen": 682_000_000_000, "signed_on": "2026-06-01"}, format="json")
    assert created.status_code == 201 and created.json()["amount_display"] == "CNY 6.82 billion"
    Agreement.objects.create(chain=coord.chain, kind="cooperation", title="医企合作", institution=coord.world.hospital,
                             enterprise=coord.world.wz, signed_on=datetime.date(2026, 6, 2))
    assert [a["title"] for a in api_as(coord.users.enterprise).get("/api/v1/agreements/").json()["results"]] == ["授信"]
    assert [a["title"] for a in api_as(coord.users.partner).get("/api/v1/agreements/").json()["results"]] == ["授信"]
    refused = api_as(coord.users.enterprise).post("/api/v1/agreements/", {
        "chain": coord.chain.pk, "kind": "credit", "title": "x", "institution": coord.world.bank.pk,
        "enterprise": coord.world.nfs.pk, "signed_on": "2026-06-01"}, format="json")
    assert refused.status_code == 403
    assert Agreement.objects.count() == 2


def test_negative_amount_is_400(coord, api_as):
    response = api_as(coord.users.office).post("/api/v1/agreements/", {
        "chain": coord.chain.pk, "kind": "credit", "title": "x", "institution": coord.world.bank.pk,
        "enterprise": coord.world.nfs.pk, "amount_fen": -1, "signed_on": "2026-06-01"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The amount cannot be negative."]}
    assert Agreement.objects.count() == 0


def test_visit_api_sets_visitor(coord, api_as):
    response = api_as(coord.users.specialist).post("/api/v1/visits/", {
        "organization": coord.world.nfs.pk, "visited_on": "2026-05-20", "purpose": "走访"}, format="json")
    assert response.status_code == 201 and response.json()["visitor"] == coord.users.specialist.pk
    assert api_as(coord.users.enterprise).get("/api/v1/visits/").json()["results"][0]["purpose"] == "走访"
    assert Visit.objects.get().visitor == coord.users.specialist
