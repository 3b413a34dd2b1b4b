"""API plumbing: token auth and `chainserve token`, the error shape, the schema, no whole-table loads."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from chainserve import cli
from chainserve.core.api import drf_detail, exception_handler


def test_api_token_prints_a_token_that_authenticates(world, api_as):
    # given
    out = StringIO()

    # when
    call_command("api_token", "office", stdout=out)

    # then
    key = out.getvalue().strip()
    assert key == Token.objects.get(user=world.users.office).key
    api = api_as(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/v1/chains/")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["明湖市大健康产业链"]  # the office's chain


def test_api_token_gives_the_same_token_again(world):
    first, second = StringIO(), StringIO()

    call_command("api_token", "admin", stdout=first)
    call_command("api_token", "admin", stdout=second)

    assert first.getvalue() == second.getvalue()
    assert Token.objects.count() == 1


@pytest.mark.parametrize("username", ["nobody", "inactive"])
def test_api_token_refuses_an_unknown_or_inactive_user(world, username):
    world.users.partner.username, world.users.partner.is_active = "inactive", False
    world.users.partner.save()

    with pytest.raises(CommandError) as raised:
        call_command("api_token", username, stdout=StringIO())

    assert str(raised.value) == f"No active user {username}."
    assert Token.objects.count() == 0


def test_the_chainserve_token_command_prints_the_token(world, capsys, monkeypatch):
    # a command run from argv closes every connection when done; the test's transaction must stay open
    monkeypatch.setattr(connections, "close_all", lambda: None)

    assert cli.main(["token", "admin"]) == 0

    assert capsys.readouterr().out == Token.objects.get(user=world.users.admin).key + "\n"


def test_a_wrong_token_is_refused(world, api_as):
    api = api_as(None)
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")

    assert api.get("/api/v1/organizations/").status_code == 401


@pytest.mark.parametrize(
    ("error", "detail"),
    [
        (
            DjangoValidationError({"uscc": ["bad"], "__all__": ["both"]}),
            {"uscc": ["bad"], "non_field_errors": ["both"]},
        ),
        (DjangoValidationError("one message"), {"non_field_errors": ["one message"]}),
        (DjangoValidationError(["a", "b"]), {"non_field_errors": ["a", "b"]}),
    ],
)
def test_a_model_validation_error_becomes_400_field_by_field(error, detail):
    assert drf_detail(error) == detail

    response = exception_handler(error, {})

    assert (response.status_code, response.data) == (400, detail)


def test_the_api_loads_no_list_of_choices_for_its_related_fields(world, api_as):
    # given the `park` field offers every park (a million organisations would be as many rows)
    api = api_as(world.users.admin)

    # when one organisation is read and one is created
    with CaptureQueriesContext(connection) as queries:
        assert api.get(f"/api/v1/organizations/{world.nfs.pk}/").status_code == 200
        assert (
            api.post(
                "/api/v1/organizations/", {"name": "明湖新协会", "kind": "association"}, format="json"
            ).status_code
            == 201
        )

    # then every organisation read is of one row (not, say, every park offered for the `park` field)
    unbounded = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "registry_organization"')
        and " LIMIT " not in q["sql"]
        and f'"registry_organization"."id" = {world.nfs.pk}' not in q["sql"]
    ]
    assert unbounded == []


def test_the_openapi_schema_lists_the_endpoints(world, api_as):
    response = api_as(world.users.admin).get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/organizations/",
        "/api/v1/organizations/{id}/",
        "/api/v1/people/",
        "/api/v1/relationships/",
        "/api/v1/districts/",
        "/api/v1/labels/",
        "/api/v1/chains/",
        "/api/v1/chains/{id}/map/",
        "/api/v1/chains/{id}/gaps/",
        "/api/v1/segments/",
        "/api/v1/placements/",
    ]:
        assert path in paths, path
