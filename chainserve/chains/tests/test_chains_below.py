"""Chains under chains (Chain.parent, 上级产业链): a city's chain under its province's, validated on the form and the
API; the chain map of the chain above counting the placements of the chains below that the viewer may see."""

import pytest

from chainserve.chains import services
from chainserve.chains.choices import ChainLevel, PlacementRole, Stage
from chainserve.chains.forms import ChainForm
from chainserve.chains.models import Chain
from chainserve.core.models import Region, RegionLevel
from chainserve.registry.tests.factories import UserFactory, city_of_the_tests

from .factories import ChainFactory, PlacementFactory, SegmentFactory

WRONG_LEVEL = "The chain above a city's chain is a province's chain."


@pytest.fixture
def tree(world):
    """江南省's chain (segments 化学原料药及中间体 C271; 生物药品制品 C276 › 抗体药物; 医疗器械) and, not yet under it,
    明湖市's chain (`ca`: 原料药 C271 ×2, 抗体药物 ×1, 生物药 C276 › 疫苗 ×1, 中药材种植 ×1) and 青川市's (`cb`:
    医疗器械 ×2, 抗体药物 ×1); one firm of 青川市's 医疗器械 is on the province's 医疗器械 too. `office_p` staffs the
    province's chain and 明湖市's, not 青川市's. 湖东省 is another province with its chain."""
    t = type("Tree", (), {})()
    t.mh = city_of_the_tests()
    t.province = t.mh.parent
    t.qc = Region.objects.create(code="421000", name="青川市", level=RegionLevel.CITY, parent=t.province)
    t.other = Region.objects.create(code="430000", name="湖东省", level=RegionLevel.PROVINCE)
    t.prov = ChainFactory(name="江南省生物医药产业集群", level=ChainLevel.PROVINCE, region=t.province)
    t.other_prov = ChainFactory(name="湖东省生物医药产业集群", level=ChainLevel.PROVINCE, region=t.other)
    t.p_api = SegmentFactory(chain=t.prov, name="化学原料药及中间体", stage=Stage.UPSTREAM, gbt_code="C271", position=1)
    t.p_bio = SegmentFactory(chain=t.prov, name="生物药品制品", stage=Stage.MIDSTREAM, gbt_code="C276", position=2)
    t.p_ab = SegmentFactory(chain=t.prov, parent=t.p_bio, name="抗体药物", stage=Stage.MIDSTREAM, position=1)
    t.p_dev = SegmentFactory(chain=t.prov, name="医疗器械", stage=Stage.MIDSTREAM, position=3)

    t.ca = ChainFactory(name="明湖市生物医药产业链", level=ChainLevel.CITY, region=t.mh)
    t.cb = ChainFactory(name="青川市生物医药产业链", level=ChainLevel.CITY, region=t.qc)
    raw = SegmentFactory(chain=t.ca, name="原料药", stage=Stage.UPSTREAM, gbt_code="C271")
    ab_a = SegmentFactory(chain=t.ca, name="抗体药物", stage=Stage.MIDSTREAM)
    bio = SegmentFactory(chain=t.ca, name="生物药", stage=Stage.MIDSTREAM, gbt_code="C276")
    vaccine = SegmentFactory(chain=t.ca, parent=bio, name="疫苗", stage=Stage.MIDSTREAM)
    herbs = SegmentFactory(chain=t.ca, name="中药材种植", stage=Stage.UPSTREAM)
    dev = SegmentFactory(chain=t.cb, name="医疗器械", stage=Stage.MIDSTREAM)
    ab_b = SegmentFactory(chain=t.cb, name="抗体药物", stage=Stage.MIDSTREAM)
    for segment, n in [(raw, 2), (ab_a, 1), (vaccine, 1), (herbs, 1), (dev, 2), (ab_b, 1)]:
        for _ in range(n):
            PlacementFactory(segment=segment, role=PlacementRole.BACKBONE)
    t.both = dev.placements.first().organization
    PlacementFactory(segment=t.p_dev, organization=t.both, role=PlacementRole.BACKBONE)

    t.office_p = UserFactory(username="office-p", role="office", region=t.province)
    t.prov.staff.add(t.office_p)
    t.ca.staff.add(t.office_p)
    return t


