"""The rule language: what the validator refuses and where, what the words say, the edges of dates and
missing data, and near misses."""

import datetime

import pytest

from chainserve.matching import rules

TODAY = datetime.date(2026, 6, 15)
PROFILE = {"district": "420102", "park": "光谷生物城", "founded_on": datetime.date(2016, 3, 18), "size": "medium",
           "employees": 120, "listing_status": "listed", "labels": {"hitech", "srdi"}, "segment": {"抗体药物", "生物药"},
           "phase": {"phase3"}, "drug_class": {"bio1"}}


@pytest.mark.parametrize(("rule", "path", "message"), [
    ([], "rule", "Each part of a rule is an object"),
    ({"all": []}, "all", "needs a non-empty list"),
    ({"all": [{"field": "employees", "op": "lt", "value": 3}, {"field": "employes", "op": "lt", "value": 3}]},
     "all[1].field", "Unknown field 'employes'"),
    ({"any": [{"not": {"field": "employees", "op": "like", "value": 3}}]}, "any[0].not.op",
     "does not take the operator 'like'"),
    ({"field": "employees", "op": "lt", "value": "300"}, "value", "whole number from 0 to 10000000"),
    ({"field": "employees", "op": "lt", "value": True}, "value", "whole number"),
    ({"field": "founded_on", "op": "gt", "value": "2020-13-01"}, "value", "YYYY-MM-DD"),
    ({"field": "size", "op": "in", "value": ["medium", "huge"]}, "value[1]", "'huge' is not a value of size"),
    ({"field": "size", "op": "is_null", "value": 1}, "value", "is_null takes no value"),
    ({"field": "labels", "op": "has_any", "value": []}, "value", "non-empty list"),
    ({"field": "employees", "op": "lt", "value": 3, "code": "__import__('os')"}, "rule", "exactly"),
    ({"all": [{"field": "size", "op": "eq"}]}, "all[0]", "eq needs a value"),
    ({"field": "founded_on", "op": "age_years_lt", "value": 201}, "value", "from 0 to 200"),
])
def test_a_malformed_rule_is_refused_naming_the_wrong_part(rule, path, message):
    with pytest.raises(rules.RuleError) as e:
        rules.validate(rule)
    assert e.value.path == path
    assert message in e.value.message


def test_depth_and_size_are_limited():
    deep = {"field": "employees", "op": "lt", "value": 1}
    for _ in range(rules.MAX_DEPTH):
        deep = {"not": deep}
    with pytest.raises(rules.RuleError) as e:
        rules.validate(deep)
    assert (e.value.path, e.value.message) == (".".join(["not"] * 8), "The rule is nested more than 8 levels deep.")
    wide = {"any": [{"field": "employees", "op": "lt", "value": i} for i in range(rules.MAX_NODES)]}
    with pytest.raises(rules.RuleError) as e:
        rules.validate(wide)
    assert e.value.message == "The rule has more than 200 parts."


def test_a_well_formed_rule_is_returned_as_it_is():
    rule = {"all": [{"field": "labels", "op": "has_all", "value": ["hitech", "srdi"]},
                    {"not": {"field": "park", "op": "is_null"}}]}
    assert rules.validate(rule) is rule


def test_ages_count_whole_years_and_29_february_falls_back_to_28():
    rule = {"field": "founded_on", "op": "age_years_lt", "value": 2}
    leap_day = datetime.date(2024, 2, 29)
    assert rules.years_before(leap_day, 1) == datetime.date(2023, 2, 28)
    assert rules.evaluate(rule, {"founded_on": datetime.date(2022, 2, 28)}, leap_day) is False  # exactly 2 years
    assert rules.evaluate(rule, {"founded_on": datetime.date(2022, 3, 1)}, leap_day) is True
    assert rules.evaluate({"field": "founded_on", "op": "age_years_ge", "value": 2},
                          {"founded_on": datetime.date(2022, 2, 28)}, leap_day) is True


def test_missing_data_is_unknown_and_never_qualifies_even_under_not():
    lt = {"field": "employees", "op": "lt", "value": 50}
    assert rules.evaluate(lt, {"employees": None}, TODAY) is None
    assert rules.evaluate({"not": lt}, {"employees": None}, TODAY) is None
    assert rules.evaluate({"any": [lt, {"field": "listing_status", "op": "eq", "value": "listed"}]},
                          {"employees": None, "listing_status": "listed"}, TODAY) is True
    assert rules.evaluate({"all": [lt, {"field": "listing_status", "op": "eq", "value": "none"}]},
                          {"employees": None, "listing_status": "listed"}, TODAY) is False
    assert rules.evaluate({"field": "employees", "op": "is_null"}, {"employees": None}, TODAY) is True


