"""Coordination in the browser: a joint meeting from agenda to a finished action item; an enterprise signs
up two attendees for a bank–enterprise matchmaking, is checked in, and sees the agreement signed there."""

import pytest

from chainserve.coordination.models import ActionItem, Activity, Agreement, Attendee, Meeting, Registration
from chainserve.demands.models import Demand

pytestmark = pytest.mark.e2e

DEPARTMENT = "明湖市药品监督管理局"


def _submit(page, form_selector):
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").click()


def test_joint_meeting_agenda_decision_and_action_item_done(demo, page, switch):
    waiting = Demand.objects.filter(escalation_level=3, status__in=["new", "accepted", "dispatched", "waiting"])
    [demand] = list(waiting)

    switch("office")
    page.goto("/coordination/committees/")
    with page.expect_navigation():
        page.locator("main table tbody tr td:first-child a").first.click()
    with page.expect_navigation():
        page.click("text=安排联席会议")
    page.fill("#id_title", "2026年第三次联席会议")
    page.fill("#id_starts_at", "2026-12-03T09:30")
    page.fill("#id_location", "明湖市政府5号会议室")
    _submit(page, "main form")
    meeting = Meeting.objects.get(title="2026年第三次联席会议")
    assert page.url.endswith(f"/coordination/meetings/{meeting.pk}/")

    # The agenda is built from the demands escalated to the joint meeting.
    with page.expect_navigation():
        page.click("#build-agenda")
    assert demand.number in page.locator("#agenda").inner_text()

    # A decision on that demand: an action item for the drug administration, and the demand is resolved.
    page.fill("#id_decide-text", "由市药监局牵头两周内办结,书面答复企业。")
    page.select_option("#id_decide-agenda_item", label=demand.title)
    page.select_option("#id_decide-owner", label=DEPARTMENT)
    page.fill("#id_decide-due_on", "2026-12-17")
    page.check("#id_decide-resolves_demand")
    _submit(page, "#decision-form")
    assert "由市药监局牵头两周内办结" in page.locator("#decisions").inner_text()
    assert "在本次会议上解决" in page.locator("#agenda").inner_text()
    assert Demand.objects.get(pk=demand.pk).status == "resolved"
    item = ActionItem.objects.get(meeting=meeting)

    # The owner department follows the action item to done.
    switch("handler")
    page.goto("/coordination/action-items/?status=open")
    with page.expect_navigation():
        page.locator("main table tbody tr", has_text="由市药监局牵头两周内办结").locator("a").first.click()
    page.fill("#id_progress", "已书面答复企业。")
    page.check("#id_done")
    _submit(page, "#action-form")
    assert page.locator("#action-status").inner_text() == "已完成"
    assert ActionItem.objects.get(pk=item.pk).status == "done"


def test_enterprise_signs_up_two_attendees_is_checked_in_and_sees_agreement(demo, page, switch):
    activity = Activity.objects.get(title="生物医药企业银企对接会")

    switch("enterprise")
    page.goto("/coordination/mine/")
    with page.expect_navigation():
        page.click("#upcoming >> text=生物医药企业银企对接会")
    page.fill("#id_signup-name_1", "王思远")
    page.fill("#id_signup-title_1", "总经理")
    page.fill("#id_signup-name_2", "李敏")
    page.fill("#id_signup-title_2", "财务总监")
    _submit(page, "#signup-form")
    reg = Registration.objects.get(activity=activity, organization__name="明湖澜泽基因技术有限公司")
    assert page.locator("#reg-code").inner_text() == reg.code
    assert page.locator("#qr").evaluate(
        "img => img.complete ? img.naturalWidth : new Promise(r => { img.onload = () => r(img.naturalWidth); })") > 0

    # At the entrance the staff type the code and check both attendees in.
    switch("office")
    page.goto("/coordination/check-in/")
    page.fill("#id_code", reg.code.lower())
    _submit(page, "#check-in-form")
    assert page.url.endswith(f"/coordination/registrations/{reg.pk}/")
    with page.expect_navigation():
        page.click("#check-in")
    assert page.locator("#attendees td.checked-in", has_text="✓").count() == 2
    assert Attendee.objects.filter(registration=reg, checked_in_at__isnull=False).count() == 2

    # A credit line signed there.
    page.goto(f"/coordination/agreements/add/?activity={activity.pk}")
    page.select_option("#id_kind", value="credit")
    page.fill("#id_title", "流动资金授信协议")
    page.fill("#id_institution", "明湖农商银行")
    page.fill("#id_enterprise", "明湖澜泽基因技术有限公司")
    page.fill("#id_amount", "2000")
    page.fill("#id_signed_on", "2026-06-18")
    _submit(page, "main form")
    agreement = Agreement.objects.get(title="流动资金授信协议")
    assert (agreement.amount_fen, agreement.activity) == (2_000_000_000, activity)

    switch("enterprise")
    page.goto("/coordination/mine/")
    row = page.locator("#my-agreements tr", has_text="流动资金授信协议")
    assert "2000万元" in row.inner_text()
