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
