"""Benefits on the pages and the API: the enterprise declares its base on 为您匹配 and the amount follows with
its trace; the qualifying list shows each firm's amount and what the policy would cost the city; the rule
editor takes benefits (refusing bad ones with their path); only the enterprise declares, for itself."""

import json
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from chainserve.matching import services
from chainserve.matching.models import DeclaredInput, Match, RuleVersion

from .conftest import HITECH_EAST

WAN = 1_000_000
BENEFITS = [{"label": "研发费用补助", "base": "rd_cost", "rate": "20%", "cap": "500"},
            {"label": "高企奖励", "amount": "30"}]


@pytest.fixture
def priced(catalogue):
    """The hitech policy with benefits (a share of R&D cost and a fixed sum), matched to 纽福斯."""
    catalogue.rule = services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST,
                                        benefits=BENEFITS, benefit_cap=500 * WAN).rule
    services.recompute_all(timezone.localdate())
    catalogue.match = Match.objects.get(rule=catalogue.rule)
    return catalogue


def test_benefits_do_not_change_who_qualifies(catalogue):
    rule = services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST).rule
    services.recompute_all(timezone.localdate())
    before = set(Match.objects.filter(rule=rule).values_list("enterprise_id", flat=True))
    services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST, benefits=BENEFITS)
    services.recompute_all(timezone.localdate())
    assert set(Match.objects.filter(rule=rule).values_list("enterprise_id", flat=True)) == before == {
        catalogue.world.nfs.pk}


def test_the_enterprise_declares_its_base_and_the_amount_follows(priced, client_as):
    client = client_as(priced.users.enterprise)
    html = client.get("/matching/mine/").content.decode()
    assert 'amount-total">CNY 300,000<' in html  # the fixed sum; the share waits for the base
    assert "waiting for the enterprise to declare its R&amp;D cost" in html
    assert f'name="m{priced.match.pk}-rd_cost"' in html
    response = client.post(f"/matching/matches/{priced.match.pk}/declare/",
                           {f"m{priced.match.pk}-rd_cost": "2400", "next": "/matching/mine/"})
    assert response.status_code == 302 and response["Location"] == "/matching/mine/"
    declared = DeclaredInput.objects.get()
    assert (declared.enterprise, declared.kind, declared.amount, declared.year, declared.declared_by) == (
        priced.world.nfs, "rd_cost", 2400 * WAN, timezone.localdate().year, priced.users.enterprise)
    html = client.get("/matching/mine/").content.decode()
    # 480万元 + 30万元 = 510万元, capped at 500万元 per enterprise and year
    assert 'amount-total">CNY 5 million<' in html
    assert "20% of R&amp;D cost, capped at CNY 5 million: CNY 24 million × 20% = CNY 4.8 million" in html
    assert "capped at CNY 5 million per enterprise and year → CNY 5 million" in html
    # declaring again replaces the amount
    client.post(f"/matching/matches/{priced.match.pk}/declare/", {f"m{priced.match.pk}-rd_cost": "100"})
    assert list(DeclaredInput.objects.values_list("amount", flat=True)) == [100 * WAN]


def test_a_bad_declaration_is_refused_at_the_field_and_changes_nothing(priced, client_as):
    response = client_as(priced.users.enterprise).post(f"/matching/matches/{priced.match.pk}/declare/",
                                                       {f"m{priced.match.pk}-rd_cost": "-5"})
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 0." in response.content.decode()
    assert not DeclaredInput.objects.exists()


def test_only_the_enterprise_declares_for_itself(priced, client_as):
    from chainserve.registry.tests.factories import UserFactory

    other = UserFactory(username="wz-user", role="enterprise", organization=priced.world.wz)
    body = {f"m{priced.match.pk}-rd_cost": "2400"}
    assert client_as(other).post(f"/matching/matches/{priced.match.pk}/declare/", body).status_code == 404
    assert client_as(priced.users.office).post(f"/matching/matches/{priced.match.pk}/declare/", body).status_code == 403
    assert not DeclaredInput.objects.exists()


