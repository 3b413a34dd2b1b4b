"""The proposal figures (建议提案): exact counts on a known year, the same on the page, in the workbook and the API;
who may see them."""

import re
from html import unescape
from io import BytesIO
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from chainserve.core.models import AuditEntry
from chainserve.demands import services as ds
from chainserve.demands.choices import Channel
from chainserve.demands.models import Demand
from chainserve.demands.tests.factories import local
from chainserve.reports.figures import Period, Scope
from chainserve.reports.figures import proposals as pf

from .test_views import words

YEAR_END = local(2026, 12, 31, 18)
# name, received, answered, answered on time, on-time rate, A, B, C, not graded yet
UNITS = [("No lead unit yet", 1, 0, 0, 0.0, 0, 0, 0, 1)]
CHANNELS = [("NPC deputies' proposals (人大建议)", 3, 2, 1, 33.3, 1, 1, 0, 1),
            ("CPPCC proposals (政协提案)", 2, 2, 2, 100.0, 0, 0, 1, 1)]
TOTAL = ("Total", 5, 4, 3, 60.0, 1, 1, 1, 2)


@pytest.fixture
def proposals(desk, clock):
    """2026 proposals on the city chain (纽福斯 and 溫州康寧 are on it), recorded by the specialist:
      p1 人大建议, 2 Feb, lead 经信局, answered at once, resolved, grade A
      p2 人大建议, 2 Mar, lead 经信局, answered 10 Mar (its deadline was 4 Mar: late), resolved, grade B
      p3 政协提案, 6 Apr, lead 市场监管局, answered at once, closed not solved, grade C
      p4 政协提案, 4 May, lead 市场监管局, answered at once, still being handled (not graded)
      p5 人大建议, 1 Jun, never dispatched: no lead unit, its answer deadline passed
      p6 政协提案, 1 Jul, rejected (not counted); p0 人大建议 of 15 Dec 2025 (another year);
      a visit demand of 3 Mar answered late by 经信局 (not a proposal).
    """
    u = desk.users

    def proposal(when, channel, org=None):
        clock.set(*when)
        return ds.submit(u.specialist, ds.Intake(org or desk.nfs, desk.policy, "关于支持生物医药产业发展的建议",
                                                 "建议加大支持力度。", channel=channel, proposer="张代表"))

    def handled(d, lead, answer_at=None, close=None):
        ds.dispatch(d, u.office, lead, [])
        if answer_at:
            clock.set(*answer_at)
        handler = u.handler if lead == desk.dept else desk.handler2
        d = ds.answer(d, handler, "已收悉，正在办理。")
        if close:
            resolved, grade = close
            d = ds.close(d, handler, resolved, "已答复。" if resolved else "暂无法解决。", grade)
        return d

    p = SimpleNamespace()
    p.p0 = handled(proposal((2025, 12, 15, 10), Channel.NPC), desk.dept, close=(True, "A"))
    p.p1 = handled(proposal((2026, 2, 2, 10), Channel.NPC), desk.dept, close=(True, "A"))
    p.p2 = handled(proposal((2026, 3, 2, 10), Channel.NPC), desk.dept, answer_at=(2026, 3, 10, 10),
                   close=(True, "B"))
    p.visit = handled(ds.submit(u.specialist, ds.Intake(desk.nfs, desk.policy, "申请支持", "企业需要协调。",
                                                        channel=Channel.VISIT)), desk.dept, answer_at=(2026, 3, 13, 10))
    p.p3 = handled(proposal((2026, 4, 6, 10), Channel.CPPCC, desk.wz), desk.market, close=(False, "C"))
    p.p4 = handled(proposal((2026, 5, 4, 10), Channel.CPPCC), desk.market)
    p.p5 = proposal((2026, 6, 1, 10), Channel.NPC, desk.wz)
    p.p6 = ds.reject(proposal((2026, 7, 1, 10), Channel.CPPCC), u.office, "不属于受理范围。")
    clock.now = YEAR_END
    return SimpleNamespace(desk=desk, users=u, **vars(p))


def units(desk):
    """The lead units by name (明湖市市场监督管理局 before 明湖市经济和信息化局), then the proposals with none."""
    return [(desk.market.name, 2, 2, 2, 100.0, 0, 0, 1, 1), (desk.dept.name, 2, 2, 1, 50.0, 1, 1, 0, 0), *UNITS]


def texts(html):
    """The rows of a table as text, a space between cells."""
    return [" ".join(re.sub(r"<[^>]+>", " ", unescape(r)).split()) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)]


def rows(lines):
    return [(str(line.name), *line.values()) for line in lines]


def test_figures_count_by_channel_lead_unit_and_grade(proposals):
    desk = proposals.desk
    assert Demand.objects.get(pk=proposals.p2.pk).answer_due == local(2026, 3, 4, 23, 59, 59)  # answered on 10 Mar: late
    figures = pf.compute(Period.year(2026), Scope(user=proposals.users.admin))
    assert rows(figures.units) == units(desk)
    assert rows(figures.channels) == CHANNELS
    assert rows([figures.total]) == [TOTAL]
    assert figures.summary == ("Received 5 proposals: 3 NPC deputies' proposals and 2 CPPCC proposals; 3 answered on "
                               "time, on-time rate 60.0%.")
    # the office of the city chain sees the same; the district chain has none; 2025 has p0 alone
    office = pf.compute(Period.year(2026), Scope(user=proposals.users.office))
    assert rows(office.units) == units(desk) and rows([office.total]) == [TOTAL]
    district = pf.compute(Period.year(2026), Scope(user=proposals.users.admin, chain=desk.dchain))
    assert (district.units, rows([district.total])) == ([], [("Total", 0, 0, 0, None, 0, 0, 0, 0)])
    assert rows([pf.compute(Period.year(2025), Scope()).total]) == [("Total", 1, 1, 1, 100.0, 1, 0, 0, 0)]


