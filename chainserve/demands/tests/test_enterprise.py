"""The enterprise's side of a demand: the similar-demand warning, withdrawing and adding information before
acceptance (and nothing after, nor on another's demand), 补充材料, and a reopened demand's earlier results."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.utils import translation
from django.utils.timezone import localtime

from chainserve.core.models import Notification
from chainserve.demands import services
from chainserve.demands.choices import Channel, EventType, Status
from chainserve.demands.forms import ReplyForm
from chainserve.demands.models import Demand, DemandFigures
from chainserve.demands.services import ConflictError, TransitionError
from chainserve.demands.services.intake import likeness, pieces

from .factories import snapshot
from .test_concurrency import postgres_only, race_while_the_first_holds_its_lock

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"
TITLE = "申请研发费用加计扣除辅导"  # make_demand's
DESCRIPTION = "企业希望了解研发费用加计扣除的申报口径。"
CONFLICT = "Someone else has just updated this demand. Reload it to see what changed."
NOT_OPEN = "This step is not open to you on this demand now."


def portal_post(desk, **extra):
    return {"category": desk.policy.pk, "title": TITLE, "description": DESCRIPTION, **extra}


def events_of(demand):
    return list(Demand.objects.get(pk=demand.pk).events.values_list("type", "actor__username", "from_status",
                                                                     "to_status", "note"))


# ---------------------------------------------------------------- how alike

def test_likeness_is_the_share_of_two_character_pieces_in_common():
    assert pieces("研发 费用,") == {"研发", "发费", "费用"}
    assert pieces("药") == {"药"}
    assert likeness(TITLE, "研发费用加计扣除政策咨询") == 14 / 22  # 7 pieces of 11 and 11 in common
    assert likeness(TITLE, TITLE) == 1.0
    assert likeness(TITLE, "厂房租金补贴") == 0.0
    assert likeness("", TITLE) == 0.0


def test_similar_demands_are_the_enterprise_s_own_in_the_category_open_or_closed_within_90_days(
        clock, desk, make_demand):
    open_one = make_demand("dispatched")
    alike_title = make_demand(title="研发费用加计扣除政策咨询", description="别的内容。")
    alike_text = make_demand(title="一个不同的标题", description=DESCRIPTION)
    make_demand(category=desk.financing)  # another category
    make_demand(title="厂房租金补贴", description="需要厂房。")  # unlike
    services.submit(desk.enterprise2, services.Intake(desk.wz, desk.policy, TITLE, DESCRIPTION))  # another's
    withdrawn = make_demand()
    services.withdraw(withdrawn, desk.enterprise, "重复提交。")
    closed_long_ago = make_demand("resolved")
    clock.advance(days=80)
    closed_recently = make_demand("resolved")
    clock.advance(days=11)  # closed_long_ago: 91 days ago; closed_recently: 11

    matches = services.similar_demands(desk.nfs, desk.policy, TITLE, DESCRIPTION)

    assert [(m.demand.pk, m.percent, m.step) for m in matches] == [
        (closed_recently.pk, 100, None), (alike_text.pk, 100, "supplement"), (open_one.pk, 100, None),
        (alike_title.pk, 64, "supplement")]  # most alike first, then the newest
    assert closed_long_ago.pk not in [m.demand.pk for m in matches]


def test_staff_recording_on_behalf_are_not_asked(desk, make_demand):
    make_demand()
    intake = services.Intake(desk.nfs, desk.policy, TITLE, DESCRIPTION, channel=Channel.VISIT)

    services.check_similar(desk.specialist, intake, confirm_new=False)  # no warning for the specialist
    with pytest.raises(services.SimilarDemandsFound):
        services.check_similar(desk.enterprise, intake, confirm_new=False)
    services.check_similar(desk.enterprise, intake, confirm_new=True)


# ---------------------------------------------------------------- the warning on the page and in the API

def test_the_portal_warns_with_links_and_keeps_what_was_written(desk, make_demand, client_as):
    first = make_demand()
    client = client_as(desk.enterprise)

    response = client.post("/portal/demands/new/", portal_post(desk))

    assert response.status_code == 400
    assert Demand.objects.count() == 1
    html = response.content.decode()
    assert [m.demand.pk for m in response.context["similar"]] == [first.pk]
    assert f'href="/demands/{first.pk}/">{first.number} {TITLE}</a>' in html
    assert f'href="/demands/{first.pk}/#action-supplement">Add information to it instead</a>' in html
    assert "100% alike" in html
    assert f'value="{TITLE}"' in html  # the title typed is still in the form
    assert 'name="confirm_new" value="1"' in html

    confirmed = client.post("/portal/demands/new/", portal_post(desk, confirm_new="1"))

    assert confirmed.status_code == 302
    assert Demand.objects.count() == 2


def test_a_different_demand_is_raised_without_a_warning(desk, make_demand, client_as):
    make_demand()

    response = client_as(desk.enterprise).post("/portal/demands/new/", portal_post(
        desk, title="厂房租金补贴", description="需要一千平方米的GMP厂房。"))

    assert response.status_code == 302
    assert Demand.objects.count() == 2


def test_the_api_answers_400_with_the_similar_demands_unless_confirm_new(desk, make_demand, api_as):
    first = make_demand()
    api = api_as(desk.enterprise)
    body = {"category": desk.policy.pk, "title": TITLE, "description": DESCRIPTION}

    refused = api.post("/api/v1/demands/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")

    assert refused.status_code == 400
    assert refused.json() == {
        "confirm_new": ["You raised a similar demand already. Add to it, or confirm that this one is new."],
        "similar": [{"id": first.pk, "number": first.number, "title": TITLE, "status": "new",
                     "created": refused.json()["similar"][0]["created"], "closed_at": None, "percent": 100,
                     "step": "supplement", "url": f"/demands/{first.pk}/"}]}
    assert Demand.objects.count() == 1

    created = api.post("/api/v1/demands/", {**body, "confirm_new": True}, format="json", HTTP_IDEMPOTENCY_KEY="k1")

    assert created.status_code == 201  # the refused try kept no key
    assert Demand.objects.count() == 2


# ---------------------------------------------------------------- withdrawing, adding information

def received(demand):
    return DemandFigures.objects.filter(month=False).aggregate(n=Sum("received"))["n"]


def test_the_enterprise_withdraws_its_new_demand_and_it_is_no_longer_counted(clock, desk, make_demand):
    demand = make_demand()
    assert received(demand) == 1

    services.withdraw(demand, desk.enterprise, "已自行解决。", version=demand.version)

    d = Demand.objects.get(pk=demand.pk)
    assert (d.status, d.closed_at, d.version) == (Status.WITHDRAWN, clock.now, demand.version + 1)
    assert events_of(d)[-1] == (EventType.WITHDRAWN, "enterprise", Status.NEW, Status.WITHDRAWN, "已自行解决。")
    assert received(demand) == 0
    assert services.available_actions(d, desk.office) == ["comment"]


def test_the_enterprise_adds_information_with_a_file_on_the_page(desk, make_demand, client_as):
    demand = make_demand()

    response = client_as(desk.enterprise).post(f"/demands/{demand.pk}/supplement/", {
        "version": demand.version, "supplement-note": "补充近三年研发费用明细。",
        "supplement-files": [SimpleUploadedFile("明细.pdf", PDF, content_type="application/pdf")]})

    assert response.status_code == 302
    d = Demand.objects.get(pk=demand.pk)
    event = d.events.last()
    assert (d.status, d.version) == (Status.NEW, demand.version + 1)
    assert (event.type, event.actor, event.from_status, event.to_status, event.note) == (
        EventType.SUPPLEMENTED, desk.enterprise, Status.NEW, Status.NEW, "补充近三年研发费用明细。")
    assert [(a.name, a.uploaded_by) for a in event.attachments.all()] == [("明细.pdf", desk.enterprise)]


def test_the_new_demand_s_page_offers_the_enterprise_to_add_or_withdraw(desk, make_demand, client_as):
    demand = make_demand()

    response = client_as(desk.enterprise).get(f"/demands/{demand.pk}/")

    assert list(response.context["action_forms"]) == ["supplement", "withdraw"]
    assert response.context["action_forms"]["supplement"].fields["note"].label == "Supplementary information"


@pytest.mark.parametrize("step", ["withdraw", "supplement"])
def test_another_enterprise_cannot_withdraw_or_add_and_nothing_changes(desk, make_demand, client_as, api_as, step):
    demand = make_demand()
    before = snapshot(demand)

    page = client_as(desk.enterprise2).post(f"/demands/{demand.pk}/{step}/", {
        "version": demand.version, f"{step}-note": "不是我的诉求。"})
    api = api_as(desk.enterprise2).post(f"/api/v1/demands/{demand.pk}/steps/{step}/", {"note": "不是我的诉求。"},
                                        format="json")
    with pytest.raises(PermissionDenied):
        getattr(services, step)(demand, desk.enterprise2, "不是我的诉求。")

    assert (page.status_code, api.status_code) == (404, 404)
    assert snapshot(demand) == before


@pytest.mark.parametrize("state", ["accepted", "dispatched", "resolved", "rejected"])
@pytest.mark.parametrize("step", ["withdraw", "supplement"])
def test_nothing_is_withdrawn_or_added_after_acceptance(desk, make_demand, client_as, api_as, state, step):
    demand = make_demand(state)
    before = snapshot(demand)

    page = client_as(desk.enterprise).post(f"/demands/{demand.pk}/{step}/", {
        "version": demand.version, f"{step}-note": "太晚了。"})
    api = api_as(desk.enterprise).post(f"/api/v1/demands/{demand.pk}/steps/{step}/", {
        "version": demand.version, "note": "太晚了。"}, format="json")
    with pytest.raises(TransitionError) as caught:
        getattr(services, step)(demand, desk.enterprise, "太晚了。")

    assert page.status_code == 400
    assert NOT_OPEN in page.content.decode()
    assert (api.status_code, api.json()) == (400, {"non_field_errors": [NOT_OPEN]})
    assert str(caught.value) == f"Not possible while the demand is “{demand.get_status_display()}”."
    assert snapshot(demand) == before


def test_the_office_accepting_first_makes_the_withdrawal_a_conflict(desk, make_demand, client_as):
    demand = make_demand()
    seen = demand.version
    services.accept(demand, desk.office, version=seen)
    before = snapshot(demand)

    with pytest.raises(ConflictError, match=CONFLICT):
        services.withdraw(demand, desk.enterprise, "不需要了。", version=seen)
    response = client_as(desk.enterprise).post(f"/demands/{demand.pk}/withdraw/", {
        "version": seen, "withdraw-note": "不需要了。"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [CONFLICT]
    assert snapshot(demand) == before
    assert Demand.objects.get(pk=demand.pk).status == Status.ACCEPTED


def test_the_enterprise_withdrawing_first_makes_the_acceptance_a_conflict(desk, make_demand):
    demand = make_demand()
    seen = demand.version
    services.withdraw(demand, desk.enterprise, "不需要了。", version=seen)
    before = snapshot(demand)

    with pytest.raises(ConflictError, match=CONFLICT):
        services.accept(demand, desk.office, version=seen)
    with pytest.raises(TransitionError, match="Not possible while the demand is “Withdrawn by the enterprise”."):
        services.accept(demand, desk.office)

    assert snapshot(demand) == before


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_withdrawal_and_acceptance_at_once_one_wins_the_other_gets_a_conflict(desk, make_demand):
    demand = make_demand()
    version = demand.version

    blocked, first, second = race_while_the_first_holds_its_lock(
        lambda: services.accept(demand, desk.office, version=version),
        lambda: services.withdraw(demand, desk.enterprise, "不需要了。", version=version),
    )

    assert (blocked, first, second) == (True, "ok", "ConflictError")
    d = Demand.objects.get(pk=demand.pk)
    assert (d.status, d.version) == (Status.ACCEPTED, version + 1)
    assert not d.events.filter(type=EventType.WITHDRAWN).exists()


def test_the_api_withdraws_and_the_history_says_so(desk, make_demand, api_as):
    demand = make_demand()

    response = api_as(desk.enterprise).post(f"/api/v1/demands/{demand.pk}/steps/withdraw/", {
        "version": demand.version, "note": "已自行解决。"}, format="json")

    assert (response.status_code, response.json()["status"], response.json()["actions"]) == (200, "withdrawn", [])
    history = api_as(desk.office).get(f"/api/v1/demands/{demand.pk}/events/").json()
    assert [(e["type"], e["actor"], e["note"]) for e in history] == [
        ("submitted", "enterprise", ""), ("withdrawn", "enterprise", "已自行解决。")]


def test_the_office_sees_the_withdrawn_demand_with_its_reason_and_not_in_its_queue(desk, make_demand, client_as):
    demand = make_demand()
    services.withdraw(demand, desk.enterprise, "已自行解决。")
    office = client_as(desk.office)

    page = office.get(f"/demands/{demand.pk}/").content.decode()
    queue = office.get("/demands/queue/")

    assert '<span class="badge status-withdrawn">Withdrawn by the enterprise</span>' in page
    assert "withdrawn by the enterprise</b> → Withdrawn by the enterprise" in page
    assert "已自行解决。" in page
    assert demand.number not in queue.content.decode()


@pytest.mark.parametrize("step", ["withdraw", "supplement"])
def test_the_chain_office_is_told_of_a_withdrawal_or_added_information(desk, make_demand, step):
    demand = make_demand()
    getattr(services, step)(demand, desk.enterprise, "已自行解决。")
    event = Demand.objects.get(pk=demand.pk).events.last()

    services.notify_event(event.pk)

    assert sorted(Notification.objects.filter(key=f"demand-event:{event.pk}").values_list(
        "user__username", flat=True)) == ["office"]


# ---------------------------------------------------------------- 补充材料

def test_the_enterprise_s_reply_is_labelled_supplementary_information_not_note():
    with translation.override("zh-hans"):
        assert str(ReplyForm().fields["note"].label) == "补充材料"


# ---------------------------------------------------------------- a reopened demand's earlier result

def test_a_reopened_demand_shows_its_earlier_result_as_history_not_as_in_progress(
        clock, desk, make_demand, client_as):
    # regression: the result reopened stayed as the demand's result, shown as "Being handled: 已辅导完成。"
    demand = make_demand("rated_unsatisfied")
    closed_at = Demand.objects.get(pk=demand.pk).closed_at
    clock.advance(days=1)
    services.reopen(demand, desk.enterprise, "仍未拿到申报口径。")

    d = Demand.objects.get(pk=demand.pk)
    html = client_as(desk.enterprise).get(f"/demands/{demand.pk}/").content.decode()
    earlier = html[html.index('id="earlier-results"'):]

    assert (d.status, d.resolution, d.proposal_grade) == (Status.DISPATCHED, "", "")
    assert "Being handled: </b>" not in html
    assert earlier.index(f"<b>{localtime(closed_at):%Y-%m-%d %H:%M}</b> · 明湖市经济和信息化局 · <b>closed as resolved</b>") \
        < earlier.index("已辅导完成。") < earlier.index("Rating: Unsatisfied · 没有解决。") \
        < earlier.index(f"{localtime(clock.now):%Y-%m-%d %H:%M} · reopened by the enterprise: "
                        "仍未拿到申报口径。")

    services.close(demand, desk.handler, True, "已上门辅导并寄送申报口径。")
    html = client_as(desk.enterprise).get(f"/demands/{demand.pk}/").content.decode()

    assert "Resolved: </b>已上门辅导并寄送申报口径。" in html
    assert html.count('class="border rounded p-2 mb-2 small earlier-result"') == 1
