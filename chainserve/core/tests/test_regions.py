"""The region tree (core.Region) and the one place every scope meets it (region_q, in_region)."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q

from chainserve.chains.choices import ChainLevel
from chainserve.chains.models import Chain
from chainserve.core.choices import Role
from chainserve.core.models import (
    NOTHING,
    Region,
    RegionLevel,
    User,
    in_region,
    region_labels,
    region_names,
    region_q,
    seeing_region,
)
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Organization


@pytest.fixture
def tree(db):
    t = type("Tree", (), {})()
    t.province = Region.objects.create(code="420000", name="江南省", level=RegionLevel.PROVINCE)
    t.city = Region.objects.create(code="420900", name="明湖市", level=RegionLevel.CITY, parent=t.province)
    t.district = Region.objects.create(code="420906", name="生物城新区", level=RegionLevel.DISTRICT, parent=t.city)
    t.other_city = Region.objects.create(code="421000", name="青川市", level=RegionLevel.CITY, parent=t.province)
    t.other_district = Region.objects.create(code="421002", name="城关区", level=RegionLevel.DISTRICT,
                                             parent=t.other_city)
    return t


def test_a_region_keeps_its_path_and_a_subtree_is_one_prefix(tree):
    assert tree.district.path == "420000/420900/420906/"
    assert list(tree.city.subtree().values_list("name", flat=True)) == ["明湖市", "生物城新区"]
    assert tree.district.label == "江南省／明湖市／生物城新区"
    assert str(tree.city.subtree().query).count("LIKE") == 1  # one indexed prefix condition, no recursion


def test_a_region_recoded_takes_its_subtree_paths_with_it(tree):
    tree.city.code = "420901"
    tree.city.save()

    assert Region.objects.get(pk=tree.district.pk).path == "420000/420901/420906/"


@pytest.mark.parametrize(("level", "code", "parent", "field"), [
    (RegionLevel.DISTRICT, "4209", "city", "code"),  # six digits from the province to the county
    (RegionLevel.TOWN, "420906", "district", "code"),  # nine for a town
    (RegionLevel.DISTRICT, "420000", "province", "level"),  # a province's children are cities
    (RegionLevel.CITY, "429900", None, "parent"),  # only a province has no parent
])
def test_a_region_out_of_place_is_refused_at_its_field(tree, level, code, parent, field):
    region = Region(code=code, name="新区", level=level, parent=getattr(tree, parent) if parent else None)

    with pytest.raises(ValidationError) as refused:
        region.full_clean()

    assert field in refused.value.message_dict


def test_a_workbook_names_a_region_by_path_code_or_a_name_no_other_region_has(tree):
    Region.objects.create(code="420902", name="城关区", level=RegionLevel.DISTRICT, parent=tree.city)
    names = region_names(Region.objects.all())

    assert names["生物城新区"] == names["420906"] == names["江南省／明湖市／生物城新区"] == tree.district
    assert "城关区" not in names  # two cities have one: ambiguous
    assert names["江南省／青川市／城关区"] == tree.other_district
    assert region_labels([tree.other_city]) == {tree.other_city.pk: "江南省／青川市"}


def test_region_q_narrows_staff_of_a_region_and_nobody_else(tree):
    office = User(username="o", role=Role.OFFICE, region=tree.city)
    assert region_q(office, "district") == Q(district__path__startswith="420000/420900/")
    assert region_q(User(username="p", role=Role.OFFICE), "district") is None  # no region: the whole platform
    assert region_q(User(username="a", role=Role.ADMIN, region=tree.city), "district") is None
    assert region_q(User(username="e", role=Role.ENTERPRISE, region=tree.city), "district") is None

    assert in_region(None, office, "district") == Q(district__path__startswith="420000/420900/")
    assert in_region(NOTHING, office, "district") == NOTHING
    assert in_region(Q(pk=1), office, "district") == Q(pk=1) & Q(district__path__startswith="420000/420900/")


def test_staff_see_their_subtree_and_a_chain_office_its_staffed_chains_in_it_and_those_below_to_read(tree):
    firms = {r.name: Organization.objects.create(name=f"{r.name}企业", kind=OrgKind.DEPARTMENT, district=r)
             for r in (tree.city, tree.district, tree.other_district)}
    city_chain = Chain.objects.create(name="市链", level=ChainLevel.CITY, region=tree.city)
    district_chain = Chain.objects.create(name="区链", level=ChainLevel.DISTRICT, region=tree.district)
    other_chain = Chain.objects.create(name="他市链", level=ChainLevel.CITY, region=tree.other_city)
    province_chain = Chain.objects.create(name="省链", level=ChainLevel.PROVINCE, region=tree.province)
    city_office = User.objects.create(username="city", role=Role.OFFICE, region=tree.city)
    district_office = User.objects.create(username="district", role=Role.OFFICE, region=tree.district)
    province_office = User.objects.create(username="province", role=Role.OFFICE, region=tree.province)
    handler = User.objects.create(username="handler", role=Role.HANDLER, region=tree.city)
    for chain in (city_chain, district_chain, other_chain):  # staffed everywhere: the region still decides
        chain.staff.add(city_office, district_office)
    province_chain.staff.add(province_office)
    Chain.objects.create(name="区链二", level=ChainLevel.DISTRICT, region=tree.district)  # staffed by none of them

    def chains(user, action="view"):
        return set(Chain.objects.restrict(user, action).values_list("name", flat=True))

    # to read, an office also has every chain of the regions strictly below its own (oversight) …
    assert chains(city_office) == {"市链", "区链", "区链二"}
    assert chains(district_office) == {"区链"}
    assert chains(province_office) == {"省链", "市链", "区链", "区链二", "他市链"}
    # … and changes only those it staffs, in its subtree
    assert chains(province_office, "change") == {"省链"}
    assert chains(district_office, "change") == {"区链"}
    assert chains(handler) == {"市链", "区链", "区链二"}
    assert set(Organization.objects.restrict(handler)) == {firms["明湖市"], firms["生物城新区"]}
    assert set(Organization.objects.restrict(district_office)) == {firms["生物城新区"]}
    assert Organization.objects.restrict(province_office).count() == 3
    assert set(Chain.objects.restrict(city_office, "change").values_list("name", flat=True)) == {"市链", "区链"}


def test_a_chain_belongs_to_a_region_of_its_level(tree):
    chain = Chain(name="链", level=ChainLevel.DISTRICT, region=tree.city)

    with pytest.raises(ValidationError) as refused:
        chain.full_clean()

    assert list(refused.value.message_dict) == ["region"]


def test_those_seeing_a_region_are_its_own_staff_those_above_and_the_platform_s(tree):
    users = {name: User.objects.create(username=name, role=Role.OFFICE, region=region) for name, region in (
        ("platform", None), ("province", tree.province), ("city", tree.city), ("district", tree.district),
        ("other", tree.other_city))}

    def seeing(region):
        return set(User.objects.filter(seeing_region(region)).values_list("username", flat=True))

    assert seeing(tree.district) == {"platform", "province", "city", "district"}
    assert seeing(tree.city) == {"platform", "province", "city"}
    assert seeing(None) == {"platform"}
    assert len(users) == 5


def test_a_region_scoped_office_adds_organisations_only_in_its_subtree(tree, settings):
    from rest_framework.test import APIClient

    settings.LANGUAGE_CODE = "en"
    office = User.objects.create(username="office", role=Role.OFFICE, region=tree.city)
    api = APIClient()
    api.force_authenticate(office)
    body = {"name": "明湖市商务局", "kind": OrgKind.DEPARTMENT}

    none = api.post("/api/v1/organizations/", body, format="json")
    elsewhere = api.post("/api/v1/organizations/", {**body, "district": tree.other_district.pk}, format="json")
    assert none.status_code == elsewhere.status_code == 400
    assert none.json() == {"district": ["Choose the region: a record of no region is outside yours."]}
    assert list(elsewhere.json()) == ["district"]
    assert not Organization.objects.exists()

    inside = api.post("/api/v1/organizations/", {**body, "district": tree.district.pk}, format="json")
    assert inside.status_code == 201
    assert Organization.objects.get().district == tree.district


def test_the_add_page_offers_the_user_s_own_region_first_and_only_its_subtree(tree, client):
    office = User.objects.create(username="office", role=Role.OFFICE, region=tree.city)
    client.force_login(office)

    form = client.get("/registry/organizations/add/").context["form"]

    assert form["district"].value() == tree.city.pk  # was empty: a new instance's own None stood in initial
    assert form.fields["district"].required
    assert [label for _, label in form.fields["district"].choices] == [
        "请选择", "江南省／明湖市", "江南省／明湖市／生物城新区"]
