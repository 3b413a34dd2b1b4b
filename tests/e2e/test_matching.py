"""A policy with an eligibility rule, from the chain office's forms to the enterprise's "matched for you" page."""

import json

import pytest
from django.core.management import call_command

from chainserve.core.choices import Role
from chainserve.core.models import Notification, User
from chainserve.demo import DEMO_PASSWORD
from chainserve.matching.models import Match, Rule, RuleVersion
from chainserve.registry.choices import ListingStatus, OrgKind
from chainserve.registry.models import Organization
from chainserve.resources.models import Policy

pytestmark = pytest.mark.e2e

TITLE = "明湖市储备上市企业研发奖励"
DEMO_FIRM = "明湖澜泽基因技术有限公司"  # the demo enterprise user's: 260 employees, reserve-listed
RULE = {"all": [{"field": "employees", "op": "ge", "value": 250},
                {"field": "listing_status", "op": "eq", "value": "reserve"}]}
MALFORMED = {"all": [{"field": "employees", "op": "ge", "value": "很多"}]}


def _submit(page, selector="main form button[type=submit]"):
    with page.expect_navigation():
        page.click(selector)


def _run_tasks():
    """What the worker (`chainserve worker`, db_worker) does: run every queued task, here the recompute."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def _card(page, title):
    return page.locator("#matches .match", has_text=title)


def test_a_published_policy_with_a_rule_is_matched_to_the_enterprises_that_qualify(demo, page, switch):
    # Given an enterprise that meets neither condition, with a user of its own.
    other = Organization.objects.filter(kind=OrgKind.ENTERPRISE, listing_status=ListingStatus.NONE,
                                        employees__lt=250).order_by("name").first()
    User.objects.create_user("other-firm", password=DEMO_PASSWORD, role=Role.ENTERPRISE, organization=other)

    # The chain office adds the policy and publishes it.
    switch("office")
    page.goto("/resources/policies/add/")
    page.fill("#id_title", TITLE)
    page.select_option("#id_issuer", label="明湖市经济和信息化局")
    page.fill("#id_benefit", "按上年度研发投入的5%给予奖励,最高100万元。")
    _submit(page)
    policy = Policy.objects.get(title=TITLE)
    assert page.url.endswith(f"/resources/policies/{policy.pk}/")
    _submit(page, "main form button[value=publish]")
    assert page.locator("main [role=alert]").inner_text() == f"{TITLE} 现为“已发布”。"
    assert page.locator("#item-status").inner_text() == "已发布"

    # A malformed rule is refused at the field, and nothing is saved.
    with page.expect_navigation():
        page.click("#rule-link")
    assert page.url.endswith(f"/matching/rules/add/?policy={policy.pk}")
    assert page.locator("h1").inner_text() == f"资格条件\uff1a{TITLE}"  # the full-width colon (issue 15)
    page.fill("#id_expression", json.dumps(MALFORMED, ensure_ascii=False))
    _submit(page)
    assert page.locator("#id_expression-error").inner_text() == "all[0].value: employees 须与 0 到 10000000 之间的整数比较。"
    assert Rule.objects.filter(policy=policy).exists() is False
    assert RuleVersion.objects.filter(rule__policy=policy).exists() is False

    # The right one is saved as version 1; the recompute is queued and the worker runs it.
    page.fill("#id_expression", json.dumps(RULE))
    page.fill("#id_note", "首版")
    _submit(page)
    rule = Rule.objects.get(policy=policy)
    assert page.url.endswith(f"/matching/rules/{rule.pk}/")
    assert page.locator("main [role=alert]").inner_text() == "已保存第 1 版规则，正在重新计算匹配。"
    assert page.locator("#conditions li").all_inner_texts() == ["员工人数不少于250", "上市状态为储备上市"]
    assert list(rule.versions.values_list("number", "expression", "note")) == [(1, RULE, "首版")]
    assert Match.objects.filter(rule=rule).exists() is False  # not before the worker has run
    _run_tasks()
    qualifying = set(Organization.objects.filter(kind=OrgKind.ENTERPRISE, employees__gte=250,
                                                 listing_status=ListingStatus.RESERVE).values_list("name", flat=True))
    assert DEMO_FIRM in qualifying and other.name not in qualifying
    assert set(Match.objects.filter(rule=rule, qualifies=True).values_list("enterprise__name", flat=True)) == qualifying
    page.goto(f"/matching/rules/{rule.pk}/qualifying/")
    assert sorted(page.locator("main table tbody tr td:first-child").all_inner_texts()) == sorted(qualifying)

    # The enterprise that qualifies has a message and sees the policy with the reasons, condition by condition.
    switch("enterprise")
    firm = Organization.objects.get(name=DEMO_FIRM)
    assert Notification.objects.filter(user__username="enterprise", key=f"match:{rule.pk}:{firm.pk}").count() == 1
    page.goto("/inbox/")
    message = page.locator("#messages button", has_text=TITLE)
    assert message.locator(".message-title").inner_text() == f"为您匹配：{TITLE}"
    assert message.locator("div.small").inner_text() == f"贵企业符合“{TITLE}”的条件，可在“为您匹配”页面查看理由。"
    with page.expect_navigation():
        message.click()
    assert page.url.endswith("/matching/mine/")
    card = _card(page, TITLE)
    assert card.locator(".badge").inner_text() == "新匹配"
    assert card.locator(".condition").all_inner_texts() == [
        "✔ 员工人数不少于250\uff08贵企业\uff1a260\uff09", "✔ 上市状态为储备上市\uff08贵企业\uff1a储备上市\uff09"]

    # It saves this one and dismisses another.
    with page.expect_navigation():
        card.get_by_role("button", name="保存").click()
    assert _card(page, TITLE).locator(".badge").inner_text() == "已收藏"
    with page.expect_navigation():
        _card(page, "生物医药研发担保").get_by_role("button", name="忽略").click()
    assert _card(page, "生物医药研发担保").count() == 0
    assert page.locator("#dismissed summary").inner_text() == "已忽略 1 项"
    page.click("#dismissed summary")
    assert page.locator("#dismissed li").all_inner_texts() == ["生物医药研发担保 恢复"]
    mine = Match.objects.get(rule=rule, enterprise=firm)
    assert mine.state == "saved" and mine.opened_at is not None
    assert Match.objects.get(rule__product__title="生物医药研发担保", enterprise=firm).state == "dismissed"

    # The enterprise that does not qualify neither sees it nor reaches the other's match.
    switch("other-firm")
    page.goto("/matching/mine/")
    assert page.locator("h1").inner_text() == "为您匹配"
    assert TITLE not in page.locator("main").inner_text()
    assert Notification.objects.filter(user__username="other-firm").exists() is False
    before = Match.objects.filter(pk=mine.pk).values().get()
    response = page.goto(f"/matching/matches/{mine.pk}/")
    assert response.status == 404
    assert Match.objects.filter(pk=mine.pk).values().get() == before
