"""Fuzzing the REST API with schemathesis: every operation in /api/v1/schema/, as every role, through the
WSGI application — no 5xx, and every answer with a documented status matches the schema.

CI runs the schema's examples and a fixed, derandomized FUZZ_EXAMPLES (default 3) generated cases per
operation and role; bench/fuzz.sh runs the full form (boundary-case coverage, more examples, random seeds).
Explicit cases at the end, in CI too: answers of records that exist, a body nested 1,000 deep on every JSON
operation, far dates in every date parameter and on the pages that take one.
"""

import os
import re

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis import checks as st_checks
from schemathesis.config import SchemathesisConfig

from chainserve.core.tokens import issue
from chainserve.wsgi import application
from conftest import ROLES

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
DERANDOMIZE = not os.environ.get("FUZZ_RANDOM")
# The coverage phase sends every boundary case of every parameter (hundreds per operation, whatever
# max_examples says): the full run has it, CI keeps to the examples and FUZZ_EXAMPLES generated cases.
COVERAGE = bool(os.environ.get("FUZZ_COVERAGE"))

# The schema the API serves at /api/v1/schema/, generated in-process (the endpoint itself wants a login).
RAW_SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(
    RAW_SCHEMA, config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": COVERAGE}}}),
)

# Error answers (400/403/404/405/415) are not listed in the schema: check that none is a 5xx, and that
# every answer whose status the schema lists has its content type and its body's shape.
CHECKS = [st_checks.not_a_server_error, st_checks.content_type_conformance, st_checks.response_schema_conformance]


@pytest.fixture
def tokens(world):
    return {role: issue(getattr(world.users, role))[1] for role in ROLES}


