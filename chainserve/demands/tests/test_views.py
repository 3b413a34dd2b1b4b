"""The demand pages: who sees which demand, the steps each role is offered, refusals, conflicts, files."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from chainserve.demands import services
from chainserve.demands.choices import Channel, EventType, Status
from chainserve.demands.models import Attachment, Demand

from .factories import snapshot

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
CONFLICT = "Someone else has just updated this demand. Reload it to see what changed."


def pdf(name="材料.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def offered(response, demand):
    """The steps whose forms the page shows."""
    return re.findall(rf'action="/demands/{demand.pk}/([a-z_]+)/"', response.content.decode())


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def scoped(desk, make_demand):
    """Three demands: `mine` (纽福斯, city chain, lead 经信局, co-handler 市场监管局, with a PDF), `theirs`
    (溫州康寧, recorded by the specialist, lead 科技局, with a PNG) and `district` (纽福斯 on the district
    chain, whose office staff is nobody here, recorded by the admin), each visible to its own people only."""
    s = desk
    s.mine = services.submit(desk.enterprise,
                             services.Intake(desk.nfs, desk.policy, "研发费用加计扣除", "内容"), [pdf()])
    services.dispatch(s.mine, desk.office, desk.dept, [desk.market])
    s.theirs = services.submit(desk.specialist, services.Intake(desk.wz, desk.site, "厂房用地", "内容",
                                                                channel=Channel.VISIT),
                               [SimpleUploadedFile("现场.png", PNG, content_type="image/png")])
    services.dispatch(s.theirs, desk.office, desk.science)
    s.district = services.submit(desk.admin, services.Intake(desk.nfs, desk.financing, "临床试验资金", "内容",
                                                             channel=Channel.HOTLINE, chain=desk.dchain))
    s.mine_file = s.mine.attachments.get()
    s.theirs_file = s.theirs.attachments.get()
    return s


VISIBLE = {
    "admin": {"mine", "theirs", "district"},
    "office": {"mine", "theirs"},  # its chain's, not the district chain's
    "handler": {"mine"},  # 经信局 leads it
    "handler2": {"mine"},  # 市场监管局 co-handles it
    "handler3": {"theirs"},
    "specialist": {"theirs"},  # what it recorded
    "enterprise": {"mine", "district"},  # its organisation's, whoever recorded them
    "enterprise2": {"theirs"},
    "partner": set(),
}
NAMES = ["mine", "theirs", "district"]


@pytest.mark.parametrize("role", list(VISIBLE))
def test_each_role_opens_exactly_its_demands_and_gets_404_on_the_others(scoped, client_as, api_as, role):
    user = getattr(scoped, role)
    client, api = client_as(user), api_as(user)

    for name in NAMES:
        demand = getattr(scoped, name)
        expected = 200 if name in VISIBLE[role] else 404
        assert client.get(f"/demands/{demand.pk}/").status_code == expected, name
        assert api.get(f"/api/v1/demands/{demand.pk}/").status_code == expected, name
        assert api.get(f"/api/v1/demands/{demand.pk}/events/").status_code == expected, name
    for name, attachment in [("mine", scoped.mine_file), ("theirs", scoped.theirs_file)]:
        expected = 200 if name in VISIBLE[role] else 404
        assert client.get(f"/demands/attachments/{attachment.pk}/").status_code == expected, name

    listed = api.get("/api/v1/demands/", {"limit": 100}).json()
    assert {row["id"] for row in listed["results"]} == {getattr(scoped, n).pk for n in VISIBLE[role]}


@pytest.mark.parametrize("role", ["admin", "office", "handler", "handler3", "specialist"])
def test_the_staff_list_and_its_export_hold_only_visible_demands(scoped, client_as, role):
    client = client_as(getattr(scoped, role))
    expected = {getattr(scoped, n).number for n in VISIBLE[role]}

    page = client.get("/demands/")
    export = client.get("/demands/", {"export": "xlsx"})

    assert {d.number for d in page.context["page"].object_list} == expected
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Number"
    assert {row[0] for row in rows[1:]} == expected


@pytest.mark.parametrize("role", ["enterprise", "partner"])
def test_the_staff_list_and_export_are_forbidden_outside_staff(scoped, client_as, role):
    client = client_as(getattr(scoped, role))

    assert client.get("/demands/").status_code == 403
    assert client.get("/demands/", {"export": "xlsx"}).status_code == 403
    assert client.get("/demands/queue/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(scoped, client_as):
    client = client_as(None)
    before = snapshot(scoped.mine)

    for url in [f"/demands/{scoped.mine.pk}/", f"/demands/attachments/{scoped.mine_file.pk}/", "/demands/"]:
        response = client.get(url)
        assert (response.status_code, response.url.split("?")[0]) == (302, "/accounts/login/")
    assert client.post(f"/demands/{scoped.mine.pk}/answer/", {"answer-note": "x"}).status_code == 302
    assert snapshot(scoped.mine) == before


def test_an_attachment_is_served_as_a_download(scoped, client_as):
    response = client_as(scoped.enterprise).get(f"/demands/attachments/{scoped.mine_file.pk}/")

    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")


# ---------------------------------------------------------------- the steps a role is offered

# (no refer_down: the demand is at 东湖区, which has no region below it — permissions.REGION_BELOW)
@pytest.mark.parametrize(("state", "role", "expected"), [
    ("new", "office", ["accept", "dispatch", "reject", "escalate", "refer_up", "merge", "link_issue", "comment"]),
    ("new", "enterprise", ["supplement", "withdraw"]),  # before acceptance (services.enterprise)
    ("dispatched", "office", ["urge", "reassign", "escalate", "refer_up", "merge", "link_issue", "comment"]),
    ("dispatched", "handler", ["ask", "send_back", "close", "answer", "request_extension", "escalate",
                               "comment"]),
    ("dispatched", "handler2", ["answer", "escalate", "comment"]),
    ("dispatched", "enterprise", []),
    ("dispatched", "admin", ["ask", "send_back", "close", "answer", "request_extension", "urge", "reassign",
                             "escalate", "refer_up", "merge", "link_issue", "comment"]),
    ("waiting", "enterprise", ["reply"]),
    ("waiting", "handler", ["request_extension", "escalate", "comment"]),
    ("resolved", "enterprise", ["rate"]),
    ("rated_unsatisfied", "enterprise", ["reopen"]),
    ("resolved", "handler", ["comment"]),
])
def test_the_detail_page_offers_only_the_steps_open_to_the_role(desk, make_demand, client_as, state, role,
                                                                 expected):
    demand = make_demand(state)

    response = client_as(getattr(desk, role)).get(f"/demands/{demand.pk}/")

    assert response.status_code == 200
    assert list(response.context["action_forms"]) == expected
    assert offered(response, demand) == expected
    if not expected:
        assert "Nothing for you to do on this demand now." in response.content.decode()


def test_the_dispatch_form_suggests_the_rule_s_departments(desk, make_demand, client_as):
    from chainserve.demands.models import DispatchRule

    rule = DispatchRule.objects.create(category=desk.policy, lead_department=desk.market)
    rule.co_departments.set([desk.science])
    demand = make_demand()

    response = client_as(desk.office).get(f"/demands/{demand.pk}/")

    assert response.context["action_forms"]["dispatch"].initial == {"lead": desk.market, "co": [desk.science]}


# ---------------------------------------------------------------- taking a step

def test_a_step_posted_by_its_role_is_taken(desk, make_demand, client_as):
    demand = make_demand("accepted")

    response = client_as(desk.office).post(f"/demands/{demand.pk}/dispatch/", {
        "version": demand.version, "dispatch-lead": desk.dept.pk, "dispatch-co": [desk.market.pk],
        "dispatch-note": "请经信局牵头。"}, follow=True)

    assert response.redirect_chain == [(f"/demands/{demand.pk}/", 302)]
    assert messages_of(response) == ["Done."]
    demand = Demand.objects.get(pk=demand.pk)
    assert (demand.status, demand.lead_department) == (Status.DISPATCHED, desk.dept)
    assert demand.events.last().note == "请经信局牵头。"


def test_the_enterprise_replies_with_a_file(desk, make_demand, client_as):
    demand = make_demand("waiting")

    response = client_as(desk.enterprise).post(f"/demands/{demand.pk}/reply/", {
        "version": demand.version, "reply-note": "明细见附件。", "reply-files": [pdf("明细.pdf")]})

    assert response.status_code == 302
    demand = Demand.objects.get(pk=demand.pk)
    event = demand.events.last()
    assert (demand.status, event.type) == (Status.DISPATCHED, EventType.REPLIED)
    assert [(a.name, a.size, a.content_type, a.uploaded_by) for a in event.attachments.all()] == [
        ("明细.pdf", len(PDF), "application/pdf", desk.enterprise)]


@pytest.mark.parametrize(("role", "action", "data"), [
    ("enterprise", "close", {"close-resolved": "yes", "close-note": "我自己关了。"}),
    ("handler2", "close", {"close-resolved": "yes", "close-note": "协办单位关闭。"}),
    ("office", "ask", {"ask-note": "链办提问。"}),
    ("handler", "accept", {}),
    ("enterprise", "rate", {"rate-rating": "satisfied"}),
])
def test_a_step_posted_by_the_wrong_role_is_refused_and_changes_nothing(desk, make_demand, client_as, role,
                                                                         action, data):
    demand = make_demand("dispatched")
    before = snapshot(demand)

    response = client_as(getattr(desk, role)).post(f"/demands/{demand.pk}/{action}/",
                                                   {"version": demand.version, **data})

    assert response.status_code == 400
    # regression: the refusal was put on a form the page does not show, so nobody saw why
    assert messages_of(response) == ["This step is not open to you on this demand now."]
    assert "This step is not open to you on this demand now." in response.content.decode()
    assert snapshot(demand) == before


@pytest.mark.parametrize("role", ["handler3", "partner", "enterprise2"])
def test_a_step_on_a_demand_out_of_scope_is_not_found_and_changes_nothing(desk, make_demand, client_as, role):
    demand = make_demand("dispatched")
    before = snapshot(demand)

    response = client_as(getattr(desk, role)).post(f"/demands/{demand.pk}/answer/", {
        "version": demand.version, "answer-note": "不该我答。"})

    assert response.status_code == 404
    assert snapshot(demand) == before


def test_an_unknown_step_is_not_found(desk, make_demand, client_as):
    demand = make_demand("dispatched")

    assert client_as(desk.admin).post(f"/demands/{demand.pk}/delete/", {}).status_code == 404
    assert client_as(desk.admin).get(f"/demands/{demand.pk}/answer/").status_code == 405


def test_a_step_without_its_required_note_is_shown_again_with_the_error(desk, make_demand, client_as):
    demand = make_demand("dispatched")
    before = snapshot(demand)

    response = client_as(desk.handler).post(f"/demands/{demand.pk}/send_back/", {"version": demand.version})

    assert response.status_code == 400
    assert response.context["open_action"] == "send_back"
    assert response.context["action_forms"]["send_back"].errors == {"note": ["This field is required."]}
    assert snapshot(demand) == before


def test_a_stale_page_shows_the_conflict_message_and_changes_nothing(desk, make_demand, client_as):
    demand = make_demand("dispatched")
    seen = demand.version
    services.answer(demand, desk.handler2, "协办单位先答了。")  # meanwhile, in another office
    before = snapshot(demand)

    response = client_as(desk.handler).post(f"/demands/{demand.pk}/answer/", {
        "version": seen, "answer-note": "牵头单位答复。"}, follow=True)

    assert response.redirect_chain == [(f"/demands/{demand.pk}/", 302)]
    assert messages_of(response) == [CONFLICT]
    assert "Someone else has just updated this demand." in response.content.decode()
    assert snapshot(demand) == before


def test_a_stale_page_after_a_change_of_status_also_shows_the_conflict_message(desk, make_demand, client_as):
    # regression: the step was checked against the new status first, so the loser read "not open to you"
    demand = make_demand("dispatched")
    seen = demand.version
    services.ask(demand, desk.handler, "同事在另一个窗口提问。")
    before = snapshot(demand)

    response = client_as(desk.handler).post(f"/demands/{demand.pk}/close/", {
        "version": seen, "close-resolved": "yes", "close-note": "已办结。"}, follow=True)

    assert messages_of(response) == [CONFLICT]
    assert snapshot(demand) == before


# ---------------------------------------------------------------- attachments refused

@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
     "setup.exe: only PDF, images, Word, Excel and text files are accepted."),
    (SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>", content_type="application/pdf"),
     "fake.pdf is not really a .pdf file."),
    (SimpleUploadedFile("fake.docx", PDF, content_type="application/pdf"),
     "fake.docx is not really a .docx file."),
    (SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf"),
     "big.pdf is larger than 10 MB."),
], ids=["type", "content", "content-docx", "size"])
def test_a_refused_file_is_named_in_the_form_and_nothing_is_stored(desk, make_demand, client_as, upload,
                                                                   message):
    demand = make_demand("waiting")
    before = snapshot(demand)

    response = client_as(desk.enterprise).post(f"/demands/{demand.pk}/reply/", {
        "version": demand.version, "reply-note": "附件如下。", "reply-files": [upload]})

    assert response.status_code == 400
    assert response.context["action_forms"]["reply"].errors == {"files": [message]}
    assert snapshot(demand) == before
    assert Attachment.objects.count() == 0


def test_a_file_of_exactly_10_mb_is_accepted(desk, make_demand, client_as):
    demand = make_demand("waiting")
    content = PDF + b"0" * (10 * 1024 * 1024 - len(PDF))

    response = client_as(desk.enterprise).post(f"/demands/{demand.pk}/reply/", {
        "version": demand.version, "reply-note": "附件如下。", "reply-files": [pdf("full.pdf", content)]})

    assert response.status_code == 302
    assert list(Attachment.objects.values_list("name", "size")) == [("full.pdf", 10 * 1024 * 1024)]


# ---------------------------------------------------------------- recording on behalf, merged histories

def test_staff_record_a_demand_on_behalf_on_the_page(desk, client_as):
    response = client_as(desk.specialist).post("/demands/add/", {
        "organization": desk.wz.pk, "channel": "hotline", "category": desk.site.pk, "priority": "normal",
        "title": "热线反映用地问题", "description": "企业来电反映厂房不足。", "proposer": ""})

    demand = Demand.objects.get()
    assert response.status_code == 302
    assert response.url == f"/demands/{demand.pk}/"
    assert (demand.organization, demand.channel, demand.recorded_by) == (
        desk.wz, Channel.HOTLINE, desk.specialist)


def test_a_proposal_recorded_without_its_deputy_is_refused_on_the_page(desk, client_as):
    response = client_as(desk.office).post("/demands/add/", {
        "organization": desk.nfs.pk, "channel": "npc", "category": desk.policy.pk, "priority": "normal",
        "title": "关于支持生物医药的建议", "description": "建议内容。", "proposer": ""})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "proposer": ["Name the deputy or member who made the proposal."]}
    assert Demand.objects.count() == 0


@pytest.mark.parametrize("role", ["handler", "enterprise", "partner"])
def test_only_staff_who_record_may_open_the_recording_page(desk, client_as, role):
    response = client_as(getattr(desk, role)).post("/demands/add/", {
        "organization": desk.nfs.pk, "channel": "visit", "category": desk.policy.pk, "priority": "normal",
        "title": "标题", "description": "内容"})

    assert response.status_code == 403
    assert Demand.objects.count() == 0


def test_the_kept_demand_s_page_shows_the_merged_demand_s_history(desk, make_demand, client_as):
    kept, duplicate = make_demand("dispatched"), make_demand()
    services.merge(duplicate, kept, desk.office)

    kept_page = client_as(desk.office).get(f"/demands/{kept.pk}/")
    duplicate_page = client_as(desk.enterprise).get(f"/demands/{duplicate.pk}/")

    assert [(m.pk, [e.type for e in events]) for m, events in kept_page.context["merged_events"]] == [
        (duplicate.pk, [EventType.SUBMITTED, EventType.MERGED])]
    assert duplicate_page.status_code == 200
    assert f'href="/demands/{kept.pk}/"' in duplicate_page.content.decode()


# ---------------------------------------------------------------- the dispatch queue and a department's inbox

def test_the_queue_holds_new_and_sent_back_demands_oldest_deadline_first(clock, desk, make_demand, client_as):
    first = make_demand()
    clock.advance(days=1)
    sent_back = make_demand("dispatched")
    services.send_back(sent_back, desk.handler, "非本部门。")
    make_demand("dispatched")
    make_demand("rejected")

    response = client_as(desk.office).get("/demands/queue/")

    assert [d.pk for d in response.context["page"].object_list] == [first.pk, sent_back.pk]
    assert client_as(desk.handler).get("/demands/queue/").status_code == 403


def test_the_inbox_holds_what_the_department_handles_now_nearest_deadline_first(clock, desk, make_demand,
                                                                                 client_as):
    later = make_demand("dispatched", priority="complex")  # resolve in 25 working days
    sooner = make_demand("waiting")  # 10 working days, waiting for the enterprise
    make_demand("resolved")
    gone = make_demand("dispatched")
    services.send_back(gone, desk.handler, "非本部门。")
    elsewhere = make_demand("dispatched", lead=desk.science, co=[])

    lead = client_as(desk.handler).get("/demands/inbox/")
    co = client_as(desk.handler2).get("/demands/inbox/")

    assert [d.pk for d in lead.context["page"].object_list] == [sooner.pk, later.pk]
    assert [d.pk for d in co.context["page"].object_list] == [sooner.pk, later.pk]  # co-handler of both
    assert [d.pk for d in client_as(desk.handler3).get("/demands/inbox/").context["page"].object_list] == [
        elsewhere.pk]


def test_the_list_filtered_by_status_has_no_distinct_and_the_same_rows(desk, make_demand, client_as):
    """The status filter reads one column: a demand matches once, so the page's SQL needs no DISTINCT (with it,
    PostgreSQL sorted every matching row to show one page: issue 21)."""
    made = {state: make_demand(state) for state in ("new", "accepted", "dispatched", "rejected", "resolved")}
    client = client_as(desk.office)

    everything = list(client.get("/demands/").context["page"].object_list)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/demands/", {"status": [Status.DISPATCHED, Status.NEW]})

    assert page.status_code == 200
    listed = [d.pk for d in page.context["page"].object_list]
    assert sorted(listed) == sorted([made["new"].pk, made["dispatched"].pk])
    assert listed == [d.pk for d in everything if d.status in (Status.DISPATCHED, Status.NEW)]  # same order too
    demand_queries = [q["sql"] for q in queries.captured_queries if '"demands_demand"' in q["sql"]]
    assert demand_queries
    assert not [sql for sql in demand_queries if "DISTINCT" in sql.upper()]
