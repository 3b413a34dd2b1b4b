"""A demand from the portal to a rated result, each step by the role that takes it, in the browser."""

import pytest

from chainserve.demands.models import Demand, DemandEvent
from chainserve.registry.models import Organization

pytestmark = pytest.mark.e2e

DEPARTMENT = "明湖市药品监督管理局"


def _step(page, name, fields, submit_label=None):
    """Open the step's panel on the demand page, fill it and submit it."""
    panel = page.locator(f"#action-{name}")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    for selector, value in fields.items():
        if selector.startswith("input[type=radio]"):
            # A radio is a button (core.forms.ChoiceButtons): people tap its label, the input itself is hidden.
            radio = panel.locator(selector)
            panel.locator(f"label[for='{radio.get_attribute('id')}']").click()
            assert radio.is_checked()
        elif selector.endswith("]"):
            panel.locator(selector).check()
        elif panel.locator(selector).evaluate("e => e.tagName") == "SELECT":
            panel.locator(selector).select_option(label=value)
        else:
            panel.locator(selector).fill(value)
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()


def _resolved_for_department(page):
    row = page.locator("#metrics-table tbody tr", has_text=DEPARTMENT)
    return int(row.locator("td").nth(6).inner_text()) if row.count() else 0


def test_demand_from_portal_to_rating_and_metrics(demo, page, switch):
    switch("office")
    page.goto("/demands/metrics/")
    resolved_before = _resolved_for_department(page)

    # The enterprise raises a demand on the portal.
    switch("enterprise")
    page.goto("/portal/demands/new/")
    page.select_option("#id_category", label="审评审批沟通")
    page.fill("#id_title", "申请预约新药临床试验沟通交流会")
    page.fill("#id_description", "III期临床方案需与审评机构沟通,请协助预约。")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    demand = Demand.objects.get(title="申请预约新药临床试验沟通交流会")
    assert demand.organization == Organization.objects.get(name="明湖澜泽基因技术有限公司")
    assert demand.status == "new" and page.url.endswith(f"/demands/{demand.pk}/")

    # The dispatcher finds it in the queue and dispatches it to the department the rule suggests.
    switch("office")
    page.goto("/demands/queue/")
    assert page.locator("main table", has_text=demand.number).count() == 1
    page.goto(f"/demands/{demand.pk}/")
    lead = page.locator("#id_dispatch-lead").evaluate("s => s.options[s.selectedIndex].text")
    assert lead == DEPARTMENT  # suggested by the regulatory-communication rule
    _step(page, "dispatch", {})
    demand.refresh_from_db()
    assert demand.status == "dispatched" and demand.lead_department.name == DEPARTMENT

    # The handler asks the enterprise a question: the clock stops.
    switch("handler")
    page.goto("/demands/inbox/")
    assert page.locator("main table", has_text=demand.number).count() == 1
    page.goto(f"/demands/{demand.pk}/")
    _step(page, "ask", {"textarea": "请提供III期临床试验方案摘要。"})
    demand.refresh_from_db()
    assert demand.status == "waiting" and demand.paused_at is not None

    # The enterprise answers.
    switch("enterprise")
    page.goto(f"/demands/{demand.pk}/")
    assert "请提供III期临床试验方案摘要。" in page.locator("#history").inner_text()
    _step(page, "reply", {"textarea": "方案摘要见附件说明,主要终点为视力改善。"})
    demand.refresh_from_db()
    assert demand.status == "dispatched" and demand.paused_at is None

    # The handler closes it as resolved.
    switch("handler")
    page.goto(f"/demands/{demand.pk}/")
    _step(page, "close", {"textarea": "已协助预约沟通交流会议,时间为下周三。"})
    demand.refresh_from_db()
    assert demand.status == "resolved" and demand.resolution == "已协助预约沟通交流会议,时间为下周三。"

    # The enterprise rates the result.
    switch("enterprise")
    page.goto(f"/demands/{demand.pk}/")
    _step(page, "rate", {"input[type=radio][value=satisfied]": True})
    demand.refresh_from_db()
    assert demand.rating == "satisfied"
    assert list(DemandEvent.objects.filter(demand=demand).values_list("type", flat=True)) == [
        "submitted", "dispatched", "asked", "replied", "resolved", "rated"]
    assert page.locator("#rating").count() == 1

    # The metrics page counts it.
    switch("office")
    page.goto("/demands/metrics/")
    assert _resolved_for_department(page) == resolved_before + 1
