"""Oversight of the regions below (issue 20): a chain office of a region reads every chain and demand of the
regions strictly below its own — a province's office its cities' and their districts', a city's its districts' —
and acts only on the chains it staffs (chains.chain_scope, demands.demand_scope, permissions.acts_on)."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from chainserve.chains.choices import ChainLevel
from chainserve.chains.models import Chain
from chainserve.chains.tests.factories import ChainFactory
from chainserve.core.models import Notification, RegionLevel
from chainserve.demands import metrics, services
from chainserve.demands.choices import Channel
from chainserve.demands.forms import ACTION_FORMS
from chainserve.demands.models import Demand
from chainserve.registry.tests.factories import OrganizationFactory, RegionFactory, UserFactory

from .factories import snapshot


@pytest.fixture
def tiers(desk, make_demand):
    """江南省 with 明湖市 (its chain, desk.office's, and 东湖区's chain with an office of its own) and 青川市 (a chain
    and an office), the province's office staffing a province chain; a demand of each level."""
    w = desk.world
    t = SimpleNamespace(city=w.dong.parent)
    t.province = t.city.parent
    Chain.objects.filter(pk=w.chain.pk).update(region=t.city)  # the city's chain sits in its city
    t.chain = Chain.objects.get(pk=w.chain.pk)
    t.city_office = desk.office
    t.city_office.region = t.city
    t.city_office.save(update_fields=["region"])
    t.district_office = UserFactory(username="dong-office", role="office", region=w.dong)
    t.dchain = ChainFactory(name="东湖区生物医药产业链", level=ChainLevel.DISTRICT, region=w.dong, parent=t.chain,
                            staff=[t.district_office])
    t.province_office = UserFactory(username="province-office", role="office", region=t.province)
    t.pchain = ChainFactory(name="江南省生物医药产业集群", level=ChainLevel.PROVINCE, region=t.province,
                            staff=[t.province_office])
    t.other_city = RegionFactory(code="421000", name="青川市", level=RegionLevel.CITY, parent=t.province)
    other_district = RegionFactory(code="421002", name="青川区", level=RegionLevel.DISTRICT, parent=t.other_city)
    t.other_office = UserFactory(username="qc-office", role="office", region=t.other_city)
    t.other_chain = ChainFactory(name="青川市新能源汽车产业链", level=ChainLevel.CITY, region=t.other_city,
                                 staff=[t.other_office])
    firm = OrganizationFactory(name="青川锂源新材料有限公司", district=other_district)
    # 纽福斯 is in 东湖区: a demand on the city's chain (the city office's), and one on the district's
    t.city_demand = make_demand("accepted", chain=t.chain)
    t.district_demand = make_demand("new", chain=t.dchain)
    t.other_demand = make_demand("new", by=desk.admin, organization=firm, chain=t.other_chain)
    return t


def names(model, user, action="view"):
    return set(model.objects.restrict(user, action).values_list("name", flat=True))


def demands(t, user, action="view"):
    mine = set(Demand.objects.restrict(user, action).values_list("pk", flat=True))
    return {name for name in ("city_demand", "district_demand", "other_demand") if getattr(t, name).pk in mine}


def test_an_office_reads_the_chains_and_demands_below_its_region_and_acts_on_those_it_staffs(tiers, desk):
    t = tiers
    every_chain = {"江南省生物医药产业集群", "明湖市大健康产业链", "东湖区生物医药产业链", "西湖区生物医药产业链",
                   "青川市新能源汽车产业链"}
    # the province's office: every city and district, and its own province-level chain; it changes only that one
    assert names(Chain, t.province_office) == every_chain
    assert names(Chain, t.province_office, "change") == {"江南省生物医药产业集群"}
    assert demands(t, t.province_office) == {"city_demand", "district_demand", "other_demand"}
    assert demands(t, t.province_office, "change") == set()
    # a city's: its chain and its districts', never another city's nor the province's own
    assert names(Chain, t.city_office) == {"明湖市大健康产业链", "东湖区生物医药产业链", "西湖区生物医药产业链"}
    assert names(Chain, t.city_office, "change") == {"明湖市大健康产业链"}
    assert demands(t, t.city_office) == {"city_demand", "district_demand"}
    assert demands(t, t.city_office, "change") == {"city_demand"}
    assert demands(t, t.other_office) == {"other_demand"}
    assert names(Chain, t.other_office) == {"青川市新能源汽车产业链"}
    # a district's: its own, not the city's chain nor its demands
    assert names(Chain, t.district_office) == {"东湖区生物医药产业链"}
    assert demands(t, t.district_office) == demands(t, t.district_office, "change") == {"district_demand"}
    # an office of no region (a one-city install) is as before: the chains it staffs
    t.city_office.region = None
    assert names(Chain, t.city_office) == names(Chain, t.city_office, "change") == {"明湖市大健康产业链"}


def test_a_chain_seen_from_above_comes_back_once_whatever_its_staff(tiers):
    tiers.chain.staff.add(UserFactory(username="second", role="office"), UserFactory(username="third", role="office"))
    rows = list(Chain.objects.restrict(tiers.province_office).values_list("pk", flat=True))
    assert len(rows) == len(set(rows)) == 5
    demand_rows = list(Demand.objects.restrict(tiers.province_office).values_list("pk", flat=True))
    assert len(demand_rows) == len(set(demand_rows)) == 3


