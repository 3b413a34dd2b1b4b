"""Coordination pages: meeting steps, action items, sign-up, check-in, QR code, agreements, visits, scopes."""

import datetime

from chainserve.coordination import services
from chainserve.coordination.models import (
    ActionItem,
    Activity,
    AgendaItem,
    Agreement,
    Attendee,
    CommitteeMember,
    Meeting,
    Registration,
    Visit,
)
from chainserve.demands.models import Demand


def test_meeting_page_builds_agenda_and_records_decision(coord, client_as):
    client = client_as(coord.users.office)
    page = client.get(f"/coordination/meetings/{coord.meeting.pk}/")
    assert page.status_code == 200 and "Add 1 escalated demand" in page.content.decode()

    assert client.post(f"/coordination/meetings/{coord.meeting.pk}/agenda/").status_code == 302
    item = AgendaItem.objects.get(meeting=coord.meeting)
    response = client.post(f"/coordination/meetings/{coord.meeting.pk}/decide/", {
        "decide-text": "经信局协调厂房。", "decide-agenda_item": item.pk, "decide-owner": coord.world.dept.pk,
        "decide-due_on": "2026-12-31", "decide-resolves_demand": "on"})
    assert response.status_code == 302
    assert Demand.objects.get(pk=coord.demand.pk).status == "resolved"
    page = client.get(f"/coordination/meetings/{coord.meeting.pk}/").content.decode()
    assert "经信局协调厂房。" in page and "resolved at this meeting" in page


