"""The demo cluster: big enough to look real, one user per role, and loaded once however often it is asked."""

from io import StringIO

from django.core.management import call_command

from chainserve.chains.models import Chain, Placement, Segment
from chainserve.core.choices import Role
from chainserve.core.models import User
from chainserve.demo import CHAIN_NAME, DEMO_PASSWORD, load_demo
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import District, Label, Organization, Person, Product, Relationship

MODELS = [District, Label, Organization, Person, Relationship, Product, Chain, Segment, Placement, User]


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_load_demo_twice_leaves_the_same_counts(db):
    # when loaded twice
    assert load_demo() is True
    first = counts()
    assert load_demo() is False

    # then the second time changed nothing
    assert counts() == first
    # and the cluster is big enough to look real
    assert first["Organization"] >= 300
    assert set(Organization.objects.values_list("kind", flat=True)) == set(OrgKind.values)
    assert first["Chain"] == 2
    assert first["Placement"] >= 200
    assert first["Person"] >= 300
    assert set(Relationship.objects.values_list("kind", flat=True)) == {
        "supplies",
        "cooperates",
        "paired",
        "instructor",
        "member",
        "subsidiary",
    }


def test_the_demo_has_a_user_for_every_role(db):
    # given
    load_demo()

    # then
    users = {u.username: u for u in User.objects.select_related("organization")}
    assert {name: u.role for name, u in users.items()} == {r.value: r.value for r in Role}
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())
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
    assert Organization.objects.restrict(users["handler"]).count() == Organization.objects.count()


def test_the_load_demo_command_says_what_it_did(db):
    first, second = StringIO(), StringIO()

    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)

    n = Organization.objects.count()
    assert first.getvalue().startswith(f"Loaded: {n} organisations.\n")
    assert second.getvalue().startswith(
        f"Already loaded: {n} organisations.\nDemo logins (password: chainserve-demo):\n"
    )
