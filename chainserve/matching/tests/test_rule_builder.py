"""The rule builder on the rule form: its lists (fields, operators, values with their labels in the reader's
language, for the enterprise and for one product, placement or agreement) and its live count of the
enterprises a rule being written selects — staff only, the wrong part named, nothing saved."""

import json

from chainserve.matching.models import Rule

from .conftest import HITECH_EAST


def preview(client, expression):
    return client.post("/matching/rules/preview/", json.dumps({"expression": expression}),
                       content_type="application/json")


def test_the_form_carries_the_builder_s_lists_in_the_reader_s_language(catalogue, client_as, settings):
    client = client_as(catalogue.users.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = client.get(f"/matching/rules/add/?policy={catalogue.hitech.pk}")

    lists = response.context["builder"]
    assert set(lists["fields"]) == {"", "product", "placement", "agreement"}
    district = next(f for f in lists["fields"][""] if f["name"] == "district")
    assert ["420102", "江南省／明湖市／东湖区"] in district["choices"]
    role = next(f for f in lists["fields"]["placement"] if f["name"] == "role")
    assert ["owner", "链主"] in role["choices"] and role["ops"][0] == "eq"
    assert (lists["ops"]["has_any"], lists["groups"]["agreement"]) == ("包含以下之一", "同一签约满足")
    html = response.content.decode()
    assert 'id="rule-builder-catalogue" type="application/json"' in html and "matching/rule_builder.js" in html


def test_the_preview_counts_and_names_the_qualifying_enterprises(catalogue, client_as):
    client = client_as(catalogue.users.office)

    east = preview(client, HITECH_EAST)
    hitech = preview(client, {"field": "labels", "op": "has", "value": "hitech"})
    owner = preview(client, {"placement": {"field": "role", "op": "eq", "value": "owner"}})

    assert east.json() == {"count": 1, "examples": ["武汉纽福斯生物科技有限公司"]}
    assert hitech.json() == {"count": 2, "examples": ["武汉纽福斯生物科技有限公司", "溫州康寧醫藥有限公司"]}
    assert owner.json() == {"count": 1, "examples": ["武汉纽福斯生物科技有限公司"]}


def test_the_preview_names_the_wrong_part_and_is_for_staff_only(catalogue, client_as):
    office, firm = client_as(catalogue.users.office), client_as(catalogue.users.enterprise)

    wrong = preview(office, {"all": [{"field": "employees", "op": "lt", "value": "many"}]})
    not_json = office.post("/matching/rules/preview/", "{", content_type="application/json")
    deep = office.post("/matching/rules/preview/", "[" * 200 + "]" * 200, content_type="application/json")

    assert wrong.status_code == 400 and wrong.json()["error"].startswith("all[0].value: ")
    assert not_json.status_code == 400 and deep.status_code == 400
    assert preview(firm, HITECH_EAST).status_code == 403
    assert office.get("/matching/rules/preview/").status_code == 405
    assert not Rule.objects.exists()
