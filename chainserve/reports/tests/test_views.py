"""The bulletin page, its exports, the API and the command line show the same numbers; scoping and bad input."""

import json
import re
import subprocess
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from chainserve.core.models import AuditEntry
from chainserve.reports.figures import Period, Scope, compute_all
from chainserve.reports.models import Bulletin, IndustryScale

QUERY = "start=2026-01-01&end=2026-12-31"
SUMMARY = ("Held 3 joint meetings, held 5 joint activities, coordinated and resolved 2 demands, "
           "signed credit agreements of CNY 6.82 billion.")


def pdf_text(content):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def test_page_api_workbook_pdf_and_command_show_the_same_numbers(year, client_as, api_as):
    report = compute_all(Period.year(2026), Scope(user=year.users.admin))
    shown = {v.figure.key: v.display for v in report.values if not v.items}
    assert (shown["agreements_credit_fen"], shown["response_rate"], shown["industry_scale"]) == ("CNY 6.82 billion", "80.0%", "CNY 660 billion")

    page = client_as(year.users.admin).get("/reports/?year=2026").content.decode()
    on_page = dict(re.findall(r'data-figure="([a-z0-9_]+)">([^<]*)</a>', page))
    assert on_page == shown
    assert SUMMARY in page

    api = api_as(year.users.admin).get(f"/api/v1/bulletins/compute/?{QUERY}").json()
    assert {f["key"]: f["display"] for f in api["figures"] if not f["items"]} == shown
    assert {f["key"]: f["value"] for f in api["figures"]} == {v.figure.key: v.value for v in report.values}
    assert api["summary"] == SUMMARY

    book = load_workbook(BytesIO(client_as(year.users.admin).get(f"/reports/?{QUERY}&export=xlsx").content))
    rows = {r[1]: r for r in book.active.iter_rows(min_row=2, values_only=True) if r and r[1]}
    assert rows["Credit granted"][2:5] == (68.2, "CNY 100 million", 682_000_000_000)
    assert rows["Joint meetings held"][2] == 3
    assert rows["Response rate (响应率)"][2] == 80.0
    assert next(r for r in book.active.iter_rows(values_only=True) if r and r[0] == "Summary")[1] == SUMMARY

    text = pdf_text(client_as(year.users.admin).get(f"/reports/?{QUERY}&export=pdf").content)
    words = " ".join(text.split())
    assert "Industry Chain Work Bulletin" in words and SUMMARY in words
    assert re.search(r"Credit granted\s+CNY 6\.82 billion\s", text)
    assert re.search(r"Industry scale \(明湖市统计局\)\s+CNY 660 billion\s", text)
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
    assert (data["scope"]["chain_name"], data["summary"]) == ("明湖市大健康产业链", SUMMARY.replace("held 5", "held 4"))
    book = load_workbook(tmp_path / "b.xlsx")
    assert [r[1:3] for r in book.active.iter_rows(min_row=2, max_row=3, values_only=True)] == \
        [("Joint meetings held", 3), ("Joint activities held", 4)]
    assert "明湖市大健康产业链" in pdf_text((tmp_path / "b.pdf").read_bytes())


def test_every_figure_links_to_its_records(year, client_as):
    client = client_as(year.users.admin)
    page = client.get("/reports/?year=2026").content.decode()
    link = re.search(r'href="([^"]+)" data-figure="demands_resolved"', page).group(1).replace("&amp;", "&")
    assert link == f"/reports/records/demands_resolved/?{QUERY}"
    records = client.get(link).content.decode()
    assert "2 records" in records and "Records behind" in records
    item = re.search(r'href="([^"]+)" data-figure="activities_by_kind.hospital"', page).group(1).replace("&amp;", "&")
    assert "2 records" in client.get(item).content.decode()


def test_a_bad_period_is_shown_at_its_field(year, client_as, api_as):
    page = client_as(year.users.admin).get("/reports/?kind=range&start=2026-05-01&end=2026-04-01").content.decode()
    assert "The end date cannot be before the start date." in page and "data-figure" not in page
    r = api_as(year.users.admin).get("/api/v1/bulletins/compute/?end=2026-04-01")
    assert (r.status_code, list(r.json())) == (400, ["start"])
    r = api_as(year.users.admin).get("/api/v1/bulletins/compute/?start=2026-05-01&end=2026-04-01")
    assert (r.status_code, r.json()) == (400, {"end": ["The end date cannot be before the start date."]})


def test_a_title_too_long_is_refused_with_nothing_written(year, client_as, api_as):
    r = client_as(year.users.office).post("/reports/publish/", {"start": "2026-01-01", "end": "2026-12-31",
                                                                "title": "简" * 201}, follow=True)
    assert "Ensure this value has at most 200 characters (it has 201)." in r.content.decode()
    r = api_as(year.users.office).post("/api/v1/bulletins/publish/", {"start": "2026-01-01", "end": "2026-12-31",
                                                                      "title": "简" * 201})
    assert (r.status_code, list(r.json())) == (400, ["title"])
    assert Bulletin.objects.count() == 0


