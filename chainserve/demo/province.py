"""The province around the demo city: 江南省 with its province-level office, department and chain, and two thinner
cities beside 明湖市 — 青川市 and 云岭市 — each with two districts, a chain office, a department, a few enterprises
and a chain; the first district of each runs a district chain with an office and a department of its own. The
province's chain (生物医药产业集群) has the demo city's segments, and the three cities' biomedicine chains sit under it
(明湖市's, and a small one of each other city), so that its chain map shows their enterprises.

Written after the city's history, on regions of their own, so nothing of 明湖市 changes; what the province adds is
what the access matrix keeps from each city's and district's users (tests/on_the_demo/test_regions.py)."""

import datetime
from dataclasses import dataclass

from chainserve.chains.choices import ChainLevel, PlacementRole, Stage
from chainserve.chains.models import Chain, Placement, Segment
from chainserve.coordination.models import Visit
from chainserve.core.choices import Role
from chainserve.core.models import Region, RegionLevel, User
from chainserve.registry.choices import OrgKind, OrgSize
from chainserve.registry.models import Organization

from . import names as n
from .cluster import DEMO_PASSWORD, make_uscc


@dataclass(frozen=True)
class City:
    code: str
    name: str
    slug: str  # of its users' names: office-qc, handler-qc-qcq …
    districts: tuple  # ((code, name, slug), …): the first runs a district chain
    chain: str
    segments: tuple  # ((stage, name), …)
    firms: tuple  # (name, district index, size), placed on the city chain in turn
    # its biomedicine chain, under the province's: ((stage, segment, GB/T 4754 code, ((firm, district index,
    # size), …)), …) — set up on its own, so a segment matches the province's by name, by code or not at all
    biomedicine: tuple = ()


CITIES = (
    City("421000", "青川市", "qc", (("421002", "青川区", "qcq"), ("421003", "临江区", "ljq")),
         "青川市新能源汽车产业链", ((Stage.UPSTREAM, "动力电池材料"), (Stage.MIDSTREAM, "整车制造")),
         (("青川锂源新材料有限公司", 0, OrgSize.MEDIUM), ("青川驰远汽车股份有限公司", 0, OrgSize.LARGE),
          ("临江恒电电池有限公司", 1, OrgSize.SMALL), ("临江星途汽车零部件有限公司", 1, OrgSize.MEDIUM)),
         ((Stage.UPSTREAM, "原料药", "C271", (("青川康合原料药有限公司", 0, OrgSize.MEDIUM),
                                               ("临江瑞祥医药化工有限公司", 1, OrgSize.SMALL))),
          (Stage.MIDSTREAM, "化学药品制剂", "C272", (("青川济民制药股份有限公司", 0, OrgSize.LARGE),
                                                    ("临江安泰药业有限公司", 1, OrgSize.SMALL))),
          (Stage.MIDSTREAM, "高值医用耗材", "", (("青川博益医疗器械有限公司", 0, OrgSize.SMALL),)))),
    City("421100", "云岭市", "yl", (("421102", "云岭区", "ylq"), ("421123", "白石县", "bsx")),
         "云岭市绿色食品产业链", ((Stage.UPSTREAM, "高山茶种植"), (Stage.MIDSTREAM, "食品精深加工")),
         (("云岭雾峰茶业有限公司", 0, OrgSize.SMALL), ("云岭山珍食品股份有限公司", 0, OrgSize.MEDIUM),
          ("白石县天禾农业发展有限公司", 1, OrgSize.MICRO), ("白石县泉谷饮品有限公司", 1, OrgSize.SMALL)),
         ((Stage.UPSTREAM, "中药材种植", "", (("白石县药谷中药材有限公司", 1, OrgSize.SMALL),)),
          (Stage.MIDSTREAM, "中药饮片与中成药", "C274", (("云岭参草堂药业有限公司", 0, OrgSize.MEDIUM),
                                                        ("白石县古方中药饮片有限公司", 1, OrgSize.SMALL))),
          (Stage.DOWNSTREAM, "健康管理与康养", "Q85", (("云岭康颐健康管理有限公司", 0, OrgSize.SMALL),)))),
)
PROVINCE_OFFICE = "江南省产业链工作专班办公室"
PROVINCE_DEPARTMENT = "江南省科学技术厅"
PROVINCE_CHAIN = "江南省生物医药产业集群"
# The province's logins (the city's are names.ROLE_USERS): its chain office and each city's.
PROVINCE_USERS = ("office-province", *(f"office-{c.slug}" for c in CITIES))


def load(rng, today):
    """The province's offices, departments and chain, and its two other cities (see the module)."""
    province = Region.objects.get(code=n.PROVINCE_CODE)
    office = _unit(PROVINCE_OFFICE, province)
    _user("office-province", Role.OFFICE, "许文博", office, province)
    _user("handler-province", Role.HANDLER, "曹丽华", _unit(PROVINCE_DEPARTMENT, province), province)
    chain = Chain.objects.create(name=PROVINCE_CHAIN, level=ChainLevel.PROVINCE, region=province, office=office,
                                 description="全省生物医药产业集群，统筹各市产业链。")
    chain.staff.add(User.objects.get(username="office-province"))
    _segments(chain, [(stage, name, code, imported, [(cn, cc, ci) for cn, cc, ci, _word in children])
                      for stage, name, code, imported, _word, children in n.SEGMENTS])
    for city in CITIES:
        _city(city, province, rng, today)
    # the cities' biomedicine chains under the province's: 明湖市's, and the two others' (after every city, so that
    # the random draws of the cities above stay as they were)
    _put_under(Chain.objects.get(name=n.CHAIN_NAME), chain)
    for city in CITIES:
        _biomedicine(city, chain, rng)