def test_the_qualifying_list_shows_each_amount_and_the_cost_to_the_city(priced, client_as):
    office = client_as(priced.users.office)
    html = office.get(f"/matching/rules/{priced.rule.pk}/qualifying/").content.decode()
    assert 'id="policy-cost"' in html and "<strong>CNY 300,000</strong>" in html
    assert "1 enterprise has not declared its base yet" in html
    assert "CNY 300,000 so far; waiting for the enterprise to declare its base" in html
    services.declare_inputs(priced.match, priced.users.enterprise, {"rd_cost": 100 * WAN})
    html = office.get(f"/matching/rules/{priced.rule.pk}/qualifying/").content.decode()
    assert "<strong>CNY 500,000</strong>" in html and "not declared" not in html  # 20万元 + 30万元
    export = office.get(f"/matching/rules/{priced.rule.pk}/qualifying/", {"export": "xlsx"})
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert (rows[0][-1], rows[1][-1], len(rows)) == ("May get", "CNY 500,000", 2)


def test_the_rule_editor_takes_benefits_and_the_rule_page_shows_them_in_words(catalogue, client_as):
    office = client_as(catalogue.users.office)
    body = {"expression": json.dumps(HITECH_EAST), "benefits": json.dumps(BENEFITS), "benefit_cap": "500"}
    response = office.post(f"/matching/rules/add/?policy={catalogue.hitech.pk}", body)
    assert response.status_code == 302
    version = RuleVersion.objects.get()
    assert (version.benefits, version.benefit_cap) == (BENEFITS, 500 * WAN)
    html = office.get(response["Location"]).content.decode()
    assert "研发费用补助: 20% of R&amp;D cost, capped at CNY 5 million" in html
    assert "At most CNY 5 million per enterprise and year over all items." in html
    bad = dict(body, benefits=json.dumps([BENEFITS[0], {"label": "x", "base": "rent", "rate": "0.2"}]))
    refused = office.post(f"/matching/rules/{version.rule_id}/edit/", bad)
    assert refused.status_code == 400 and "benefits[1].rate: A rate is text with % or ‰" in refused.content.decode()
    assert [e.split(":")[0] for e in refused.context["form"].errors["benefits"]] == ["benefits[1].rate"]
    assert set(refused.context["form"].errors) == {"benefits"}
    assert RuleVersion.objects.count() == 1


def test_api_validate_checks_the_benefits_too(catalogue, api_as):
    api = api_as(catalogue.users.office)

    ok = api.post("/api/v1/rules/validate/", {"expression": HITECH_EAST, "benefits": BENEFITS,
                                              "benefit_cap": 500 * WAN}, format="json")
    bad = api.post("/api/v1/rules/validate/", {"expression": HITECH_EAST, "benefits": [
        BENEFITS[0], {"label": "x", "base": "rent", "rate": "0.2"}]}, format="json")
    bad_cap = api.post("/api/v1/rules/validate/", {"expression": HITECH_EAST, "benefit_cap": -1}, format="json")

    assert (ok.status_code, ok.json()["benefits"]) == (200, [
        "研发费用补助: 20% of R&D cost, capped at CNY 5 million", "高企奖励: a fixed CNY 300,000",
        "At most CNY 5 million per enterprise and year over all items."])
    assert bad.status_code == 400 and list(bad.json()) == ["benefits"]
    assert bad.json()["benefits"][0].startswith("benefits[1].rate: A rate is text with % or ‰")
    assert bad_cap.status_code == 400 and list(bad_cap.json()) == ["benefit_cap"]


def test_api_rule_versions_carry_benefits_validated(catalogue, api_as):
    api = api_as(catalogue.users.office)
    created = api.post("/api/v1/rules/", {"policy": catalogue.hitech.pk, "expression": HITECH_EAST,
                                          "benefits": BENEFITS, "benefit_cap": 500 * WAN}, format="json")
    assert created.status_code == 201
    assert created.json()["versions"][0]["benefits"] == BENEFITS
    assert created.json()["versions"][0]["benefit_cap"] == 500 * WAN
    bad = api.post("/api/v1/rules/", {"policy": catalogue.hitech.pk, "expression": HITECH_EAST,
                                      "benefits": [{"label": "x", "amount": 1.5}]}, format="json")
    assert bad.status_code == 400 and bad.json()["benefits"][0].startswith("benefits[0].amount: ")
    assert RuleVersion.objects.count() == 1


