"""The apps depend on each other one way, as docs/architecture.md draws it: every import of one app by another
— at the top of a module or inside a function — is read from the source (tests and migrations left out), and
the graph must have no cycle, core must import no domain app, and nobody imports portal, reports or workbench
(the pages on top), nor reads one of their models by label."""

import ast
from pathlib import Path

import chainserve

ROOT = Path(chainserve.__file__).parent
APPS = sorted(p.parent.name for p in ROOT.glob("*/apps.py"))
ON_TOP = {"portal", "reports", "workbench"}


def app_of(module):
    """The app a dotted module name belongs to ("chainserve.registry.models" → "registry"), else None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "chainserve" and parts[1] in APPS else None


def imports_of(app):
    """{imported app: [file:line, …]} for every import in app's code of another app."""
    found = {}
    for path in (ROOT / app).rglob("*.py"):
        relative = path.relative_to(ROOT / app).parts
        if relative[0] in ("tests", "migrations"):
            continue
        package = ".".join(("chainserve", app, *relative[:-1]))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package.rsplit(".", node.level - 1)[0] if node.level else ""
                module = ".".join(filter(None, [base, node.module]))
                names = [module] + [f"{module}.{alias.name}" for alias in node.names]
            for other in {app_of(name) for name in names} - {None, app}:
                found.setdefault(other, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def graph():
    return {app: imports_of(app) for app in APPS}


def cycles(edges):
    """Every app that reaches itself through the import graph, with one such path."""
    found = {}
    for start in edges:
        stack = [(start, [start])]
        seen = set()
        while stack:
            node, path = stack.pop()
            for nxt in edges[node]:
                if nxt == start:
                    found[start] = " → ".join(path + [start])
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
    return found


def test_core_imports_no_domain_app():
    assert graph()["core"] == {}


def test_no_app_imports_the_pages_on_top():
    edges = graph()
    assert {f"{app} imports {other} ({where[0]})" for app in APPS for other, where in edges[app].items()
            if other in ON_TOP and app not in ON_TOP} == set()


def test_the_apps_import_each_other_one_way():
    assert cycles(graph()) == {}


def test_docs_architecture_draws_the_arrows_the_code_has():
    table = {}
    for line in (ROOT.parent / "docs" / "architecture.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            app, imports = [cell.strip() for cell in line.strip("|").split("|")]
            table[app.strip("`")] = set() if imports == "—" else set(imports.split(", "))
    assert table == {app: set(edges) for app, edges in graph().items()}


def models_read_by_label(app):
    """[(app label, file:line)] of every get_model("label", …) / get_model("label.Model") in app's code whose label
    is written out (tests and migrations left out): a model read by label is a dependency all the same."""
    found = []
    for path in (ROOT / app).rglob("*.py"):
        if path.relative_to(ROOT / app).parts[0] in ("tests", "migrations"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == "get_model"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.append((node.args[0].value.split(".")[0], f"{path.relative_to(ROOT)}:{node.lineno}"))
    return found


def test_no_app_reads_a_model_of_the_pages_on_top_by_label():
    # matching once keyed its cache on reports.RegistryStamp read by label; the stamp is the registry's now
    assert [f"{app} reads {label} ({where})" for app in APPS if app not in ON_TOP
            for label, where in models_read_by_label(app) if label in ON_TOP] == []
