"""The pages' steps through the API (tests/test_api_parity.py lists them): a meeting's topics, attendance and minutes
(held), an activity's outcome, a visit's demand, a list item's milestones; member rows with their units' names."""

import datetime

import pytest

from chainserve.coordination.choices import ActivityStatus, MeetingStatus, MemberRole
from chainserve.coordination.models import (
    Activity,
    AgendaItem,
    Alliance,
    AllianceMember,
    Attendance,
    Meeting,
    Milestone,
    Visit,
)
from chainserve.demands.models import Category, Demand


def _meeting(coord):
    return Meeting.objects.get(pk=coord.meeting.pk)


# Meetings: hold with minutes, topics, attendance

def test_minutes_hold_the_meeting(coord, api_as):
    office = api_as(coord.users.office)

    answer = office.post(f"/api/v1/meetings/{coord.meeting.pk}/minutes/", {"minutes": "会议听取了厂房需求汇报。"},
                         format="json")

    assert answer.status_code == 200, answer.content
    assert (answer.json()["status"], answer.json()["minutes"]) == ("held", "会议听取了厂房需求汇报。")
    assert (_meeting(coord).status, _meeting(coord).minutes) == (MeetingStatus.HELD, "会议听取了厂房需求汇报。")


def test_minutes_of_a_cancelled_meeting_are_refused_and_nothing_changes(coord, api_as):
    Meeting.objects.filter(pk=coord.meeting.pk).update(status=MeetingStatus.CANCELLED, cancel_reason="改期")

    answer = api_as(coord.users.office).post(f"/api/v1/meetings/{coord.meeting.pk}/minutes/", {"minutes": "纪要"},
                                             format="json")

    assert answer.status_code == 400
    assert answer.json() == {"non_field_errors": ["The meeting was cancelled."]}
    assert (_meeting(coord).status, _meeting(coord).minutes) == (MeetingStatus.CANCELLED, "")


@pytest.mark.parametrize(("role", "code"), [("specialist", 403), ("handler", 403), ("enterprise", 403)])
def test_who_may_not_change_the_meeting_is_refused_before_its_body_is_read(coord, api_as, role, code):
    client = api_as(getattr(coord.users, role))
    url = f"/api/v1/meetings/{coord.meeting.pk}"

    # an empty body would be a 400 for one who may act: the refusal comes first
    for step in ("minutes", "topics", "attendance"):
        assert client.post(f"{url}/{step}/", {}, format="json").status_code == code, step

    assert (_meeting(coord).status, _meeting(coord).minutes) == (MeetingStatus.SCHEDULED, "")
    assert AgendaItem.objects.count() == Attendance.objects.count() == 0


def test_empty_minutes_are_a_400_at_the_field(coord, api_as):
    answer = api_as(coord.users.office).post(f"/api/v1/meetings/{coord.meeting.pk}/minutes/", {"minutes": ""},
                                             format="json")

    assert answer.status_code == 400
    assert answer.json() == {"minutes": ["This field may not be blank."]}
    assert _meeting(coord).status == MeetingStatus.SCHEDULED


def test_status_or_minutes_sent_to_the_meeting_itself_are_a_400_naming_them(coord, api_as):
    office = api_as(coord.users.office)
    url = f"/api/v1/meetings/{coord.meeting.pk}/"

    patched = office.patch(url, {"status": "held", "minutes": "纪要"}, format="json")
    created = office.post("/api/v1/meetings/", {"committee": coord.committee.pk, "title": "第四次联席会议",
                                                "starts_at": "2026-12-20T09:00:00+08:00", "status": "held"},
                          format="json")

    assert patched.status_code == 400
    assert patched.json() == {"minutes": ["This field cannot be set here."],
                              "status": ["This field cannot be set here."]}
    assert created.status_code == 400
    assert created.json() == {"status": ["This field cannot be set here."]}
    assert (_meeting(coord).status, _meeting(coord).minutes) == (MeetingStatus.SCHEDULED, "")
    assert Meeting.objects.count() == 1


def test_a_topic_goes_on_the_agenda(coord, api_as):
    answer = api_as(coord.users.office).post(f"/api/v1/meetings/{coord.meeting.pk}/topics/",
                                             {"topic": "人才公寓建设进度"}, format="json")

    assert answer.status_code == 201, answer.content
    assert [(a["demand"], a["topic"], a["position"]) for a in answer.json()["agenda"]] == [(None, "人才公寓建设进度", 1)]


def test_a_topic_too_long_is_a_400_at_the_field(coord, api_as):
    answer = api_as(coord.users.office).post(f"/api/v1/meetings/{coord.meeting.pk}/topics/", {"topic": "议" * 201},
                                             format="json")

    assert answer.status_code == 400
    assert list(answer.json()) == ["topic"]
    assert AgendaItem.objects.count() == 0