def test_explain_says_each_condition_in_words_with_the_enterprise_value():
    rule = {"all": [{"field": "district", "op": "eq", "value": "420102"},
                    {"field": "founded_on", "op": "age_years_lt", "value": 3},
                    {"field": "employees", "op": "lt", "value": 300}]}
    verdict = rules.explain(rule, PROFILE, TODAY, {"district": {"420102": "东湖区"}})
    assert [(c.status, c.text, c.actual) for c in verdict.conditions] == [
        ("met", "district is 东湖区", "东湖区"),
        ("not_met", "founded less than 3 years ago", "2016-03-18"),
        ("met", "employees less than 300", "120"),
    ]
    assert verdict.near_miss and not verdict.qualifies
    assert [c.text for c in verdict.missing] == ["founded less than 3 years ago"]
    assert rules.near_miss(rule, PROFILE, TODAY) is True


def test_an_unknown_condition_is_shown_as_not_filled_in():
    rule = {"all": [{"field": "size", "op": "in", "value": ["small", "micro"]},
                    {"field": "labels", "op": "has", "value": "hitech"}]}
    verdict = rules.explain(rule, dict(PROFILE, size=None), TODAY)
    assert [(c.status, c.text, c.actual) for c in verdict.conditions] == [
        ("unknown", "size is one of Small、Micro", "not filled in"),
        ("met", "labels include hitech", "hitech、srdi"),
    ]
    assert verdict.near_miss


def test_groups_are_described_and_a_single_condition_is_never_a_near_miss():
    rule = {"any": [{"field": "phase", "op": "at_least", "value": "phase3"},
                    {"not": {"field": "listing_status", "op": "eq", "value": "none"}}]}
    assert rules.describe(rule) == ("one of: pipeline phase at Phase III or later; "
                                   "not (listing status is Not listed)")
    verdict = rules.explain({"field": "employees", "op": "gt", "value": 500}, PROFILE, TODAY)
    assert verdict.status == "not_met" and not verdict.near_miss


# ---------------------------------------------------------------- conditions over one product

CLASS_1_IN_TRIALS = {"product": {"all": [{"field": "drug_class", "op": "eq", "value": "chem1"},
                                         {"field": "phase", "op": "at_least", "value": "phase1"},
                                         {"field": "approved_on", "op": "in_policy_year"}]}}


def product(name, **values):
    blank = {"kind": "drug", "drug_class": None, "phase": None, "approval_type": None, "approved_on": None,
             "expedited": set()}
    return dict(blank, name=name, **values)


@pytest.mark.parametrize(("rule", "path", "message"), [
    ({"product": {"field": "dosage", "op": "eq", "value": "x"}}, "product.field",
     "Unknown product field 'dosage'. Known product fields: kind, drug_class, phase, approval_type, approved_on, "
     "expedited."),
    ({"all": [{"product": {"all": [{"field": "phase", "op": "has", "value": "phase1"}]}}]},
     "all[0].product.all[0].op", "phase does not take the operator 'has'"),
    ({"product": {"field": "drug_class", "op": "eq", "value": "chem9"}}, "product.value",
     "'chem9' is not a value of drug_class"),
    ({"product": {"field": "approved_on", "op": "between", "value": ["2026-12-31", "2026-01-01"]}},
     "product.value", "The period ends before it begins."),
    ({"product": {"field": "approved_on", "op": "between", "value": "2026"}}, "product.value",
     "between needs a list of two dates"),
    ({"product": {"field": "approved_on", "op": "between", "value": ["2026-01-01", "2026-02-30"]}},
     "product.value[1]", "YYYY-MM-DD"),
    ({"product": {"field": "approved_on", "op": "in_policy_year", "value": "2026"}}, "product.value",
     "in_policy_year takes no value"),
    ({"product": {"field": "approved_on", "op": "age_years_lt", "value": 3}}, "product.op",
     "does not take the operator 'age_years_lt'"),
    ({"product": {"product": {"field": "kind", "op": "eq", "value": "drug"}}}, "product.product",
     "A condition over one product, placement or agreement cannot hold another such condition."),
    ({"product": {"field": "kind", "op": "eq", "value": "drug"}, "not": {}}, "rule", "stands alone"),
    ({"product": []}, "product", "Each part of a rule is an object"),
    ({"field": "drug_class", "op": "eq", "value": "chem1"}, "op", "drug_class does not take the operator 'eq'"),
])
def test_a_malformed_product_condition_is_refused_naming_the_wrong_part(rule, path, message):
    with pytest.raises(rules.RuleError) as e:
        rules.validate(rule)
    assert e.value.path == path
    assert message in e.value.message


def test_the_conditions_of_a_product_condition_hold_for_one_and_the_same_product():
    # A class-1 drug in preclinical work plus an approved class-3 generic: the two sets read as "class 1 and
    # approved", one product does not.
    mixed = dict(PROFILE, drug_class={"chem1", "chem3"}, phase={"preclinical", "approved"}, products=[
        product("新药A", drug_class="chem1", phase="preclinical"),
        product("仿制药B", drug_class="chem3", phase="approved", approval_type="marketing",
                approved_on=datetime.date(2019, 5, 1))])
    by_sets = {"all": [{"field": "drug_class", "op": "has", "value": "chem1"},
                       {"field": "phase", "op": "has", "value": "approved"}]}
    one_product = {"product": {"all": [{"field": "drug_class", "op": "eq", "value": "chem1"},
                                       {"field": "phase", "op": "eq", "value": "approved"}]}}
    assert rules.evaluate(by_sets, mixed, TODAY) is True
    assert rules.evaluate(one_product, mixed, TODAY) is False
    assert rules.evaluate({"not": one_product}, mixed, TODAY) is True
    assert rules.evaluate(one_product, dict(PROFILE, products=[]), TODAY) is False  # no product at all