@pytest.mark.parametrize("role", ["enterprise", "partner"])
def test_outsiders_see_no_report(year, client_as, api_as, role):
    user = getattr(year.users, role)
    assert client_as(user).get("/reports/?year=2026").status_code == 403
    assert client_as(user).get("/reports/dashboard/").status_code == 403
    assert client_as(user).get(f"/reports/records/meetings_held/?{QUERY}").status_code == 403
    assert api_as(user).get(f"/api/v1/bulletins/compute/?{QUERY}").status_code == 403
    assert client_as(user).post("/reports/publish/", {"start": "2026-01-01", "end": "2026-12-31"}).status_code == 403
    assert Bulletin.objects.count() == 0


def test_publish_from_the_page_and_read_it_back(year, client_as, api_as):
    client = client_as(year.users.office)
    r = client.post("/reports/publish/", {"start": "2026-01-01", "end": "2026-12-31", "chain": year.chain.pk,
                                          "title": "=HYPERLINK(1)"})
    bulletin = Bulletin.objects.get()
    assert (r.status_code, r["Location"], bulletin.title, bulletin.published_by) == \
        (302, f"/reports/bulletins/{bulletin.pk}/", "=HYPERLINK(1)", year.users.office)
    page = client.get(r["Location"]).content.decode()
    assert "version 1" in page and "Joint meetings held" in page
    book = load_workbook(BytesIO(client.get(f"{r['Location']}?export=xlsx").content))
    title_row = next(row for row in book.active.iter_rows(values_only=True) if row[0] == "Title")
    assert title_row[1] == "'=HYPERLINK(1)"
    assert "version 1" in pdf_text(client.get(f"{r['Location']}?export=pdf").content)
    api = api_as(year.users.office).get(f"/api/v1/bulletins/{bulletin.pk}/").json()
    assert (api["version"], api["summary"], api["figures"]) == (1, bulletin.summary, bulletin.data)
    # a handler may read it but not publish
    assert client_as(year.users.handler).get(r["Location"]).status_code == 200
    r = api_as(year.users.handler).post("/api/v1/bulletins/publish/", {"start": "2026-01-01", "end": "2026-12-31"})
    assert (r.status_code, Bulletin.objects.count()) == (403, 1)


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
    from django.conf import settings

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
    assert "<strong>摘要：</strong> 召开联席会议3场次，举办活动5场次，协调解决诉求2个，签署授信协议金额68.2亿元。" in pages["zh"][0]
    assert '<div class="small text-muted">来源：明湖市统计局</div>' in pages["zh"][0]
    records = chinese.get("/reports/records/activities_by_kind/?start=2026-01-01&end=2026-12-31&item=forum")
    assert "指标对应记录 <strong>分类型活动：论坛</strong>，2026年\n" in records.content.decode()


def test_a_published_bulletin_names_its_publisher_and_unit_never_the_login(year, client_as):
    from django.conf import settings

    from chainserve.registry.tests.factories import OrganizationFactory
    from chainserve.reports import services

    office = year.users.office
    office.first_name = "周敏"
    office.organization = OrganizationFactory(name="明湖市大健康产业链办公室", kind="department")
    office.save()
    bulletin = services.publish(office, Period.year(2026), Scope(user=office, chain=year.chain), "2026年简报")
    by_admin = services.publish(year.users.admin, Period.year(2026), Scope(user=year.users.admin), "全市简报")
    english, chinese = client_as(office), client_as(office)
    chinese.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page_en = english.get(bulletin.get_absolute_url()).content.decode()
    page_zh = chinese.get(bulletin.get_absolute_url()).content.decode()
    listing = client_as(year.users.admin).get("/reports/bulletins/").content.decode()

    published = date_of(bulletin)
    assert f"published {published} by 周敏 (明湖市大健康产业链办公室)." in page_en
    assert f"由周敏（明湖市大健康产业链办公室）于{published}发布" in page_zh
    assert "<td>周敏 (明湖市大健康产业链办公室)</td>" in listing
    # an account that keeps no name (the test's admin) is shown by its login, as before
    assert (bulletin.publisher, by_admin.publisher) == ("周敏 (明湖市大健康产业链办公室)", "admin")
    # the frozen amounts read as each language writes them, with no unit repeated beside them
    assert '<td class="text-end">CNY 6.82 billion</td><td class="small text-muted"></td>' in page_en
    assert '<td class="text-end">68.2亿元</td><td class="small text-muted"></td>' in page_zh


def date_of(bulletin):
    from django.utils import timezone

    return timezone.localtime(bulletin.published_at).strftime("%Y-%m-%d %H:%M")
