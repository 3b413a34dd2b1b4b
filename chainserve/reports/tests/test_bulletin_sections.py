"""The bulletin's regions below (各区（县）诉求办理情况) and proposals (建议提案办理情况): composed with the figures, frozen
when published (a later demand changes nothing), printed on the page, in the PDF and in the workbook; the demand
metrics page's proposals panel counts the same."""

import re
import subprocess
from collections import Counter
from html import unescape
from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext, pgettext
from openpyxl import load_workbook

from chainserve.demands import services as ds
from chainserve.demands.models import Category
from chainserve.demands.proposals import Line
from chainserve.reports import rollup, services
from chainserve.reports.document import compose, from_bulletin
from chainserve.reports.exports import pdf_bytes
from chainserve.reports.figures import COUNT, PERCENT, Period, Scope, display
from chainserve.reports.figures import proposals as pf
from chainserve.reports.models import Bulletin

from .test_proposals import CHANNELS, TOTAL, proposals, texts  # noqa: F401  (fixture)
from .test_rollup import rows

YEAR = Period.year(2026)
DISTRICTS = [("东湖区", {"demands_received": 4, "demands_resolved": 2, "response_rate": 100.0, "resolution_rate": 66.7,
                        "satisfaction_rate": 66.7}),
             ("西湖区", {"demands_received": 1, "demands_resolved": 0, "response_rate": 0.0, "resolution_rate": None,
                        "satisfaction_rate": None})]
COUNTED = ("demands_received", "demands_resolved")


def pdf_text(content):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def frozen(bulletin, key):
    return next(f["value"] for f in bulletin.data["figures"] if f["key"] == key)


def city_office(year):
    city, office = year.world.dong.parent, year.users.office
    office.region = city
    office.save()
    return city, office


def zh_text(msgid, context=None):
    """Words as the published bulletin prints them (in the platform's language: frozen so when published)."""
    with translation.override("zh-hans"):
        return pgettext(context, msgid) if context else gettext(msgid)


UNITS = {"demands_received": COUNT, "demands_resolved": COUNT, "response_rate": PERCENT,
         "resolution_rate": PERCENT, "satisfaction_rate": PERCENT}


def test_a_city_s_published_bulletin_lists_its_districts_as_the_live_rollup_frozen_at_publication(year, client_as):
    city, office = city_office(year)
    live = [(child.name, {v.figure.key: v.value for v in report.values})
            for child, report in rollup.children(YEAR, Scope(user=office, district=city))]

    bulletin = services.publish(office, YEAR, Scope(user=office, district=city))

    children = bulletin.sections["children"]
    assert live == DISTRICTS
    assert [(r["name"], r["figures"]) for r in children["rows"]] == live
    assert [r["region"] for r in children["rows"]] == [year.world.dong.pk, year.world.xi.pk]
    assert (children["heading"], children["column"]) == (
        zh_text("Demands handled in each district (county)", "bulletin section"),
        zh_text("District (county)", "bulletin table"))
    # the rows sum to the city's counts, which the total row states
    for key in COUNTED:
        assert sum(r["figures"][key] for r in children["rows"]) == children["total"][key] == frozen(bulletin, key)
    assert children["total"]["response_rate"] == 80.0  # over the union (4 of 5), not the average of 100.0 and 0.0

    # a later demand of 东湖区: the live figures move, the published bulletin does not
    year.clock.advance(hours=1)
    ds.submit(year.users.specialist, ds.Intake(year.world.nfs, Category.objects.get(slug="policy"), "申请支持",
                                               "企业需要协调。", channel="visit"))
    assert rollup.children(YEAR, Scope(user=office, district=city))[0][1].value("demands_received") == 5
    again = Bulletin.objects.get(pk=bulletin.pk)
    assert again.sections["children"] == children
    assert from_bulletin(again).children == children

    page = client_as(office).get(bulletin.get_absolute_url()).content.decode()
    assert rows(page) == {name: {k: display(unit, figures[k]) for k, unit in UNITS.items()} for name, figures in DISTRICTS}
    assert 'id="regions-below"' in page and page.index('id="main-results"') < page.index('id="regions-below"')
    # the live bulletin now counts 5 in 东湖区; the published one still 4
    now = client_as(office).get(f"/reports/?year=2026&region={city.pk}").content.decode()
    assert rows(now)["东湖区"]["demands_received"] == "5"