def test_an_approval_a_decade_ago_is_not_within_the_policy_year():
    old = dict(PROFILE, products=[product("X-101", drug_class="chem1", phase="phase2",
                                          approval_type="clinical_trial", approved_on=datetime.date(2016, 3, 2))])
    fresh = dict(PROFILE, products=[product("X-101", drug_class="chem1", phase="phase2",
                                            approval_type="clinical_trial", approved_on=datetime.date(2026, 3, 2))])
    assert rules.evaluate(CLASS_1_IN_TRIALS, old, TODAY) is False
    assert rules.evaluate(CLASS_1_IN_TRIALS, fresh, TODAY) is True
    # the calendar year of the day evaluated, unless the version's effective period has both ends
    assert rules.evaluate(CLASS_1_IN_TRIALS, fresh, datetime.date(2027, 1, 1)) is False
    period = (datetime.date(2025, 7, 1), datetime.date(2026, 6, 30))
    assert rules.evaluate(CLASS_1_IN_TRIALS, fresh, datetime.date(2025, 8, 1), period) is True
    assert rules.evaluate(CLASS_1_IN_TRIALS, fresh, TODAY, (datetime.date(2026, 4, 1), None)) is True
    assert rules.evaluate(CLASS_1_IN_TRIALS, fresh, TODAY, (datetime.date(2026, 4, 1), datetime.date(2027, 3, 31))) \
        is False
    between = {"product": {"field": "approved_on", "op": "between", "value": ["2016-01-01", "2016-03-02"]}}
    assert rules.evaluate(between, old, TODAY) is True
    assert rules.evaluate(between, fresh, TODAY) is False


def test_a_product_field_not_filled_in_is_unknown_unless_another_product_decides():
    unfilled = product("Y", drug_class="chem1")  # phase not filled in
    assert rules.evaluate(CLASS_1_IN_TRIALS, dict(PROFILE, products=[unfilled]), TODAY) is None
    assert rules.evaluate(CLASS_1_IN_TRIALS, dict(PROFILE, products=[unfilled, product("Z", drug_class="chem1",
                          phase="phase1", approval_type="clinical_trial", approved_on=TODAY)]), TODAY) is True
    expedited = {"product": {"field": "expedited", "op": "has", "value": "breakthrough"}}
    assert rules.evaluate(expedited, dict(PROFILE, products=[unfilled]), TODAY) is False  # a set is never unknown


def test_the_explanation_names_the_product_that_meets_the_condition():
    from django.utils import translation

    profile = dict(PROFILE, products=[
        product("仿制药B", drug_class="chem3", phase="approved", approval_type="marketing",
                approved_on=datetime.date(2019, 5, 1)),
        product("X-101", drug_class="chem1", phase="phase1", approval_type="clinical_trial",
                approved_on=datetime.date(2026, 3, 2))])
    with translation.override("zh-hans"):
        [condition] = rules.explain(CLASS_1_IN_TRIALS, profile, TODAY).conditions
    assert condition.status == "met"
    assert condition.text == "同一产品满足：注册分类为化学药品1类，且研发阶段达到I期临床及以后，且批准日期在政策年度内"
    assert condition.actual == "产品 X-101：化学药品1类 ✔，I期临床 ✔，临床试验批准 2026-03-02 ✔"
    assert [(p.path, p.status) for p in condition.parts] == [
        ("product.all[0]", "met"), ("product.all[1]", "met"), ("product.all[2]", "met")]
    assert rules.describe(CLASS_1_IN_TRIALS) == ("one product with: registration class is Chemical drug class 1 "
                                                 "and phase at Phase I or later and approval date within the "
                                                 "policy year")


def test_a_near_miss_names_the_product_that_came_closest():
    rule = {"all": [{"field": "labels", "op": "has", "value": "hitech"}, CLASS_1_IN_TRIALS]}
    profile = dict(PROFILE, products=[
        product("仿制药B", drug_class="chem3", phase="approved"),
        product("X-101", drug_class="chem1", phase="phase1", approval_type="clinical_trial",
                approved_on=datetime.date(2016, 3, 2))])
    verdict = rules.explain(rule, profile, TODAY)
    assert verdict.near_miss and rules.near_miss(rule, profile, TODAY)
    [missing] = verdict.missing
    assert missing.path == "all[1]"
    assert missing.actual == ("Product X-101: Chemical drug class 1 ✔, Phase I ✔, "
                              "Clinical-trial approval 2016-03-02 ✘")
    assert rules.explain(rule, dict(PROFILE, products=[]), TODAY).missing[0].actual == "no products"
