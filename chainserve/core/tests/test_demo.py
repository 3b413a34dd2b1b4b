"""The demo cluster: big enough to look real, one user per role, and loaded once however often it is asked."""

import ast
import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command

import chainserve
from chainserve.chains.models import Chain, Placement, Segment
from chainserve.core.models import Region, User
from chainserve.demo import load_demo
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Label, Organization, Person, Product, Relationship

MODELS = [Region, Label, Organization, Person, Relationship, Product, Chain, Segment, Placement, User]


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_load_demo_twice_leaves_the_same_counts_and_the_command_says_what_it_did(db):
    # when loaded twice, by the command
    said_first, said_second = StringIO(), StringIO()
    call_command("load_demo", stdout=said_first)
    first = counts()
    call_command("load_demo", stdout=said_second)

    # then the second time changed nothing, and each time said so
    assert counts() == first
    assert load_demo() is False
    n = first["Organization"]
    assert said_first.getvalue().startswith(f"Loaded: {n} organisations.\n")
    assert said_second.getvalue().startswith(
        f"Already loaded: {n} organisations.\nDemo logins (password: chainserve-demo):\n"
    )
    # and the cluster is big enough to look real
    assert first["Organization"] >= 300
    assert set(Organization.objects.values_list("kind", flat=True)) == set(OrgKind.values)
    # the city's two chains; the province's own and, in each of its other two cities, a city chain with its
    # district's and a biomedicine chain under the province's (demo.province)
    assert Chain.objects.filter(region__path__startswith="420000/420900/").count() == 2
    assert first["Chain"] == 9
    assert Region.objects.filter(level="city").count() == 3
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
