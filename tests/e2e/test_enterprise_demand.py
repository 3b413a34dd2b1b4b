"""The enterprise raises a demand it raised already: the warning leads it to add information to the first one,
which it then withdraws before acceptance; the chain office reads why."""

import pytest

from chainserve.demands.choices import EventType, Status
from chainserve.demands.models import Demand

pytestmark = pytest.mark.e2e

ENTERPRISE = "明湖澜泽基因技术有限公司"  # the demo's enterprise user's


def test_the_similar_demand_warning_leads_to_adding_information_then_withdrawing(demo, page, switch, shot):
    first = Demand.objects.filter(organization__name=ENTERPRISE, status=Status.NEW).select_related("category").first()
    count = Demand.objects.count()

    switch("enterprise")
    page.goto("/portal/demands/new/")
    page.select_option("#id_category", label=first.category.name)
    page.fill("#id_title", first.title)
    page.fill("#id_description", first.description)
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    warning = page.locator("#similar-demands")
    assert first.number in warning.inner_text() and "相似度100%" in warning.inner_text()
    assert page.locator("#id_title").input_value() == first.title  # what was typed is kept
    assert Demand.objects.count() == count
    shot("enterprise-similar-warning")
    with page.expect_navigation():
        warning.get_by_role("link", name="改为在该诉求上补充材料").click()

    assert page.url.endswith(f"/demands/{first.pk}/#action-supplement")
    panel = page.locator("#action-supplement")
    panel.locator("textarea").fill("补充：6名研发人员均为博士，需2年内入住。")
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()
    assert "补充：6名研发人员均为博士" in page.locator("#history").inner_text()

    panel = page.locator("#action-withdraw")
    panel.locator("summary").click()
    panel.locator("textarea").fill("已通过园区自行解决。")
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()
    assert page.locator(".badge.status-withdrawn").inner_text() == "企业已撤回"
    assert page.get_by_text("这条诉求目前无需您处理。").is_visible()

    switch("office")
    page.goto(f"/demands/{first.pk}/")
    shot("office-withdrawn-demand")
    assert "企业撤回" in page.locator("#history").inner_text()
    assert "已通过园区自行解决。" in page.locator("#history").inner_text()
    assert list(Demand.objects.get(pk=first.pk).events.values_list("type", flat=True))[-2:] == [
        EventType.SUPPLEMENTED, EventType.WITHDRAWN]
