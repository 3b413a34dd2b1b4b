"""Referring a demand between region levels (上报 / 下交, demands.services.referral): who may, what moves, what the
history and the figures say."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chainserve.chains.choices import ChainLevel
from chainserve.chains.tests.factories import ChainFactory
from chainserve.core.models import Notification
from chainserve.demands import metrics, permissions, services
from chainserve.demands.choices import EventType, Status
from chainserve.demands.models import Assignment, Demand
from chainserve.registry.tests.factories import UserFactory
from chainserve.reports.figures import Period
from chainserve.reports.rollup import rollup

from .factories import snapshot


@pytest.fixture
def levels(desk):
    """东湖区's chain office (`district`, staffing 东湖区生物医药产业链 under the city chain) and the city's
    (`city`: desk.office, region 明湖市, staffing the city chain)."""
    w = desk.world
    levels = type("Levels", (), {})()
    levels.dong, levels.city_region = w.dong, w.dong.parent
    levels.province = levels.city_region.parent
    levels.dchain = ChainFactory(name="东湖区生物医药产业链", level=ChainLevel.DISTRICT, region=w.dong, parent=w.chain)
    levels.district = UserFactory(username="dong-office", role="office", region=w.dong)
    levels.dchain.staff.add(levels.district)
    levels.city = desk.office
    levels.city.region = levels.city_region
    levels.city.save(update_fields=["region"])
    for department in (desk.dept, desk.market):  # the city's own departments, which its office sends demands to
        department.district = levels.city_region
        department.save(update_fields=["district"])
    return levels


@pytest.fixture
def referable(make_demand, levels):
    """make_demand on 东湖区's chain (纽福斯 is in 东湖区): the district's to handle."""
    return lambda state="accepted": make_demand(state, chain=levels.dchain)


def test_a_district_office_refers_a_demand_up_to_the_city_with_its_reason(referable, levels):
    demand = referable("dispatched")
    services.refer_up(demand, levels.district, "涉及全市政策口径，区级无权答复。", version=demand.version)

    d = Demand.objects.get(pk=demand.pk)
    assert (d.district, d.chain, d.status, d.lead_department) == (
        levels.city_region, levels.dchain.parent, Status.ACCEPTED, None)
    assert not Assignment.objects.filter(demand=d, active=True).exists()  # its departments handed it over
    event = d.events.last()
    assert (event.type, event.actor, event.note, event.from_status, event.to_status) == (
        EventType.REFERRED_UP, levels.district, "涉及全市政策口径，区级无权答复。", Status.DISPATCHED, Status.ACCEPTED)
    assert event.data == {"former": levels.dong.pk, "former_name": "东湖区", "region": levels.city_region.pk,
                          "region_name": "明湖市"}
    # the city's office hears of it, in the platform's language; the district office acted and is not told
    services.notify_event(event.pk)
    assert list(Notification.objects.filter(key=f"demand-event:{event.pk}").values_list("user", "title")) == [
        (levels.city.pk, f"{d.number} 已上报上级：{d.title}")]
    # in sight of the city's office, no longer of the district's
    assert Demand.objects.restrict(levels.city).filter(pk=d.pk).exists()
    assert not Demand.objects.restrict(levels.district).filter(pk=d.pk).exists()


def test_a_new_demand_referred_stays_new_for_the_receiving_level_to_accept(referable, levels):
    demand = referable("new")
    services.refer_up(demand, levels.district, "请市级受理。")
    assert Demand.objects.get(pk=demand.pk).status == Status.NEW


@pytest.mark.parametrize("who", ["city", "handler", "enterprise", "specialist"])
def test_refer_up_is_refused_to_anyone_but_the_office_of_the_demand_s_level_and_changes_nothing(
        referable, levels, desk, who):
    demand = referable()
    user = getattr(levels, who, None) or getattr(desk, who)
    before = snapshot(demand)
    with pytest.raises(PermissionDenied):
        services.refer_up(demand, user, "上报。")
    assert snapshot(demand) == before
    assert "refer_up" not in services.available_actions(demand, user)


def test_the_province_has_no_level_above_said_at_the_region_and_nothing_changes(referable, levels, desk):
    demand = referable()
    services.refer_up(demand, levels.district, "上报市级。")
    demand = services.refer_up(Demand.objects.get(pk=demand.pk), desk.admin, "上报省级。")
    assert demand.district == levels.province
    before = snapshot(demand)
    with pytest.raises(ValidationError) as e:
        services.refer_up(demand, desk.admin, "再上报。")
    assert e.value.message_dict == {"region": ["江南省 is the top level: there is no level above it to refer the "
                                               "demand to."]}
    assert snapshot(demand) == before


def test_a_reason_is_required(referable, levels):
    demand = referable()
    before = snapshot(demand)
    with pytest.raises(ValidationError) as e:
        services.refer_up(demand, levels.district, "  ")
    assert list(e.value.message_dict) == ["note"]
    assert snapshot(demand) == before


def test_the_city_office_refers_a_demand_down_to_a_district_it_names(referable, levels, desk):
    demand = services.refer_up(referable(), levels.district, "上报。")
    services.refer_down(demand, levels.city, levels.dong, "由区级办理即可。")

    d = Demand.objects.get(pk=demand.pk)
    assert (d.district, d.chain, d.status) == (levels.dong, levels.dchain, Status.ACCEPTED)
    event = d.events.last()
    assert (event.type, event.note, event.data["former"], event.data["region"]) == (
        EventType.REFERRED_DOWN, "由区级办理即可。", levels.city_region.pk, levels.dong.pk)
    assert Demand.objects.restrict(levels.district).filter(pk=d.pk).exists()


def test_refer_down_only_to_a_region_directly_below_and_only_by_that_level_s_office(referable, levels, desk):
    demand = services.refer_up(referable(), levels.district, "上报。")
    before = snapshot(demand)
    with pytest.raises(ValidationError) as e:
        services.refer_down(demand, levels.city, levels.province, "下交。")
    assert list(e.value.message_dict) == ["region"]
    with pytest.raises(PermissionDenied):
        services.refer_down(demand, levels.district, levels.dong, "下交。")
    assert snapshot(demand) == before


def test_a_demand_referred_up_and_resolved_there_counts_in_the_city_s_own_figures_not_the_district_s(
        referable, levels, desk, make_demand):
    demand = services.refer_up(referable(), levels.district, "上报。")
    demand = services.dispatch(demand, levels.city, desk.dept)
    services.close(demand, desk.handler, True, "已按全市口径办结。")

    city, district = levels.city_region, levels.dong
    assert [(f.key, f.resolved) for f in metrics.grouped("district", user=desk.admin)] == [(city.pk, 1)]
    assert metrics.totals(user=desk.admin, district=district).resolved == 0
    assert metrics.totals(user=desk.admin, district=city).resolved == 1
    services.rebuild_figures()  # the summary table kept in step agrees with one built afresh
    assert [(f.key, f.resolved) for f in metrics.grouped("district", user=desk.admin)] == [(city.pk, 1)]


def test_the_rollup_counts_it_at_the_city_itself_not_under_the_district(referable, levels, desk, clock):
    demand = services.refer_up(referable(), levels.district, "上报。")
    services.close(services.dispatch(demand, levels.city, desk.dept), desk.handler, True, "已办结。")

    got = rollup(Period.year(2026), levels.city_region, user=desk.admin, keys=["demands_resolved"])

    assert got.node["demands_resolved"] == 1
    assert [(child.name, values["demands_resolved"]) for child, values in got.children] == [("东湖区", 0),
                                                                                          ("西湖区", 0)]


def test_the_api_refers_down_to_the_region_named_and_refuses_one_not_below_at_the_field(referable, levels,
                                                                                       api_as):
    demand = services.refer_up(referable(), levels.district, "上报。")
    api = api_as(levels.city)
    url = f"/api/v1/demands/{demand.pk}/steps/refer_down/"
    before = snapshot(demand)

    assert api.post(url, {"note": "下交。"}, format="json").json() == {"region": ["This field is required."]}
    # the province is out of the city office's sight: as a region that does not exist, at the field
    refused = api.post(url, {"note": "下交。", "region": levels.province.pk}, format="json")
    assert (refused.status_code, list(refused.json())) == (400, ["region"])
    assert snapshot(demand) == before

    done = api.post(url, {"note": "下交。", "region": levels.dong.pk, "version": demand.version}, format="json")
    assert (done.status_code, done.json()["status"]) == (200, Status.ACCEPTED)
    assert Demand.objects.get(pk=demand.pk).district == levels.dong


def test_the_api_refers_up_and_says_the_top_level_at_the_region(referable, levels, desk, api_as):
    demand = services.refer_up(referable(), levels.district, "上报。")
    demand = services.refer_up(demand, desk.admin, "上报省级。")
    before = snapshot(demand)

    refused = api_as(desk.admin).post(f"/api/v1/demands/{demand.pk}/steps/refer_up/", {"note": "再上报。"},
                                      format="json")

    assert (refused.status_code, refused.json()) == (400, {"region": [
        "江南省 is the top level: there is no level above it to refer the demand to."]})
    assert snapshot(demand) == before


def test_the_page_offers_refer_up_to_the_district_office_and_takes_it(referable, levels, client_as):
    demand = referable()
    client = client_as(levels.district)

    assert "refer_up-note" in client.get(f"/demands/{demand.pk}/").content.decode()
    response = client.post(f"/demands/{demand.pk}/refer_up/", {"refer_up-note": "请市级办理。",
                                                               "version": demand.version})

    assert response.status_code == 302
    d = Demand.objects.get(pk=demand.pk)
    assert (d.district, d.events.last().type) == (levels.city_region, EventType.REFERRED_UP)


def test_refer_down_is_offered_only_where_a_region_lies_below(referable, levels, desk, api_as):
    demand = referable()  # at 东湖区, which has no town or street below it

    assert "refer_up" in permissions.available_actions(demand, levels.district)
    assert "refer_down" not in permissions.available_actions(demand, levels.district)
    assert "refer_down" not in permissions.available_actions(demand, desk.admin)
    assert "refer_down" not in api_as(desk.admin).get(f"/api/v1/demands/{demand.pk}/").json()["actions"]

    demand = services.refer_up(demand, levels.district, "上报。")  # at 明湖市, above 东湖区 and 西湖区
    assert "refer_down" in permissions.available_actions(demand, levels.city)
    assert "refer_down" in api_as(levels.city).get(f"/api/v1/demands/{demand.pk}/").json()["actions"]


def test_refer_down_where_no_region_lies_below_is_refused_at_the_region_and_changes_nothing(referable, levels, desk,
                                                                                          api_as):
    demand = referable()
    before = snapshot(demand)

    with pytest.raises(ValidationError) as e:
        services.refer_down(demand, desk.admin, levels.dong, "下交。")
    refused = api_as(desk.admin).post(f"/api/v1/demands/{demand.pk}/steps/refer_down/",
                                      {"note": "下交。", "region": levels.dong.pk, "version": demand.version},
                                      format="json")

    assert e.value.message_dict == {"region": ["No region lies below the demand's: there is no level to pass it "
                                               "down to."]}
    assert (refused.status_code, refused.json()) == (400, {"non_field_errors": [
        "This step is not open to you on this demand now."]})
    assert snapshot(demand) == before


def test_offering_refer_down_costs_the_list_no_query_per_demand(referable, levels, desk, api_as):
    api = api_as(desk.admin)
    referable()
    api.get("/api/v1/demands/")  # the regions with a region below are loaded once per process (then kept)
    with CaptureQueriesContext(connection) as one:
        assert len(api.get("/api/v1/demands/").json()["results"]) == 1
    services.refer_up(referable(), levels.district, "上报。")  # one at the city, where it is offered
    referable()
    with CaptureQueriesContext(connection) as three:
        rows = api.get("/api/v1/demands/").json()["results"]

    assert sorted("refer_down" in row["actions"] for row in rows) == [False, False, True]
    assert len(three.captured_queries) == len(one.captured_queries)
