"""Who a demand concerns: former assignees, demands on no chain, chain-wide issues, merging, repeated steps."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from chainserve.demands import services
from chainserve.demands.choices import EventType, Status
from chainserve.demands.models import Attachment, ChainIssue, Demand
from chainserve.registry.choices import OrgKind
from chainserve.registry.tests.factories import OrganizationFactory, UserFactory

from .factories import snapshot

URL = "/api/v1/demands/"
NOT_FOUND = {"detail": "No Demand matches the given query."}


@pytest.fixture
def redispatched(desk, make_demand):
    """Dispatched to 经信局 (lead) and 市场监管局, sent back by 经信局, re-dispatched to 科技局, which asks the
    enterprise; the enterprise replies with a file."""
    demand = make_demand("dispatched")
    services.send_back(demand, desk.handler, "不属于本部门职责。")
    services.dispatch(demand, desk.office, desk.science, [])
    services.ask(demand, desk.handler3, "请补充场地需求面积。")
    pdf = SimpleUploadedFile("面积说明.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    services.reply(demand, desk.enterprise, "约1600平方米。", [pdf])
    return Demand.objects.get(pk=demand.pk)


# ---------------------------------------------------------------- item 2: a former assignee sees nothing more

@pytest.mark.parametrize("former", ["handler", "handler2"], ids=["former-lead", "former-co-handler"])
def test_a_department_no_longer_assigned_neither_reads_nor_comments_on_the_demand(desk, redispatched, client_as,
                                                                                   api_as, former):
    demand, user = redispatched, getattr(desk, former)
    attachment = Attachment.objects.get(demand=demand)
    before = snapshot(demand)
    page, api = client_as(user), api_as(user)

    assert page.get(f"/demands/{demand.pk}/").status_code == 404
    assert page.get(f"/demands/attachments/{attachment.pk}/").status_code == 404
    assert page.post(f"/demands/{demand.pk}/comment/", {"comment-note": "我们还在看。",
                                                        "version": demand.version}).status_code == 404
    assert api.get(f"{URL}{demand.pk}/").json() == NOT_FOUND
    assert api.get(f"{URL}{demand.pk}/events/").json() == NOT_FOUND
    assert api.post(f"{URL}{demand.pk}/steps/comment/", {"note": "我们还在看。"}, format="json").json() == NOT_FOUND
    assert api.get(URL).json()["results"] == []
    assert list(page.get("/demands/").context["page"].object_list) == []
    with pytest.raises(PermissionDenied):
        services.perform("comment", demand, user, {"note": "我们还在看。"})
    assert snapshot(demand) == before


def test_the_department_now_handling_it_reads_the_whole_history(desk, redispatched, client_as):
    response = client_as(desk.handler3).get(f"/demands/{redispatched.pk}/")

    assert response.status_code == 200
    assert [e.type for e in response.context["events"]] == [
        EventType.SUBMITTED, EventType.DISPATCHED, EventType.SENT_BACK, EventType.DISPATCHED, EventType.ASKED,
        EventType.REPLIED]
    assert [d.pk for d in client_as(desk.handler3).get("/demands/inbox/").context["page"].object_list] == [
        redispatched.pk]


def test_a_lead_keeps_seeing_the_demand_it_closed(desk, make_demand, client_as):
    demand = make_demand("resolved")

    assert client_as(desk.handler).get(f"/demands/{demand.pk}/").status_code == 200


# ---------------------------------------------------------------- item 5: demands on no chain, issues, merging

def test_a_demand_on_no_chain_is_seen_by_the_offices_of_its_enterprises_chains_only(desk, make_demand):
    elsewhere = UserFactory(username="office-elsewhere", role="office")
    placed = make_demand()
    unplaced_org = OrganizationFactory(name="明湖未入链生物科技有限公司", kind=OrgKind.ENTERPRISE)
    unplaced = make_demand(by=desk.admin, organization=unplaced_org)
    Demand.objects.filter(pk__in=[placed.pk, unplaced.pk]).update(chain=None)

    def seen(user):
        return sorted(Demand.objects.restrict(user).values_list("pk", flat=True))

    assert seen(desk.office) == [placed.pk]  # 纽福斯 is placed on the city chain, which `office` staffs
    assert seen(elsewhere) == []
    assert seen(desk.admin) == sorted([placed.pk, unplaced.pk])


def test_an_office_links_no_issue_of_a_chain_it_does_not_staff(desk, make_demand, api_as):
    demand = make_demand()
    Demand.objects.filter(pk=demand.pk).update(chain=None)
    other = ChainIssue.objects.create(chain=desk.dchain, title="临床试验资源不足")
    before = snapshot(demand)
    api = api_as(desk.office)

    hidden = api.post(f"{URL}{demand.pk}/steps/link_issue/", {"issue": other.pk}, format="json")
    missing = api.post(f"{URL}{demand.pk}/steps/link_issue/", {"issue": other.pk + 1000}, format="json")

    assert hidden.status_code == missing.status_code == 400
    assert hidden.json() == {"issue": [f'Invalid pk "{other.pk}" - object does not exist.']}
    assert missing.json() == {"issue": [f'Invalid pk "{other.pk + 1000}" - object does not exist.']}
    with pytest.raises(Exception, match="No such chain-wide issue"):
        services.link_issue(demand, desk.office, other)
    assert snapshot(demand) == before
    assert list(ChainIssue.objects.restrict(desk.office)) == []


def test_merging_into_a_hidden_demand_answers_as_a_missing_one(desk, make_demand, api_as, client_as):
    demand = make_demand()
    hidden = make_demand()
    Demand.objects.filter(pk=hidden.pk).update(chain=desk.dchain)  # a chain `office` does not staff
    before = snapshot(demand), snapshot(hidden)
    api = api_as(desk.office)

    to_hidden = api.post(f"{URL}{demand.pk}/steps/merge/", {"into": hidden.pk}, format="json")
    to_missing = api.post(f"{URL}{demand.pk}/steps/merge/", {"into": hidden.pk + 1000}, format="json")
    page_hidden = client_as(desk.office).post(f"/demands/{demand.pk}/merge/", {
        "merge-into": hidden.number, "version": demand.version})
    page_missing = client_as(desk.office).post(f"/demands/{demand.pk}/merge/", {
        "merge-into": "SQ20269999999", "version": demand.version})

    assert to_hidden.status_code == to_missing.status_code == 400
    assert to_hidden.json() == {"into": [f'Invalid pk "{hidden.pk}" - object does not exist.']}
    assert to_missing.json() == {"into": [f'Invalid pk "{hidden.pk + 1000}" - object does not exist.']}
    assert page_hidden.context["action_forms"]["merge"].errors == {
        "into": [f"No demand has the number {hidden.number}."]}
    assert page_missing.context["action_forms"]["merge"].errors == {"into": ["No demand has the number SQ20269999999."]}
    other_firm = make_demand(by=desk.enterprise2, organization=desk.wz)
    Demand.objects.filter(pk=other_firm.pk).update(chain=desk.dchain)
    with pytest.raises(Exception, match=f"No demand has the number {other_firm.number}"):
        services.merge(demand, other_firm, desk.office)  # not "of another enterprise": that tells it exists
    assert (snapshot(demand), snapshot(hidden)) == before


# ---------------------------------------------------------------- item 14: a step sent twice acts once

def test_an_escalation_without_version_or_level_is_refused(desk, make_demand, api_as):
    demand = make_demand("dispatched")
    before = snapshot(demand)

    response = api_as(desk.office).post(f"{URL}{demand.pk}/steps/escalate/", {"note": "升级。"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"version": [
        "Send the version of the demand you saw (or the level you expect it at now): repeated, this step would "
        "act twice."]}
    assert snapshot(demand) == before


@pytest.mark.parametrize("expect", [{"level": 0}, "version"])
def test_an_escalation_sent_twice_escalates_once(desk, make_demand, api_as, expect):
    demand = make_demand("dispatched")
    body = {"note": "升级。", **({"version": demand.version} if expect == "version" else expect)}
    api = api_as(desk.office)

    first = api.post(f"{URL}{demand.pk}/steps/escalate/", body, format="json")
    after_first = snapshot(demand)
    second = api.post(f"{URL}{demand.pk}/steps/escalate/", body, format="json")

    assert first.status_code == 200
    assert first.json()["escalation_level"] == 1
    assert second.status_code == 409
    assert second.json() == {"detail": "The demand is already at the level “Chain office”. Reload it to see what "
                                       "changed."} if expect != "version" else second.json() == {
        "detail": "Someone else has just updated this demand. Reload it to see what changed."}
    assert snapshot(demand) == after_first
    assert Demand.objects.get(pk=demand.pk).escalation_level == 1


def test_the_overdue_sweep_does_not_escalate_a_demand_escalated_meanwhile(desk, make_demand):
    demand = make_demand("dispatched")
    services.escalate(demand, desk.office, "链办协调。")
    before = snapshot(demand)

    with pytest.raises(services.ConflictError):
        services.escalate(demand, None, "超期。", level=0, system=True)

    assert snapshot(demand) == before
    assert Demand.objects.get(pk=demand.pk).status == Status.DISPATCHED


# ---------------------------------------------------------------- item 4: dispatch rules by chain, with history

def rule_row(rule):
    from chainserve.demands.models import DispatchRule

    r = DispatchRule.objects.get(pk=rule.pk)
    return (r.category_id, r.district_id, r.chain_id, r.lead_department_id, r.active,
            sorted(r.co_departments.values_list("pk", flat=True)), r.history.count())


def rule_form(desk, rule, **changes):
    data = {"category": rule.category_id, "chain": rule.chain_id or "", "district": rule.district_id or "",
            "lead_department": rule.lead_department_id, "co_departments": [], "active": ""}
    data.update(changes)
    return data


@pytest.fixture
def rules(desk):
    from chainserve.demands.models import DispatchRule

    city_wide = DispatchRule.objects.create(category=desk.policy, lead_department=desk.science)
    district = DispatchRule.objects.create(category=desk.policy, chain=desk.dchain, lead_department=desk.market)
    own = DispatchRule.objects.create(category=desk.financing, chain=desk.chain, lead_department=desk.dept)
    return city_wide, district, own


def test_an_office_changes_no_city_wide_rule_nor_another_chain_s(desk, rules, client_as):
    city_wide, district, _own = rules
    before = rule_row(city_wide), rule_row(district)
    office = client_as(desk.office)

    for rule in (city_wide, district):
        assert office.get(f"/demands/rules/{rule.pk}/edit/").status_code == 403
        assert office.post(f"/demands/rules/{rule.pk}/edit/", rule_form(desk, rule)).status_code == 403
    created = office.post("/demands/rules/add/", rule_form(desk, city_wide, category=desk.site.pk))

    assert created.status_code == 200
    assert created.context["form"].errors == {"chain": ["This field is required."]}
    assert (rule_row(city_wide), rule_row(district)) == before
    page = office.get("/demands/rules/")
    assert page.context["editable"] == {_own.pk}


def test_every_rule_change_is_kept_with_its_author_and_shown(desk, rules, client_as):
    _city_wide, _district, own = rules
    office, admin = client_as(desk.office), client_as(desk.admin)

    assert office.post(f"/demands/rules/{own.pk}/edit/", rule_form(desk, own, lead_department=desk.market.pk,
                                                                  co_departments=[desk.science.pk],
                                                                  active="on")).status_code == 302
    assert admin.post(f"/demands/rules/{own.pk}/edit/", rule_form(desk, own, lead_department=desk.market.pk,
                                                                 chain="")).status_code == 302

    own.refresh_from_db()
    assert (own.chain_id, own.lead_department_id, own.active) == (None, desk.market.pk, False)
    history = list(own.history.order_by("history_id"))
    assert [(h.history_type, h.history_user, h.lead_department_id, h.chain_id, h.active) for h in history] == [
        ("+", None, desk.dept.pk, desk.chain.pk, True),
        ("~", desk.office, desk.market.pk, desk.chain.pk, True),
        ("~", desk.admin, desk.market.pk, None, False),
    ]
    page = office.get(f"/demands/rules/{own.pk}/history/")
    assert page.status_code == 200
    changes = [(record.history_user, sorted(c.field for c in delta)) for record, delta in page.context["changes"]]
    assert changes == [(desk.admin, ["active", "chain", "co_departments"]),
                       (desk.office, ["co_departments", "lead_department"]), (None, [])]
    assert client_as(desk.enterprise).get(f"/demands/rules/{own.pk}/history/").status_code == 403


def test_the_rules_api_is_scoped_like_the_pages_and_keeps_the_history(desk, rules, api_as):
    city_wide, district, own = rules
    before = rule_row(city_wide), rule_row(district)
    api = api_as(desk.office)

    refused = [api.patch(f"/api/v1/dispatch-rules/{r.pk}/", {"active": False}, format="json") for r in (city_wide,
                                                                                                          district)]
    city = api.post("/api/v1/dispatch-rules/", {"category": desk.site.pk, "lead_department": desk.dept.pk},
                    format="json")
    elsewhere = api.post("/api/v1/dispatch-rules/", {"category": desk.site.pk, "chain": desk.dchain.pk,
                                                     "lead_department": desk.dept.pk}, format="json")
    changed = api.patch(f"/api/v1/dispatch-rules/{own.pk}/", {"co_departments": [desk.science.pk],
                                                              "active": False}, format="json")
    handler = api_as(desk.handler).patch(f"/api/v1/dispatch-rules/{own.pk}/", {"active": True}, format="json")

    assert [r.status_code for r in refused] == [403, 403]
    assert (rule_row(city_wide), rule_row(district)) == before
    assert (city.status_code, city.json()) == (400, {"chain": [
        "A chain office writes rules for its own chains; a city-wide rule (no chain) only an admin."]})
    assert (elsewhere.status_code, elsewhere.json()) == (400, {"chain": [
        f'Invalid pk "{desk.dchain.pk}" - object does not exist.']})
    assert changed.status_code == 200
    assert (changed.json()["co_departments"], changed.json()["active"]) == ([desk.science.pk], False)
    assert handler.status_code == 403
    history = api.get(f"/api/v1/dispatch-rules/{own.pk}/history/").json()
    assert [(h["by"], h["type"], sorted((c["field"], c["old"], c["new"]) for c in h["changes"])) for h in history] == [
        ("office", "~", [("active", True, False), ("co_departments", [], [desk.science.pk])]),
        (None, "+", []),
    ]
    assert api_as(desk.enterprise).get(f"/api/v1/dispatch-rules/{own.pk}/").status_code == 404


def test_a_rule_made_before_its_history_was_kept_shows_an_empty_history_not_a_500(desk, rules, client_as, api_as):
    _city_wide, _district, own = rules
    own.history.all().delete()  # as a rule of a database from before the history was kept

    page = client_as(desk.office).get(f"/demands/rules/{own.pk}/history/")
    api = api_as(desk.office).get(f"/api/v1/dispatch-rules/{own.pk}/history/")

    assert (page.status_code, list(page.context["changes"])) == (200, [])
    assert "No changes recorded." in page.content.decode()
    assert (api.status_code, api.json()) == (200, [])


def test_a_rule_change_reads_with_the_field_s_label(desk, rules, client_as):
    _city_wide, _district, own = rules
    desk.office.first_name = "周敏"
    desk.office.save(update_fields=["first_name"])
    office = client_as(desk.office)
    response = office.post(f"/demands/rules/{own.pk}/edit/",
                           rule_form(desk, own, lead_department=desk.market.pk, active="on"))
    assert response.status_code == 302

    html = office.get(f"/demands/rules/{own.pk}/history/").content.decode()
    assert "· 周敏 · Changed" in html  # the person's name, never the user name

    assert f"lead department: {desk.dept.name} → {desk.market.name}" in html
    assert "lead_department" not in html
