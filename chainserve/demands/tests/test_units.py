"""Which units a demand can be sent to (demands.forms.unit_field, permissions.check_within_reach): the departments
and partners of the sender's region, listed when they are few and typed with the picker when they are many."""

import re

import pytest
from django.urls import reverse

from chainserve.core.models import Region
from chainserve.demands.models import Assignment, Demand
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Organization
from chainserve.registry.tests.factories import OrganizationFactory


@pytest.fixture
def city_office(desk):
    """desk.office narrowed to 明湖市 (the region of 东湖区, where 纽福斯 is), with 经信局 and 市场监管局 as the
    city's departments; 青川市's 经信局 is another city's."""
    city = desk.world.dong.parent
    for department in (desk.dept, desk.market):
        department.district = city
        department.save(update_fields=["district"])
    desk.office.region = city
    desk.office.save(update_fields=["region"])
    other_city = Region.objects.create(code="421000", name="青川市", level="city", parent=city.parent)
    desk.elsewhere = OrganizationFactory(name="青川市经济和信息化局", kind=OrgKind.DEPARTMENT, district=other_city)
    return desk.office


def state(demand):
    d = Demand.objects.get(pk=demand.pk)
    return (d.status, d.version, d.lead_department_id, d.events.count(),
            sorted(Assignment.objects.filter(demand=d).values_list("department_id", "active")))


def test_the_api_refuses_another_city_s_department_as_lead_or_co_handler_at_the_field_and_changes_nothing(
        desk, city_office, make_demand, api_as):
    demand = make_demand("accepted")
    before = state(demand)
    api = api_as(city_office)
    url = f"/api/v1/demands/{demand.pk}/steps/dispatch/"

    as_lead = api.post(url, {"lead": desk.elsewhere.pk, "version": demand.version}, format="json")
    as_co = api.post(url, {"lead": desk.dept.pk, "co": [desk.elsewhere.pk], "version": demand.version},
                     format="json")

    assert (as_lead.status_code, as_lead.json()) == (400, {"lead": [
        "青川市经济和信息化局 is outside your region: send the demand to a unit of your region, or refer it up."]})
    assert (as_co.status_code, list(as_co.json())) == (400, ["co"])
    assert state(demand) == before


def test_the_page_lists_only_the_departments_of_the_office_s_region(desk, city_office, make_demand, client_as):
    demand = make_demand("accepted")

    html = client_as(city_office).get(demand.get_absolute_url()).content.decode()

    lead = re.search(r'<select name="dispatch-lead".*?</select>', html, re.S).group(0)
    assert re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", lead) == [
        "明湖市市场监督管理局", "明湖市经济和信息化局"]


@pytest.fixture
def many_departments(desk, city_office):
    """101 more departments in 明湖市: more than a list can show (PICK_ABOVE)."""
    city = desk.office.region
    Organization.objects.bulk_create([
        Organization(name=f"明湖市第{i:03d}办公室", kind=OrgKind.DEPARTMENT, district=city, search_text=f"{i}")
        for i in range(101)])


def test_with_many_departments_the_page_offers_pickers_and_dispatches_what_they_send(
        desk, many_departments, make_demand, client_as):
    demand = make_demand("accepted")
    client = client_as(desk.office)

    html = client.get(demand.get_absolute_url()).content.decode()
    assert '<select name="dispatch-lead"' not in html
    assert 'name="dispatch-lead_text"' in html and "data-org-picker-multiple" in html
    assert f'data-suggest-url="{reverse("registry:suggest")}?kind=department"' in html

    # a chosen lead (its id), a co-handler chosen (id) and one typed by its exact name
    response = client.post(reverse("demands:action", args=[demand.pk, "dispatch"]), {
        "dispatch-lead": desk.dept.pk, "dispatch-co": [desk.market.pk], "dispatch-co_text": "明湖市第007办公室",
        "version": demand.version})

    assert response.status_code == 302
    d = Demand.objects.get(pk=demand.pk)
    seventh = Organization.objects.get(name="明湖市第007办公室")
    assert (d.status, d.lead_department) == ("dispatched", desk.dept)
    assert set(Assignment.objects.filter(demand=d, role="co").values_list("department", flat=True)) == {
        desk.market.pk, seventh.pk}


def test_a_typed_unit_of_another_city_is_refused_at_the_field_and_nothing_changes(
        desk, many_departments, make_demand, client_as):
    demand = make_demand("accepted")
    before = state(demand)

    response = client_as(desk.office).post(reverse("demands:action", args=[demand.pk, "dispatch"]), {
        "dispatch-lead": desk.dept.pk, "dispatch-co_text": "青川市经济和信息化局", "version": demand.version})

    assert response.status_code == 400
    assert "No single organisation is called 青川市经济和信息化局" in response.content.decode()
    assert state(demand) == before


def test_the_suggestions_keep_the_kinds_asked_for(desk, city_office, client_as):
    client = client_as(desk.office)
    names = lambda html: re.findall(r'data-label="([^"]+)"', html)  # noqa: E731

    departments = client.get(reverse("registry:suggest"), {"q": "明湖市", "kind": "department"}).content.decode()
    anything = client.get(reverse("registry:suggest"), {"q": "明湖市"}).content.decode()

    assert sorted(names(departments)) == ["明湖市市场监督管理局", "明湖市经济和信息化局"]
    assert set(names(anything)) > set(names(departments))
