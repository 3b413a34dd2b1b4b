"""The handler's answer and closing: files (a 答复函) with the same checks as the enterprise's, standard replies."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chainserve.demands import services
from chainserve.demands.choices import Channel, EventType, Status
from chainserve.demands.models import Demand, StandardReply

from .factories import snapshot

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


def pdf(name="答复函.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_handler_answers_and_closes_with_a_reply_letter_the_enterprise_downloads(desk, make_demand, client_as):
    demand = make_demand("dispatched")

    services.answer(demand, desk.handler2, "请按附件准备材料。", [pdf("材料清单.pdf")])
    services.close(demand, desk.handler, True, "已办结,见答复函。", files=[pdf()])

    demand = Demand.objects.get(pk=demand.pk)
    answered, closed = demand.events.get(type=EventType.ANSWERED), demand.events.get(type=EventType.RESOLVED)
    assert [a.name for a in answered.attachments.all()] == ["材料清单.pdf"]
    assert [(a.name, a.uploaded_by) for a in closed.attachments.all()] == [("答复函.pdf", desk.handler)]
    assert demand.status == Status.RESOLVED
    download = client_as(desk.enterprise).get(closed.attachments.get().get_absolute_url())
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(("upload", "error"), [
    (pdf("答复函.exe", b"MZ"), "答复函.exe: only PDF, images, Word, Excel and text files are accepted."),
    (pdf("答复函.pdf", b"MZ\x90\x00"), "答复函.pdf is not really a .pdf file."),
    (pdf("答复函.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)), "答复函.pdf is larger than 10 MB."),
])
def test_a_refused_file_refuses_the_whole_answer_or_closing(desk, make_demand, upload, error):
    demand = make_demand("dispatched")
    before = snapshot(demand)

    for step in (lambda: services.answer(demand, desk.handler, "见附件。", [upload]),
                 lambda: services.close(demand, desk.handler, True, "见附件。", files=[upload])):
        with pytest.raises(ValidationError) as e:
            step()
        assert e.value.message_dict == {"files": [error]}

    assert snapshot(demand) == before


def test_the_page_answers_with_a_file_and_a_refused_one_is_said_at_its_field(desk, make_demand, client_as):
    demand = make_demand("dispatched")
    client = client_as(desk.handler)
    before = snapshot(demand)

    refused = client.post(f"/demands/{demand.pk}/answer/", {"version": demand.version, "answer-note": "见附件。",
                                                            "answer-files": [pdf("x.exe", b"MZ")]})
    assert refused.status_code == 400
    assert refused.context["action_forms"]["answer"].errors == {
        "files": ["x.exe: only PDF, images, Word, Excel and text files are accepted."]}
    assert snapshot(demand) == before

    client.post(f"/demands/{demand.pk}/answer/", {"version": demand.version, "answer-note": "见附件。",
                                                  "answer-files": [pdf()]})
    assert list(demand.attachments.values_list("name", flat=True)) == ["答复函.pdf"]


def test_a_standard_reply_fills_the_answer_and_only_the_office_keeps_them(desk, make_demand, client_as):
    demand = make_demand("dispatched")  # category 政策支持
    office = client_as(desk.office)
    created = office.post("/demands/standard-replies/add/", {
        "category": desk.policy.pk, "title": "已受理待研究", "text": "您的诉求已收到,我局正在研究,将于五个工作日内答复。",
        "active": "on"})
    assert created.status_code == 302
    reply = StandardReply.objects.get()
    StandardReply.objects.create(category=desk.financing, title="融资", text="另一类别。")
    refused = client_as(desk.handler).post("/demands/standard-replies/add/", {
        "category": desk.policy.pk, "title": "自拟", "text": "不应保存。"})
    assert refused.status_code == 403 and StandardReply.objects.count() == 2

    handler = client_as(desk.handler)
    page = handler.get(f"/demands/{demand.pk}/").content.decode()
    assert f'<option value="{reply.pk}" data-text="{reply.text}">已受理待研究</option>' in page
    assert 'data-fill="id_answer-note"' in page and "另一类别" not in page
    handler.post(f"/demands/{demand.pk}/answer/", {"version": demand.version, "answer-standard_reply": reply.pk,
                                                   "answer-note": ""})

    assert demand.events.last().note == reply.text
    assert "已受理待研究" in handler.get("/demands/standard-replies/").content.decode()
    assert client_as(desk.enterprise).get("/demands/standard-replies/").status_code == 403


def test_the_api_answers_with_files_in_multipart(desk, make_demand, api_as):
    demand = make_demand("dispatched")

    response = api_as(desk.handler).post(f"/api/v1/demands/{demand.pk}/steps/answer/", {
        "version": demand.version, "note": "见答复函。", "files": [pdf()]}, format="multipart")
    refused = api_as(desk.handler).post(f"/api/v1/demands/{demand.pk}/steps/answer/", {
        "note": "见附件。", "files": [pdf("x.exe", b"MZ")]}, format="multipart")

    assert response.status_code == 200
    assert list(demand.attachments.values_list("name", flat=True)) == ["答复函.pdf"]
    assert (refused.status_code, refused.json()) == (400, {
        "files": ["x.exe: only PDF, images, Word, Excel and text files are accepted."]})


def test_the_api_lists_standard_replies_to_staff_and_only_the_office_writes_them(desk, api_as):
    url = "/api/v1/standard-replies/"
    created = api_as(desk.office).post(url, {"category": desk.policy.pk, "title": "已受理", "text": "正在研究。"},
                                       format="json")
    twice = api_as(desk.office).post(url, {"category": desk.policy.pk, "title": "已受理", "text": "重复。"},
                                     format="json")
    refused = api_as(desk.handler).post(url, {"category": desk.policy.pk, "title": "自拟", "text": "不应保存。"},
                                        format="json")

    assert created.status_code == 201
    assert twice.status_code == 400
    assert refused.status_code == 403
    assert list(StandardReply.objects.values_list("title", flat=True)) == ["已受理"]
    listed = api_as(desk.handler).get(url, {"category": desk.policy.pk}).json()["results"]
    assert [(r["title"], r["text"]) for r in listed] == [("已受理", "正在研究。")]
    assert api_as(desk.enterprise).get(url).json()["results"] == []


def test_the_closing_form_asks_for_a_grade_only_on_a_proposal(desk, make_demand, client_as):
    plain = make_demand("dispatched")
    proposal = make_demand("dispatched", by=desk.office, channel=Channel.NPC, proposer="张代表")
    client = client_as(desk.handler)

    assert "grade" not in client.get(f"/demands/{plain.pk}/").context["action_forms"]["close"].fields
    assert "grade" in client.get(f"/demands/{proposal.pk}/").context["action_forms"]["close"].fields
