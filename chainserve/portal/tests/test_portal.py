"""The enterprise portal: my organisation's demands only, raising one with files, and what others get."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chainserve.demands import services
from chainserve.demands.choices import Channel, EventType, Status
from chainserve.demands.models import Attachment, Category, Demand, DemandEvent

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


@pytest.fixture
def policy(db):
    return Category.objects.get(slug="policy")


@pytest.fixture
def colleague(world):
    """A second user of 纽福斯."""
    from chainserve.registry.tests.factories import UserFactory

    return UserFactory(username="nfs-colleague", role="enterprise", organization=world.nfs)


@pytest.fixture
def demands(world, policy):
    """纽福斯: one raised on the portal, one recorded on its behalf and resolved; 溫州康寧: one of its own."""
    u = world.users
    raised = services.submit(u.enterprise, services.Intake(world.nfs, policy, "研发费用加计扣除", "内容"))
    recorded = services.submit(u.specialist, services.Intake(
        world.nfs, policy, "座谈会上提出的用地需求", "内容", channel=Channel.SYMPOSIUM))
    services.dispatch(recorded, u.office, world.dept)
    services.close(recorded, u.handler, True, "已协调。")
    other = services.submit(u.specialist, services.Intake(world.wz, policy, "溫州康寧的需求", "内容",
                                                          channel=Channel.VISIT))
    return {"raised": raised, "recorded": recorded, "other": other}


def listed(response):
    return [d.title for d in response.context["page"].object_list]


def test_the_portal_lists_every_demand_of_my_organisation_and_no_other(world, demands, colleague, client_as):
    for user in (world.users.enterprise, colleague):
        response = client_as(user).get("/portal/")

        assert response.status_code == 200
        assert sorted(listed(response)) == ["座谈会上提出的用地需求", "研发费用加计扣除"]
        assert "溫州康寧的需求" not in response.content.decode()


@pytest.mark.parametrize(("status", "expected"), [
    ("open", ["研发费用加计扣除"]), ("closed", ["座谈会上提出的用地需求"]),
])
def test_the_portal_filters_open_and_finished_demands(world, demands, client_as, status, expected):
    response = client_as(world.users.enterprise).get("/portal/", {"status": status})

    assert listed(response) == expected


def test_another_organisation_s_demand_is_not_found_anywhere(world, demands, client_as, api_as):
    other = demands["other"]
    attachment = Attachment.objects.create(demand=other, file=SimpleUploadedFile("x.pdf", PDF), name="x.pdf",
                                           size=len(PDF), content_type="application/pdf")
    client, api = client_as(world.users.enterprise), api_as(world.users.enterprise)

    assert client.get(f"/demands/{other.pk}/").status_code == 404
    assert client.get(f"/demands/attachments/{attachment.pk}/").status_code == 404
    assert client.post(f"/demands/{other.pk}/comment/", {"comment-note": "看看"}).status_code == 404
    assert api.get(f"/api/v1/demands/{other.pk}/").status_code == 404
    assert api.get(f"/api/v1/demands/{other.pk}/events/").status_code == 404
    assert api.post(f"/api/v1/demands/{other.pk}/steps/rate/", {"rating": "satisfied"},
                    format="json").status_code == 404
    assert client.get("/demands/", {"export": "xlsx"}).status_code == 403
    assert other.events.count() == 1


def test_my_demand_s_page_shows_its_status_deadline_and_history(world, demands, client_as):
    recorded = demands["recorded"]

    response = client_as(world.users.enterprise).get(f"/demands/{recorded.pk}/")

    assert response.status_code == 200
    assert [e.type for e in response.context["events"]] == [EventType.SUBMITTED, EventType.DISPATCHED,
                                                            EventType.RESOLVED]
    assert list(response.context["action_forms"]) == ["rate"]
    assert "Handling departments" not in response.content.decode()  # the departments' own table is for staff


def test_an_enterprise_raises_a_demand_with_a_file(world, policy, client_as):
    response = client_as(world.users.enterprise).post("/portal/demands/new/", {
        "category": policy.pk, "title": "申请人才公寓", "description": "新引进博士需要住房。",
        "files": [SimpleUploadedFile("名单.pdf", PDF, content_type="application/pdf")]}, follow=True)

    demand = Demand.objects.get()
    assert response.redirect_chain == [(f"/demands/{demand.pk}/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"Your demand {demand.number} was received. You will be told of every step."]
    assert (demand.organization, demand.channel, demand.status, demand.submitted_by) == (
        world.nfs, Channel.PORTAL, Status.NEW, world.users.enterprise)
    assert list(demand.attachments.values_list("name", "size", "event__type")) == [
        ("名单.pdf", len(PDF), EventType.SUBMITTED)]


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("tool.exe", b"MZ\x90\x00"),
     "tool.exe: only PDF, images, Word, Excel and text files are accepted."),
    (SimpleUploadedFile("scan.jpg", PDF), "scan.jpg is not really a .jpg file."),
    (SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024)), "big.pdf is larger than 10 MB."),
], ids=["type", "content", "size"])
def test_a_refused_file_is_explained_and_nothing_is_created(world, policy, client_as, upload, message):
    response = client_as(world.users.enterprise).post("/portal/demands/new/", {
        "category": policy.pk, "title": "申请人才公寓", "description": "新引进博士需要住房。",
        "files": [upload]})

    assert response.status_code == 400
    assert response.context["form"].errors == {"files": [message]}
    assert message in response.content.decode()
    assert (Demand.objects.count(), DemandEvent.objects.count(), Attachment.objects.count()) == (0, 0, 0)


def test_a_demand_without_title_is_shown_again(world, policy, client_as):
    response = client_as(world.users.enterprise).post("/portal/demands/new/", {
        "category": policy.pk, "title": "", "description": "内容"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"title": ["This field is required."]}
    assert Demand.objects.count() == 0


@pytest.mark.parametrize("role", ["office", "handler", "partner"])
def test_the_portal_is_for_enterprise_users(world, policy, client_as, role):
    client = client_as(getattr(world.users, role))

    assert client.get("/portal/").status_code == 403
    assert client.post("/portal/demands/new/", {"category": policy.pk, "title": "t",
                                                "description": "d"}).status_code == 403
    assert Demand.objects.count() == 0


def test_an_enterprise_user_without_organisation_cannot_use_the_portal(users, client_as):
    assert client_as(users.enterprise).get("/portal/").status_code == 403


def test_the_portal_asks_an_anonymous_visitor_to_log_in(db, client_as):
    response = client_as(None).get("/portal/")

    assert (response.status_code, response.url.split("?")[0]) == (302, "/accounts/login/")
