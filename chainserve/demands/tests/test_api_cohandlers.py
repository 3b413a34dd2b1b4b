"""A demand's co-handlers in the API by id and name (departments and partner institutions), not only inside its
dispatch event; its lead department's name beside its id."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_a_dispatched_demand_names_its_lead_and_co_handlers(desk, make_demand, api_as):
    demand = make_demand("dispatched", co=[desk.market, desk.science])

    data = api_as(desk.office).get(f"/api/v1/demands/{demand.pk}/").json()

    assert (data["lead_department"], data["lead_department_name"]) == (desk.dept.pk, "明湖市经济和信息化局")
    assert [(c["organization"], c["name"], c["kind"], c["answered_at"]) for c in data["co_handlers"]] == [
        (desk.market.pk, "明湖市市场监督管理局", "department", None),
        (desk.science.pk, "明湖市科学技术局", "department", None)]
    assert all(c["due"] for c in data["co_handlers"])


def test_a_partner_added_through_a_step_is_in_the_steps_answer(desk, make_demand, api_as):
    financing = make_demand("dispatched", category=desk.financing, title="申请科技贷款500万元")

    answer = api_as(desk.office).post(f"/api/v1/demands/{financing.pk}/steps/add_partner/",
                                      {"partner": desk.world.bank.pk, "note": "请农商银行对接授信。"}, format="json")

    assert answer.status_code == 200, answer.content
    assert [(c["organization"], c["name"], c["kind"]) for c in answer.json()["co_handlers"]] == [
        (desk.market.pk, "明湖市市场监督管理局", "department"), (desk.world.bank.pk, "明湖农商银行", "financial")]


def test_a_new_demand_has_no_lead_and_no_co_handlers(desk, make_demand, api_as):
    demand = make_demand("new")

    data = api_as(desk.office).get(f"/api/v1/demands/{demand.pk}/").json()

    assert (data["lead_department"], data["lead_department_name"], data["co_handlers"]) == (None, None, [])


def test_the_co_handlers_cost_the_list_no_query_per_demand(desk, make_demand, api_as):
    api = api_as(desk.office)
    make_demand("dispatched")
    api.get("/api/v1/demands/")  # what a process loads once (the regions that have regions below: refer_down)
    with CaptureQueriesContext(connection) as one:
        assert len(api.get("/api/v1/demands/").json()["results"]) == 1
    make_demand("dispatched", co=[desk.market, desk.science])
    make_demand("dispatched")
    with CaptureQueriesContext(connection) as three:
        assert len(api.get("/api/v1/demands/").json()["results"]) == 3

    assert len(three.captured_queries) == len(one.captured_queries)


def test_co_handler_fields_are_refused_on_a_create(desk, api_as):
    answer = api_as(desk.enterprise).post("/api/v1/demands/", {
        "category": desk.policy.pk, "title": "x", "description": "y", "co_handlers": []}, format="json")

    assert answer.status_code == 400
    assert answer.json() == {"co_handlers": ["Unknown field."]}