def test_attendance_of_a_member_unit_with_its_name(coord, api_as):
    office = api_as(coord.users.office)
    url = f"/api/v1/meetings/{coord.meeting.pk}/attendance/"

    office.post(url, {"organization": coord.world.dept.pk, "name": "张伟"}, format="json")
    answer = office.post(url, {"organization": coord.world.nfs.pk, "present": False}, format="json")

    assert answer.status_code == 200, answer.content
    assert [(a["organization"], a["organization_name"], a["name"], a["present"])
            for a in answer.json()["attendance"]] == [
        (coord.world.dept.pk, "明湖市经济和信息化局", "张伟", True),
        (coord.world.nfs.pk, "武汉纽福斯生物科技有限公司", "", False)]


def test_attendance_of_a_unit_outside_the_committee_is_a_400_at_the_field(coord, api_as):
    answer = api_as(coord.users.office).post(f"/api/v1/meetings/{coord.meeting.pk}/attendance/",
                                             {"organization": coord.world.bank.pk}, format="json")

    assert answer.status_code == 400
    assert answer.json() == {"organization": ["Choose a member unit of the meeting's committee."]}
    assert Attendance.objects.count() == 0


# Activities: the outcome

def test_the_outcome_holds_the_activity(coord, api_as):
    answer = api_as(coord.users.office).post(f"/api/v1/activities/{coord.activity.pk}/outcome/", {
        "outcome": "12家企业与3家银行对接，意向授信8000万元。", "leads_found": 2, "demands_raised": 3}, format="json")

    assert answer.status_code == 200, answer.content
    a = Activity.objects.get(pk=coord.activity.pk)
    assert (a.status, a.outcome, a.leads_found, a.demands_raised) == (
        ActivityStatus.HELD, "12家企业与3家银行对接，意向授信8000万元。", 2, 3)
    assert answer.json()["status"] == "held"


@pytest.mark.parametrize(("role", "code"), [("specialist", 403), ("partner", 403), ("enterprise", 403)])
def test_who_may_not_change_the_activity_records_no_outcome(coord, api_as, role, code):
    coord.activity.open_to_enterprises = True
    coord.activity.save()

    answer = api_as(getattr(coord.users, role)).post(f"/api/v1/activities/{coord.activity.pk}/outcome/",
                                                     {"outcome": "x"}, format="json")

    assert answer.status_code == code
    a = Activity.objects.get(pk=coord.activity.pk)
    assert (a.status, a.outcome) == (ActivityStatus.PLANNED, "")


def test_a_negative_count_or_a_status_in_the_outcome_is_a_400_at_the_field(coord, api_as):
    office = api_as(coord.users.office)
    url = f"/api/v1/activities/{coord.activity.pk}/outcome/"

    negative = office.post(url, {"outcome": "x", "leads_found": -1}, format="json")
    status = office.post(url, {"outcome": "x", "status": "held"}, format="json")
    direct = office.patch(f"/api/v1/activities/{coord.activity.pk}/", {"outcome": "x"}, format="json")

    assert negative.status_code == status.status_code == direct.status_code == 400
    assert list(negative.json()) == ["leads_found"]
    assert status.json() == {"status": ["Unknown field."]}
    assert direct.json() == {"outcome": ["This field cannot be set here."]}
    assert Activity.objects.get(pk=coord.activity.pk).status == ActivityStatus.PLANNED


def test_the_outcome_of_a_cancelled_activity_is_refused(coord, api_as):
    Activity.objects.filter(pk=coord.activity.pk).update(status=ActivityStatus.CANCELLED, cancel_reason="改期")

    answer = api_as(coord.users.office).post(f"/api/v1/activities/{coord.activity.pk}/outcome/", {"outcome": "x"},
                                             format="json")

    assert answer.status_code == 400
    assert answer.json() == {"non_field_errors": ["The activity was cancelled."]}
    assert Activity.objects.get(pk=coord.activity.pk).outcome == ""


# Visits: a demand raised during the visit

@pytest.fixture
def visit(coord):
    return Visit.objects.create(organization=coord.world.nfs, visitor=coord.users.specialist,
                                visited_on=datetime.date(2026, 11, 30), purpose="了解二期项目进展")


def test_a_demand_from_the_visit_is_linked_to_it(coord, visit, api_as):
    before = Demand.objects.count()

    answer = api_as(coord.users.specialist).post(f"/api/v1/visits/{visit.pk}/demands/", {
        "category": Category.objects.get(slug="site").pk, "title": "扩建仓库用地",
        "description": "需要约20亩仓储用地。"}, format="json")

    assert answer.status_code == 201, answer.content
    demand = Demand.objects.exclude(pk=coord.demand.pk).get()
    assert (demand.organization, demand.channel, demand.title) == (coord.world.nfs, "visit", "扩建仓库用地")
    assert answer.json()["demands"] == [demand.pk]
    assert Demand.objects.count() == before + 1


def test_a_demand_from_someone_elses_visit_is_refused(coord, visit, api_as):
    before = Demand.objects.count()
    from chainserve.registry.tests.factories import UserFactory

    other = UserFactory(username="specialist2", role="specialist", organization=coord.world.dept)

    answer = api_as(other).post(f"/api/v1/visits/{visit.pk}/demands/", {}, format="json")

    assert answer.status_code == 403
    assert Demand.objects.count() == before
    assert list(visit.demands.all()) == []


