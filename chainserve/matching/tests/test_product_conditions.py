"""Conditions over one product, end to end: a rule saved with a product condition selects the same firms in
each of the ways matches are recomputed (one rule in SQL, one enterprise in Python, every rule as columns),
and the enterprise's page names the product."""

import datetime

import pytest
from django.utils import timezone

from chainserve.matching import services
from chainserve.matching.models import Match, Rule
from chainserve.registry.models import Product

CLASS_1_APPROVED = {"product": {"all": [{"field": "drug_class", "op": "eq", "value": "chem1"},
                                        {"field": "phase", "op": "eq", "value": "approved"}]}}
CLASS_1_TRIAL_THIS_YEAR = {"all": [
    {"field": "labels", "op": "has", "value": "hitech"},
    {"product": {"all": [{"field": "drug_class", "op": "eq", "value": "chem1"},
                         {"field": "approval_type", "op": "eq", "value": "clinical_trial"},
                         {"field": "approved_on", "op": "in_policy_year"}]}}]}


def this_year():
    return timezone.localdate().replace(month=1, day=2)


@pytest.fixture
def portfolios(catalogue):
    """纽福斯: a class-1 drug in preclinical work and an approved class-3 generic; 溫州康寧: a class-1 drug whose
    clinical trial was approved this year (both are hitech firms)."""
    world = catalogue.world
    Product.objects.create(organization=world.nfs, name="新药A", drug_class="chem1", phase="preclinical")
    Product.objects.create(organization=world.nfs, name="仿制药B", drug_class="chem3", phase="approved",
                           approval_type="marketing", approved_on=datetime.date(2019, 5, 1))
    catalogue.x101 = Product.objects.create(organization=world.wz, name="X-101", drug_class="chem1", phase="phase1",
                                            approval_type="clinical_trial", approved_on=this_year())
    return catalogue


def matched_by_each_recompute(catalogue, rule):
    """The names of the firms the rule matches after each of the three recomputes (from nothing each time)."""
    today = timezone.localdate()
    found = []
    for recompute in (lambda: services.recompute_rule(rule, today), lambda: services.recompute_all(today),
                      lambda: [services.recompute_enterprise(org, today) for org in catalogue.world.orgs]):
        Match.objects.filter(rule=rule).delete()
        recompute()
        found.append(sorted(Match.objects.filter(rule=rule, qualifies=True).values_list("enterprise__name",
                                                                                         flat=True)))
    return found


def test_a_mixed_portfolio_is_no_longer_matched_as_one_class_1_approved_drug(portfolios):
    rule = services.save_rule(portfolios.users.office, portfolios.hitech, CLASS_1_APPROVED).rule
    assert matched_by_each_recompute(portfolios, rule) == [[], [], []]
    as_two_sets = {"all": [{"field": "drug_class", "op": "has", "value": "chem1"},
                           {"field": "phase", "op": "has", "value": "approved"}]}
    services.save_rule(portfolios.users.office, portfolios.hitech, as_two_sets)
    assert matched_by_each_recompute(portfolios, rule) == [["武汉纽福斯生物科技有限公司"]] * 3


def test_an_approval_a_decade_ago_is_not_progress_in_the_policy_year(portfolios):
    rule = services.save_rule(portfolios.users.office, portfolios.hitech, CLASS_1_TRIAL_THIS_YEAR).rule
    assert matched_by_each_recompute(portfolios, rule) == [["溫州康寧醫藥有限公司"]] * 3
    Product.objects.filter(pk=portfolios.x101.pk).update(approved_on=this_year().replace(year=this_year().year - 10))
    assert matched_by_each_recompute(portfolios, rule) == [[], [], []]


def test_the_policy_year_is_the_version_s_effective_period_when_it_has_both_ends(portfolios):
    today = timezone.localdate()
    last_year = (datetime.date(today.year - 1, 1, 1), datetime.date(today.year, 12, 31))
    rule = services.save_rule(portfolios.users.office, portfolios.hitech, CLASS_1_TRIAL_THIS_YEAR, *last_year).rule
    Product.objects.filter(pk=portfolios.x101.pk).update(approved_on=datetime.date(today.year - 1, 6, 1))
    assert matched_by_each_recompute(portfolios, rule) == [["溫州康寧醫藥有限公司"]] * 3


def test_the_match_page_names_the_product(portfolios, client_as, settings):
    rule = services.save_rule(portfolios.users.office, portfolios.hitech, CLASS_1_TRIAL_THIS_YEAR).rule
    services.recompute_rule(rule, timezone.localdate())
    match = Match.objects.get(rule=rule)
    client = client_as(portfolios.users.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    html = client.get(f"/matching/matches/{match.pk}/").content.decode()

    assert f"产品 X-101：化学药品1类 ✔，临床试验批准 ✔，临床试验批准 {this_year().isoformat()} ✔" in html
    assert "同一产品满足：注册分类为化学药品1类，且批准类型为临床试验批准，且批准日期在政策年度内" in html
    page = client.get(f"/matching/rules/{rule.pk}/").content.decode()
    assert "<li>同一产品满足：注册分类为化学药品1类，且批准类型为临床试验批准，且批准日期在政策年度内</li>" in page


def test_the_enterprise_s_near_miss_says_which_product_came_closest(portfolios, client_as):
    services.save_rule(portfolios.users.office, portfolios.hitech, CLASS_1_TRIAL_THIS_YEAR)

    html = client_as(portfolios.users.enterprise).get("/matching/mine/").content.decode()

    # 纽福斯 is hitech; of its products 新药A (class 1, no approval) came closest
    assert "(yours: Product 新药A: Chemical drug class 1 ✔, not filled in ?, not filled in ?)" in html


def test_the_api_says_a_product_condition_in_words_or_names_its_wrong_part(catalogue, api_as):
    api = api_as(catalogue.users.office)

    ok = api.post("/api/v1/rules/validate/", {"expression": CLASS_1_TRIAL_THIS_YEAR}, format="json")
    bad = api.post("/api/v1/rules/validate/", {"expression": {"product": {"all": [
        {"field": "approved_on", "op": "between", "value": ["2026-12-31", "2026-01-01"]}]}}}, format="json")

    assert (ok.status_code, ok.json()) == (200, {"valid": True, "conditions": [
        "labels include 高新技术企业",
        "one product with: registration class is Chemical drug class 1 and approval type is Clinical-trial "
        "approval and approval date within the policy year"], "benefits": [], "qualifying": 0, "examples": []})
    assert (bad.status_code, bad.json()) == (400, {"expression": [
        "product.all[0].value: The period ends before it begins."]})


def test_the_rule_form_shows_a_wrong_product_condition_at_the_field_and_lists_the_product_fields(catalogue,
                                                                                                  client_as):
    client = client_as(catalogue.users.office)
    url = f"/matching/rules/add/?policy={catalogue.hitech.pk}"

    form = client.get(url).content.decode()
    wrong = client.post(url, {"expression": '{"product": {"field": "dosage", "op": "eq", "value": "x"}}'})

    assert '<table class="table table-sm" id="product-fields">' in form and "<code>in_policy_year</code>" in form
    assert wrong.status_code == 400
    assert wrong.context["form"].errors["expression"] == [
        "product.field: Unknown product field 'dosage'. Known product fields: kind, drug_class, phase, approval_type, "
        "approved_on, expedited."]
    assert not Rule.objects.filter(policy=catalogue.hitech).exists()