def test_api_the_enterprise_declares_and_reads_its_amount(priced, api_as):
    api = api_as(priced.users.enterprise)
    url = f"/api/v1/matches/{priced.match.pk}/"
    before = api.get(url).json()["amount"]
    assert (before["total"], before["complete"], before["pending_bases"]) == (30 * WAN, False, ["rd_cost"])
    declared = api.post(url + "declare/", {"kind": "rd_cost", "amount": 2400 * WAN}, format="json")
    assert declared.status_code == 200
    amount = declared.json()["amount"]
    assert (amount["total"], amount["subtotal"], amount["complete"]) == (500 * WAN, 510 * WAN, True)
    assert amount["items"][0]["amount"] == 480 * WAN
    assert amount["items"][0]["steps"] == ["CNY 24 million × 20% = CNY 4.8 million"]
    unknown = api.post(url + "declare/", {"kind": "rd_cost", "amount": 1, "by": "me"}, format="json")
    assert unknown.status_code == 400 and "by" in unknown.json()
    not_taken = api.post(url + "declare/", {"kind": "rent", "amount": 1}, format="json")
    assert not_taken.status_code == 400 and "kind" in not_taken.json()
    assert list(DeclaredInput.objects.values_list("kind", "amount")) == [("rd_cost", 2400 * WAN)]


def test_api_others_may_not_declare_and_do_not_see_the_amount(priced, api_as):
    from chainserve.registry.tests.factories import UserFactory

    other = UserFactory(username="wz-user", role="enterprise", organization=priced.world.wz)
    url = f"/api/v1/matches/{priced.match.pk}/declare/"
    body = {"kind": "rd_cost", "amount": 1}
    assert api_as(other).post(url, body, format="json").status_code == 404
    assert api_as(priced.users.office).post(url, body, format="json").status_code == 403
    assert api_as(priced.users.office).get(f"/api/v1/matches/{priced.match.pk}/").json()["amount"] is None
    assert not DeclaredInput.objects.exists()


def test_a_base_is_declared_for_this_policy_year_or_the_one_before(priced):
    from django.core.exceptions import ValidationError

    year = timezone.localdate().year
    services.declare_inputs(priced.match, priced.users.enterprise, {"rd_cost": 5 * WAN}, year - 1)
    with pytest.raises(ValidationError) as e:
        services.declare_inputs(priced.match, priced.users.enterprise, {"rd_cost": 7 * WAN}, year - 2)
    assert e.value.message_dict == {"year": ["Declare for this policy year or the one before."]}
    with pytest.raises(ValidationError):
        services.declare_inputs(priced.match, priced.users.enterprise, {"rd_cost": -1})
    assert list(DeclaredInput.objects.values_list("year", "amount")) == [(year - 1, 5 * WAN)]
    # last year's figure does not price this year's benefits
    assert services.amount_of(priced.match).pending == ["rd_cost"]


def test_the_editor_starts_from_the_current_benefits(priced, client_as):
    office = client_as(priced.users.office)
    form = office.get(f"/matching/rules/{priced.rule.pk}/edit/")
    html = form.content.decode()
    assert "研发费用补助" in html and 'name="benefit_cap" value="500"' in html
    # the conditions as JSON, not as Python's repr: saved again as shown, they make a new version (a regression)
    shown = form.context["form"]["expression"].value()
    assert json.loads(form.context["form"]["expression"].field.prepare_value(shown)) == HITECH_EAST
    assert "&quot;district&quot;" in html and "&#x27;district&#x27;" not in html
    body = {"expression": form.context["form"]["expression"].field.prepare_value(shown),
            "benefits": json.dumps(BENEFITS), "benefit_cap": "500"}
    assert office.post(f"/matching/rules/{priced.rule.pk}/edit/", body).status_code == 302
    assert RuleVersion.objects.filter(rule=priced.rule).count() == 2