@pytest.fixture
def linked(tree):
    Chain.objects.filter(pk__in=[tree.ca.pk, tree.cb.pk]).update(parent=tree.prov)
    return tree


def _form(chain, parent, user):
    return ChainForm({"name": chain.name, "level": chain.level, "region": chain.region_id,
                      "parent": parent.pk if parent else "", "description": ""}, instance=chain, user=user)


def test_the_form_puts_a_city_chain_under_its_province_s_chain(tree, world):
    form = _form(tree.ca, tree.prov, world.users.admin)

    assert form.is_valid(), form.errors
    form.save()
    assert Chain.objects.get(pk=tree.ca.pk).parent == tree.prov
    assert list(tree.prov.district_chains.all()) == [tree.ca]


@pytest.mark.parametrize(("above", "message"), [
    ("cb", WRONG_LEVEL),
    ("other_prov", "The chain above is of 湖东省, which does not hold this chain's region."),
])
def test_the_form_refuses_a_chain_above_of_another_level_or_region_at_the_field(tree, world, above, message):
    form = _form(tree.ca, getattr(tree, above), world.users.admin)

    assert not form.is_valid()
    assert form.errors == {"parent": [message]}
    assert Chain.objects.get(pk=tree.ca.pk).parent is None


def test_the_form_offers_only_chains_that_may_be_above_and_not_the_chain_itself(tree, world):
    offered = set(_form(tree.prov, None, world.users.admin).fields["parent"].queryset)

    assert tree.prov not in offered
    assert {tree.other_prov, tree.ca, tree.cb, world.chain} <= offered
    assert world.dchain not in offered  # a district's chain is above none


@pytest.mark.parametrize(("above", "message"), [
    ("cb", WRONG_LEVEL),
    ("other_prov", "The chain above is of 湖东省, which does not hold this chain's region."),
])
def test_the_api_refuses_a_chain_above_of_another_level_or_region_at_parent(tree, world, api_as, above, message):
    answer = api_as(world.users.admin).patch(f"/api/v1/chains/{tree.ca.pk}/", {"parent": getattr(tree, above).pk},
                                             format="json")

    assert (answer.status_code, answer.json()) == (400, {"parent": [message]})
    assert Chain.objects.get(pk=tree.ca.pk).parent is None


def test_the_api_puts_a_city_chain_under_its_province_s_chain(tree, world, api_as):
    answer = api_as(world.users.admin).patch(f"/api/v1/chains/{tree.ca.pk}/", {"parent": tree.prov.pk},
                                             format="json")

    assert (answer.status_code, answer.json()["parent"]) == (200, tree.prov.pk)
    assert Chain.objects.get(pk=tree.ca.pk).parent == tree.prov


def test_a_province_chain_has_no_chain_above_and_a_district_s_is_a_city_s(tree, world, api_as):
    api = api_as(world.users.admin)

    top = api.patch(f"/api/v1/chains/{tree.prov.pk}/", {"parent": tree.other_prov.pk}, format="json")
    district = api.patch(f"/api/v1/chains/{world.dchain.pk}/", {"parent": tree.prov.pk}, format="json")

    assert top.json() == {"parent": ["A province's chain has no chain above it."]}
    assert district.json() == {"parent": ["The chain above a district's chain is a city's chain."]}
    assert (Chain.objects.get(pk=tree.prov.pk).parent, Chain.objects.get(pk=world.dchain.pk).parent) == (
        None, world.chain)


def _table(breakdown):
    return [(row["segment"].name, row["counts"], row["total"]) for row in breakdown["rows"]]


