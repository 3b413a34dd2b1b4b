"""API plumbing: token auth and `chainserve token`, the error shape, the schema, no whole-table loads."""

import datetime
import hashlib
from io import StringIO

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chainserve import cli
from chainserve.core import tokens
from chainserve.core.api import drf_detail, exception_handler
from chainserve.core.models import ApiToken


def test_api_token_prints_a_token_that_authenticates(world, api_as):
    # given
    out = StringIO()

    # when
    call_command("api_token", "office", stdout=out)

    # then: the database keeps the prefix and the secret's SHA-256, never the key itself
    key = out.getvalue().strip()
    prefix, secret = key.split(".")
    token = ApiToken.objects.get(user=world.users.office)
    assert (token.prefix, token.digest) == (prefix, hashlib.sha256(secret.encode()).hexdigest())
    assert key not in {token.prefix, token.digest}
    api = api_as(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/v1/chains/")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["明湖市大健康产业链"]  # the office's chain
    token.refresh_from_db()
    assert token.last_used is not None


def test_api_token_again_gives_a_new_token_and_the_old_one_stops_working(world, api_as):
    first, second = StringIO(), StringIO()

    call_command("api_token", "admin", stdout=first)
    call_command("api_token", "admin", stdout=second)

    assert first.getvalue() != second.getvalue()
    assert ApiToken.objects.count() == 1
    api = api_as(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {first.getvalue().strip()}")
    assert api.get("/api/v1/chains/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {second.getvalue().strip()}")
    assert api.get("/api/v1/chains/").status_code == 200


@pytest.mark.parametrize("username", ["nobody", "inactive"])
def test_api_token_refuses_an_unknown_or_inactive_user(world, username):
    world.users.partner.username, world.users.partner.is_active = "inactive", False
    world.users.partner.save()

    with pytest.raises(CommandError) as raised:
        call_command("api_token", username, stdout=StringIO())

    assert str(raised.value) == f"No active user {username}."
    assert ApiToken.objects.count() == 0


def test_the_chainserve_token_command_prints_the_token(world, capsys, monkeypatch):
    # a command run from argv closes every connection when done; the test's transaction must stay open
    monkeypatch.setattr(connections, "close_all", lambda: None)

    assert cli.main(["token", "admin"]) == 0

    prefix, secret = capsys.readouterr().out.removesuffix("\n").split(".")
    assert tokens.check(f"{prefix}.{secret}").user == world.users.admin


@pytest.mark.parametrize("key", ["0123456789abcdef", "0123456789ab.wrong", ".", "x" * 300, "a.b.c"])
def test_a_wrong_token_is_refused(world, api_as, key):
    tokens.issue(world.users.admin)
    api = api_as(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api.get("/api/v1/organizations/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_with_the_right_prefix_and_a_wrong_secret_is_refused(world, api_as):
    _, key = tokens.issue(world.users.admin)
    api = api_as(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key.split('.')[0]}.{'A' * 43}")

    assert api.get("/api/v1/organizations/").status_code == 401


def test_an_expired_token_is_refused_with_a_clear_message(world, api_as):
    # given a token past its expiry
    token, key = tokens.issue(world.users.office, days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - datetime.timedelta(seconds=1))
    api = api_as(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    # when
    response = api.get("/api/v1/chains/")

    # then
    assert response.status_code == 401
    assert response.json() == {
        "detail": "The API token has expired; ask an administrator for a new one (chainserve token USER)."
    }
    token.refresh_from_db()
    assert token.last_used is None  # nothing recorded for a refused token


def test_a_token_expires_after_api_token_days(world, settings):
    settings.API_TOKEN_DAYS = 30
    before = timezone.now()

    token, _ = tokens.issue(world.users.office)

    assert before + datetime.timedelta(days=30) <= token.expires <= timezone.now() + datetime.timedelta(days=30)


def test_a_replayed_old_style_plaintext_token_is_refused(world, api_as):
    """A 40-hex key of rest_framework.authtoken (as in old backups) no longer authenticates anyone."""
    tokens.issue(world.users.admin)
    api = api_as(None)
    api.credentials(HTTP_AUTHORIZATION="Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b")

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


def test_the_schema_is_generated_once_per_language_and_served_in_the_readers_language(world, api_as):
    api = api_as(world.users.admin)
    english = api.get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").json()
    api.cookies["django_language"] = "zh-hans"
    chinese = api.get("/api/v1/schema/", {"format": "json"}).json()
    api.cookies["django_language"] = "en"
    again = api.get("/api/v1/schema/", {"format": "json"}).json()

    assert again == english
    assert chinese != english
    assert chinese["paths"].keys() == english["paths"].keys()


def test_past_the_rate_a_user_gets_429_and_another_user_is_still_answered(world, api_as, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_REQUESTS_PER_MINUTE = 3
    office, handler = api_as(world.users.office), api_as(world.users.handler)

    statuses = [office.get("/api/v1/organizations/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert int(office.get("/api/v1/organizations/").headers["Retry-After"]) > 0
    assert handler.get("/api/v1/organizations/").status_code == 200
    cache.clear()


def test_an_api_list_counts_like_the_pages_at_most_ten_thousand(world, api_as, monkeypatch):
    from chainserve.core import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    api = api_as(world.users.admin)

    capped = api.get("/api/v1/organizations/?limit=1").json()
    monkeypatch.setattr(pagination, "COUNT_CAP", 10_000)
    exact = api.get("/api/v1/organizations/?limit=1").json()

    assert exact["count"] > 2
    assert (capped["count"], capped["count_capped"], len(capped["results"])) == (2, True, 1)
    assert exact["count_capped"] is False
