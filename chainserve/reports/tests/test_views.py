"""The bulletin page, its exports, the API and the command line show the same numbers; scoping and bad input;
the dashboard and the industry scale."""

import json
import re
import subprocess
from html import unescape
from io import BytesIO, StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.html import strip_tags
from openpyxl import load_workbook

from chainserve.core.models import AuditEntry
from chainserve.reports.figures import Period, Scope, compute_all
from chainserve.reports.models import Bulletin, IndustryScale

QUERY = "start=2026-01-01&end=2026-12-31"
LEAD = ("In this period, the city's industry chains received 5 enterprise demands, coordinated and resolved 2 demands, "
        "response rate 80.0%, resolution rate 66.7%, satisfaction rate 66.7%; held 3 joint meetings, held 5 joint "
        "activities, made 3 visits to enterprises; signed 3 credit agreements, credit granted CNY 6.82 billion, signed 1 investment intention; "
        "2 \"1+1\" pairings of party branches; 1 investment project landed.")


def pdf_text(content):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def words(html):
    """The text of a page (or a part of one), its tags and line breaks gone."""
    return " ".join(unescape(strip_tags(html)).split())


def test_page_api_workbook_pdf_and_command_show_the_same_numbers(year, client_as, api_as):
    report = compute_all(Period.year(2026), Scope(user=year.users.admin))
    shown = {v.figure.key: v.display for v in report.values if not v.items}
    assert (shown["agreements_credit_fen"], shown["response_rate"], shown["industry_scale"]) == ("CNY 6.82 billion", "80.0%", "CNY 660 billion")

    page = client_as(year.users.admin).get("/reports/?year=2026").content.decode()
    on_page = dict(re.findall(r'data-figure="([a-z0-9_]+)">([^<]*)</a>', page))
    assert on_page == shown
    assert LEAD in words(page)

    api = api_as(year.users.admin).get(f"/api/v1/bulletins/compute/?{QUERY}").json()
    assert {f["key"]: f["display"] for f in api["figures"] if not f["items"]} == shown
    assert {f["key"]: f["value"] for f in api["figures"]} == {v.figure.key: v.value for v in report.values}
    assert api["summary"] == LEAD

    book = load_workbook(BytesIO(client_as(year.users.admin).get(f"/reports/?{QUERY}&export=xlsx").content))
    rows = {r[1]: r for r in book["Figures"].iter_rows(min_row=2, values_only=True)}
    assert rows["Credit granted"][2:5] == (68.2, "CNY 100 million", 682_000_000_000)
    assert rows["Joint meetings held"][2] == 3
    assert rows["Response rate (响应率)"][2] == 80.0
    assert dict(r[:2] for r in book["Text"].iter_rows(min_row=2, values_only=True))["Lead paragraph"] == LEAD

    text = pdf_text(client_as(year.users.admin).get(f"/reports/?{QUERY}&export=pdf").content)
    assert "Industry Chain Work Bulletin" in " ".join(text.split()) and LEAD in " ".join(text.split())
    assert re.search(r"Credit granted\s+CNY 6\.82 billion\s", text)
    assert re.search(r"Response rate \(响应率\)\s+80\.0%\n", text)  # the rate once, with its sign
    assert re.search(r"Industry scale \(source: 明湖市统计局\)\s+CNY 660 billion\s", text)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 2

    out = StringIO()
    call_command("report", "bulletin", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "json", stdout=out)
    cli = json.loads(out.getvalue())
    assert {f["key"]: f["value"] for f in cli["figures"]} == {f["key"]: f["value"] for f in api["figures"]}


def test_command_writes_json_xlsx_and_pdf(year, tmp_path):
    for fmt in ("json", "xlsx", "pdf"):
        call_command("report", "bulletin", "--from", "2026-01-01", "--to", "2026-12-31", "--chain", str(year.chain.pk),
                     "--format", fmt, "--output", str(tmp_path / f"b.{fmt}"))
    data = json.loads((tmp_path / "b.json").read_text())
    assert (data["scope"]["chain_name"], data["summary"][:40]) == ("明湖市大健康产业链",
                                                                  "In this period, 明湖市大健康产业链 received 5 ent")
    book = load_workbook(tmp_path / "b.xlsx")
    assert [r[1:3] for r in book["Figures"].iter_rows(min_row=2, max_row=3, values_only=True)] == \
        [("Joint meetings held", 3), ("Joint activities held", 4)]
    text = pdf_text((tmp_path / "b.pdf").read_bytes())
    assert "明湖市大健康产业链 Work Bulletin" in " ".join(text.split()) and "明湖市经济和信息化局" in text


def test_every_figure_links_to_its_records(year, client_as):
    client = client_as(year.users.admin)
    page = client.get("/reports/?year=2026").content.decode()
    link = re.search(r'href="([^"]+)" data-figure="demands_resolved"', page).group(1).replace("&amp;", "&")
    assert link == f"/reports/records/demands_resolved/?{QUERY}"
    records = client.get(link).content.decode()
    assert "2 records" in records and "Records behind" in records
    item = re.search(r'href="([^"]+)" data-figure="activities_by_kind.hospital"', page).group(1).replace("&amp;", "&")
    assert "2 records" in client.get(item).content.decode()
    assert "3 records" in client.get(f"/reports/records/visits/?{QUERY}").content.decode()
    # the figures the text states link to their records too
    lead = re.search(r'<p class="bulletin-lead" id="lead">(.*?)</p>', page, re.S).group(1)
    assert re.findall(r'data-figure-text="([a-z_]+)"', lead)[:3] == ["demands_received", "demands_resolved",
                                                                      "response_rate"]
    assert 'href="/reports/records/meetings_held/?start=2026-01-01&amp;end=2026-12-31">held 3 joint meetings</a>' in lead


