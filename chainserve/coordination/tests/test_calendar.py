"""Calendar month page and iCalendar feed (escaping, folding, scope), cancelling meetings and activities,
alliances with membership history, the print button without inline script."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chainserve.coordination import ical, services
from chainserve.coordination.models import Activity, Alliance, AllianceMember, CalendarFeed, Meeting
from chainserve.core.models import Notification
from chainserve.registry.tests.factories import UserFactory


def test_escape_and_fold():
    assert ical.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "联席会议" * 30
    folded = ical.fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(pieces)) == line
    assert ical.fold("short") == "short"


def test_feed_is_scoped_escaped_and_marks_cancelled(coord, client):
    Activity.objects.create(chain=coord.chain, kind="party_day", title="闭门会", starts_at=coord.activity.starts_at,
                            open_to_enterprises=False)
    Meeting.objects.filter(pk=coord.meeting.pk).update(location="市政府3号会议室, 东楼")
    services.cancel_activity(coord.activity, coord.users.office, "场地冲突")
    office = services.calendar_feed(coord.users.office)
    body = client.get(f"/coordination/calendar/{ical.feed_key(office)}.ics")
    text = body.content.decode()
    assert body["Content-Type"] == "text/calendar; charset=utf-8"
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert f"UID:meeting-{coord.meeting.pk}@chainserve" in text
    assert "LOCATION:市政府3号会议室\\, 东楼" in text
    assert text.count("BEGIN:VEVENT") == 3 and "STATUS:CANCELLED" in text
    starts = coord.meeting.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{starts}" in text

    enterprise = services.calendar_feed(coord.users.enterprise)
    text = client.get(f"/coordination/calendar/{ical.feed_key(enterprise)}.ics").content.decode()
    assert text.count("BEGIN:VEVENT") == 1 and "银企对接会" in text and "闭门会" not in text and "联席会议" not in text


def test_renewed_token_retires_the_old_one(coord, client):
    old = ical.feed_key(services.calendar_feed(coord.users.office))
    new = ical.feed_key(services.calendar_feed(coord.users.office, renew=True))
    assert old != new
    assert client.get(f"/coordination/calendar/{old}.ics").status_code == 404
    assert client.get(f"/coordination/calendar/{new}.ics").status_code == 200


def test_inactive_user_feed_is_gone(coord, client):
    token = ical.feed_key(services.calendar_feed(coord.users.office))
    coord.users.office.is_active = False
    coord.users.office.save()
    assert client.get(f"/coordination/calendar/{token}.ics").status_code == 404


def test_month_page_shows_visible_events(coord, client_as):
    month = timezone.localtime(coord.meeting.starts_at).strftime("%Y-%m")
    page = client_as(coord.users.office).get(f"/coordination/calendar/?month={month}").content.decode()
    assert "第三次联席会议" in page
    page = client_as(coord.users.enterprise).get(f"/coordination/calendar/?month={month}").content.decode()
    assert "第三次联席会议" not in page
    response = client_as(coord.users.office).post("/coordination/calendar/")
    assert response.status_code == 302 and CalendarFeed.objects.filter(user=coord.users.office).count() == 1


def test_cancel_activity_tells_those_signed_up(coord, django_capture_on_commit_callbacks):
    services.sign_up(coord.activity, coord.users.enterprise, coord.world.nfs, [("王思远", "", "")])
    with pytest.raises(ValidationError):
        services.cancel_activity(coord.activity, coord.users.office, "  ")
    with django_capture_on_commit_callbacks(execute=True):
        a = services.cancel_activity(coord.activity, coord.users.office, "场地冲突")
    assert (a.status, a.cancel_reason) == ("cancelled", "场地冲突")
    assert list(Notification.objects.values_list("user__username", "title", "body")) == [
        ("enterprise", "已取消：银企对接会", "场地冲突")]
    assert a.history.first().history_user == coord.users.office
    with pytest.raises(services.CoordinationError):
        services.cancel_activity(a, coord.users.office, "again")


def test_cancel_meeting_tells_member_units(coord, django_capture_on_commit_callbacks):
    member = UserFactory(username="nfs2", role="enterprise", organization=coord.world.nfs)
    with django_capture_on_commit_callbacks(execute=True):
        m = services.cancel_meeting(coord.meeting, coord.users.office, "领导出差")
    assert (m.status, m.cancel_reason) == ("cancelled", "领导出差")
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "handler", "specialist", "enterprise", member.username}
    with pytest.raises(services.CoordinationError):
        services.record_minutes(m, coord.users.office, "x")


def test_cancel_by_someone_without_rights_changes_nothing(coord, client_as, api_as):
    with pytest.raises(PermissionDenied):
        services.cancel_meeting(coord.meeting, coord.users.handler, "x")
    assert client_as(coord.users.enterprise).post(f"/coordination/activities/{coord.activity.pk}/cancel/", {
        "cancel-reason": "x"}).status_code == 403
    assert api_as(coord.users.enterprise).post(f"/api/v1/meetings/{coord.meeting.pk}/cancel/", {
        "reason": "x"}, format="json").status_code == 403
    assert Meeting.objects.get(pk=coord.meeting.pk).status == "scheduled"
    assert Activity.objects.get(pk=coord.activity.pk).status == "planned"


def test_cancel_pages_and_api(coord, client_as, api_as):
    client = client_as(coord.users.office)
    response = client.post(f"/coordination/meetings/{coord.meeting.pk}/cancel/", {"cancel-reason": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(f"/coordination/meetings/{coord.meeting.pk}/cancel/", {"cancel-reason": "领导出差"})
    assert response.status_code == 302
    page = client.get(f"/coordination/meetings/{coord.meeting.pk}/").content.decode()
    assert '<dd class="col-sm-10" id="cancel-reason">领导出差</dd>' in page

    api = api_as(coord.users.office)
    data = api.post(f"/api/v1/activities/{coord.activity.pk}/cancel/", {"reason": "场地冲突"}, format="json").json()
    assert (data["status"], data["cancel_reason"]) == ("cancelled", "场地冲突")
    again = api.post(f"/api/v1/activities/{coord.activity.pk}/cancel/", {"reason": "x"}, format="json")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["Only a planned activity can be cancelled."]}


def test_registration_print_button_has_no_inline_script(coord, client_as):
    reg = services.sign_up(coord.activity, coord.users.enterprise, coord.world.nfs, [("王思远", "", "")])
    page = client_as(coord.users.enterprise).get(f"/coordination/registrations/{reg.pk}/").content.decode()
    assert "onclick" not in page and "data-print" in page and "coordination/print.js" in page


def test_alliance_members_and_history(coord, client_as):
    client = client_as(coord.users.office)
    response = client.post("/coordination/alliances/add/", {"chain": coord.chain.pk, "name": "大健康产业链党建联盟"})
    alliance = Alliance.objects.get()
    assert response.status_code == 302
    client.post(f"/coordination/alliances/{alliance.pk}/", {
        "member-organization": coord.world.dept.pk, "member-role": "convener", "member-started_on": "2025-01-01"})
    client.post(f"/coordination/alliances/{alliance.pk}/", {
        "member-organization": coord.world.nfs.pk, "member-role": "member", "member-started_on": "2025-01-01"})
    member = AllianceMember.objects.get(organization=coord.world.nfs)
    response = client.post(f"/coordination/alliance-members/{member.pk}/edit/", {
        "organization": coord.world.nfs.pk, "role": "member", "started_on": "2025-01-01", "ended_on": "2026-03-31"})
    assert response.status_code == 302
    assert [h.ended_on for h in AllianceMember.objects.get(pk=member.pk).history.order_by("history_id")] == [
        None, datetime.date(2026, 3, 31)]
    page = client.get(f"/coordination/alliances/{alliance.pk}/").content.decode()
    assert f"<li>{coord.world.nfs} · Member unit · Jan. 1, 2025 – March 31, 2026</li>" in page


def test_alliance_scope(coord, client_as, api_as):
    alliance = Alliance.objects.create(chain=coord.world.dchain, name="区联盟")
    assert client_as(coord.users.enterprise).get(f"/coordination/alliances/{alliance.pk}/").status_code == 404
    office = client_as(coord.users.office)  # staffs the city chain only
    response = office.post(f"/coordination/alliances/{alliance.pk}/", {
        "member-organization": coord.world.dept.pk, "member-role": "member", "member-started_on": "2025-01-01"})
    assert response.status_code == 404
    assert AllianceMember.objects.count() == 0
    assert api_as(coord.users.handler).get(f"/api/v1/alliances/{alliance.pk}/").json()["name"] == "区联盟"
    assert api_as(coord.users.enterprise).get(f"/api/v1/alliances/{alliance.pk}/").status_code == 404


def test_agreement_totals_by_institution_and_scope(coord, client_as):
    from chainserve.coordination import metrics
    from chainserve.coordination.models import Agreement
    from chainserve.registry.tests.factories import OrganizationFactory

    w = coord.world
    investor = OrganizationFactory(name="明湖产业投资集团", kind="fund")
    for title, inst, org, fen, day in [("授信一", w.bank, w.nfs, 300_000_000_00, 10), ("授信二", w.bank, w.wz, 50_00, 20),
                                       ("投资意向", investor, w.nfs, 2_000_000_000_00, 5),
                                       ("合作", w.hospital, w.nfs, None, 3), ("去年", w.bank, w.nfs, 1_00, -400)]:
        Agreement.objects.create(chain=coord.chain, kind="credit", title=title, institution=inst, enterprise=org,
                                 amount_fen=fen, signed_on=datetime.date(2026, 6, 1) + datetime.timedelta(days=day))
    rows = metrics.agreement_totals(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    assert [(r["institution"], r["count"], r["amount_fen"]) for r in rows] == [
        ("明湖产业投资集团", 1, 2_000_000_000_00), (w.bank.name, 2, 300_000_050_00), (w.hospital.name, 1, 0)]

    page = client_as(coord.users.office).get("/coordination/agreements/totals/?after=2026-01-01&before=2026-12-31")
    text = page.content.decode()
    assert '<td class="text-end" id="total-count">4</td>' in text
    assert '<td class="text-end" id="total-amount">CNY 2.3 billion</td>' in text
    mine = client_as(coord.users.enterprise).get("/coordination/agreements/totals/?after=2026-01-01").content.decode()
    assert '<td class="text-end" id="total-count">3</td>' in mine  # 纽福斯's own agreements of 2026 only


def test_memberships_in_the_api(coord, api_as):
    office = api_as(coord.users.office)
    alliance = office.post("/api/v1/alliances/", {"chain": coord.chain.pk, "name": "联盟"}, format="json").json()
    created = office.post("/api/v1/alliance-members/", {
        "alliance": alliance["id"], "organization": coord.world.bank.pk, "role": "member",
        "started_on": "2025-01-01"}, format="json")
    assert created.status_code == 201
    ended = office.patch(f"/api/v1/alliance-members/{created.json()['id']}/", {"ended_on": "2024-12-31"},
                         format="json")
    assert ended.status_code == 400
    assert ended.json() == {"non_field_errors": ["The end date cannot be before the start date."]}
    office.patch(f"/api/v1/alliance-members/{created.json()['id']}/", {"ended_on": "2026-01-31"}, format="json")
    current = office.get(f"/api/v1/alliance-members/?alliance={alliance['id']}&current_on=2026-03-01").json()
    assert current["results"] == []
    member = AllianceMember.objects.get()
    assert [h.ended_on for h in member.history.order_by("history_id")] == [None, datetime.date(2026, 1, 31)]
    assert [h.history_user for h in member.history.order_by("history_id")] == [coord.users.office] * 2

    committee_members = office.get(f"/api/v1/committee-members/?committee={coord.committee.pk}").json()
    assert len(committee_members["results"]) == 2
    enterprise = api_as(coord.users.enterprise)
    assert enterprise.get("/api/v1/committee-members/").json()["results"] == []
    assert enterprise.patch(f"/api/v1/alliance-members/{member.pk}/", {"ended_on": None},
                            format="json").status_code == 403
    assert AllianceMember.objects.get().ended_on == datetime.date(2026, 1, 31)


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1999-12", "2101-01", "2026-13", "2026", "abc"])
def test_a_month_out_of_range_or_malformed_is_a_400_showing_this_month(coord, client_as, month):
    # 9999-12 overflowed the date arithmetic (the weeks around it, the next month's link): a 500
    response = client_as(coord.users.office).get("/coordination/calendar/", {"month": month})

    assert response.status_code == 400
    assert [str(m) for m in response.context["messages"]] == ["Give a month as YYYY-MM, from 2000-01 to 2100-12."]
    assert response.context["first"] == timezone.localdate().replace(day=1)


@pytest.mark.parametrize(("month", "previous", "following"), [
    ("2000-01", None, datetime.date(2000, 2, 1)),
    ("2100-12", datetime.date(2100, 11, 1), None),
    ("2026-12", datetime.date(2026, 11, 1), datetime.date(2027, 1, 1)),
])
def test_the_calendar_links_no_month_past_its_range(coord, client_as, month, previous, following):
    response = client_as(coord.users.office).get("/coordination/calendar/", {"month": month})

    assert response.status_code == 200
    assert (response.context["previous"], response.context["following"]) == (previous, following)
    assert ('id="previous"' in response.content.decode(), 'id="next"' in response.content.decode()) == (
        previous is not None, following is not None)
