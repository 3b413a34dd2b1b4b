"""The demo cluster as loaded: one login per role and scopes that hold on it, firms whose sizes fit their roles,
and PostgreSQL's planner told the tables' sizes."""

from collections import Counter

import pytest
from django.db import connection

from chainserve.chains.choices import PlacementRole
from chainserve.chains.models import Chain, Placement
from chainserve.core.choices import Role
from chainserve.core.models import User
from chainserve.demo import CHAIN_NAME, DEMO_PASSWORD
from chainserve.demo.province import PROVINCE_USERS
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Organization, Person


def test_the_demo_has_a_login_for_every_role_and_no_other_login(db):
    # then one login per role, with the demo password
    # (the city's: the province's users are those of demo.province, its chain offices with a login each)
    province = User.objects.exclude(region__path__startswith="420000/420900/").exclude(region__isnull=True)
    assert {u.username: u.role for u in province if u.has_usable_password()} == dict.fromkeys(PROVINCE_USERS,
                                                                                              Role.OFFICE)
    users = {u.username: u for u in User.objects.select_related("organization").exclude(pk__in=province)}
    logins = {name: u for name, u in users.items() if u.has_usable_password()}
    assert {name: u.role for name, u in logins.items()} == {r.value: r.value for r in Role}
    assert all(u.check_password(DEMO_PASSWORD) for u in logins.values())
    # the other departments' handlers, two more specialists and the firms on the portal have accounts, no login
    others = Counter(u.role for name, u in users.items() if name not in logins)
    assert (others[Role.HANDLER], others[Role.SPECIALIST], set(others)) == (
        12, 2, {Role.HANDLER, Role.SPECIALIST, Role.ENTERPRISE})
    assert users["enterprise"].organization.name == "明湖澜泽基因技术有限公司"
    assert users["partner"].organization.kind == OrgKind.FINANCIAL
    assert set(users["office"].chains.values_list("name", flat=True)) == {
        CHAIN_NAME,
        "生物城新区生物医药产业链",
    }
    # and their scopes hold on the demo data
    assert list(Organization.objects.restrict(users["enterprise"]).values_list("name", flat=True)) == [
        "明湖澜泽基因技术有限公司"
    ]
    assert Chain.objects.restrict(users["enterprise"]).count() == 0
    # a department of the city sees every organisation of the city (its region), none of the province's others
    assert Organization.objects.restrict(users["handler"]).count() == Organization.objects.filter(
        district__path__startswith="420000/420900/").count() == Organization.objects.count() - 18 - 9
    # (the 9: the firms of 青川市's and 云岭市's biomedicine chains, under the province's: demo.province)


def test_the_demo_firms_sizes_fit_their_roles_on_the_chain(db):
    placed = Placement.objects.filter(chain__name=CHAIN_NAME, organization__kind=OrgKind.ENTERPRISE)
    owners = placed.filter(role=PlacementRole.CHAIN_OWNER).select_related("organization")
    backbone = placed.filter(role=PlacementRole.BACKBONE).select_related("organization")
    assert owners.count() >= 5
    # a chain owner (链主) is a large firm, listed or reserve-listed, and carries the label
    assert {(p.organization.size, p.organization.employees >= 1000, p.organization.listing_status != "none",
             p.organization.labels.filter(slug="chain-owner").exists()) for p in owners} == {("large", True, True, True)}
    # backbone firms are medium or large
    assert {p.organization.size for p in backbone} <= {"medium", "large"}
    assert not Organization.objects.filter(labels__slug="chain-owner").exclude(size="large").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's statistics are PostgreSQL's")
def test_the_demo_leaves_postgresql_knowing_its_tables_sizes(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'registry_person'")
        assert cursor.fetchone()[0] == Person.objects.count()
