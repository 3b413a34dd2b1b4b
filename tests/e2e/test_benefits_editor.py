"""The benefits editor on the rule form, as the chain office uses it: an item filled in with fields (a share of
R&D cost, its cap typed in 元), a tiered item added, the live preview of what a sample enterprise would get, a
wrong share refused at its field by the server, and the version saved with exactly the JSON the editor wrote."""

import json

import pytest

from chainserve.core.models import User
from chainserve.matching.benefits import to_fen
from chainserve.matching.models import Rule

pytestmark = pytest.mark.e2e

RULE = {"all": [{"field": "employees", "op": "ge", "value": 250}]}


def _submit(page):
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def _field(page, path):
    return page.locator(f"#benefits-editor .benefits-field[data-path='{path}']")


def _type(locator, text):
    locator.fill(text)
    locator.dispatch_event("change")


def test_the_office_writes_benefits_with_the_editor_and_sees_what_a_firm_would_get(demo, page, switch):
    rule = Rule.objects.restrict(User.objects.get(username="office"), "change").filter(
        policy__isnull=False).order_by("pk").first()
    versions = rule.versions.count()
    switch("office")
    page.goto(f"/matching/rules/{rule.pk}/edit/")
    page.fill("#id_expression", json.dumps(RULE))
    page.dispatch_event("#id_expression", "change")
    page.fill("#id_benefits", "")  # start from none: the editor reads the JSON again when it changes
    page.dispatch_event("#id_benefits", "change")
    assert page.locator("#benefits-editor .benefits-item").count() == 0

    # One share of R&D cost, its cap typed as people write it in 元: written to the JSON in 万元, exactly.
    page.click("#benefits-editor >> text=添加一项")
    _type(_field(page, "benefits[0].label").locator("input"), "研发费用补助")
    assert _field(page, "benefits[0].base").locator("select").input_value() == "rd_cost"
    _type(_field(page, "benefits[0].rate").locator("input"), "２０")
    _type(_field(page, "benefits[0].cap").locator("input"), "5,000,000元")
    assert json.loads(page.input_value("#id_benefits")) == [
        {"label": "研发费用补助", "base": "rd_cost", "rate": "20%", "cap": "500"}]

    # The preview: a firm declaring 3000万元 of R&D cost gets 20 %, capped at 500万元.
    _type(page.locator("#benefits-editor-inputs input"), "3000")
    page.locator("#benefits-editor-total", has_text="5,000,000.00").wait_for()
    assert page.locator("#benefits-editor-total").inner_text() == "合计：500万元（5,000,000.00元）"

    # A tiered item: the first tier under a condition drawn by the rule builder, the last one otherwise.
    page.click("#benefits-editor >> text=添加一项")
    _type(_field(page, "benefits[1].label").locator("input"), "规模奖励")
    _field(page, "benefits[1]").locator("select").select_option("tiers")
    _type(_field(page, "benefits[1].tiers[0].amount").locator("input"), "50")
    _type(_field(page, "benefits[1].tiers[1].amount").locator("input"), "8000元")
    written = json.loads(page.input_value("#id_benefits"))[1]
    assert written["tiers"][1] == {"amount": "0.8"} and written["tiers"][0]["amount"] == "50"
    assert set(written["tiers"][0]["when"]) == {"all"}

    # A share over 100 % is the server's to refuse: its message appears at the share, nothing is saved.
    _type(_field(page, "benefits[0].rate").locator("input"), "120")
    error = _field(page, "benefits[0].rate").locator(".benefits-error")
    error.wait_for(state="visible")
    assert "100%" in error.inner_text()
    _submit(page)
    assert page.locator("#id_benefits-error").inner_text().startswith("benefits[0].rate: ")
    assert rule.versions.count() == versions

    # Put right, the version keeps exactly what the editor wrote.
    _type(_field(page, "benefits[0].rate").locator("input"), "20")
    benefits = json.loads(page.input_value("#id_benefits"))
    _submit(page)
    assert page.url.endswith(f"/matching/rules/{rule.pk}/")
    assert rule.versions.count() == versions + 1
    assert rule.versions.order_by("-number").first().benefits == benefits
    assert to_fen(benefits[0]["cap"]) == 500_000_000
