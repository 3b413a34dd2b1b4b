"""Composing and publishing a bulletin on the page and through the API, the published bulletin as its readers
see it (page, PDF, workbook), and who may do what."""

import re
import subprocess
from io import BytesIO

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from openpyxl import load_workbook

from chainserve.registry.tests.factories import OrganizationFactory
from chainserve.reports import services
from chainserve.reports.figures import Period, Scope
from chainserve.reports.models import Bulletin, IssueCounter

YEAR = {"start": "2026-01-01", "end": "2026-12-31"}


def compose_url(year):
    return f"/reports/compose/?start=2026-01-01&end=2026-12-31&chain={year.chain.pk}"


def pdf_text(content):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def plain(text):
    return "".join(text.split())


def test_the_office_composes_previews_and_publishes(year, client_as):
    client = client_as(year.users.office)
    page = client.get(compose_url(year))
    form = page.context["form"]
    # the draft is written in the platform's language, as it will be published, whatever the office reads
    assert form["title"].value() == "明湖市大健康产业链2026年工作情况"
    assert form["lead"].value().startswith("本期，明湖市大健康产业链受理企业诉求5件")
    offered = [ref for _group, refs in form.fields["case_1"].choices[1:] for ref, _label in refs]
    assert offered == [f"demand:{year.d2.pk}", f"demand:{year.d1.pk}", *(f"agreement:{a.pk}" for a in (
        year.agreements[2], year.agreements[1], year.agreements[0], year.agreements[3]))]

    preview = client.post(compose_url(year), {"title": "", "lead": "", "case_1": f"demand:{year.d2.pk}",
                                              "case_2": f"agreement:{year.agreements[2].pk}", "preview": ""})
    filled = preview.context["form"]
    assert filled["case_1_text"].value().startswith("3月2日，武汉纽福斯生物科技有限公司提出诉求")
    assert filled["case_2_text"].value() == "12月31日，明湖农商银行与溫州康寧醫藥有限公司签署授信协议，金额45亿元。"
    assert filled["lead"].value().startswith("本期，")
    assert Bulletin.objects.count() == 0  # a preview writes nothing

    data = {k: filled[k].value() or "" for k in filled.fields}
    data.update(lead="本期，产业链各项工作稳步推进。", case_2_text="明湖农商银行为溫州康寧授信45亿元，支持新厂建设。",
                note="首次发布", publish="")
    published = client.post(compose_url(year), data)
    bulletin = Bulletin.objects.get()
    assert (published.status_code, published["Location"]) == (302, f"/reports/bulletins/{bulletin.pk}/")
    assert (bulletin.issue_label, bulletin.summary, bulletin.note) == ("No. 1, 2026", "本期，产业链各项工作稳步推进。", "首次发布")
    assert [(c["kind"], c["text"][:9]) for c in bulletin.cases] == [("demand", "3月2日，武汉纽福"), ("agreement", "明湖农商银行为溫州")]

    # the same again: refused at the form, with nothing written
    again = client.post(compose_url(year), data)
    assert again.status_code == 200
    assert again.context["form"].non_field_errors() == [
        "Nothing has changed since version 1: the figures and the text are the same, so there is no need to publish "
        "it again."]
    assert 'id="form-error"' in again.content.decode()
    assert (Bulletin.objects.count(), IssueCounter.objects.get().last) == (1, 1)


def test_compose_errors_are_shown_at_their_fields_and_nothing_is_written(year, client_as):
    client = client_as(year.users.office)
    demand = f"demand:{year.d2.pk}"
    r = client.post(compose_url(year), {"title": "简" * 201, "case_1": demand, "case_2": demand,
                                         "case_3_text": "一段没有记录的文字。", "publish": ""})
    form = r.context["form"]
    assert (r.status_code, form.errors) == (200, {
        "title": ["Ensure this value has at most 200 characters (it has 201)."],
        "case_2": ["This record is already case 1."],
        "case_3": ["Choose the record this case tells."]})
    r = client.post(compose_url(year), {"case_1": f"demand:{year.d0.pk}", "publish": ""})  # not of the period
    assert "case_1" in r.context["form"].errors
    # a chain the office does not run is not among its choices: said at the chain field, no form to publish
    r = client.get(f"/reports/compose/?start=2026-01-01&end=2026-12-31&chain={year.dchain.pk}")
    assert (r.context["filters"].errors, r.context["form"]) == (
        {"chain": ["Select a valid choice. That choice is not one of the available choices."]}, None)
    assert (Bulletin.objects.count(), IssueCounter.objects.count()) == (0, 0)


