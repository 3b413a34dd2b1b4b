"""Deadlines across a year whose official holiday schedule is not entered: statutory holidays, 「暂定」, the
official schedule entered in the admin (recounting open demands), and the admins' November reminder."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from chainserve.core.models import CalendarDay, CalendarYear, Notification
from chainserve.core.services import enter_official_schedule, parse_official_schedule, remind_missing_calendar
from chainserve.core.workdays import WorkCalendar, add_working_days, statutory_holidays
from chainserve.demands import sla
from chainserve.demands.choices import EventType
from chainserve.demands.deadlines import is_provisional
from chainserve.demands.models import Assignment, Demand, DemandEvent, SlaPolicy
from chainserve.demands.services import notify_event

from .factories import eod, local

D = datetime.date
EXPLANATION = "The 2027 holiday schedule is not entered yet: counted with the statutory holidays for now."
# An official 2027 schedule that differs from the statutory guess: 元旦 runs to Monday 4 January.
NOTICE_2027 = """一、元旦：1月1日（周五）至4日（周一）放假，共4天。1月9日（周六）上班。
二、春节：2月5日（除夕）至11日（正月初七）放假调休，共7天。2月14日（周日）、2月20日（周六）上班。
"""


@pytest.fixture
def five_days(desk):
    """The policy category resolves in 5 working days (accept 1, first answer 2, co-handlers 3)."""
    SlaPolicy.objects.update_or_create(category=desk.policy, priority="normal", defaults={
        "accept_days": 1, "answer_days": 2, "resolve_days": 5, "cohandler_days": 3})


def test_the_statutory_holidays_of_2027_from_the_libraries():
    assert statutory_holidays(2027) == {
        D(2027, 1, 1): "元旦",
        D(2027, 2, 5): "春节", D(2027, 2, 6): "春节", D(2027, 2, 7): "春节", D(2027, 2, 8): "春节",  # 除夕 … 初三
        D(2027, 4, 5): "清明节",
        D(2027, 5, 1): "劳动节", D(2027, 5, 2): "劳动节",
        D(2027, 6, 9): "端午节",
        D(2027, 9, 15): "中秋节",
        D(2027, 10, 1): "国庆节", D(2027, 10, 2): "国庆节", D(2027, 10, 3): "国庆节",
    }


def test_2027_without_its_schedule_counts_the_statutory_holidays_and_is_provisional(db):
    calendar = WorkCalendar()

    assert not CalendarYear.objects.filter(year=2027).exists()
    assert [calendar(D(2027, 1, 1)), calendar(D(2027, 2, 5)), calendar(D(2027, 2, 8))] == [False, False, False]
    assert [calendar(D(2027, 1, 4)), calendar(D(2027, 2, 4)), calendar(D(2027, 2, 9))] == [True, True, True]
    assert calendar(D(2027, 2, 6)) is False and calendar(D(2027, 2, 20)) is False  # no 调休 is guessed
    assert add_working_days(D(2027, 2, 4), 1, calendar) == D(2027, 2, 9)  # 除夕 Friday to 初三 Monday off
    assert add_working_days(D(2026, 12, 29), 5, calendar) == D(2027, 1, 6)
    assert calendar.is_provisional(D(2027, 1, 6)) is True
    assert calendar.is_provisional(D(2026, 12, 31)) is False
    assert calendar.is_provisional(D(2026, 12, 31), since=D(2026, 12, 29)) is False
    # a year before the 2024 rules and the seeded calendar is not guessed: Monday–Friday, as before
    assert calendar(D(2019, 1, 1)) is True and calendar.is_provisional(D(2019, 1, 2)) is False


def test_a_demand_received_on_29_december_is_due_6_january_provisionally(desk, clock, five_days, api_as):
    clock.set(2026, 12, 29, 10)

    demand = Demand.objects.get(pk=api_as(desk.enterprise).post("/api/v1/demands/", {
        "category": desk.policy.pk, "title": "跨年诉求", "description": "元旦前后办理。"}, format="json").json()["id"])
    got = api_as(desk.office).get(f"/api/v1/demands/{demand.pk}/").json()

    # 30, 31 December, then 元旦 off and the weekend of 2–3 January: 4, 5, 6 January.
    assert demand.resolve_due == eod(2027, 1, 6)
    assert (demand.accept_due, demand.answer_due) == (eod(2026, 12, 30), eod(2026, 12, 31))
    assert got["resolve_due"] == "2027-01-06T23:59:59+08:00"
    assert got["deadline_provisional"] is True


def test_a_demand_within_an_entered_year_is_not_provisional(desk, clock, five_days, api_as):
    demand = Demand.objects.get(pk=api_as(desk.enterprise).post("/api/v1/demands/", {
        "category": desk.policy.pk, "title": "年内诉求", "description": "国庆前办理。"}, format="json").json()["id"])

    got = api_as(desk.office).get(f"/api/v1/demands/{demand.pk}/").json()

    assert demand.resolve_due == eod(2026, 10, 12)  # 30 Sep, 国庆 1–7 Oct off, 8, 9, 10 (调休 Saturday), 12
    assert got["deadline_provisional"] is False


def test_provisional_deadlines_show_the_badge_on_the_pages(desk, clock, five_days, make_demand, client_as):
    clock.set(2026, 12, 29, 10)
    demand = make_demand("dispatched")
    office, handler = client_as(desk.office), client_as(desk.handler)

    page = office.get(demand.get_absolute_url()).content.decode()
    queue_inbox = [office.get("/demands/").content.decode(), handler.get("/demands/inbox/").content.decode()]
    form = office.get("/demands/add/").content.decode()

    badge = f'<span class="badge bg-warning text-dark deadline-provisional" title="{EXPLANATION}">provisional</span>'
    assert f'id="resolve-due">2027-01-06 {badge}' in page
    for html in queue_inbox:
        assert f"2027-01-06 23:59 {badge}" in html, html[html.find("2027-01-06") - 200:html.find("2027-01-06") + 400]
    assert 'id="deadline-provisional"' in form and EXPLANATION in form


def test_an_export_says_provisional_in_words(desk, clock, five_days, make_demand, client_as):
    import io

    import openpyxl

    clock.set(2026, 12, 29, 10)
    make_demand("dispatched")

    response = client_as(desk.office).get("/demands/?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                              if response.streaming else response.content)).active

    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][rows[0].index("Resolve by")] == "2027-01-06 23:59 (provisional)"


def test_a_deadline_within_an_entered_year_has_no_badge(desk, clock, five_days, make_demand, client_as):
    demand = make_demand("dispatched")

    page = client_as(desk.office).get(demand.get_absolute_url()).content.decode()
    form = client_as(desk.office).get("/demands/add/").content.decode()

    assert 'id="resolve-due">2026-10-12' in page and "deadline-provisional" not in page
    assert 'id="deadline-provisional"' not in form


def test_entering_the_official_schedule_recounts_an_open_demand_with_an_event(desk, clock, five_days, make_demand,
                                                                               api_as):
    clock.set(2026, 12, 29, 10)
    demand = make_demand("dispatched")
    closed = make_demand("resolved")
    before = Demand.objects.get(pk=closed.pk)
    assert (demand.resolve_due, demand.version) == (eod(2027, 1, 6), 2)
    clock.set(2026, 12, 30, 9)

    results = enter_official_schedule(2027, parse_official_schedule(2027, NOTICE_2027), desk.admin)

    demand.refresh_from_db()
    assert results == {"chainserve.demands.deadlines.calendar_changed": 1}
    assert demand.resolve_due == eod(2027, 1, 7)  # 4 January is now a holiday
    assert (demand.accept_due, demand.answer_due) == (eod(2026, 12, 30), eod(2026, 12, 31))
    assert demand.version == 3
    assert {a.department_id: a.due for a in Assignment.objects.filter(demand=demand)} == {
        desk.dept.pk: eod(2027, 1, 7), desk.market.pk: eod(2027, 1, 5)}  # co-handlers: 3 working days
    event = DemandEvent.objects.get(demand=demand, type=EventType.DEADLINE_RECOMPUTED)
    assert (event.actor, event.from_status, event.to_status) == (desk.admin, "dispatched", "dispatched")
    assert event.data == {"deadlines": {"resolve_due": ["2027-01-06", "2027-01-07"]},
                          "assignments": {str(desk.dept.pk): ["2027-01-06", "2027-01-07"],
                                          str(desk.market.pk): ["2027-01-04", "2027-01-05"]},
                          "years": [2027]}
    assert event.note == "办理时限已按2027年官方放假安排重新计算：办结期限 2027-01-06 → 2027-01-07。"
    assert Demand.objects.get(pk=closed.pk).resolve_due == before.resolve_due
    assert not DemandEvent.objects.filter(demand=closed, type=EventType.DEADLINE_RECOMPUTED).exists()
    assert CalendarYear.objects.get(year=2027).source == "official"
    assert set(CalendarDay.objects.filter(date__year=2027).values_list("date", "is_workday")) == {
        (D(2027, 1, 1), False), (D(2027, 1, 4), False), (D(2027, 1, 9), True), (D(2027, 2, 5), False),
        (D(2027, 2, 8), False), (D(2027, 2, 9), False), (D(2027, 2, 10), False), (D(2027, 2, 11), False),
        (D(2027, 2, 14), True), (D(2027, 2, 20), True)}
    assert api_as(desk.office).get(f"/api/v1/demands/{demand.pk}/").json()["deadline_provisional"] is False
    # those concerned are told (by the event's task): the handling departments and the chain office
    notify_event(event.pk)
    told = set(Notification.objects.filter(key=f"demand-event:{event.pk}").values_list("user__username", flat=True))
    assert told == {"handler", "handler2", "office"}


def test_entering_the_same_schedule_again_changes_nothing(desk, clock, five_days, make_demand):
    clock.set(2026, 12, 29, 10)
    demand = make_demand("dispatched")
    enter_official_schedule(2027, parse_official_schedule(2027, NOTICE_2027), desk.admin)

    results = enter_official_schedule(2027, parse_official_schedule(2027, NOTICE_2027), desk.admin)

    assert results == {"chainserve.demands.deadlines.calendar_changed": 0}
    assert DemandEvent.objects.filter(demand=demand, type=EventType.DEADLINE_RECOMPUTED).count() == 1
    assert Demand.objects.get(pk=demand.pk).resolve_due == eod(2027, 1, 7)


def test_the_notice_and_a_two_column_list_are_read():
    assert parse_official_schedule(2027, NOTICE_2027)[:5] == [
        (D(2027, 1, 1), False, "元旦"), (D(2027, 1, 2), False, "元旦"), (D(2027, 1, 3), False, "元旦"),
        (D(2027, 1, 4), False, "元旦"), (D(2027, 1, 9), True, "元旦调休上班")]
    assert parse_official_schedule(2027, "2027-01-01 放假 元旦\n\n2027/2/14,上班\n") == [
        (D(2027, 1, 1), False, "元旦"), (D(2027, 2, 14), True, "")]
    assert parse_official_schedule(2027, "元旦：2026年12月31日至2027年1月2日放假，共3天。")[0] == (
        D(2026, 12, 31), False, "元旦")


@pytest.mark.parametrize("text, message", [
    ("", "Paste the notice's holidays and working days, one a line."),
    ("2027-01-01 放假\n元旦来了", "Line 2 cannot be read: 元旦来了"),
    ("2026-10-01 放假", "Line 1: 2026-10-01 is not in 2027."),
    ("2027-02-30 放假", "Line 1: 2月30日 is not a date."),
    ("元旦:2月30日放假", "Line 1: 2月30日 is not a date."),
    ("2027-01-01 放假\n2027-01-01 上班", "Line 2: 2027-01-01 is given both as a holiday and as a working day."),
    ("2027-01-09 上班", "The schedule names no holiday."),
])
def test_a_schedule_that_cannot_be_read_says_why(text, message):
    with pytest.raises(ValidationError) as e:
        parse_official_schedule(2027, text)
    assert e.value.message_dict == {"text": [message]}


@pytest.fixture
def root(db):
    from chainserve.registry.tests.factories import UserFactory

    return UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)


def test_the_admin_previews_then_saves_the_schedule(root, desk, clock, five_days, make_demand, client_as):
    clock.set(2026, 12, 29, 10)
    demand = make_demand("dispatched")
    admin = client_as(root)
    url = "/admin/core/calendaryear/enter/"

    listing = admin.get("/admin/core/calendaryear/").content.decode()
    preview = admin.post(url, {"year": "2027", "text": NOTICE_2027, "preview": "1"})

    assert url in listing and "The official holiday schedule of 2027 is not entered yet" in listing
    assert preview.status_code == 200 and 'id="schedule-preview"' in preview.content.decode()
    assert "2027-01-04" in preview.content.decode() and not CalendarYear.objects.filter(year=2027).exists()

    saved = admin.post(url, {"year": "2027", "text": NOTICE_2027, "confirm": "1"})

    assert (saved.status_code, saved["Location"]) == (302, "/admin/core/calendaryear/")
    assert CalendarYear.objects.get(year=2027).source == "official"
    assert Demand.objects.get(pk=demand.pk).resolve_due == eod(2027, 1, 7)


def test_the_admin_takes_an_uploaded_file(root, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("2027.txt", NOTICE_2027.encode("gb18030"), content_type="text/plain")
    response = client_as_root(root).post("/admin/core/calendaryear/enter/", {"year": "2027", "file": upload})

    assert response.status_code == 200 and "2027-02-14" in response.content.decode()


def client_as_root(root):
    from django.test import Client

    client = Client()
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_an_unreadable_schedule_is_shown_at_the_field_and_nothing_changes(root, desk, client_as):
    response = client_as(root).post("/admin/core/calendaryear/enter/", {
        "year": "2027", "text": "元旦来了", "confirm": "1"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"text": ["Line 1 cannot be read: 元旦来了"]}
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_only_staff_allowed_to_add_years_may_enter_a_schedule(desk, client_as):
    response = client_as(desk.office).post("/admin/core/calendaryear/enter/", {
        "year": "2027", "text": NOTICE_2027, "confirm": "1"})

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_admins_are_reminded_once_from_1_november(root, desk):
    assert remind_missing_calendar(D(2026, 10, 31)) == []

    first = remind_missing_calendar(D(2026, 11, 1))
    again = remind_missing_calendar(D(2026, 11, 2))

    assert sorted(u.username for u in first) == ["admin", "root"]
    assert again == []
    note = Notification.objects.get(user=root)
    assert (note.key, note.url) == ("calendar-missing:2027", "/admin/core/calendaryear/enter/")
    assert note.title == "录入2027年放假安排"
    assert Notification.objects.filter(key="calendar-missing:2027").count() == 2


def test_no_reminder_once_next_years_schedule_is_entered(root, desk):
    enter_official_schedule(2027, parse_official_schedule(2027, NOTICE_2027), root)

    assert remind_missing_calendar(D(2026, 11, 15)) == []
    assert not Notification.objects.filter(key="calendar-missing:2027").exists()


def test_the_sweep_reminds_the_admins(root, desk, clock):
    clock.set(2026, 11, 3, 10)

    call_command("demand_sweep", verbosity=0)

    assert set(Notification.objects.filter(key="calendar-missing:2027").values_list("user__username", flat=True)) == {
        "admin", "root"}


def test_is_provisional_reads_the_calendar_as_entered(desk, clock, five_days, make_demand):
    clock.set(2026, 12, 29, 10)
    demand = make_demand("new")
    assert is_provisional(demand) is True and sla.end_of_day(D(2027, 1, 6)) == demand.resolve_due

    CalendarYear.objects.create(year=2027, source="admin")

    assert is_provisional(demand, WorkCalendar()) is False
    assert local(2026, 12, 29, 10) == demand.created


def test_a_day_entered_by_hand_in_the_admin_recounts_open_demands(root, desk, clock, five_days, make_demand,
                                                                    client_as):
    clock.set(2026, 12, 29, 10)
    demand = make_demand("dispatched")

    response = client_as(root).post("/admin/core/calendarday/add/", {
        "date": "2027-01-04", "is_workday": "", "name": "元旦"})

    assert response.status_code == 302
    assert Demand.objects.get(pk=demand.pk).resolve_due == eod(2027, 1, 7)
    event = DemandEvent.objects.get(demand=demand, type=EventType.DEADLINE_RECOMPUTED)
    assert (event.actor, event.data["deadlines"]) == (root, {"resolve_due": ["2027-01-06", "2027-01-07"]})