def test_the_province_s_breakdown_counts_each_city_s_placements_by_matched_segment(linked, world):
    breakdown = services.below_breakdown(linked.prov, services.below_stats(linked.prov, world.users.admin))

    assert [c.chain for c in breakdown["columns"]] == [linked.ca, linked.cb]  # by region: 明湖市, 青川市
    assert _table(breakdown) == [
        ("化学原料药及中间体", [2, 0], 2),  # 原料药 by its code C271
        ("生物药品制品", [2, 1], 3),  # 疫苗 by its parent's code, and 抗体药物 below
        ("抗体药物", [1, 1], 2),  # by name
        ("医疗器械", [0, 2], 2),
    ]
    assert (breakdown["unmatched"], breakdown["unmatched_total"]) == ([1, 0], 1)  # 中药材种植
    assert ([c.total for c in breakdown["columns"]], breakdown["total"]) == ([5, 3], 8)
    # the province's figures are the sum over its cities' chains
    tops = [row for row in breakdown["rows"] if row["depth"] == 0]
    for i, column in enumerate(breakdown["columns"]):
        assert sum(row["counts"][i] for row in tops) + column.unmatched == column.total == column.chain.placements.count()
    assert sum(row["total"] for row in tops) + breakdown["unmatched_total"] == breakdown["total"]


def test_the_province_s_map_counts_the_cities_enterprises_once(linked, world):
    data = services.map_data(linked.prov, services.below_stats(linked.prov, world.users.admin))

    nodes = {n["name"]: n for stage in data["children"] for top in stage["children"] for n in [top, *top["children"]]}
    # the firm on the province's 医疗器械 and on 青川市's is counted once there
    assert {name: (n["count"], n["value"]) for name, n in nodes.items()} == {
        "化学原料药及中间体": (2, 2), "生物药品制品": (1, 3), "抗体药物": (2, 2), "医疗器械": (2, 2)}
    assert data["value"] == 7
    assert services.map_data(linked.prov)["value"] == 1  # without the chains below: the province's own


def test_the_map_page_counts_only_the_chains_below_the_viewer_may_see(linked, client_as):
    response = client_as(linked.office_p).get(f"/chains/{linked.prov.pk}/map/")

    breakdown = response.context["breakdown"]
    assert [c.chain for c in breakdown["columns"]] == [linked.ca]
    assert _table(breakdown) == [("化学原料药及中间体", [2], 2), ("生物药品制品", [2], 2), ("抗体药物", [1], 1),
                                 ("医疗器械", [0], 0)]
    assert (breakdown["total"], response.context["hidden"]) == (5, 1)
    page = response.content.decode()
    assert f'href="/chains/{linked.ca.pk}/map/"' in page
    assert f'href="/chains/{linked.cb.pk}/map/"' not in page
    assert "1 chain below this one is outside what you may see" in page


def test_the_admin_s_map_page_and_json_show_every_city(linked, world, client_as):
    client = client_as(world.users.admin)

    page = client.get(f"/chains/{linked.prov.pk}/map/")
    data = client.get(f"/chains/{linked.prov.pk}/map/", {"format": "json"}).json()

    assert ([c.total for c in page.context["breakdown"]["columns"]], page.context["hidden"]) == ([5, 3], 0)
    assert data["value"] == 7


def test_the_api_map_counts_the_chains_below_the_user_may_see(linked, world, api_as):
    admin = api_as(world.users.admin).get(f"/api/v1/chains/{linked.prov.pk}/map/").json()
    office = api_as(linked.office_p).get(f"/api/v1/chains/{linked.prov.pk}/map/").json()

    assert (admin["value"], office["value"]) == (7, 1 + 4)  # its own firm, and 明湖市's matched four


def test_the_chain_page_lists_the_chains_below_with_their_placements_and_the_chain_above(linked, world, client_as):
    client = client_as(world.users.admin)

    province = client.get(f"/chains/{linked.prov.pk}/")
    city = client.get(f"/chains/{linked.ca.pk}/")

    assert [(c, c.placed) for c in province.context["below"]] == [(linked.ca, 5), (linked.cb, 3)]
    assert city.context["above"] == linked.prov
    assert client_as(linked.office_p).get(f"/chains/{linked.cb.pk}/").status_code == 404


def test_a_city_chain_with_no_chain_below_has_no_breakdown(tree, client_as, world):
    response = client_as(world.users.admin).get(f"/chains/{tree.ca.pk}/map/")

    assert (response.context["breakdown"], response.context["hidden"]) == (None, 0)