def test_the_pdf_and_the_workbook_print_the_districts_and_their_total(year, client_as):
    city, office = city_office(year)
    bulletin = services.publish(office, YEAR, Scope(user=office, district=city))
    client = client_as(office)

    pdf = pdf_text(client.get(bulletin.get_absolute_url() + "?export=pdf").content)
    book = load_workbook(BytesIO(client.get(bulletin.get_absolute_url() + "?export=xlsx").content))

    lines = [" ".join(line.split()) for line in pdf.splitlines()]
    assert "东湖区 4 2 100.0% 66.7% 66.7%" in lines
    assert "西湖区 1 0 0.0% — —" in lines
    assert "".join(f"{zh_text('Total', 'bulletin table')} 5 2 80.0% 66.7% 66.7%".split()) in [
        "".join(line.split()) for line in lines]
    assert book.sheetnames == [zh_text("Figures"), zh_text("Text"), zh_text("Regions below")]
    sheet = book[zh_text("Regions below")]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        [zh_text("District (county)", "bulletin table"), zh_text("Demands received", "bulletin table"),
         zh_text("Resolved", "bulletin table"),
         *(zh_text(h) for h in ("Response rate", "Resolution rate", "Satisfaction rate"))],
        ["东湖区", 4, 2, 100, 66.7, 66.7], ["西湖区", 1, 0, 0, None, None],
        [zh_text("Total", "bulletin table"), 5, 2, 80, 66.7, 66.7]]


def test_a_bulletin_of_a_region_with_nothing_below_has_no_such_section(year, client_as):
    _city, office = city_office(year)
    bulletin = services.publish(office, YEAR, Scope(user=office, district=year.world.dong))

    assert bulletin.sections["children"] is None and bulletin.sections["proposals"] is None
    page = client_as(office).get(bulletin.get_absolute_url()).content.decode()
    assert 'id="regions-below"' not in page and 'id="proposals"' not in page
    book = load_workbook(BytesIO(client_as(office).get(bulletin.get_absolute_url() + "?export=xlsx").content))
    assert len(book.sheetnames) == 2  # the figures and the text, no empty sheet


