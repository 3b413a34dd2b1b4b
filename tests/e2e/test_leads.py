"""Targeted investment attraction in the browser: the chain map counts open leads on a gap, the gap page
starts a lead for a candidate, and the lead page moves it on."""

import pytest

from chainserve.chains import demo as chains_demo
from chainserve.chains.choices import LeadStage
from chainserve.chains.models import Candidate, Chain, Lead
from chainserve.demo import CHAIN_NAME

pytestmark = pytest.mark.e2e

NODE_LEADS = """(name) => {
  const chart = window.chainMap;
  if (!chart) return null;
  const data = chart.getModel().getSeriesByIndex(0).getData();
  for (let i = 0; i < data.count(); i++) {
    if (data.getName(i) === name) return data.getRawDataItem(i).leads;
  }
  return null;
}"""


@pytest.fixture
def leads_demo(demo):
    if not Candidate.objects.exists():  # until the demo loads chains.demo itself
        chains_demo.load()
    return Chain.objects.get(name=CHAIN_NAME)


def test_the_map_counts_open_leads_and_a_lead_is_started_and_moved(leads_demo, page, login, shot):
    chain = leads_demo
    login("office")

    page.goto(f"/chains/{chain.pk}/map/")
    page.wait_for_function("() => window.chainMap !== undefined")
    assert page.evaluate(NODE_LEADS, "合成生物学原料") == 2  # one signed, one contacted
    assert page.evaluate(NODE_LEADS, "卫生材料及医药用品") == 0

    page.goto(f"/chains/{chain.pk}/gaps/")
    row = page.locator("#gap-table tr", has_text="卫生材料及医药用品")
    assert row.locator(".gap-leads").inner_text() == "0"
    with page.expect_navigation():
        row.locator("a.btn", has_text="建立线索").click()  # "Start a lead": the browser speaks Chinese
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    lead = Lead.objects.get(candidate__name="杭州蔚康卫生材料有限公司")
    assert page.url.endswith(f"/chains/leads/{lead.pk}/")
    page.select_option("#id_stage", LeadStage.CONTACTED.value)
    page.fill("#id_note", "电话联系对方投资总监")
    with page.expect_navigation():
        page.locator("#move-lead button[type=submit]").click()
    shot("lead")

    assert page.locator("#lead-events li").count() == 2
    lead.refresh_from_db()
    assert (lead.stage, lead.version) == (LeadStage.CONTACTED, 2)
    page.goto(f"/chains/{chain.pk}/map/")
    page.wait_for_function("() => window.chainMap !== undefined")
    assert page.evaluate(NODE_LEADS, "卫生材料及医药用品") == 1
