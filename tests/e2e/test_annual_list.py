"""An annual list in the browser: the owner reports progress on a sub-item with its evidence, and the public
page — read without logging in — shows the parent's and the list's weighted progress; the registration's
print button works under the Content-Security-Policy."""

import pytest
from django.utils import timezone

from chainserve.coordination.choices import ItemStatus
from chainserve.coordination.models import AnnualList, ItemUpdate, ListItem, Registration
from chainserve.coordination.services import weighted_progress

pytestmark = pytest.mark.e2e


def test_public_page_shows_weighted_progress_after_an_update(demo, page, login, tmp_path):
    annual = AnnualList.objects.get(year=timezone.localdate().year)
    platform = ListItem.objects.get(annual_list=annual, code="1.2")
    # The demo's list: 1 (weight 3) = 1.1 (weight 2) and 1.2 (weight 1, behind schedule); then 2 to 7.
    items = {i.code: i for i in ListItem.objects.filter(annual_list=annual)}
    assert items["1.2"].status == ItemStatus.DELAYED and 30 <= items["1.2"].progress <= 60
    assert items["1"].progress == weighted_progress([(items["1.1"].progress, 2), (items["1.2"].progress, 1)])
    parent = weighted_progress([(items["1.1"].progress, 2), (90, 1)])
    overall = weighted_progress([(parent if code == "1" else i.progress, i.weight) for code, i in items.items()
                                 if i.parent_id is None])

    login("office")
    page.goto(platform.get_absolute_url())
    evidence = tmp_path / "验收报告.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% evidence\n")
    page.fill("#id_update-text", "公共实验平台设备安装调试完成。")
    page.fill("#id_update-progress", "90")
    page.set_input_files("#id_update-evidence", str(evidence))
    with page.expect_navigation():
        page.locator("#update-form button[type=submit]").click()
    assert "90%" in page.locator("#item-progress").inner_text()
    assert "验收报告.pdf" in page.locator("#timeline").inner_text()
    assert ItemUpdate.objects.get(item=platform, progress=90).evidence_name == "验收报告.pdf"

    # Anyone, without logging in.
    page.context.clear_cookies()
    page.goto(annual.get_public_url())
    assert page.locator("tr[data-code='1'] .item-progress").inner_text().strip() == f"{parent}%"
    assert page.locator("tr[data-code='1.2'] .item-progress").inner_text().strip() == "90%"
    assert page.locator("#overall").inner_text() == f"{overall}%"
    assert "公共实验平台设备安装调试完成。" in page.locator("#timeline").inner_text()
    assert "验收报告.pdf" not in page.content()
    assert page.locator("form[action*='logout']").count() == 0  # nobody is logged in


def test_registration_print_button_prints_without_inline_script(demo, page, login):
    reg = Registration.objects.order_by("pk").first()
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    login("office")
    page.goto(reg.get_absolute_url())
    assert page.locator("#print").get_attribute("onclick") is None
    page.click("#print")
    assert page.evaluate("window.__printed") == 1
