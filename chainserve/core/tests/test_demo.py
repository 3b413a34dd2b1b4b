"""The demo cluster: big enough to look real, one user per role, and loaded once however often it is asked."""

import ast
import re
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

import chainserve
from chainserve.chains.choices import PlacementRole
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


def test_the_demo_has_a_login_for_every_role_and_no_other_login(db):
    # given
    load_demo()

    # then one login per role, with the demo password
    users = {u.username: u for u in User.objects.select_related("organization")}
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
    assert Organization.objects.restrict(users["handler"]).count() == Organization.objects.count()


def test_the_demo_firms_sizes_fit_their_roles_on_the_chain(db):
    load_demo()

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


def test_the_load_demo_command_says_what_it_did(db):
    first, second = StringIO(), StringIO()

    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)

    n = Organization.objects.count()
    assert first.getvalue().startswith(f"Loaded: {n} organisations.\n")
    assert second.getvalue().startswith(
        f"Already loaded: {n} organisations.\nDemo logins (password: chainserve-demo):\n"
    )


def test_the_demo_writes_chinese_with_full_width_punctuation():
    """The demo's Chinese texts (names, policies, demands, minutes) punctuate as official documents do:
    no ASCII , ; ( ) : beside a Chinese character (docstrings, written in English, aside)."""
    ascii_beside_han = re.compile(r"[\u4e00-\u9fff] ?[,;():]|[,;():] ?[\u4e00-\u9fff]")
    found = []
    root = Path(chainserve.__file__).parent
    for path in sorted([*root.glob("**/demo.py"), *root.glob("demo/*.py")]):
        tree = ast.parse(path.read_text())
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(n)}
        found += [(str(path.relative_to(root)), n.lineno, n.value[:40]) for n in ast.walk(tree)
                  if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
                  and ascii_beside_han.search(n.value)]
    assert found == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's statistics are PostgreSQL's")
def test_the_demo_leaves_postgresql_knowing_its_tables_sizes(db):
    load_demo()

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'registry_person'")
        assert cursor.fetchone()[0] == Person.objects.count()
