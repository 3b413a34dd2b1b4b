"""Attaching a catalogue item to a demand (推荐资源) through the API, as the suggestions page does: the department
handling it may, others may not, and a wrong item is a 400 naming the field."""

import pytest

from chainserve.demands import services as ds
from chainserve.demands.models import Category, DemandEvent
from chainserve.matching.models import DemandResource

URL = "/api/v1/demand-resources/"


@pytest.fixture
def demand(catalogue):
    d = ds.submit(catalogue.users.enterprise, ds.Intake(
        organization=catalogue.world.nfs, category=Category.objects.get(slug="financing"), title="申请科技贷款贴息",
        description="公司研发投入大,希望了解科技贷款贴息政策并获得银行对接。"))
    return ds.dispatch(d, catalogue.users.office, catalogue.world.dept)


def test_the_handling_department_attaches_a_product_and_the_demand_s_history_says_so(catalogue, demand, api_as):
    answer = api_as(catalogue.users.handler).post(URL, {"demand": demand.pk, "kind": "financialproduct",
                                                      "item": catalogue.loan.pk, "reasons": ["贷款贴息"]},
                                                format="json")

    assert answer.status_code == 201, answer.content
    attached = DemandResource.objects.get(demand=demand)
    assert answer.json() == {"id": attached.pk, "demand": demand.pk, "kind": "financialproduct",
                             "item": catalogue.loan.pk, "title": "科技贷款贴息产品", "reasons": ["贷款贴息"],
                             "attached_by": catalogue.users.handler.pk, "created": answer.json()["created"]}
    event = DemandEvent.objects.filter(demand=demand).last()
    assert (event.type, event.data) == ("recommended", {"app": "resources", "kind": "financialproduct",
                                                        "item": catalogue.loan.pk})


def test_an_enterprise_is_refused_before_its_body_is_read(catalogue, demand, api_as):
    answer = api_as(catalogue.users.enterprise).post(URL, {"no_such_field": 1}, format="json")

    assert answer.status_code == 403
    assert DemandResource.objects.count() == 0


def test_a_department_not_handling_the_demand_attaches_nothing(catalogue, demand, api_as):
    from chainserve.registry.tests.factories import OrganizationFactory, UserFactory

    other = UserFactory(username="handler2", role="handler",
                        organization=OrganizationFactory(name="明湖市科学技术局", kind="department"))
    answer = api_as(other).post(URL, {"demand": demand.pk, "kind": "financialproduct", "item": catalogue.loan.pk},
                                format="json")

    assert answer.status_code == 400
    assert answer.json() == {"demand": ["No such demand."]}
    assert DemandResource.objects.count() == 0


def test_a_wrong_kind_or_item_is_a_400_at_the_field(catalogue, demand, api_as):
    api = api_as(catalogue.users.handler)

    kind = api.post(URL, {"demand": demand.pk, "kind": "rule", "item": catalogue.loan.pk}, format="json")
    item = api.post(URL, {"demand": demand.pk, "kind": "policy", "item": catalogue.loan.pk + 1000}, format="json")

    assert kind.status_code == item.status_code == 400
    assert list(kind.json()) == ["kind"]
    assert item.json() == {"item": ["No such item in this catalogue."]}
    assert DemandResource.objects.count() == 0
