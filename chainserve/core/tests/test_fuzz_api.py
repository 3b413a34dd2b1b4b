"""Fuzzing the REST API with schemathesis: every operation in /api/v1/schema/, as every role, through the
WSGI application — no 5xx, and every answer with a documented status matches the schema.

CI runs the schema's examples and a fixed, derandomized FUZZ_EXAMPLES (default 3) generated cases per
operation and role; bench/fuzz.sh runs the full form (boundary-case coverage, more examples, random seeds).
"""

import os

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
schema = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True),
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": COVERAGE}}}),
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