def test_page_shows_the_tables_chart_and_link(proposals, client_as):
    response = client_as(proposals.users.office).get("/reports/proposals/?year=2026")
    assert response.status_code == 200
    html = response.content.decode()
    table = re.search(r'id="proposals-units">(.*?)</table>', html, re.S).group(1)
    assert texts(table)[1:] == [
        f"{proposals.desk.market.name} 2 2 2 100.0% 0 0 1 1", f"{proposals.desk.dept.name} 2 2 1 50.0% 1 1 0 0",
        "No lead unit yet 1 0 0 0.0% 0 0 0 1", "Total 5 4 3 60.0% 1 1 1 2"]
    channels = re.search(r'id="proposals-channels">(.*?)</table>', html, re.S).group(1)
    assert texts(channels)[1:] == ["NPC deputies' proposals (人大建议) 3 2 1 33.3% 1 1 0 1",
                                   "CPPCC proposals (政协提案) 2 2 2 100.0% 0 0 1 1", "Total 5 4 3 60.0% 1 1 1 2"]
    assert "Received 5 proposals" in words(html)
    assert 'id="proposals-data"' in html and "vendor/echarts-6.1.0/echarts.min.js" in html
    assert 'href="/reports/proposals/" id="nav-proposals"' in html


def test_workbook_has_the_same_numbers_and_is_audited(proposals, client_as):
    response = client_as(proposals.users.admin).get("/reports/proposals/?year=2026&export=xlsx")
    assert response.status_code == 200 and response["Content-Disposition"] == 'attachment; filename="proposals.xlsx"'
    book = load_workbook(BytesIO(response.content))
    assert [tuple(r) for r in book["Lead units"].iter_rows(values_only=True)] == [
        ("Lead unit", "Received", "Answered", "Answered on time", "On-time rate", "Grade A", "Grade B", "Grade C",
         "Not graded yet"), *units(proposals.desk), TOTAL]
    assert [tuple(r) for r in book["Channels"].iter_rows(min_row=2, values_only=True)] == [*CHANNELS, TOTAL]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, detail__startswith="reports.proposals?").count() == 1


def test_workbook_neutralises_formulas(proposals, client_as):
    proposals.desk.market.name = "=HYPERLINK(\"http://x\")"
    proposals.desk.market.save(update_fields=["name"])
    book = load_workbook(BytesIO(client_as(proposals.users.admin).get("/reports/proposals/?year=2026&export=xlsx")
                                 .content))
    names = [r[0] for r in book["Lead units"].iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://x\")" in names and not any(n.startswith("=") for n in names)


def test_api_gives_the_page_figures(proposals, api_as):
    response = api_as(proposals.users.office).get("/api/v1/proposals/?start=2026-01-01&end=2026-12-31")
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == {"key": None, "name": "Total", "received": 5, "answered": 4, "answered_on_time": 3,
                             "due_for_answer": 5, "on_time_rate": 60.0, "grades": {"A": 1, "B": 1, "C": 1, "none": 2}}
    assert [(c["key"], c["received"], c["on_time_rate"]) for c in data["channels"]] == [("npc", 3, 33.3),
                                                                                         ("cppcc", 2, 100.0)]
    assert [(u["key"], u["name"], u["answered_on_time"], u["on_time_rate"]) for u in data["units"]] == [
        (str(proposals.desk.market.pk), proposals.desk.market.name, 2, 100.0),
        (str(proposals.desk.dept.pk), proposals.desk.dept.name, 1, 50.0), (None, "No lead unit yet", 0, 0.0)]
    chain = api_as(proposals.users.admin).get(f"/api/v1/proposals/?start=2026-01-01&end=2026-12-31"
                                              f"&chain={proposals.desk.dchain.pk}").json()
    assert (chain["units"], chain["total"]["received"]) == ([], 0)


@pytest.mark.parametrize("query, field", [("year=2026", "year"), ("start=2026-01-01", "end"),
                                          ("start=2026-12-31&end=2026-01-01", "end")])
def test_api_bad_query_is_a_400_naming_the_field(proposals, api_as, query, field):
    response = api_as(proposals.users.admin).get(f"/api/v1/proposals/?{query}")
    assert response.status_code == 400 and field in response.json()


def test_page_bad_period_is_a_400_at_its_field(proposals, client_as):
    response = client_as(proposals.users.admin).get("/reports/proposals/?kind=range&start=2026-12-31&end=2026-01-01")
    assert response.status_code == 400
    assert "The end date cannot be before the start date." in response.content.decode()


@pytest.mark.parametrize("role", ["handler", "specialist", "enterprise", "partner"])
def test_others_get_403_and_no_export(proposals, client_as, api_as, role):
    user = getattr(proposals.users, role)
    exports = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count()
    assert client_as(user).get("/reports/proposals/?year=2026").status_code == 403
    assert client_as(user).get("/reports/proposals/?year=2026&export=xlsx").status_code == 403
    assert api_as(user).get("/api/v1/proposals/?start=2026-01-01&end=2026-12-31").status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == exports
    assert 'id="nav-proposals"' not in client_as(user).get("/").content.decode()


def test_signed_out_goes_to_login(proposals, client_as, api_as):
    response = client_as(None).get("/reports/proposals/?year=2026")
    assert response.status_code == 302 and "login" in response["Location"]
    assert api_as(None).get("/api/v1/proposals/?start=2026-01-01&end=2026-12-31").status_code in (401, 403)


def test_schema_describes_one_object_of_figures(world, api_as):
    paths = api_as(world.users.admin).get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    ok = paths["/api/v1/proposals/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/ProposalFigures"}