def test_the_bulletin_states_the_proposals_by_channel_and_grade_frozen_when_published(proposals, client_as):  # noqa: F811
    admin, office = proposals.users.admin, proposals.users.office
    figures = pf.compute(YEAR, Scope(user=office))
    with translation.override("zh-hans"):  # as it is published: in the platform's language
        draft = compose(office, YEAR, Scope(user=office))

    bulletin = services.publish(office, YEAR, Scope(user=office))

    frozen_ = bulletin.sections["proposals"]
    assert frozen_ == draft.proposals
    with translation.override("zh-hans"):
        assert frozen_["text"] == pf.compute(YEAR, Scope(user=office)).summary
    expected = [(zh_text(c[0]), *c[1:]) for c in [*CHANNELS, TOTAL]]
    assert [(line["name"], line["received"], line["answered"], line["answered_on_time"], line["on_time_rate"],
             *line["grades"].values()) for line in [*frozen_["channels"], frozen_["total"]]] == expected
    assert frozen_["total"]["received"] == figures.total.received == 5

    # a later proposal changes the live figures, not the published ones
    ds.submit(proposals.users.specialist, ds.Intake(proposals.desk.nfs, proposals.desk.policy, "关于人才引进的建议",
                                                    "建议完善人才政策。", channel="npc", proposer="李委员"))
    assert pf.compute(YEAR, Scope(user=office)).total.received == 6
    assert Bulletin.objects.get(pk=bulletin.pk).sections["proposals"] == frozen_

    page = client_as(admin).get(bulletin.get_absolute_url()).content.decode()
    table = texts(page[page.index('id="proposal-figures"'):page.index("</table>", page.index('id="proposal-figures"'))])
    assert table[1] == f"{zh_text(CHANNELS[0][0])} 3 2 1 33.3% 1 1 0 1"
    assert len(table) == 4  # the heads, two channels, the total
    pdf = "".join(pdf_text(client_as(admin).get(bulletin.get_absolute_url() + "?export=pdf").content).split())
    assert "".join(frozen_["text"].split()) in pdf
    book = load_workbook(BytesIO(client_as(admin).get(bulletin.get_absolute_url() + "?export=xlsx").content))
    sheet = book[zh_text("Proposals")]
    values = [tuple(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert values[:3] == expected
    assert values[4][0] == zh_text("Lead unit") and [v[0] for v in values[5:]] == [
        proposals.desk.market.name, proposals.desk.dept.name, zh_text("No lead unit yet")]


def test_the_metrics_page_has_the_proposals_panel_of_the_same_figures(proposals, client_as):  # noqa: F811
    office = proposals.users.office

    page = client_as(office).get("/demands/metrics/?from=2026-01-01&to=2026-12-31")
    handler = client_as(proposals.users.handler).get("/demands/metrics/?from=2026-01-01&to=2026-12-31")

    panel = page.context["proposals"]
    expected = pf.compute(YEAR, Scope(user=office))
    assert [(str(line.name), *line.values()) for line in [*panel.channels, panel.total]] == [*CHANNELS, TOTAL]
    assert [line.values() for line in panel.units] == [line.values() for line in expected.units]
    html = page.content.decode()
    assert 'id="proposals-panel"' in html and panel.summary in unescape(html)
    assert texts(html[html.index('id="proposals-channels"'):html.index("</table>", html.index('id="proposals-channels"'))])[1] == \
        "NPC deputies' proposals (人大建议) 3 2 1 33.3% 1 1 0 1"
    assert handler.status_code == 200 and handler.context["proposals"] is None
    assert 'id="proposals-panel"' not in handler.content.decode()


LONG_NAMES = ["克孜勒苏柯尔克孜自治州", "黔东南苗族侗族自治州", "恩施土家族苗族自治州", "博尔塔拉蒙古自治州",
              "湘西土家族苗族自治州", "延边朝鲜族自治州", "海西蒙古族藏族自治州"]
A4_WIDTH, RIGHT_MARGIN = 595.28, 24 / 25.4 * 72  # points: the page and its right margin (bulletin_pdf.html)


def test_the_pdf_tables_keep_to_the_page_with_seven_long_named_regions_and_large_counts(year):
    city, office = city_office(year)
    with translation.override("zh-hans"):
        doc = compose(office, YEAR, Scope(user=office, district=city))
        row = doc.children["rows"][0]
        doc.children["rows"] = [{**row, "region": n, "name": name,
                                 "figures": {**row["figures"], "demands_received": 1234567, "demands_resolved": 1234567}}
                                for n, name in enumerate(LONG_NAMES)]
        line = Line("npc", "人大建议", Counter(received=123456, answered=123456, answered_on_time=123456,
                                             due_for_answer=123456, **{"grade:A": 123456})).as_dict()
        doc.proposals = {"heading": "建议提案办理情况", "text": "共收到建议提案123456件。", "channels": [line, line],
                         "units": [], "total": line}
        pdf = pdf_bytes(doc)

    words = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', words))
    assert right <= A4_WIDTH - RIGHT_MARGIN + 1
    text = pdf_text(pdf)
    assert all(name in text for name in LONG_NAMES) and "1234567" in text and "123456" in text
