"""RestrictedQuerySet.restrict, can_change_any, save_record and delete_record: the scoping every app uses."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from chainserve.chains.models import Chain, Placement, Segment
from chainserve.core.models import can_change_any
from chainserve.core.services import delete_record, save_record
from chainserve.registry.models import Organization, Person, Relationship
from chainserve.registry.tests.factories import UserFactory


def test_nobody_sees_anything(world):
    inactive = UserFactory(role="admin", is_active=False)

    for user in (None, AnonymousUser(), inactive):
        assert list(Organization.objects.restrict(user)) == []
        assert list(Chain.objects.restrict(user, "change")) == []


def test_a_superuser_sees_everything_whatever_its_role(world):
    root = UserFactory(role="partner", is_superuser=True)

    assert Organization.objects.restrict(root).count() == 6
    assert Chain.objects.restrict(root, "change").count() == 2


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", {Organization, Person, Relationship, Chain, Segment, Placement}),
        ("office", {Organization, Person, Relationship, Chain, Segment, Placement}),  # its chains only
        ("specialist", {Organization, Person, Relationship}),
        ("handler", set()),
        ("enterprise", set()),
        ("partner", set()),
    ],
)
def test_who_may_change_some_rows_of_what(world, role, expected):
    models = {Organization, Person, Relationship, Chain, Segment, Placement}

    assert {m for m in models if can_change_any(m, getattr(world.users, role))} == expected


def test_can_change_any_is_false_for_nobody(world):
    assert not can_change_any(Organization, None)
    assert not can_change_any(Organization, AnonymousUser())


@pytest.mark.parametrize(
    ("role", "chains"),
    [
        ("admin", {"chain", "dchain"}),
        ("office", {"chain"}),
        ("handler", set()),
        ("specialist", set()),
        ("enterprise", set()),
        ("partner", set()),
    ],
)
def test_only_admins_and_a_chains_own_office_change_it(world, role, chains):
    user = getattr(world.users, role)

    assert set(Chain.objects.restrict(user, "change")) == {getattr(world, c) for c in chains}


def test_save_record_keeps_the_author_in_the_history(world):
    org = Organization(name="明湖新协会", kind="association")

    save_record(world.users.office, org)

    assert org.history.get().history_user == world.users.office


def test_save_record_rolls_back_what_ends_outside_the_users_scope(world):
    # given the office user, who may only change chains it staffs
    count = Chain.objects.count()
    chain = Chain(name="新产业链", level="city")

    # when it creates a chain it is not staff of
    with pytest.raises(PermissionDenied):
        save_record(world.users.office, chain)

    # then nothing is left of it
    assert Chain.objects.count() == count
    assert Chain.history.filter(name="新产业链").count() == 0


def test_save_record_rolls_back_the_related_writes_too(world):
    # given the office user leaves its own chain's staff while saving it
    chain = world.chain

    def leave():
        chain.staff.set([])

    with pytest.raises(PermissionDenied):
        chain.description = "改"
        save_record(world.users.office, chain, leave)

    chain.refresh_from_db()
    assert (chain.description, list(chain.staff.all())) == ("", [world.users.office])


def test_save_record_with_the_related_writes_inside_scope(world):
    chain = Chain(name="新产业链", level="city")

    save_record(world.users.office, chain, lambda: chain.staff.set([world.users.office]))

    assert Chain.objects.restrict(world.users.office, "change").filter(pk=chain.pk).exists()


def test_delete_record_is_refused_outside_the_scope(world):
    with pytest.raises(PermissionDenied):
        delete_record(world.users.handler, world.wz)
    with pytest.raises(PermissionDenied):
        delete_record(world.users.office, world.dchain)

    assert Organization.objects.filter(pk=world.wz.pk).exists()
    assert Chain.objects.filter(pk=world.dchain.pk).exists()


def test_delete_record_inside_the_scope_keeps_its_author(world):
    # an organisation nothing uses (the bank has people, relationships and a user: core/tests/test_delete.py)
    unused = Organization.objects.create(name="明湖新协会", kind="association")
    pk = unused.pk

    delete_record(world.users.admin, unused)

    assert not Organization.objects.filter(pk=pk).exists()
    assert Organization.history.filter(id=pk, history_type="-").get().history_user == world.users.admin
