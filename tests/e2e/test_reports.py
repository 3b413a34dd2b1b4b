"""Reports in the browser: the dashboard's charts and figures, changing the period, a figure through to its
records, and the bulletin downloaded as PDF and workbook (read back with pdftotext and openpyxl)."""

import datetime
import re
import subprocess

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from chainserve.chains.models import Chain
from chainserve.core.models import User
from chainserve.demo import CHAIN_NAME
from chainserve.reports.document import lines
from chainserve.reports.figures import Period, Scope, compute_all

pytestmark = pytest.mark.e2e


def figures(period, chain, user="office"):
    report = compute_all(period, Scope(user=User.objects.get(username=user), chain=chain))
    return {v.figure.key: v for v in report.values}


def test_dashboard_period_change_and_click_through_to_records(demo, page, login, shot):
    chain = Chain.objects.get(name=CHAIN_NAME)
    today = timezone.localdate()
    last = today.replace(day=1) - datetime.timedelta(days=1)  # a day of the month before
    month = figures(Period.month(last.year, last.month), chain)
    year = figures(Period.year(today.year), chain)
    assert year["demands_received"].value > month["demands_received"].value
    login("office")
    page.goto(f"/reports/dashboard/?kind=month&year={last.year}&month={last.month}&chain={chain.pk}")
    page.wait_for_function("() => window.reportChartsReady === true")
    assert page.locator("#chart-map canvas").count() == 1 and page.locator("#chart-timeline canvas").count() == 1
    assert page.locator('[data-figure="demands_received"]').inner_text() == month["demands_received"].display
    assert page.evaluate("() => window.reportCharts[0].getOption().xAxis[0].data") == [last.strftime("%Y-%m")]

    # the whole year instead of the month
    page.select_option("#id_kind", "year")
    page.fill("#id_year", str(today.year))
    page.click("#apply-filters")
    page.wait_for_url(re.compile(r"kind=year"))
    page.wait_for_function("() => window.reportChartsReady === true")
    received = page.locator('[data-figure="demands_received"]')
    assert received.inner_text() == year["demands_received"].display
    assert page.locator('[data-figure="meetings_held"]').inner_text() == year["meetings_held"].display
    assert page.evaluate("() => window.reportCharts[0].getOption().series[0].data") == [
        figures(m, chain)["demands_received"].value for m in Period.year(today.year).months()]
    shot("reports-dashboard-year")

    received.click()
    page.wait_for_url(re.compile(r"/reports/records/demands_received/"))
    assert re.search(r"\d+", page.locator("#record-count").inner_text()).group() == str(year["demands_received"].value)
    assert page.locator("table tbody tr").count() == min(25, year["demands_received"].value)
    assert page.js_errors == []


def test_bulletin_downloads_as_pdf_and_workbook(demo, page, login, shot, tmp_path):
    chain = Chain.objects.get(name=CHAIN_NAME)
    today = timezone.localdate()
    report = compute_all(Period.year(today.year), Scope(user=User.objects.get(username="office"), chain=chain))
    expected = {v.figure.key: v for v in report.values}
    login("office")
    page.goto(f"/reports/?year={today.year}&chain={chain.pk}")
    lead = page.locator("#lead").inner_text()
    assert expected["meetings_held"].display in lead
    assert page.locator("#masthead").inner_text() == f"{CHAIN_NAME}工作简报"
    shot("reports-bulletin")

    # composing a year of the demo and setting it in type take seconds alone, far longer beside the other worker:
    # a wait for the download, not a timing
    with page.expect_download(timeout=120_000) as got:
        page.click("#export-pdf", timeout=120_000)
    pdf = tmp_path / "bulletin.pdf"
    got.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    words = "".join(text.split())
    assert chain.name in words
    assert "".join(lead.split()) in words

    with page.expect_download(timeout=120_000) as got:
        page.click("#export-xlsx", timeout=120_000)
    book = tmp_path / "bulletin.xlsx"
    got.value.save_as(book)
    rows = list(load_workbook(book)["指标"].iter_rows(values_only=True))
    wanted = lines(report.as_dict())
    # every figure's exact value (column E), line by line in the bulletin's order
    assert [r[4] for r in rows[1:len(wanted) + 1]] == [line.exact for line in wanted]
    assert rows[1][2] == expected["meetings_held"].value
    assert page.js_errors == []


def test_the_office_composes_and_publishes_a_bulletin(demo, page, login, shot):
    chain = Chain.objects.get(name=CHAIN_NAME)
    today = timezone.localdate()
    login("office")
    page.goto(f"/reports/?kind=quarter&year={today.year}&quarter={(today.month - 1) // 3 + 1}&chain={chain.pk}")
    page.click("#compose")
    page.wait_for_url(re.compile(r"/reports/compose/"))
    page.select_option("#id_case_1", index=1)
    page.click("#preview")
    text = page.locator("#id_case_1_text")
    assert text.input_value() != ""
    text.fill("本季度典型案例：协调办结企业诉求。")
    page.fill("#id_lead", "本季度，产业链各项工作稳步推进。")
    shot("reports-compose")
    page.click("#publish")
    page.wait_for_url(re.compile(r"/reports/bulletins/\d+/"))
    assert page.locator("#lead").inner_text() == "本季度，产业链各项工作稳步推进。"
    assert "本季度典型案例：协调办结企业诉求。" in page.locator("#typical-cases").inner_text()
    assert re.fullmatch(rf"{today.year}年第\d+期", page.locator("#issue").inner_text())
    shot("reports-published")
    assert page.js_errors == []