def test_a_demand_from_the_visit_without_its_category_is_a_400_at_the_field(coord, visit, api_as):
    before = Demand.objects.count()

    answer = api_as(coord.users.specialist).post(f"/api/v1/visits/{visit.pk}/demands/", {
        "category": 999999, "title": "扩建仓库用地", "description": "x"}, format="json")

    assert answer.status_code == 400
    assert list(answer.json()) == ["category"]
    assert Demand.objects.count() == before


# Annual lists: milestones

def test_the_owner_department_adds_a_milestone_and_marks_it_done(annual, api_as):
    handler = api_as(annual.users.handler)

    added = handler.post(f"/api/v1/list-items/{annual.plant.pk}/milestones/",
                         {"due_on": "2026-06-30", "title": "主体封顶", "target_progress": 60}, format="json")

    assert added.status_code == 201, added.content
    assert [(m["due_on"], m["title"], m["target_progress"], m["done_on"]) for m in added.json()["milestones"]] == [
        ("2026-06-30", "主体封顶", 60, None)]
    milestone = Milestone.objects.get()
    done = handler.post(f"/api/v1/list-items/{annual.plant.pk}/milestones/{milestone.pk}/done/", format="json")
    assert done.status_code == 200, done.content
    milestone.refresh_from_db()
    assert milestone.done_on is not None
    assert done.json()["milestones"][0]["done_on"] == milestone.done_on.isoformat()
    again = handler.post(f"/api/v1/list-items/{annual.plant.pk}/milestones/{milestone.pk}/done/", format="json")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["The milestone is already done."]}


@pytest.mark.parametrize(("role", "code"), [("specialist", 403), ("enterprise", 404)])
def test_who_may_not_change_the_item_adds_no_milestone(annual, api_as, role, code):
    milestone = Milestone.objects.create(item=annual.plant, due_on=datetime.date(2026, 6, 30), title="主体封顶")
    client = api_as(getattr(annual.users, role))

    added = client.post(f"/api/v1/list-items/{annual.plant.pk}/milestones/", {}, format="json")
    done = client.post(f"/api/v1/list-items/{annual.plant.pk}/milestones/{milestone.pk}/done/", format="json")

    assert (added.status_code, done.status_code) == (code, code)
    assert list(Milestone.objects.values_list("title", "done_on")) == [("主体封顶", None)]


def test_a_milestone_past_100_percent_or_of_another_item_is_refused(annual, api_as):
    handler = api_as(annual.users.handler)
    other = Milestone.objects.create(item=annual.road, due_on=datetime.date(2026, 6, 30), title="路面硬化")

    too_far = handler.post(f"/api/v1/list-items/{annual.plant.pk}/milestones/",
                           {"due_on": "2026-06-30", "title": "x", "target_progress": 101}, format="json")
    elsewhere = handler.post(f"/api/v1/list-items/{annual.plant.pk}/milestones/{other.pk}/done/", format="json")
    with_body = handler.post(f"/api/v1/list-items/{annual.road.pk}/milestones/{other.pk}/done/",
                             {"done_on": "2026-01-01"}, format="json")

    assert too_far.status_code == 400 and list(too_far.json()) == ["target_progress"]
    assert elsewhere.status_code == 404
    assert with_body.status_code == 400 and with_body.json() == {"done_on": ["Unknown field."]}
    assert list(Milestone.objects.values_list("title", "done_on")) == [("路面硬化", None)]


# Names beside ids

def test_member_rows_carry_their_units_names_and_refuse_a_changed_name(coord, api_as):
    alliance = Alliance.objects.create(chain=coord.chain, name="明湖市生物医药产业党建联盟")
    AllianceMember.objects.create(alliance=alliance, organization=coord.world.bank, role=MemberRole.MEMBER,
                                  started_on=datetime.date(2025, 1, 1))
    office = api_as(coord.users.office)

    committee = office.get(f"/api/v1/committees/{coord.committee.pk}/").json()
    members = office.get("/api/v1/alliance-members/").json()["results"]
    renamed = office.patch(f"/api/v1/alliance-members/{members[0]['id']}/", {"organization_name": "别名"},
                           format="json")

    assert sorted((m["organization"], m["organization_name"]) for m in committee["members"]) == sorted([
        (coord.world.dept.pk, "明湖市经济和信息化局"), (coord.world.nfs.pk, "武汉纽福斯生物科技有限公司")])
    assert [(m["organization"], m["organization_name"]) for m in members] == [(coord.world.bank.pk, "明湖农商银行")]
    assert office.get(f"/api/v1/alliances/{alliance.pk}/").json()["members"][0]["organization_name"] == "明湖农商银行"
    assert renamed.status_code == 400
    assert renamed.json() == {"organization_name": ["This field cannot be set here."]}