@pytest.fixture
def wsgi_app():
    """The real WSGI application, minus what closes the database connection at each request's end (as
    Django's test client does): the test's transaction must stay open (on PostgreSQL it would be closed)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_operation(case, role, tokens, wsgi_app):
    case.call_and_validate(app=wsgi_app, headers={"Authorization": f"Token {tokens[role]}"}, checks=CHECKS)


# --- explicit cases: what generated cases rarely reach -----------------------------------------------------
# Run in CI with the rest (a few seconds): answers of records that exist (the generated ids are mostly 404s),
# a body nested past the parser's bound on every operation that takes JSON, and dates far out of range.


@pytest.fixture
def recorded(world):
    """A published bulletin superseded by a second, a demand with its steps and a system event (no actor),
    a list item with a progress update whose author left: the answers whose shape the schema must describe."""
    from chainserve.coordination.models import AnnualList, ItemUpdate, ListItem
    from chainserve.demands import services as ds
    from chainserve.demands.choices import EventType
    from chainserve.demands.models import Category, DemandEvent
    from chainserve.reports.figures import Period, Scope
    from chainserve.reports.services import publish

    u = world.users
    period = Period.year(2026)
    publish(u.admin, period, Scope(user=u.admin))
    latest = publish(u.admin, period, Scope(user=u.admin), "2026年全市产业链工作情况（修订）")  # a new version
    demand = ds.submit(u.enterprise, ds.Intake(organization=world.nfs, category=Category.objects.get(slug="policy"),
                                               title="申请研发费用加计扣除辅导", description="企业希望了解申报口径。"))
    ds.accept(demand, u.office)
    DemandEvent.objects.create(demand=demand, type=EventType.ESCALATED, actor=None, note="逾期自动升级。")
    annual = AnnualList.objects.create(chain=world.chain, year=2026, kind="service", title="2026年服务项目清单")
    item = ListItem.objects.create(annual_list=annual, code="1", title="园区建设", owner=world.dept)
    ItemUpdate.objects.create(item=item, text="完成选址。", progress=10, author=None)
    ItemUpdate.objects.create(item=item, text="开工。", author=u.admin)
    return {"/api/v1/bulletins/{id}/": latest.pk, "/api/v1/demands/{id}/events/": demand.pk,
            "/api/v1/list-items/{id}/timeline/": item.pk}


@pytest.mark.parametrize("path", ["/api/v1/bulletins/", "/api/v1/bulletins/{id}/", "/api/v1/demands/{id}/events/",
                                  "/api/v1/list-items/{id}/timeline/"])
def test_answers_of_recorded_data_match_the_schema(path, recorded, tokens, wsgi_app):
    case = schema[path]["GET"].Case(path_parameters={"id": recorded[path]} if "{id}" in path else {})

    response = case.call_and_validate(app=wsgi_app, headers={"Authorization": f"Token {tokens['admin']}"},
                                      checks=CHECKS)

    assert response.status_code == 200


def test_a_published_bulletin_matches_the_schema(recorded, tokens, wsgi_app):
    case = schema["/api/v1/bulletins/publish/"]["POST"].Case(body={"start": "2026-01-01", "end": "2026-03-31"},
                                                             media_type="application/json")

    response = case.call_and_validate(app=wsgi_app, headers={"Authorization": f"Token {tokens['admin']}"},
                                      checks=[*CHECKS, st_checks.status_code_conformance])

    assert response.status_code == 201


JSON_BODIES = [(method.upper(), path) for path, operations in RAW_SCHEMA["paths"].items()
               for method, operation in operations.items()
               if "application/json" in operation.get("requestBody", {}).get("content", {})]
DATE_QUERIES = [(method.upper(), path, parameter["name"])
                for path, operations in RAW_SCHEMA["paths"].items() for method, operation in operations.items()
                for parameter in operation.get("parameters", [])
                if parameter["in"] == "query" and parameter.get("schema", {}).get("format") in ("date", "date-time")]
NESTED_TOO_DEEP = {"detail": "JSON parse error - nested deeper than 64 levels."}


def _with_ids(path):
    """The path with every path parameter 1 (a record that may not exist: then a 404)."""
    return re.sub(r"\{[^}]+\}", "1", path)


ENTERPRISE_ONLY = {("POST", "/api/v1/policy-applications/"), ("POST", "/api/v1/corrections/")}


def test_a_body_nested_a_thousand_deep_is_a_400_on_every_operation_that_takes_json(world, api_as):
    """json.loads recurses once per level: such a body was a RecursionError, a 500, on every JSON endpoint."""
    api = api_as(world.users.admin)
    deep = "[" * 1000 + "]" * 1000

    answers = {(method, path): api.generic(method, _with_ids(path), deep, content_type="application/json")
               for method, path in JSON_BODIES}

    # Every create and collection action parses the body; one on a record is a 404 first if there is none; a
    # create only an enterprise makes refuses the admin before reading the body.
    refused = {op: r.status_code for op, r in answers.items() if op in ENTERPRISE_ONLY}
    assert refused == dict.fromkeys(ENTERPRISE_ONLY, 403)
    collection = {op for op in answers if "{" not in op[1]} - ENTERPRISE_ONLY
    assert len(collection) >= 30
    assert collection <= {op for op, r in answers.items() if r.status_code == 400}
    assert {op: r.status_code for op, r in answers.items()
            if r.status_code not in (400, 404) and op not in ENTERPRISE_ONLY} == {}
    assert [op for op, r in answers.items() if r.status_code == 400 and r.json() != NESTED_TOO_DEEP] == []


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_far_dates_in_every_date_parameter_are_answered_without_a_server_error(world, api_as, day):
    api = api_as(world.users.admin)

    answers = {(method, path, name): api.generic(method, f"{_with_ids(path)}?{name}={day}")
               for method, path, name in DATE_QUERIES}

    assert len(answers) >= 30
    assert {op: r.status_code for op, r in answers.items() if r.status_code >= 500} == {}


@pytest.mark.parametrize(("url", "field"), [("/demands/metrics/?to=9999-12-31", "to"),
                                            ("/demands/metrics/?from=0001-01-01", "from"),
                                            ("/coordination/calendar/?month=9999-12", None),
                                            ("/coordination/calendar/?month=0001-01", None)])
def test_far_dates_on_the_pages_are_a_400_with_a_message(world, client_as, url, field):
    response = client_as(world.users.admin).get(url)

    assert response.status_code == 400
    if field:
        assert response.context["errors"] == {field: "Give a date from 2000 to 2100."}
    else:
        assert [str(m) for m in response.context["messages"]] == ["Give a month as YYYY-MM, from 2000-01 to 2100-12."]