def _segments(chain, tree):
    """The province chain's segments: the demo city's tree [(stage, name, code, imported, [(name, code,
    imported)])], which the cities' chains are matched against on the province's map."""
    for position, (stage, name, code, imported, children) in enumerate(tree, start=1):
        segment = Segment.objects.create(chain=chain, name=name, stage=stage, gbt_code=code,
                                         import_dependent=imported, position=position)
        for i, (child, child_code, child_imported) in enumerate(children):
            Segment.objects.create(chain=chain, parent=segment, name=child, stage=stage, gbt_code=child_code,
                                   import_dependent=child_imported, position=i)


def _put_under(city_chain, chain):
    """Put a city's chain under the province's, validated as the form and the API do (Chain.clean_parent)."""
    city_chain.parent = chain
    city_chain.full_clean()
    city_chain.save(update_fields=["parent"])


def _biomedicine(city, province_chain, rng):
    """The city's biomedicine chain under the province's, with its few firms (City.biomedicine)."""
    region = Region.objects.get(code=city.code)
    districts = list(Region.objects.filter(parent=region).order_by("code"))
    office_user = User.objects.get(username=f"office-{city.slug}")
    chain = Chain.objects.create(name=f"{city.name}生物医药产业链", level=ChainLevel.CITY, region=region,
                                 office=office_user.organization)
    chain.staff.add(office_user)
    _put_under(chain, province_chain)
    for position, (stage, name, code, firms) in enumerate(city.biomedicine, start=1):
        segment = Segment.objects.create(chain=chain, name=name, stage=stage, gbt_code=code, position=position)
        for i, (firm, d, size) in enumerate(firms):
            org = Organization.objects.create(name=firm, kind=OrgKind.ENTERPRISE, district=districts[d], size=size,
                                              uscc=make_uscc(rng, districts[d].code),
                                              employees=rng.randint(20, 900))
            Placement.objects.create(segment=segment, organization=org,
                                     role=PlacementRole.BACKBONE if i == 0 else PlacementRole.SUPPORTING)


def _city(city, province, rng, today):
    region = Region.objects.create(code=city.code, name=city.name, level=RegionLevel.CITY, parent=province)
    districts = [Region.objects.create(code=code, name=name, level=RegionLevel.DISTRICT, parent=region)
                 for code, name, _slug in city.districts]
    office = _unit(f"{city.name}产业链办公室", region)
    office_user = _user(f"office-{city.slug}", Role.OFFICE, f"{city.name[:2]}办", office, region)
    handler = _user(f"handler-{city.slug}", Role.HANDLER, f"{city.name[:2]}科", _unit(f"{city.name}科学技术局", region),
                    region)
    first, slug = districts[0], city.districts[0][2]
    district_office = _unit(f"{first.name}产业链办公室", first)
    district_user = _user(f"office-{city.slug}-{slug}", Role.OFFICE, f"{first.name}办", district_office, first)
    _user(f"handler-{city.slug}-{slug}", Role.HANDLER, f"{first.name}科", _unit(f"{first.name}科学技术局", first),
          first)

    firms = [Organization.objects.create(name=name, kind=OrgKind.ENTERPRISE, district=districts[d], size=size,
                                         uscc=make_uscc(rng, districts[d].code), employees=rng.randint(20, 900))
             for name, d, size in city.firms]
    chain = Chain.objects.create(name=city.chain, level=ChainLevel.CITY, region=region, office=office)
    chain.staff.add(office_user)
    segments = [Segment.objects.create(chain=chain, name=name, stage=stage, position=i)
                for i, (stage, name) in enumerate(city.segments)]
    for i, firm in enumerate(firms):
        Placement.objects.create(segment=segments[i % len(segments)], organization=firm,
                                 role=PlacementRole.BACKBONE if firm.size == OrgSize.LARGE else PlacementRole.SUPPORTING)
    local = Chain.objects.create(name=f"{first.name}{city.chain.removeprefix(city.name)}", level=ChainLevel.DISTRICT,
                                 region=first, parent=chain, office=district_office)
    local.staff.add(district_user, office_user)  # the city's office follows its district's chain too
    segment = Segment.objects.create(chain=local, name=city.segments[1][1], stage=city.segments[1][0])
    for firm in firms:
        if firm.district_id == first.pk:
            Placement.objects.create(segment=segment, organization=firm)
    Visit.objects.create(organization=firms[0], visitor=handler, visited_on=today - datetime.timedelta(days=9),
                         purpose="走访调研：用地与融资需求")


def _unit(name, region):
    return Organization.objects.create(name=name, kind=OrgKind.DEPARTMENT, district=region)


def _user(username, role, display, organization, region):
    user = User(username=username, role=role, first_name=display, organization=organization, region=region)
    if username in PROVINCE_USERS:
        user.set_password(DEMO_PASSWORD)
    else:
        user.set_unusable_password()
    user.save()
    return user
