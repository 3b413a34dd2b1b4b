"""The benefits calculator (matching.benefits): exact fen, caps per item, per product and per enterprise and
year, tiers, a share rounded down to the fen, and validation errors that name the wrong part."""

import datetime

import pytest
from django.utils import translation

from chainserve.matching import benefits

TODAY = datetime.date(2026, 6, 15)
WAN = 1_000_000  # fen

RD = {"label": "研发费用补助", "base": "rd_cost", "rate": "20%", "cap": "500"}
TIERED = {"label": "专精特新奖励", "tiers": [{"when": {"field": "labels", "op": "has", "value": "little-giant"},
                                        "amount": "50"},
                                       {"when": {"field": "labels", "op": "has", "value": "srdi"}, "amount": "20"}]}
NEW_DRUG = {"label": "创新药临床奖励", "product": {"all": [{"field": "drug_class", "op": "eq", "value": "chem1"},
                                                      {"field": "phase", "op": "at_least", "value": "phase1"}]},
            "base": "rd_cost", "rate": "30%", "product_cap": "100"}


def profile(labels=(), products=()):
    return {"district": None, "park": None, "founded_on": None, "size": None, "employees": None,
            "listing_status": None, "labels": set(labels), "segment": set(), "phase": set(), "drug_class": set(),
            "products": list(products)}


def drug(drug_class, phase):
    return {"name": "x", "kind": "drug", "drug_class": drug_class, "phase": phase, "approval_type": None,
            "approved_on": None, "expedited": set()}


def calc(items, inputs=None, cap=None, prof=None):
    return benefits.calculate(benefits.validate(items), prof or profile(), inputs, cap, TODAY)


def test_a_share_capped_per_item_in_exact_fen():
    below = calc([RD], {"rd_cost": 24_000_000_00})  # 2400万元 × 20% = 480万元, under the 500万元 cap
    assert below.total == 480 * WAN and below.complete
    assert below.items[0].steps == ["CNY 24 million × 20% = CNY 4.8 million"]
    above = calc([RD], {"rd_cost": 30_000 * WAN})  # 3亿元 × 20% = 6000万元 → 500万元
    assert above.total == 500 * WAN
    assert above.items[0].steps[-1] == "capped at CNY 5 million → CNY 5 million"
    assert above.items[0].inputs == [("R&D cost", "CNY 300 million")]


def test_a_share_is_rounded_down_to_the_fen():
    # 1,000.01元 × 2.5‰ = 2.500025元 → 2.50元 (250 fen), never rounded up
    assert calc([{"label": "贴息", "base": "loan_interest", "rate": "2.5‰"}], {"loan_interest": 100_001}).total == 250
    # 333.33元 × 1/3 is not a rate; 1元 × 33.3333% = 0.333333元 → 33 fen
    assert calc([{"label": "x", "base": "rent", "rate": "33.3333%"}], {"rent": 100}).total == 33


def test_headcount_is_an_amount_per_person():
    result = calc([{"label": "新增就业补贴", "base": "headcount", "per_head": "0.5", "cap": "10"}], {"headcount": 12})
    assert result.total == 6 * WAN
    assert calc([{"label": "x", "base": "headcount", "per_head": "0.5", "cap": "10"}],
                {"headcount": 30}).total == 10 * WAN


def test_tiers_take_the_first_that_holds():
    assert calc([TIERED], prof=profile(["srdi", "little-giant"])).total == 50 * WAN
    assert calc([TIERED], prof=profile(["srdi"])).total == 20 * WAN
    none = calc([TIERED], prof=profile(["hitech"]))
    assert none.total == 0 and none.items[0].steps == ["no tier applies → CNY 0"]


def test_a_cap_per_product_counts_the_products_meeting_the_condition():
    two = profile(products=[drug("chem1", "phase2"), drug("chem1", "approved"), drug("chem3", "approved")])
    result = calc([NEW_DRUG], {"rd_cost": 1000 * WAN}, prof=two)  # 300万元, capped at 100万元 × 2
    assert result.total == 200 * WAN
    assert result.items[0].inputs[0] == ("products meeting the condition", "2")
    assert result.items[0].steps[-1] == "capped at CNY 1 million per product × 2 = CNY 2 million → CNY 2 million"
    generic_only = profile(products=[drug("chem3", "approved"), drug("chem1", "preclinical")])
    assert calc([NEW_DRUG], {"rd_cost": 1000 * WAN}, prof=generic_only).total == 0
    per_product = {"label": "每个产品奖励", "product": NEW_DRUG["product"], "amount": "30"}
    assert calc([per_product], prof=two).total == 60 * WAN