def test_decision_form_error_shown_and_nothing_saved(coord, client_as):
    response = client_as(coord.users.office).post(f"/coordination/meetings/{coord.meeting.pk}/decide/", {
        "decide-text": "", "decide-owner": coord.world.dept.pk, "decide-due_on": "2026-12-31"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert ActionItem.objects.count() == 0


def test_enterprise_cannot_open_or_change_meeting(coord, client_as):
    client = client_as(coord.users.enterprise)
    assert client.get(f"/coordination/meetings/{coord.meeting.pk}/").status_code == 404
    assert client.post(f"/coordination/meetings/{coord.meeting.pk}/agenda/").status_code == 404
    assert AgendaItem.objects.count() == 0


def test_handler_sees_meeting_but_cannot_change_it(coord, client_as):
    client = client_as(coord.users.handler)
    assert client.get(f"/coordination/meetings/{coord.meeting.pk}/").status_code == 200
    assert client.post(f"/coordination/meetings/{coord.meeting.pk}/minutes/",
                       {"minutes-minutes": "x"}).status_code == 403
    assert Meeting.objects.get(pk=coord.meeting.pk).minutes == ""


def test_schedule_meeting_form(coord, client_as):
    response = client_as(coord.users.office).post("/coordination/meetings/add/", {
        "committee": coord.committee.pk, "title": "第四次联席会议", "starts_at": "2026-11-03T09:30",
        "location": "市政府"})
    meeting = Meeting.objects.get(title="第四次联席会议")
    assert response.status_code == 302 and response["Location"] == f"/coordination/meetings/{meeting.pk}/"
    assert (meeting.chain, meeting.history.first().history_user) == (coord.chain, coord.users.office)


def test_action_item_page_done(coord, client_as):
    decision = services.decide(coord.meeting, coord.users.office, services.DecisionInput(
        text="摸排厂房需求。", owner=coord.world.dept, due_on=datetime.date(2026, 12, 31)))
    response = client_as(coord.users.handler).post(f"/coordination/action-items/{decision.action_item.pk}/",
                                                   {"progress": "已完成。", "done": "on"})
    assert response.status_code == 302
    assert ActionItem.objects.get(pk=decision.action_item.pk).status == "done"


def test_enterprise_signs_up_two_attendees_and_staff_checks_in(coord, client_as):
    response = client_as(coord.users.enterprise).post(f"/coordination/activities/{coord.activity.pk}/sign-up/", {
        "signup-name_1": "王思远", "signup-title_1": "总经理", "signup-name_2": "李敏", "signup-title_2": "财务总监"})
    reg = Registration.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/coordination/registrations/{reg.pk}/"
    qr = client_as(coord.users.enterprise).get(f"/coordination/registrations/{reg.pk}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content

    office = client_as(coord.users.office)
    found = office.get(f"/coordination/check-in/?code={reg.code}")
    assert found.status_code == 302 and found["Location"] == f"/coordination/registrations/{reg.pk}/"
    assert office.post(f"/coordination/registrations/{reg.pk}/").status_code == 302
    assert Attendee.objects.filter(checked_in_at__isnull=False).count() == 2


def test_enterprise_cannot_check_itself_in(coord, client_as):
    reg = services.sign_up(coord.activity, coord.users.enterprise, coord.world.nfs, [("王思远", "", "")])
    assert client_as(coord.users.enterprise).post(f"/coordination/registrations/{reg.pk}/").status_code == 403
    assert Attendee.objects.get().checked_in_at is None


def test_check_in_unknown_code(coord, client_as):
    response = client_as(coord.users.office).get("/coordination/check-in/?code=NOPE")
    assert response.status_code == 200
    assert "No registration of an activity you run has this code." in response.content.decode()


def test_enterprise_sees_only_open_activities(coord, client_as):
    Activity.objects.create(chain=coord.chain, kind="party_day", title="联合主题党日", starts_at=coord.activity.starts_at,
                            open_to_enterprises=False)
    page = client_as(coord.users.enterprise).get("/coordination/activities/").content.decode()
    assert "银企对接会" in page and "联合主题党日" not in page


def test_agreement_form_amount_in_wan_kept_in_fen(coord, client_as):
    response = client_as(coord.users.office).post("/coordination/agreements/add/", {
        "chain": coord.chain.pk, "kind": "credit", "title": "综合授信协议", "institution": coord.world.bank.pk,
        "enterprise": coord.world.nfs.pk, "amount": "3000.5", "signed_on": "2026-06-01",
        "activity": coord.activity.pk})
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert agreement.amount_fen == 30_005_000_00
    page = client_as(coord.users.enterprise).get("/coordination/mine/").content.decode()
    assert "综合授信协议" in page and "CNY 30.005 million" in page
    assert client_as(coord.users.partner).get(f"/coordination/agreements/{agreement.pk}/").status_code == 200


def test_enterprise_cannot_add_agreement(coord, client_as):
    response = client_as(coord.users.enterprise).post("/coordination/agreements/add/", {
        "chain": coord.chain.pk, "kind": "credit", "title": "x", "institution": coord.world.bank.pk,
        "enterprise": coord.world.nfs.pk, "signed_on": "2026-06-01"})
    assert response.status_code == 403
    assert Agreement.objects.count() == 0


def test_visit_form_warns_of_recent_visit_and_creates_demand(coord, client_as):
    Visit.objects.create(organization=coord.world.nfs, visitor=coord.users.office,
                         visited_on=datetime.date.today() - datetime.timedelta(days=3), purpose="调研")
    client = client_as(coord.users.specialist)
    data = {"organization": coord.world.nfs.pk, "visited_on": datetime.date.today().isoformat(), "purpose": "走访"}
    response = client.post("/coordination/visits/add/", data)
    assert response.status_code == 200
    assert (f"{coord.world.nfs} was visited by someone else within the last 14 days: "
            f"{datetime.date.today() - datetime.timedelta(days=3)} office. Tick to record this visit anyway.") in response.content.decode()
    assert not Visit.objects.filter(purpose="走访").exists()

    response = client.post("/coordination/visits/add/", {**data, "visit_anyway": "on"})
    visit = Visit.objects.get(purpose="走访")
    assert response.status_code == 302
    assert visit.visitor == coord.users.specialist
    response = client.post(f"/coordination/visits/{visit.pk}/", {
        "category": coord.demand.category_id, "title": "人才公寓", "description": "需要人才公寓。"})
    assert response.status_code == 302
    assert visit.demands.get().channel == "visit"


def test_specialist_cannot_edit_others_visit(coord, client_as):
    visit = Visit.objects.create(organization=coord.world.nfs, visitor=coord.users.office,
                                 visited_on=datetime.date(2026, 5, 1), purpose="调研")
    response = client_as(coord.users.specialist).post(f"/coordination/visits/{visit.pk}/edit/", {
        "organization": coord.world.nfs.pk, "visited_on": "2026-05-01", "purpose": "改了"})
    assert response.status_code == 403
    assert Visit.objects.get(pk=visit.pk).purpose == "调研"


def test_list_pages_and_export(coord, client_as):
    client = client_as(coord.users.office)
    for url in ["committees", "meetings", "action-items", "activities", "agreements", "visits", "alliances",
                "pairings", "instructors", "coverages", "lists", "list-items", "calendar", "agreements/totals",
                "alliances/add", "pairings/add", "instructors/add", "coverages/add", "lists/add"]:
        assert client.get(f"/coordination/{url}/").status_code == 200, url
    export = client.get("/coordination/meetings/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_committee_membership_is_ended_on_its_edit_page(coord, client_as):
    member = CommitteeMember.objects.get(organization=coord.world.nfs)

    response = client_as(coord.users.office).post(f"/coordination/members/{member.pk}/edit/", {
        "organization": coord.world.nfs.pk, "role": "member", "person": "", "started_on": "2025-01-01",
        "ended_on": "2026-03-31"})

    assert response.status_code == 302 and response["Location"] == f"/coordination/committees/{coord.committee.pk}/"
    assert [h.ended_on for h in CommitteeMember.objects.get(pk=member.pk).history.order_by("history_id")] == [
        None, datetime.date(2026, 3, 31)]


def test_a_membership_edit_refuses_those_who_may_not_change_it(coord, client_as):
    member = CommitteeMember.objects.get(organization=coord.world.nfs)
    before = CommitteeMember.objects.filter(pk=member.pk).values().get()
    body = {"organization": coord.world.nfs.pk, "role": "member", "started_on": "2025-01-01", "ended_on": "2026-03-31"}

    assert client_as(coord.users.enterprise).post(f"/coordination/members/{member.pk}/edit/", body).status_code == 404
    assert client_as(coord.users.handler).post(f"/coordination/members/{member.pk}/edit/", body).status_code == 403
    assert CommitteeMember.objects.filter(pk=member.pk).values().get() == before