def test_the_computed_amount_replaces_the_benefit_text_and_the_text_stays_without_benefits(priced, client_as):
    # 纽福斯 matches the hitech policy (priced) and, once it has a rule without benefits, the young one (text only)
    services.save_rule(priced.users.office, priced.young, {"field": "employees", "op": "lt", "value": 500})
    services.recompute_all(timezone.localdate())
    young = Match.objects.get(rule__policy=priced.young, enterprise=priced.world.nfs)
    firm = client_as(priced.users.enterprise)

    mine = firm.get("/matching/mine/").content.decode()
    priced_page = firm.get(f"/matching/matches/{priced.match.pk}/").content.decode()
    text_page = firm.get(f"/matching/matches/{young.pk}/").content.decode()

    assert "按研发投入10%补贴" not in mine and "三年内厂房租金减免50%。" in mine
    assert f'id="amount-{priced.match.pk}"' in mine
    assert "按研发投入10%补贴" not in priced_page and f'id="amount-{priced.match.pk}"' in priced_page
    assert '<p class="benefit-text">三年内厂房租金减免50%。</p>' in text_page


def test_api_match_list_prices_a_page_in_the_same_queries_whatever_its_number_of_matches(priced, api_as):
    """MatchSerializer reads the declared bases of the page's matches at once (not one query per match)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chainserve.resources.models import Policy

    api = api_as(priced.users.enterprise)
    year = services.benefit_year(priced.match.version, timezone.localdate())

    def listed():
        with CaptureQueriesContext(connection) as captured:
            rows = api.get("/api/v1/matches/").json()["results"]
        return len(captured), {row["item_title"]: row["amount"]["total"] for row in rows if row["amount"]}

    DeclaredInput.objects.create(rule=priced.rule, enterprise=priced.world.nfs, year=year, kind="rd_cost",
                                 amount=100 * WAN)
    one, totals = listed()
    assert totals == {"高新技术企业研发费用补贴": 50 * WAN}  # 20% of 100万元 + 30万元
    for i in range(5):
        policy = Policy.objects.create(title=f"政策{i}", issuer=priced.world.dept, status="published",
                                       published_at=timezone.now())
        rule = services.save_rule(priced.users.office, policy, HITECH_EAST, benefits=BENEFITS).rule
        DeclaredInput.objects.create(rule=rule, enterprise=priced.world.nfs, year=year, kind="rd_cost",
                                     amount=(i + 1) * 100 * WAN)
    services.recompute_all(timezone.localdate())
    six, totals = listed()

    assert len(totals) == 6 and totals["政策4"] == 130 * WAN  # each match priced with its own declared base
    assert six <= one


def test_the_city_s_cost_is_priced_once_until_something_it_depends_on_changes(priced, client_as, monkeypatch):
    from chainserve.core.profiles import profiles_changed

    priced_runs = []
    real = services.amounts_of_rule
    monkeypatch.setattr(services, "amounts_of_rule", lambda *args: priced_runs.append(1) or real(*args))
    office = client_as(priced.users.office)
    url = f"/matching/rules/{priced.rule.pk}/qualifying/"

    def cost():
        return office.get(url).content.decode().split('id="policy-cost"')[1].split("</strong>")[0].split("<strong>")[1]

    assert (cost(), cost(), len(priced_runs)) == ("CNY 300,000", "CNY 300,000", 1)  # the second view from the cache
    services.declare_inputs(priced.match, priced.users.enterprise, {"rd_cost": 100 * WAN})
    assert (cost(), cost(), len(priced_runs)) == ("CNY 500,000", "CNY 500,000", 2)  # a declared input
    profiles_changed([priced.world.nfs.pk])
    assert (cost(), len(priced_runs)) == ("CNY 500,000", 3)  # the registry's stamp
    services.save_rule(priced.users.office, priced.hitech, HITECH_EAST, benefits=BENEFITS[1:])
    services.recompute_all(timezone.localdate())
    assert (cost(), len(priced_runs)) == ("CNY 300,000", 4)  # a new version of the rule
