"""The organisation picker in the browser: a visit's enterprise chosen by pinyin initials and the keyboard."""

import pytest

from chainserve.coordination.models import Visit
from chainserve.registry.models import Organization

pytestmark = pytest.mark.e2e

DEMO_FIRM = "明湖澜泽基因技术有限公司"


@pytest.mark.parametrize("viewport", [(1440, 900), (390, 844)])
def test_a_specialist_picks_the_enterprise_of_a_visit_by_initials_and_keyboard(demo, page, login, shot, viewport):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    firm = Organization.objects.get(name=DEMO_FIRM)
    before = Visit.objects.count()

    login("specialist")
    page.goto("/coordination/visits/add/")
    box = page.locator("#id_organization")
    box.click()
    box.press_sequentially("lzjy", delay=30)
    option = page.locator("#id_organization-options [role=option]").first
    option.wait_for()
    assert option.inner_text().splitlines() == [DEMO_FIRM, f"{firm.uscc} · {firm.district.name}"]
    shot(f"picker-{viewport[0]}")
    box.press("ArrowDown")
    assert option.get_attribute("aria-selected") == "true"
    box.press("Enter")
    assert box.input_value() == DEMO_FIRM
    assert page.locator("#id_organization-options").is_hidden()
    page.fill("#id_purpose", "了解新厂房选址进展")
    page.locator("main form button[type=submit]").first.click()
    # The demo visited this firm within 14 days: the form keeps the choice and asks to confirm.
    page.locator("#id_visit_anyway").check()
    assert box.input_value() == DEMO_FIRM
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()

    assert Visit.objects.count() == before + 1
    visit = Visit.objects.latest("pk")
    assert (visit.organization, visit.purpose) == (firm, "了解新厂房选址进展")
