"""The office's and handler's newer steps in the browser: bulk dispatch from the queue, escalation straight to
the joint meeting, a standard reply filling the handler's answer."""

import pytest

from chainserve.demands.models import Demand, StandardReply

pytestmark = pytest.mark.e2e

DEPARTMENT = "明湖市药品监督管理局"


def test_the_office_dispatches_ticked_rows_and_escalates_in_one_step_the_handler_uses_a_standard_reply(
        demo, page, switch):
    switch("office")
    page.goto("/demands/queue/")
    picked = [Demand.objects.get(number=n) for n in page.locator("main tbody tr td:nth-child(2)").all_inner_texts()[:2]]
    for demand in picked:
        page.locator(f"input[name=demand][value='{demand.pk}']").check()
    page.locator("#bulk-dispatch-card summary").click()
    page.select_option("#id_bulk-lead", label=DEPARTMENT)
    with page.expect_navigation():
        page.click("#bulk-dispatch button[type=submit]")
    assert "已派单2件至明湖市药品监督管理局" in page.locator("main").inner_text()
    assert {d.lead_department.name for d in Demand.objects.filter(pk__in=[d.pk for d in picked])} == {DEPARTMENT}

    demand = picked[0]
    page.goto(f"/demands/{demand.pk}/")
    page.locator("#action-escalate summary").click()
    page.locator("#action-escalate textarea").fill("多部门协调未果,提交联席会议。")
    with page.expect_navigation():
        page.get_by_role("button", name="升级至联席会议议题").click()
    assert Demand.objects.get(pk=demand.pk).escalation_level == 3

    reply = StandardReply.objects.filter(category=demand.category, active=True).first() or StandardReply.objects.create(
        category=demand.category, title="已受理研究中", text="您的诉求已收到,我局正在研究,将在时限内答复。")
    switch("handler")
    page.goto(f"/demands/{demand.pk}/")
    panel = page.locator("#action-answer")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    panel.locator("select").select_option(label=reply.title)
    assert panel.locator("textarea").input_value() == reply.text
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()
    assert demand.events.last().note == reply.text