def test_the_province_office_reads_a_city_s_demand_page_and_api_and_is_offered_no_step(
        tiers, client_as, api_as):
    t = tiers
    demand = t.city_demand
    assert "dispatch" in services.available_actions(demand, t.city_office)  # its own office's to dispatch
    assert services.available_actions(demand, t.province_office) == []

    page = client_as(t.province_office).get(reverse("demands:demand", args=[demand.pk]))
    assert page.status_code == 200
    assert demand.number in page.content.decode()
    assert not [step for step in ACTION_FORMS if reverse("demands:action", args=[demand.pk, step])
                in page.content.decode()]
    # said instead of the steps; no resources offered to attach
    assert "You oversee this demand from the region above" in page.content.decode()
    assert 'id="suggested-resources"' not in page.content.decode()
    own = client_as(t.city_office).get(reverse("demands:demand", args=[demand.pk])).content.decode()
    assert "You oversee" not in own and 'id="suggested-resources"' in own
    api = api_as(t.province_office).get(f"/api/v1/demands/{demand.pk}/")
    assert (api.status_code, api.json()["number"], api.json()["actions"]) == (200, demand.number, [])
    # the chain it sits on too, page and API
    assert client_as(t.province_office).get(reverse("chains:chain", args=[t.chain.pk])).status_code == 200
    assert api_as(t.province_office).get(f"/api/v1/chains/{t.chain.pk}/").status_code == 200


@pytest.mark.parametrize("step", sorted(ACTION_FORMS))
def test_every_step_of_an_overseeing_office_is_refused_and_changes_nothing(tiers, client_as, api_as, step):
    t = tiers
    for office, demand in ((t.province_office, t.city_demand), (t.city_office, t.district_demand)):
        before = snapshot(demand)
        data = {f"{step}-note": "上级代办。", "version": demand.version}
        page = client_as(office).post(reverse("demands:action", args=[demand.pk, step]), data)
        api = api_as(office).post(f"/api/v1/demands/{demand.pk}/steps/{step}/",
                                  {"note": "上级代办。", "version": demand.version}, format="json")
        with pytest.raises(PermissionDenied):
            services.perform(step, demand, office, {"note": "上级代办。"}, demand.version)
        assert (page.status_code, api.status_code) == (403, 403)
        assert snapshot(demand) == before


def test_an_overseeing_office_changes_no_chain_below_nor_its_demands_by_any_other_way(tiers, client_as, api_as, desk):
    t = tiers
    province = api_as(t.province_office)
    before = (Chain.objects.filter(pk=t.chain.pk).values().get(), snapshot(t.city_demand))
    assert province.patch(f"/api/v1/chains/{t.chain.pk}/", {"name": "改名"}, format="json").status_code in (403, 404)
    assert province.delete(f"/api/v1/chains/{t.chain.pk}/").status_code in (403, 404)
    page = client_as(t.province_office).post(reverse("chains:chain-edit", args=[t.chain.pk]),
                                             {"name": "改名", "level": ChainLevel.CITY, "region": t.city.pk})
    assert page.status_code in (403, 404)
    assert province.patch(f"/api/v1/demands/{t.city_demand.pk}/", {"title": "改"}, format="json").status_code == 405
    assert province.delete(f"/api/v1/demands/{t.city_demand.pk}/").status_code == 405
    # neither the queue nor a bulk dispatch holds what it only oversees
    queue = client_as(t.province_office).get(reverse("demands:queue"))
    assert queue.status_code == 200 and t.city_demand.number not in queue.content.decode()
    [outcome] = services.dispatch_selected(t.province_office, [(t.city_demand.pk, None)], desk.dept)
    assert not outcome.ok
    # nor a merge into it (the form and the service answer as for a number that does not exist)
    own = services.submit(desk.admin, services.Intake(organization=desk.nfs, category=desk.policy, title="重复",
                                                      description="重复诉求。", chain=t.pchain, channel=Channel.VISIT))
    with pytest.raises(ValidationError, match="No demand has the number"):
        services.merge(own, t.city_demand, t.province_office)
    assert (Chain.objects.filter(pk=t.chain.pk).values().get(), snapshot(t.city_demand)) == before


def test_only_those_who_act_are_notified_of_a_demand_below(tiers, desk):
    demand = services.submit(desk.enterprise, services.Intake(
        organization=desk.nfs, category=desk.policy, title="用地指标咨询", description="新厂房用地。", chain=tiers.chain))
    event = demand.events.get()
    services.notify_event(event.pk)
    told = set(Notification.objects.filter(key=f"demand-event:{event.pk}").values_list("user__username", flat=True))
    assert tiers.city_office.username in told
    assert tiers.province_office.username not in told


def test_an_overseeing_office_counts_the_figures_of_the_regions_below_as_the_platform_does(tiers, desk):
    t = tiers
    for region in (t.city, t.other_city):
        mine = metrics.totals(user=t.province_office, district=region)
        platform = metrics.totals(user=desk.admin, district=region)
        assert (mine.received, mine.open) == (platform.received, platform.open) != (0, 0)
    assert metrics.totals(user=t.city_office, district=t.city).received == 2
    assert metrics.totals(user=t.city_office, district=t.other_city).received == 0  # another city's: none
    assert metrics.totals(user=t.district_office).received == 1


def test_the_api_list_says_which_demands_an_office_acts_on_with_one_query_for_the_page(tiers, api_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_as(tiers.city_office)

    def listed(limit):
        with CaptureQueriesContext(connection) as queries:
            rows = api.get("/api/v1/demands/", {"limit": limit}).json()["results"]
        return {r["number"]: bool(r["actions"]) for r in rows}, len(queries)

    one, few = listed(1), listed(3)
    assert few[0] == {tiers.city_demand.number: True, tiers.district_demand.number: False}
    assert few[1] - one[1] <= 1  # the rows' step lists do not cost a query each