def test_a_bad_period_is_shown_at_its_field(year, client_as, api_as):
    page = client_as(year.users.admin).get("/reports/?kind=range&start=2026-05-01&end=2026-04-01").content.decode()
    assert "The end date cannot be before the start date." in page and "data-figure" not in page
    r = api_as(year.users.admin).get("/api/v1/bulletins/compute/?end=2026-04-01")
    assert (r.status_code, list(r.json())) == (400, ["start"])
    r = api_as(year.users.admin).get("/api/v1/bulletins/compute/?start=2026-05-01&end=2026-04-01")
    assert (r.status_code, r.json()) == (400, {"end": ["The end date cannot be before the start date."]})


@pytest.mark.parametrize("role", ["enterprise", "partner"])
def test_outsiders_see_no_report(year, client_as, api_as, role):
    user = getattr(year.users, role)
    assert client_as(user).get("/reports/?year=2026").status_code == 403
    assert client_as(user).get("/reports/dashboard/").status_code == 403
    assert client_as(user).get(f"/reports/records/meetings_held/?{QUERY}").status_code == 403
    assert api_as(user).get(f"/api/v1/bulletins/compute/?{QUERY}").status_code == 403
    assert Bulletin.objects.count() == 0


def test_dashboard_charts_read_the_same_figures(year, client_as):
    page = client_as(year.users.office).get(f"/reports/dashboard/?year=2026&chain={year.chain.pk}").content.decode()
    data = json.loads(re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page, re.S)
                      .group(1))
    assert data["monthly"]["received"] == [0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    assert data["monthly"]["resolved"] == [0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert data["monthly"]["meetings"] == [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0]
    assert data["monthly"]["activities"] == [0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0]
    assert data["departments"]["overdue"]["names"] == [year.desk.dept.name]
    assert [len(data["timeline"]["activities"]), len(data["timeline"]["agreements"])] == [4, 4]
    # the tooltip reads an amount as the language writes it (it read "6.82 CNY 100 million")
    assert {a["amount_text"] for a in data["timeline"]["agreements"]} >= {"CNY 500 million"}
    assert data["chain_map"]["name"] == "明湖市大健康产业链"
    assert 'data-figure="demands_received">5<' in page


def test_industry_scale_form(year, client_as):
    client = client_as(year.users.office)
    r = client.post("/reports/industry-scale/add/", {"chain": year.chain.pk, "year": 2025, "amount_yi": "1.00000000001",
                                                     "source": "统计局"})
    assert r.status_code == 200 and "Ensure that there are no more than 10 decimal places." in r.content.decode()
    r = client.post("/reports/industry-scale/add/", {"chain": year.chain.pk, "year": 2026, "amount_yi": "1",
                                                     "source": "统计局"})
    assert "This chain already has its scale for this year." in r.content.decode()
    r = client.post("/reports/industry-scale/add/", {"chain": year.chain.pk, "year": 2025, "amount_yi": "812.5",
                                                     "source": "统计局"})
    assert r.status_code == 302
    assert IndustryScale.objects.get(year=2025).amount_fen == 8_125_000_000_000


def test_dashboard_opens_on_the_office_s_own_chain_and_an_admin_s_on_the_city(year, client_as):
    office = client_as(year.users.office).get("/reports/dashboard/")
    assert office.context["form"].cleaned_data["chain"] == year.chain
    assert re.search(rf'<option value="{year.chain.pk}" selected>', office.content.decode())
    admin = client_as(year.users.admin).get("/reports/dashboard/")
    assert admin.context["form"].cleaned_data["chain"] is None
    # the chart boxes carry the words a chart with nothing to show says instead of empty axes
    assert 'data-l-no-overdue="No demand is overdue in this period."' in office.content.decode()


def amount_cell(page, key):
    return re.search(rf'data-figure="{key}">([^<]*)</a>', page).group(1)


def test_amounts_read_as_each_language_writes_them_on_the_bulletin_and_the_dashboard(year, client_as):
    english = client_as(year.users.admin)
    chinese = client_as(year.users.admin)
    chinese.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    pages = {lang: (c.get("/reports/?year=2026").content.decode(), c.get("/reports/dashboard/?year=2026").content.decode())
             for lang, c in (("en", english), ("zh", chinese))}

    assert [amount_cell(page, "agreements_credit_fen") for page in pages["en"]] == ["CNY 6.82 billion"] * 2
    assert [amount_cell(page, "agreements_credit_fen") for page in pages["zh"]] == ["68.2亿元"] * 2
    assert amount_cell(pages["en"][0], "industry_scale") == "CNY 660 billion"
    assert amount_cell(pages["zh"][0], "industry_scale") == "6600亿元"
    assert not any("hundred million" in page for both in pages.values() for page in both)
    assert ("本期，全市产业链受理企业诉求5件，协调解决企业诉求2件，响应率80.0%，解决率66.7%，满意率66.7%；召开联席会议3场次，"
            "举办联建活动5场次，走访企业3家次；签署授信协议3份，授信金额68.2亿元，签署投资意向协议1份；“1+1”结对共建2对；落地招商项目1个。"
            ) in words(pages["zh"][0])
    assert '<span class="note">（来源：明湖市统计局）</span>' in pages["zh"][0]
    records = chinese.get("/reports/records/activities_by_kind/?start=2026-01-01&end=2026-12-31&item=forum")
    assert "指标对应记录 <strong>分类型活动：论坛</strong>，2026年\n" in records.content.decode()
