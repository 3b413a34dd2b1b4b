"""The benefits editor on the rule form: its lists and words in the reader's language beside the JSON (which
stays the field that is saved, usable without JavaScript), and its live preview — what a sample enterprise would
get, computed by the server's calculator exactly in fen — with the wrong part named by its path, as the form
names it; staff only, nothing saved."""

import json

from chainserve.matching.choices import BaseKind
from chainserve.matching.models import Rule, RuleVersion

from .conftest import HITECH_EAST

WAN = 1_000_000  # fen in 1 万元
RD = {"label": "研发费用补助", "base": "rd_cost", "rate": "20%", "cap": "500"}
TIERED = {"label": "专精特新奖励", "tiers": [{"when": {"field": "labels", "op": "has", "value": "srdi"}, "amount": "50"},
                                        {"amount": "20"}]}


def preview(client, benefits, **more):
    return client.post("/matching/rules/benefits-preview/", json.dumps({"benefits": benefits, **more}),
                       content_type="application/json")


def test_the_form_carries_the_editor_beside_the_json(catalogue, client_as, settings):
    client = client_as(catalogue.users.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = client.get(f"/matching/rules/add/?policy={catalogue.hitech.pk}")

    lists = response.context["benefits_editor"]
    assert [code for code, _ in lists["bases"]] == [kind.value for kind in BaseKind]
    assert lists["headcount"] == "headcount"
    assert lists["units"] == {"wan": "万元", "yuan": "元"}
    assert lists["kinds"] == {"amount": "固定金额", "tiers": "按档次定额", "base": "按申报基数的比例"}
    assert lists["texts"]["add_item"] == "添加一项"
    html = response.content.decode()
    assert 'id="benefits-editor-catalogue" type="application/json"' in html and "matching/benefits_editor.js" in html
    assert 'data-preview="/matching/rules/benefits-preview/"' in html
    # without JavaScript the JSON is still the field: a textarea named benefits
    assert '<textarea name="benefits"' in html


def test_the_preview_computes_exactly_in_fen(catalogue, client_as):
    client = client_as(catalogue.users.office)

    share = preview(client, [RD], inputs={"rd_cost": "2400"})
    capped = preview(client, [RD], inputs={"rd_cost": "3000"})
    rounded = preview(client, [{"label": "补助", "base": "rd_cost", "rate": "33.3333%"}], inputs={"rd_cost": "0.1"})
    pending = preview(client, [RD, {"label": "奖励", "amount": "30"}])

    assert share.status_code == 200 and share.json()["amount"]["total"] == 480 * WAN
    # 500万元 is 5,000,000元, 500,000,000 fen
    assert capped.json()["amount"]["total"] == 500 * WAN == 500_000_000
    assert capped.json()["amount"]["total_yuan"] == "5,000,000.00"
    # 1000元 × 33.3333% = 333.333元, down to the fen
    assert rounded.json()["amount"]["total"] == 33333
    assert pending.json()["amount"]["complete"] is False and pending.json()["amount"]["total"] == 30 * WAN
    assert pending.json()["amount"]["pending_bases"] == ["rd_cost"]


def test_the_preview_takes_a_sample_enterprise_among_those_qualifying(catalogue, client_as):
    client = client_as(catalogue.users.office)
    nfs = catalogue.world.nfs
    hitech = {"field": "labels", "op": "has", "value": "hitech"}

    first = preview(client, [TIERED], expression=HITECH_EAST)
    none = preview(client, [TIERED])
    both = preview(client, [TIERED], expression=hitech).json()
    other = next(pk for pk, _ in both["enterprises"] if pk != nfs.pk)
    chosen = preview(client, [TIERED], expression=hitech, enterprise=other).json()

    assert first.json()["enterprise"] == [nfs.pk, nfs.name]
    assert first.json()["amount"]["total"] == 50 * WAN  # 纽福斯 is 专精特新: the first tier
    assert none.json()["enterprise"] is None and none.json()["amount"]["total"] == 20 * WAN  # otherwise
    assert [name for _, name in both["enterprises"]] == ["武汉纽福斯生物科技有限公司", "溫州康寧醫藥有限公司"]
    assert chosen["enterprise"][0] == other and chosen["amount"]["total"] == 20 * WAN


def test_the_preview_names_the_wrong_part_and_is_for_staff_only(catalogue, client_as):
    office, firm = client_as(catalogue.users.office), client_as(catalogue.users.enterprise)

    rate = preview(office, [RD, {"label": "补助", "base": "rent", "rate": "120%"}])
    declared = preview(office, [RD], inputs={"rd_cost": "十万"})
    cap = preview(office, [RD], benefit_cap="-1")
    not_json = office.post("/matching/rules/benefits-preview/", "{", content_type="application/json")
    deep = office.post("/matching/rules/benefits-preview/", "[" * 200 + "]" * 200, content_type="application/json")

    assert rate.status_code == 400 and rate.json()["path"] == "benefits[1].rate"
    assert rate.json()["error"].startswith("A rate is text with %")
    assert declared.status_code == 400 and declared.json()["path"] == "inputs.rd_cost"
    assert cap.status_code == 400 and cap.json()["path"] == "benefit_cap"
    assert not_json.status_code == 400 and deep.status_code == 400
    assert preview(firm, [RD]).status_code == 403
    assert office.get("/matching/rules/benefits-preview/").status_code == 405
    assert not Rule.objects.exists() and not RuleVersion.objects.exists()


def test_the_form_refuses_what_the_preview_refuses_with_the_same_path(catalogue, client_as):
    office = client_as(catalogue.users.office)
    bad = [RD, {"label": "补助", "base": "rent", "rate": "120%"}]

    response = office.post(f"/matching/rules/add/?policy={catalogue.hitech.pk}",
                           {"expression": json.dumps(HITECH_EAST), "benefits": json.dumps(bad, ensure_ascii=False)})

    assert response.status_code == 400
    assert response.context["form"].errors["benefits"][0].startswith("benefits[1].rate: ")
    assert 'id="id_benefits-error"' in response.content.decode()
    assert not RuleVersion.objects.exists()


def test_the_cap_per_enterprise_is_taken_as_people_type_it(catalogue, client_as):
    office = client_as(catalogue.users.office)
    url = f"/matching/rules/add/?policy={catalogue.hitech.pk}"

    def save(cap):
        return office.post(url, {"expression": json.dumps(HITECH_EAST), "benefits": json.dumps([RD]), "benefit_cap": cap})

    refused = [save(cap) for cap in ("0.001元", "-1", "三百万", "1.5亿")]
    assert [r.status_code for r in refused] == [400] * 4
    assert all(r.context["form"].errors["benefit_cap"] for r in refused) and not RuleVersion.objects.exists()
    for cap in ("300", "300万元", "３００万", "3,000,000元", "3，000，000.00 元"):
        save(cap)
    assert list(RuleVersion.objects.order_by("number").values_list("benefit_cap", flat=True)) == [300 * WAN] * 5
    assert preview(office, [RD], inputs={"rd_cost": "3000"}, benefit_cap="4,000,000元").json()["amount"]["total"] == 400 * WAN
