"""Pages and API of matching: matched for you (why, 差什么, save, dismiss), the qualifying list and its export,
the rule form, handler suggestions on a demand, /api/v1/rules/ and /api/v1/matches/."""

from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from chainserve.demands import services as ds
from chainserve.demands.models import Category, DemandEvent
from chainserve.matching import services
from chainserve.matching.models import DemandResource, Match, RuleVersion

from .conftest import HITECH_EAST, YOUNG_SMALL


@pytest.fixture
def matched(catalogue):
    """hitech policy matched to 纽福斯; the young policy a near miss for 纽福斯 (founded too long ago)."""
    catalogue.east = services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST).rule
    catalogue.young_rule = services.save_rule(catalogue.users.office, catalogue.young, YOUNG_SMALL).rule
    services.recompute_all(timezone.localdate())
    catalogue.match = Match.objects.get(rule=catalogue.east)
    return catalogue


def test_matched_for_you_shows_why_and_what_is_missing(matched, client_as):
    page = client_as(matched.users.enterprise).get("/matching/mine/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "高新技术企业研发费用补贴" in html and "district is 东湖区" in html and "labels include 高新技术企业" in html
    assert html.count('class="col-lg-6"><div class="card h-100 near-miss"') == 1
    assert "What is missing: founded less than 8 years ago (yours: 2016-03-18)" in html


def test_saving_and_dismissing_a_match(matched, client_as):
    client = client_as(matched.users.enterprise)
    assert client.post(f"/matching/matches/{matched.match.pk}/save/").status_code == 302
    matched.match.refresh_from_db()
    assert matched.match.state == "saved"
    client.post(f"/matching/matches/{matched.match.pk}/dismiss/")
    html = client.get("/matching/mine/").content.decode()
    assert 'id="no-matches"' in html and "1 dismissed" in html


def test_another_enterprise_cannot_see_or_change_a_match(matched, client_as):
    from chainserve.registry.tests.factories import UserFactory

    other = UserFactory(username="wz-user", role="enterprise", organization=matched.world.wz)
    client = client_as(other)
    assert client.get(f"/matching/matches/{matched.match.pk}/").status_code == 404
    assert client.post(f"/matching/matches/{matched.match.pk}/dismiss/").status_code == 404
    matched.match.refresh_from_db()
    assert (matched.match.state, matched.match.opened_at) == ("new", None)


def test_opening_a_match_counts_and_the_qualifying_list_exports(matched, client_as):
    assert client_as(matched.users.enterprise).get(f"/matching/matches/{matched.match.pk}/").status_code == 200
    office = client_as(matched.users.office)
    page = office.get(f"/matching/rules/{matched.east.pk}/qualifying/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="count-pushed">1<' in html and 'id="count-opened">1<' in html and 'id="count-applied">0<' in html
    export = office.get(f"/matching/rules/{matched.east.pk}/qualifying/", {"export": "xlsx"})
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Enterprise", "Unified social credit code", "District", "State", "Matched version", "Matched",
                       "Opened", "Applied")
    assert rows[1][:5] == ("武汉纽福斯生物科技有限公司", matched.world.nfs.uscc, "东湖区", "Opened", 1)
    assert len(rows) == 2


def test_a_bank_sees_who_qualifies_for_its_own_product_and_no_other_list(matched, client_as):
    loan = services.save_rule(matched.users.office, matched.loan, HITECH_EAST).rule
    services.recompute_all(timezone.localdate())
    partner = client_as(matched.users.partner)

    own = partner.get(f"/matching/rules/{loan.pk}/qualifying/")

    assert own.status_code == 200
    assert [m.enterprise for m in own.context["page"].object_list] == [matched.world.nfs]
    assert f"/matching/rules/{loan.pk}/" not in own.content.decode().replace("/qualifying/", "")  # the rule is staff's
    assert partner.get(f"/matching/rules/{matched.east.pk}/qualifying/").status_code == 404  # a policy's list
    assert client_as(matched.users.enterprise).get(f"/matching/rules/{loan.pk}/qualifying/").status_code == 404
    assert client_as(matched.users.enterprise).get(f"/matching/rules/{matched.east.pk}/qualifying/").status_code == 404


def test_the_rule_form_shows_what_is_wrong_at_the_field_and_saves_nothing(matched, client_as):
    client = client_as(matched.users.office)
    bad = client.post(f"/matching/rules/{matched.east.pk}/edit/",
                      {"expression": '{"all": [{"field": "employees", "op": "lt", "value": "many"}]}'})
    assert bad.status_code == 400
    assert "all[0].value: employees is compared with a whole number from 0 to 10000000." in bad.content.decode()
    assert 'id="id_expression-error"' in bad.content.decode()
    broken = client.post(f"/matching/rules/{matched.east.pk}/edit/", {"expression": "{all: ["})
    assert "This is not valid JSON" in broken.content.decode()
    assert RuleVersion.objects.filter(rule=matched.east).count() == 1
    ok = client.post(f"/matching/rules/{matched.east.pk}/edit/",
                     {"expression": '{"field": "employees", "op": "lt", "value": 100}', "note": "narrower"})
    assert ok.status_code == 302
    assert list(RuleVersion.objects.filter(rule=matched.east).values_list("number", "note")) == [
        (2, "narrower"), (1, "")]


def test_a_first_rule_is_added_from_the_policy(catalogue, client_as):
    response = client_as(catalogue.users.office).post(f"/matching/rules/add/?policy={catalogue.young.pk}",
                                                      {"expression": '{"field": "size", "op": "eq", "value": "small"}'})
    assert response.status_code == 302
    assert catalogue.young.eligibility_rule.versions.get().expression == {"field": "size", "op": "eq",
                                                                          "value": "small"}


@pytest.fixture
def demand(matched):
    d = ds.submit(matched.users.enterprise, ds.Intake(
        organization=matched.world.nfs, category=Category.objects.get(slug="financing"), title="申请科技贷款贴息",
        description="公司研发投入大,希望了解科技贷款贴息政策并获得银行对接。"))
    return ds.dispatch(d, matched.users.office, matched.world.dept)


def test_a_handler_sees_ranked_suggestions_with_reasons_and_attaches_one(matched, demand, client_as):
    client = client_as(matched.users.handler)
    assert 'id="suggested-resources"' in client.get(f"/demands/{demand.pk}/").content.decode()
    html = client.get(f"/matching/demands/{demand.pk}/suggestions/").content.decode()
    first = html.index("科技贷款贴息产品")
    assert first < html.index("高新技术企业研发费用补贴")
    assert "Shares the words: 科技、贷款、贴息、贷款贴息</li>" in html
    response = client.post(f"/matching/demands/{demand.pk}/attach/", {"kind": "financialproduct",
                                                                       "item": matched.loan.pk})
    assert response.status_code == 302
    attached = DemandResource.objects.get(demand=demand)
    assert attached.item == matched.loan and attached.attached_by == matched.users.handler
    event = DemandEvent.objects.filter(demand=demand).last()
    assert (event.type, event.note, event.data) == ("recommended", "科技贷款贴息产品", {
        "app": "resources", "kind": "financialproduct", "item": matched.loan.pk})
    # the enterprise is told, and its page links the product it may open
    page = client_as(matched.users.enterprise).get(f"/demands/{demand.pk}/").content.decode()
    assert f'<a href="/resources/financial-products/{matched.loan.pk}/">科技贷款贴息产品</a>' in page


def test_an_enterprise_gets_no_suggestions_and_cannot_attach(matched, demand, client_as):
    client = client_as(matched.users.enterprise)
    assert 'id="suggested-resources"' not in client.get(f"/demands/{demand.pk}/").content.decode()
    assert client.get(f"/matching/demands/{demand.pk}/suggestions/").status_code == 403
    assert client.post(f"/matching/demands/{demand.pk}/attach/", {"kind": "policy",
                                                                   "item": matched.hitech.pk}).status_code == 403
    assert DemandResource.objects.count() == 0


def test_api_validate_answers_the_conditions_or_the_wrong_part(matched, api_as):
    api = api_as(matched.users.office)
    ok = api.post("/api/v1/rules/validate/", {"expression": HITECH_EAST}, format="json")
    assert (ok.status_code, ok.json()) == (200, {"valid": True, "conditions": ["district is 东湖区",
                                                                              "labels include 高新技术企业"],
                                                 "benefits": [], "qualifying": 1,
                                                 "examples": ["武汉纽福斯生物科技有限公司"]})
    bad = api.post("/api/v1/rules/validate/", {"expression": {"not": {"field": "x", "op": "eq", "value": 1}}}, format="json")
    assert bad.status_code == 400
    assert bad.json() == {"expression": ["not.field: Unknown field 'x'. Known fields: district, park, founded_on, "
                                         "size, employees, listing_status, labels, segment, phase, drug_class."]}


def test_api_adds_a_version_and_refuses_a_bad_one(matched, api_as):
    api = api_as(matched.users.office)
    created = api.post("/api/v1/rules/", {"policy": matched.hitech.pk, "expression": YOUNG_SMALL}, format="json")
    assert created.status_code == 201
    assert [v["number"] for v in created.json()["versions"]] == [2, 1]
    bad = api.post("/api/v1/rules/", {"policy": matched.hitech.pk, "expression": {"any": []}}, format="json")
    assert bad.status_code == 400 and list(bad.json()) == ["expression"]
    denied = api_as(matched.users.enterprise).post("/api/v1/rules/", {"policy": matched.hitech.pk,
                                                                      "expression": HITECH_EAST}, format="json")
    assert denied.status_code == 403
    assert RuleVersion.objects.filter(rule=matched.east).count() == 2


def test_api_matches_an_enterprise_sees_only_its_own(matched, api_as):
    from chainserve.registry.tests.factories import UserFactory

    mine = api_as(matched.users.enterprise).get("/api/v1/matches/").json()
    assert [(m["item_title"], m["state"], m["version"]) for m in mine["results"]] == [("高新技术企业研发费用补贴", "new", 1)]
    other = UserFactory(username="wz-user", role="enterprise", organization=matched.world.wz)
    theirs = api_as(other).get("/api/v1/matches/").json()["results"]
    assert [(m["item_title"], m["enterprise"]) for m in theirs] == [("初创科技企业房租补贴", matched.world.wz.pk)]
    assert api_as(other).get(f"/api/v1/matches/{matched.match.pk}/").status_code == 404
    saved = api_as(matched.users.enterprise).post(f"/api/v1/matches/{matched.match.pk}/state/", {"action": "save"},
                                                  format="json")
    assert (saved.status_code, saved.json()["state"]) == (200, "saved")


def test_rule_pages_show_the_conditions_in_force_and_the_counts(matched, client_as):
    office = client_as(matched.users.office)
    listing = office.get("/matching/rules/").content.decode()
    assert "高新技术企业研发费用补贴" in listing and "初创科技企业房租补贴" in listing
    html = office.get(f"/matching/rules/{matched.east.pk}/").content.decode()
    assert '<li>district is 东湖区</li><li>labels include 高新技术企业</li>' in html
    assert 'id="count-qualifying">1<' in html and 'id="count-pushed">1<' in html
    assert client_as(matched.users.enterprise).get("/matching/rules/").status_code == 403


def test_matched_for_you_costs_the_same_few_queries_whatever_the_number_of_rules(matched, client_as,
                                                                                  django_assert_max_num_queries):
    client = client_as(matched.users.enterprise)
    client.get("/matching/mine/")
    for i in range(5):
        policy = type(matched.young).objects.create(title=f"政策{i}", issuer=matched.world.dept, status="published",
                                                    published_at=timezone.now())
        services.save_rule(matched.users.office, policy, YOUNG_SMALL)
    with django_assert_max_num_queries(17):  # the profile reads agreements too
        assert client.get("/matching/mine/").content.decode().count("near-miss\"") == 6


def test_matched_for_you_shows_twenty_matches_a_page_and_the_near_misses_on_the_first(matched, client_as):
    for i in range(21):
        policy = type(matched.hitech).objects.create(title=f"政策{i:02d}", issuer=matched.world.dept,
                                                     status="published", published_at=timezone.now())
        services.save_rule(matched.users.office, policy, HITECH_EAST)
    services.recompute_all(timezone.localdate())
    client = client_as(matched.users.enterprise)

    first, second = client.get("/matching/mine/").content.decode(), client.get("/matching/mine/?page=2").content.decode()

    cards = 'class="col-lg-6"><div class="card h-100 match match-new"'
    assert (first.count(cards), second.count(cards)) == (20, 2)  # 22 matches: 21 new policies and 高新技术企业…
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count("near-miss\"") == 1 and second.count("near-miss\"") == 0



def test_matched_for_you_shows_ten_near_misses_those_mended_by_completing_the_profile_first(matched, client_as):
    """446 near misses for one firm at 1,000 rules (bench): the first ten are shown, one link shows all."""
    import re

    def policy(title, *conditions):
        item = type(matched.young).objects.create(title=title, issuer=matched.world.dept, status="published",
                                                  published_at=timezone.now())
        services.save_rule(matched.users.office, item, {"all": [HITECH_EAST["all"][0], *conditions]})

    for i in range(11):
        policy(f"链主政策{i:02d}", {"field": "labels", "op": "has", "value": "chain-owner"})
    policy("规模企业奖励", {"field": "employees", "op": "ge", "value": 10})
    type(matched.world.nfs).objects.filter(pk=matched.world.nfs.pk).update(employees=None)  # now unknown
    client = client_as(matched.users.enterprise)

    html = client.get("/matching/mine/").content.decode()
    shown = re.findall(r'card h-100 near-miss"><div class="card-body">\s*<h3 class="h6">([^<]+)</h3>', html)
    assert shown == ["规模企业奖励", *[f"链主政策{i:02d}" for i in range(9)]]
    assert 'id="near-total">12<' in html and "10 of 12 shown — show all" in html
    every = client.get("/matching/mine/?near=all").content.decode()
    assert every.count('card h-100 near-miss"') == 12 and 'id="near-all"' not in every

def test_the_rule_form_explains_the_language_in_the_users_language(matched, client_as, settings):
    client = client_as(matched.users.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = client.get(f"/matching/rules/{matched.east.pk}/edit/").content.decode()

    assert "JSON：用 <code>all</code> / <code>any</code> / <code>not</code> 组合比较条件 <code>{&quot;field&quot;" in page
    assert "可用字段：<code>district</code>，<code>park</code>，<code>founded_on</code>" in page


def test_a_rule_nested_a_thousand_deep_is_a_message_at_the_field_not_a_500(matched, client_as):
    deep = '{"not": ' * 1000 + '{"field": "employees", "op": "lt", "value": 5}' + "}" * 1000

    response = client_as(matched.users.office).post(f"/matching/rules/{matched.east.pk}/edit/", {"expression": deep})

    assert response.status_code == 400
    assert "This JSON is nested deeper than 64 levels." in response.content.decode()
    assert RuleVersion.objects.filter(rule=matched.east).count() == 1
