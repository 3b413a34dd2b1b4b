"""Browser walk of each role's workbench (issue 17): log in, land on it, see today's work first, and follow a count to
its list, which shows as many rows as the count said. Screenshots: $E2E_SHOTS_DIR/workbench-<role>.png."""

import re

import pytest

pytestmark = pytest.mark.e2e

# role: (the panel titles it lands on, in order; the count to follow, and the list's heading it leads to)
WALKS = {
    "office": (["今日待办", "待处理的升级", "本月指标"], "超期", "诉求"),
    "handler": (["本部门待办", "待企业补充", "本月指标"], "办理中", "本部门待办"),
    "enterprise": (["需要您办理的事项", "为您匹配与近期活动"], "待您补充", "工作台"),
    "specialist": (["我服务的企业", "他人近期走访", "我代录的未办结诉求"], "我的走访", "走访"),
    "partner": (["转交本机构的诉求", "本机构活动的报名", "符合本机构产品条件的企业", "本机构签约"], "签约协议", "签约"),
    "admin": (["驾驶舱", "今日待办", "待处理的升级", "本月指标"], "待派单", "待派单"),
}


def rows_shown(page):
    """The rows of the list the count led to: a table's body rows, or the enterprise's demand list."""
    if page.locator("#my-demands").count():
        return page.locator("#my-demands > a").count()
    return page.locator("main table tbody tr").count()


@pytest.mark.parametrize("role", list(WALKS))
def test_each_role_lands_on_its_workbench_and_a_count_leads_to_its_list(role, demo, page, login, shot):
    titles, count_label, heading = WALKS[role]
    login(role)
    assert page.locator("main h2").all_inner_texts()[:len(titles)] == titles
    assert page.locator("nav .nav-link.active").first.inner_text() == "工作台"
    shot(f"workbench-{role}")
    link = page.locator("a.wb-count", has=page.locator(".wb-label", has_text=re.compile(f"^{count_label}$")))
    figure = int(link.get_attribute("data-count"))
    with page.expect_navigation():
        link.click()
    assert heading in page.locator("main h1").first.inner_text()
    assert rows_shown(page) == min(figure, 25 if role != "enterprise" else 20)  # the first page of the list


def test_the_handler_reaches_its_inbox_from_the_nav_and_sees_working_days_left(demo, page, login):
    login("handler")
    with page.expect_navigation():
        page.click("#nav-inbox")
    assert page.locator("main h1").first.inner_text().startswith("本部门待办")
    assert page.locator("main table thead th").nth(1).inner_text() == "剩余工作日"
    cells = page.locator("main table tbody tr td:nth-child(2) .countdown").all_inner_texts()
    assert cells and all(re.fullmatch(r"剩\d+个工作日|今天到期|超期\d+个工作日|已超期|暂停计时", c) for c in cells), cells