@pytest.mark.parametrize("role", ["handler", "specialist", "enterprise", "partner"])
def test_no_one_but_the_office_and_admins_composes_or_publishes(year, client_as, api_as, role):
    user = getattr(year.users, role)
    client = client_as(user)
    assert client.get(compose_url(year)).status_code == 403
    assert client.post(compose_url(year), {"publish": ""}).status_code == 403
    assert api_as(user).post("/api/v1/bulletins/publish/", YEAR, format="json").status_code == 403
    assert (Bulletin.objects.count(), IssueCounter.objects.count()) == (0, 0)


def test_the_published_bulletin_as_its_readers_see_it(year, client_as):
    office = year.users.office
    office.first_name = "周敏"
    office.organization = OrganizationFactory(name="明湖市大健康产业链办公室", kind="department")
    office.save()
    year.chain.office = office.organization
    year.chain.save()
    bulletin = services.publish(office, Period.year(2026), Scope(user=office, chain=year.chain), "",
                                cases=[(f"agreement:{year.agreements[2].pk}", "", "")])
    english, chinese = client_as(office), client_as(year.users.handler)  # staff read the published bulletins
    chinese.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page_en = english.get(bulletin.get_absolute_url()).content.decode()
    page_zh = chinese.get(bulletin.get_absolute_url()).content.decode()
    listing = client_as(year.users.admin).get("/reports/bulletins/").content.decode()

    published = timezone.localtime(bulletin.published_at).strftime("%Y-%m-%d %H:%M")
    computed = timezone.localtime(bulletin.computed_at).strftime("%Y-%m-%d %H:%M")
    assert f"Figures computed at {computed}, published {published} by 周敏 (明湖市大健康产业链办公室)." in page_en
    assert f"数据计算于{computed}，由周敏（明湖市大健康产业链办公室）于{published}发布。" in page_zh
    assert "<td>周敏 (明湖市大健康产业链办公室)</td>" in listing and "<td class=\"text-nowrap\">No. 1, 2026</td>" in listing
    assert '<p class="bulletin-issue" id="issue">2026年第1期</p>' in page_zh
    assert '<span id="issuer">明湖市大健康产业链办公室</span><span id="issue-date">2026年12月31日</span>' in page_zh
    assert re.search(r'<h1 class="bulletin-title" id="bulletin-title">明湖市大健康产业链2026年工作情况</h1>', page_zh)
    # third, the regions below: the office of no region publishes for the whole platform, whose one province has
    # one city, so its districts
    assert [r["name"] for r in bulletin.sections["children"]["rows"]] == ["东湖区", "西湖区"]
    assert re.search(r'<section id="regions-below"><h2>三、', page_zh)
    assert "<h2>四、典型案例</h2>" in page_zh and "<h3>（一）明湖农商银行—溫州康寧醫藥有限公司</h3>" in page_zh
    # a rate once with its sign, an amount whole, no unit repeated beside them
    assert 'data-figure="response_rate">80.0%</a></td>' in page_zh
    assert 'data-figure="agreements_credit_fen">68.2亿元</a></td>' in page_zh
    # the bulletin reads as published, in the platform's language, for an English reader too
    assert "% %" not in strip_tags(page_zh) and 'data-figure="agreements_credit_fen">68.2亿元</a></td>' in page_en

    text = pdf_text(english.get(f"{bulletin.get_absolute_url()}?export=pdf").content)
    flat = plain(text)
    # printed as published, in the platform's language, whoever downloads it
    for expected in ("明湖市大健康产业链工作简报", "2026年第1期", "明湖市大健康产业链办公室", "2026年12月31日",
                     plain(bulletin.summary), "一、工作动态", "二、主要成效", "四、典型案例", "附件", "2026年主要指标",
                     "2026年12月31日印发", "—1—"):
        assert expected in flat, expected
    assert re.search(r"响应率\s+80\.0%\n", text) and re.search(r"授信金额\s+68\.2亿元\n", text)
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d+", text)  # no instant with microseconds

    book = load_workbook(BytesIO(english.get(f"{bulletin.get_absolute_url()}?export=xlsx").content))
    figures = {r[1]: r for r in book["指标"].iter_rows(min_row=2, values_only=True)}
    assert figures["协调解决诉求"][2:8] == (2, None, 2, None, f"http://testserver/reports/records/demands_resolved/?start="
                                         f"2026-01-01&end=2026-12-31&chain={year.chain.pk}",
                                         f"start=2026-01-01&end=2026-12-31&chain={year.chain.pk}")
    rows = list(book["正文"].iter_rows(min_row=2, values_only=True))
    text_rows = dict(rows)
    assert [text_rows[part] for part in ("刊头", "期号", "编发单位", "日期", "期间", "导语")] == [
        "明湖市大健康产业链工作简报", "2026年第1期", "明湖市大健康产业链办公室", "2026年12月31日",
        "2026年（2026-01-01至2026-12-31）", bulletin.summary]
    case = rows.index(("典型案例1", "明湖农商银行—溫州康寧醫藥有限公司"))
    assert rows[case + 1] == (None, bulletin.cases[0]["text"])
    assert text_rows["主要成效：诉求办理"] == bulletin.sections["results"][0]["text"]