def test_the_cap_per_enterprise_applies_over_all_items():
    result = calc([RD, TIERED], {"rd_cost": 2400 * WAN}, cap=500 * WAN, prof=profile(["little-giant"]))
    assert [i.amount for i in result.items] == [480 * WAN, 50 * WAN]
    assert (result.subtotal, result.total) == (530 * WAN, 500 * WAN)
    assert result.steps == ["sum of the items = CNY 5.3 million",
                            "capped at CNY 5 million per enterprise and year → CNY 5 million"]


def test_an_undeclared_base_is_pending_and_counts_nothing_yet():
    result = calc([RD, {"label": "奖励", "amount": "12.3456"}])
    assert result.pending == ["rd_cost"] and not result.complete
    assert result.items[0].amount is None and result.total == 123_456_00
    assert result.as_dict()["items"][0]["pending_base"] == "rd_cost"


def test_the_trace_reads_as_reports_print_amounts_in_chinese():
    with translation.override("zh-hans"):
        step = calc([RD], {"rd_cost": 2400 * WAN}).items[0].steps[0]
    assert "2400万元" in step and "480万元" in step


@pytest.mark.parametrize("items, path", [
    ({"label": "x"}, "benefits"),
    ([{"label": "x", "base": "rd_cost", "rate": "0%"}], "benefits[0].rate"),
    ([RD, {"label": "x", "base": "rd_cost", "rate": 0.2}], "benefits[1].rate"),
    ([{"label": "x", "base": "rd_cost", "rate": "120%"}], "benefits[0].rate"),
    ([{"label": "x", "amount": 12.5}], "benefits[0].amount"),
    ([{"label": "x", "amount": "1.0000001"}], "benefits[0].amount"),
    ([{"label": "", "amount": "1"}], "benefits[0].label"),
    ([{"label": "x", "amount": "1", "base": "rent", "rate": "1%"}], "benefits[0]"),
    ([{"label": "x", "base": "salary", "rate": "1%"}], "benefits[0].base"),
    ([{"label": "x", "base": "headcount", "rate": "1%"}], "benefits[0]"),
    ([{"label": "x", "amount": "1", "colour": "red"}], "benefits[0].colour"),
    ([{"label": "x", "amount": "1", "product_cap": "1"}], "benefits[0].product_cap"),
    ([{"label": "x", "amount": "1", "product": {"field": "size", "op": "eq", "value": "small"}}],
     "benefits[0].product.field"),
    ([{"label": "x", "tiers": [{"amount": "1"}, {"when": {"field": "size", "op": "eq", "value": "huge"},
                                                 "amount": "2"}]}], "benefits[0].tiers[0]"),
    ([{"label": "x", "tiers": [{"when": {"field": "size", "op": "eq", "value": "huge"}, "amount": "2"}]}],
     "benefits[0].tiers[0].when.value"),
])
def test_validation_names_the_wrong_part(items, path):
    with pytest.raises(benefits.BenefitError) as e:
        benefits.validate(items)
    assert e.value.path == path


def test_describe_in_words():
    lines = benefits.describe([RD, TIERED], cap=500 * WAN)
    assert lines[0] == "研发费用补助: 20% of R&D cost, capped at CNY 5 million"
    assert lines[1].startswith("专精特新奖励: CNY 500,000 if labels include little-giant; CNY 200,000 if")
    assert lines[2] == "At most CNY 5 million per enterprise and year over all items."


def test_the_demo_benefits_are_valid():
    from chainserve.matching.demo import POLICY_BENEFITS

    for items, _cap in POLICY_BENEFITS.values():
        assert benefits.validate(items) == items
    tiers, _cap = POLICY_BENEFITS["明湖市专精特新中小企业培育奖励"]
    assert calc(tiers, prof=profile(["srdi", "little-giant"])).total == 50 * WAN
