"""A chain office records demands only on the chains it runs: a demand recorded for an enterprise elsewhere would
be out of its sight the moment it was saved (201, then 404 on the demand)."""

import pytest

from chainserve.chains.tests.factories import PlacementFactory
from chainserve.demands.models import Demand
from chainserve.registry.choices import OrgKind
from chainserve.registry.tests.factories import OrganizationFactory

URL = "/api/v1/demands/"


def body(desk, org, **extra):
    return {"organization": org.pk, "category": desk.policy.pk, "channel": "visit",
            "title": "研发费用加计扣除辅导", "description": "企业希望了解申报口径。", **extra}


def district_firm(desk):
    """An enterprise placed only on the district chain, which the office does not run."""
    firm = OrganizationFactory(name="西湖临床研究服务有限公司", kind=OrgKind.ENTERPRISE)
    PlacementFactory(organization=firm, segment=desk.dchain.segments.first())
    return firm


@pytest.mark.parametrize("received_at", [None, "2025-09-26T10:00:00+08:00"])
def test_the_office_records_no_demand_for_an_enterprise_on_another_chain(desk, clock, api_as, received_at):
    firm = district_firm(desk)
    before = list(Demand.objects.values_list("pk", flat=True))
    extra = {"received_at": received_at} if received_at else {}

    response = api_as(desk.office).post(URL, body(desk, firm, **extra), format="json")

    assert response.status_code == 400, response.json()
    assert response.json() == {"organization": [
        "This enterprise is on none of the chains you run: its own chain's office records its demands."]}
    assert list(Demand.objects.values_list("pk", flat=True)) == before


def test_a_firm_on_two_chains_gets_its_demand_on_the_office_s_own(desk, clock, api_as):
    firm = district_firm(desk)
    PlacementFactory(organization=firm, segment=desk.chain.segments.first())

    response = api_as(desk.office).post(URL, body(desk, firm), format="json")

    assert response.status_code == 201, response.json()
    demand = Demand.objects.get(pk=response.json()["id"])
    assert demand.chain == desk.chain
    assert api_as(desk.office).get(f"{URL}{demand.pk}/").status_code == 200


def test_the_admin_still_records_for_any_enterprise_on_its_chain(desk, clock, api_as):
    response = api_as(desk.admin).post(URL, body(desk, district_firm(desk)), format="json")

    assert response.status_code == 201, response.json()
    assert Demand.objects.get(pk=response.json()["id"]).chain == desk.dchain