def test_publishing_through_the_api_takes_the_cases_and_is_strict(year, api_as):
    api = api_as(year.users.office)
    body = {**YEAR, "chain": year.chain.pk, "lead": "本期工作稳步推进。",
            "cases": [{"ref": f"demand:{year.d1.pk}", "text": "纽福斯政策诉求4个工作日办结。"}]}

    draft = api.get(f"/api/v1/bulletins/draft/?start=2026-01-01&end=2026-12-31&chain={year.chain.pk}").json()
    assert (draft["masthead"], draft["issuer_name"], draft["candidates"][0]) == (
        "明湖市大健康产业链工作简报", "明湖市经济和信息化局",
        {"ref": f"demand:{year.d2.pk}", "kind": "demand", "label": "武汉纽福斯生物科技有限公司：申请支持"})

    for bad, errors in [({**body, "titel": "错字"}, {"titel": ["Unknown field."]}),
                        ({**body, "cases": [{"ref": f"demand:{year.d1.pk}", "txt": "错字"}]},
                         {"cases": {"0": {"txt": ["Unknown field."]}}}),
                        ({**body, "cases": [{"ref": f"demand:{year.d4.pk}"}]},
                         {"cases": ["Case 1: choose one of this period's resolved demands or signed agreements."]})]:
        r = api.post("/api/v1/bulletins/publish/", bad, format="json")
        assert (r.status_code, r.json()) == (400, errors)
    assert Bulletin.objects.count() == 0

    r = api.post("/api/v1/bulletins/publish/", body, format="json")
    assert r.status_code == 201, r.json()
    got = r.json()
    assert (got["issue"], got["issue_number"], got["issuer_name"], got["lead"], got["changes"]) == (
        "No. 1, 2026", 1, "明湖市经济和信息化局", "本期工作稳步推进。", None)
    assert [(c["ref"], c["text"]) for c in got["cases"]] == [(f"demand:{year.d1.pk}", "纽福斯政策诉求4个工作日办结。")]
    assert [e["heading"] for e in got["sections"]["activity"]] == ["联席会议", "联建活动", "走访服务"]
    # the regions below as the draft had them (no proposals in this year: no section)
    assert (got["sections"]["children"], got["sections"]["proposals"]) == (draft["sections"]["children"], None)
    assert [r["name"] for r in got["sections"]["children"]["rows"]] == ["东湖区", "西湖区"]

    r = api.post("/api/v1/bulletins/publish/", body, format="json")
    assert (r.status_code, r.json()) == (400, {"non_field_errors": [
        "Nothing has changed since version 1: the figures and the text are the same, so there is no need to publish "
        "it again."]})
    r = api.post("/api/v1/bulletins/publish/", {**body, "cases": []}, format="json")
    assert (r.status_code, r.json()["version"], r.json()["changes"]) == (201, 2, {"figures": [], "text": ["Typical cases"]})


def test_a_new_version_starts_from_the_latest_one(year, client_as):
    office = year.users.office
    scope = Scope(user=office, chain=year.chain)
    agreement = f"agreement:{year.agreements[1].pk}"
    services.publish(office, Period.year(2026), scope, "2026年工作简报",
                     cases=[(agreement, "建行授信", "建设银行为溫州康寧授信18.2亿元。")])

    form = client_as(office).get(compose_url(year)).context["form"]
    # the generated lead paragraph is generated again (from today's figures); what the office wrote is kept
    assert [form[f].value() for f in ("title", "case_1", "case_1_title", "case_1_text", "case_2")] == [
        "2026年工作简报", agreement, "建行授信", "建设银行为溫州康寧授信18.2亿元。", None]
    assert form["lead"].value().startswith("本期，明湖市大健康产业链受理企业诉求5件")

    services.publish(office, Period.year(2026), scope, "2026年工作简报", lead="全年工作稳步推进。",
                     cases=[(agreement, "建行授信", "建设银行为溫州康寧授信18.2亿元。")])
    page = client_as(office).get(compose_url(year))
    assert page.context["form"]["lead"].value() == "全年工作稳步推进。"
    assert "Started from version 2 of No. 1, 2026" in page.content.decode()
