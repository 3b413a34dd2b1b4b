"""The enterprise figures are cached under the registry's stamp: after any change of an organisation, its labels
or its placements made through the services, they equal a straightforward count again — for the city, a chain
and a district — and a viewer who sees only some organisations never gets the figures of one who sees all."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chainserve.chains.models import Placement
from chainserve.core.services import delete_record, save_record
from chainserve.registry.choices import ListingStatus, OrgKind
from chainserve.registry.models import Organization, RegistryStamp
from chainserve.reports.figures import Period, Scope, compute_all

KEYS = ("enterprises", "listed", "reserve_listed", "hitech", "srdi")
YEAR = Period.year(2026)


def counted(scope):
    return {v.figure.key: v.value for v in compute_all(YEAR, scope, keys=set(KEYS)).values}


def straight(chain=None, district=None):
    """The five figures counted one by one, the plain way."""
    firms = Organization.objects.filter(kind=OrgKind.ENTERPRISE)
    if chain is not None:
        firms = firms.filter(pk__in=Placement.objects.filter(chain=chain).values("organization_id"))
    if district is not None:
        firms = firms.filter(district=district)
    return {"enterprises": firms.count(),
            "listed": firms.filter(listing_status=ListingStatus.LISTED).count(),
            "reserve_listed": firms.filter(listing_status=ListingStatus.RESERVE).count(),
            "hitech": firms.filter(labels__slug="hitech").count(),
            "srdi": firms.filter(labels__slug="srdi").count()}


def check_all(world):
    admin = world.users.admin
    for chain, district in [(None, None), (world.chain, None), (None, world.dong), (None, world.xi)]:
        got = counted(Scope(user=admin, chain=chain, district=district))
        assert got == straight(chain, district), (chain, district)


def organisation_queries(scope):
    with CaptureQueriesContext(connection) as ctx:
        counted(scope)
    return [q["sql"] for q in ctx.captured_queries if 'FROM "registry_organization"' in q["sql"]]


def test_a_second_view_reads_the_cache_and_a_change_ends_it(world):
    def scope():  # a new one per view, as the pages make it
        return Scope(user=world.users.admin)

    assert organisation_queries(scope())  # computed …
    assert organisation_queries(scope()) == []  # … then read from the cache
    first = counted(scope())

    # a change through the services, its after-commit step not run (as inside a transaction): the stamp taken
    # in the transaction already ends the cached figures for the transaction itself
    firm = save_record(world.users.admin, Organization(name="明湖新材料有限公司", kind=OrgKind.ENTERPRISE))

    assert organisation_queries(scope())
    assert counted(scope())["enterprises"] == first["enterprises"] + 1 == straight()["enterprises"]
    assert Organization.objects.filter(pk=firm.pk).exists()


def test_the_figures_equal_a_straight_count_after_each_change(world, django_capture_on_commit_callbacks):
    admin = world.users.admin
    check_all(world)
    before = straight()

    with django_capture_on_commit_callbacks(execute=True):
        firm = save_record(admin, Organization(name="明湖新材料有限公司", kind=OrgKind.ENTERPRISE,
                                               district=world.xi, listing_status=ListingStatus.LISTED))
    check_all(world)
    assert straight() == dict(before, enterprises=before["enterprises"] + 1, listed=before["listed"] + 1)

    with django_capture_on_commit_callbacks(execute=True):  # labels (many-to-many), as the form saves them
        save_record(admin, firm, save_related=lambda: firm.labels.set([world.hitech, world.srdi]))
    check_all(world)
    assert straight()["hitech"] == before["hitech"] + 1

    with django_capture_on_commit_callbacks(execute=True):
        firm.listing_status, firm.district = ListingStatus.RESERVE, world.dong
        save_record(admin, firm)
    check_all(world)

    with django_capture_on_commit_callbacks(execute=True):  # placed on the chain: the chain's figures
        save_record(admin, Placement(chain=world.chain, segment=world.chain.segments.first(), organization=firm))
    check_all(world)
    assert counted(Scope(user=admin, chain=world.chain))["enterprises"] == straight(world.chain)["enterprises"]

    with django_capture_on_commit_callbacks(execute=True):  # labels taken off, then the firm deleted
        save_record(admin, firm, save_related=lambda: firm.labels.set([]))
    check_all(world)
    with django_capture_on_commit_callbacks(execute=True):
        delete_record(admin, firm.placements.get())
    with django_capture_on_commit_callbacks(execute=True):
        delete_record(admin, Organization.objects.get(pk=firm.pk))
    check_all(world)
    assert straight() == before


@pytest.mark.parametrize("first", ["admin", "enterprise"])
def test_a_viewer_who_sees_one_organisation_never_gets_the_figures_of_all(world, first):
    users = world.users
    scopes = {"admin": Scope(user=users.admin), "enterprise": Scope(user=users.enterprise)}
    got = {}
    for name in (first, *(n for n in scopes if n != first)):
        got[name] = counted(scopes[name])

    assert got["admin"] == straight()
    assert got["enterprise"] == {"enterprises": 1, "listed": 1, "reserve_listed": 0, "hitech": 1, "srdi": 1}  # 纽福斯


def test_the_stamps_are_added_and_the_old_ones_dropped(world, django_capture_on_commit_callbacks):
    from chainserve.registry.services import STAMPS_KEPT, registry_changed

    for _ in range(STAMPS_KEPT + 5):
        with django_capture_on_commit_callbacks(execute=True):
            registry_changed([world.nfs.pk])
    tokens = list(RegistryStamp.objects.order_by("-pk").values_list("token", flat=True))
    assert len(tokens) == STAMPS_KEPT and len(set(tokens)) == len(tokens)
    assert RegistryStamp.current() == tokens[0]


def test_a_region_s_staff_share_their_cached_figures_and_never_read_another_s(world):
    """A region's staff see its subtree only: their figures are cached too, under a key of what they see — shared
    by the staff of the same region, never read by the staff of another region or by those who see everything."""
    from chainserve.core.choices import Role
    from chainserve.core.models import User

    def office(username, region):
        return User.objects.create(username=username, role=Role.OFFICE, region=region)

    dong, dong_too, xi = office("office-dong", world.dong), office("office-dong-2", world.dong), office("office-xi", world.xi)
    assert straight(district=world.dong) != straight(district=world.xi) != straight()

    assert counted(Scope(user=dong)) == straight(district=world.dong)
    assert organisation_queries(Scope(user=dong_too)) == []  # the same region: read from the cache
    assert counted(Scope(user=dong_too)) == straight(district=world.dong)
    assert organisation_queries(Scope(user=xi))  # another region: its own count …
    assert counted(Scope(user=xi)) == straight(district=world.xi)
    assert counted(Scope(user=world.users.admin)) == straight()  # … and everyone's their own
    assert counted(Scope(user=dong, chain=world.chain)) == straight(world.chain, world.dong)


def test_the_party_figures_number_of_enterprises_is_cached_and_a_placement_ends_it(world,
                                                                                 django_capture_on_commit_callbacks):
    from chainserve.reports.figures.industry import _enterprises

    def total():
        with CaptureQueriesContext(connection) as ctx:
            got = _enterprises(Scope(chain=world.chain)).total
        return got, [q for q in ctx.captured_queries if 'FROM "registry_organization"' in q["sql"]]

    first, queries = total()
    assert first == straight(world.chain)["enterprises"] and queries
    assert total() == (first, [])  # read from the cache

    admin = world.users.admin
    with django_capture_on_commit_callbacks(execute=True):
        firm = save_record(admin, Organization(name="明湖新材料有限公司", kind=OrgKind.ENTERPRISE))
        save_record(admin, Placement(chain=world.chain, segment=world.chain.segments.first(), organization=firm))
    assert total()[0] == first + 1 == straight(world.chain)["enterprises"]
