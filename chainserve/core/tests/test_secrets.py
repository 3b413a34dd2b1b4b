"""Secrets and sessions: private backups without sessions, client addresses behind a proxy, lock-outs per
address, password-reset throttling, redacted access logs, no-store on authenticated answers, a private schema."""

import gzip
import json
import os
import stat

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from chainserve.coordination.ical import feed_key
from chainserve.coordination.services import calendar_feed
from chainserve.core.accesslog import redact
from chainserve.core.backup import backup, restore
from chainserve.core.models import AuditEntry, User
from chainserve.core.services import client_ip
from chainserve.core.tokens import issue

PASSWORD = "Wu-han 2026 correct horse"


# --- backups -------------------------------------------------------------------------------------


def backed_up_models(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        header = json.loads(f.readline())
        return header, {json.loads(line)["model"] for line in f}


def test_a_backup_is_readable_by_its_owner_only(world, tmp_path):
    file = tmp_path / "b.jsonl.gz"

    backup(file)

    assert stat.S_IMODE(os.stat(file).st_mode) == 0o600


def test_a_backup_written_over_a_world_readable_file_is_made_private(world, tmp_path):
    file = tmp_path / "b.jsonl.gz"
    file.write_bytes(b"old")
    file.chmod(0o644)

    backup(file)

    assert stat.S_IMODE(os.stat(file).st_mode) == 0o600


def test_the_backup_command_leaves_a_private_file(world, tmp_path):
    from django.core.management import call_command

    file = tmp_path / "nightly" / "chainserve.jsonl.gz"

    call_command("backup", "--output", str(file), stdout=open(os.devnull, "w"))

    assert stat.S_IMODE(os.stat(file).st_mode) == 0o600


def test_a_backup_holds_no_sessions_no_login_attempts_and_no_plaintext_token(world, client_as, tmp_path, settings):
    # given: a logged-in user (a session row), a failed login (an axes row) and an API token
    client_as(world.users.office)
    settings.AXES_ENABLED = True
    Client(REMOTE_ADDR="10.0.0.9").post(reverse("login"), {"username": "office", "password": "wrong"})
    _, key = issue(world.users.office)
    assert Session.objects.count() == 1 and AccessAttempt.objects.count() == 1
    file = tmp_path / "b.jsonl.gz"

    # when
    backup(file)
    header, models = backed_up_models(file)

    # then
    assert not {m for m in models if m.startswith(("sessions.", "axes."))}
    assert "django_session" not in header["tables"] and "axes_accessattempt" not in header["tables"]
    assert header["tables"]["core_apitoken"][0] == 1
    with gzip.open(file, "rt", encoding="utf-8") as f:
        text = f.read()
    assert key.split(".")[1] not in text  # only the secret's hash is in it


def test_a_restore_keeps_working_and_logs_everyone_out(world, client_as, tmp_path):
    # given
    file = tmp_path / "b.jsonl.gz"
    backup(file)
    client = client_as(world.users.office)
    assert Session.objects.count() == 1

    # when
    restore(file)

    # then: the rows are back, the session made after the backup is gone
    assert User.objects.filter(username="office").exists()
    assert Session.objects.count() == 0
    assert client.get("/").status_code == 302


# --- the client's address ------------------------------------------------------------------------


def request(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_a_forwarded_header_is_ignored_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXIES = []

    assert client_ip(request("203.0.113.7", "10.1.1.1")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),  # nginx on this machine
        ("127.0.0.1", "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client's own header: its left part is not believed
        ("127.0.0.1", "203.0.113.7, 10.0.0.2", "203.0.113.7"),  # two trusted proxies
        ("198.51.100.1", "10.1.1.1", "198.51.100.1"),  # not from a trusted proxy: header ignored
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_a_trusted_proxy_the_client_is_the_last_untrusted_forwarded_address(settings, remote, forwarded,
                                                                                   expected):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]

    assert client_ip(request(remote, forwarded)) == expected


def test_axes_and_the_audit_trail_use_the_forwarded_address_behind_a_trusted_proxy(settings, users):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    users.office.set_password(PASSWORD)
    users.office.save()

    Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").post(
        reverse("login"), {"username": "office", "password": PASSWORD})

    assert list(AuditEntry.objects.values_list("action", "ip")) == [(AuditEntry.Action.LOGIN, "203.0.113.7")]
    assert settings.AXES_CLIENT_IP_CALLABLE == "chainserve.core.services.client_ip"


# --- lock-outs per user and address --------------------------------------------------------------


@pytest.fixture
def throttled(settings, users):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    users.admin.set_password(PASSWORD)
    users.admin.save()
    return users


def login(client, password):
    return client.post(reverse("login"), {"username": "admin", "password": password})


def test_five_failures_from_one_address_do_not_lock_the_user_out_at_another(throttled):
    # given: five wrong passwords for admin from address A
    stranger = Client(REMOTE_ADDR="198.51.100.66")
    for i in range(5):
        login(stranger, f"wrong-{i}")
    assert login(stranger, PASSWORD).status_code == 429  # A is locked out

    # when: admin logs in from address B
    admin = Client(REMOTE_ADDR="203.0.113.7")
    response = login(admin, PASSWORD)

    # then
    assert response.status_code == 302
    assert admin.session["_auth_user_id"] == str(throttled.admin.pk)


def test_behind_the_proxy_a_stranger_does_not_lock_out_the_user(throttled, settings):
    # nginx on 127.0.0.1 in front of everyone: the forwarded address tells them apart
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    stranger = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66")
    for i in range(5):
        login(stranger, f"wrong-{i}")
    assert login(stranger, PASSWORD).status_code == 429

    admin = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert login(admin, PASSWORD).status_code == 302


def test_a_forged_forwarded_header_does_not_escape_the_lock_out_without_a_trusted_proxy(throttled, settings):
    settings.TRUSTED_PROXIES = []
    for i in range(5):
        login(Client(REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}"), f"wrong-{i}")

    response = login(Client(REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR="10.0.0.99"), PASSWORD)

    assert response.status_code == 429
    assert set(AuditEntry.objects.values_list("ip", flat=True)) == {"198.51.100.66"}
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).exists()


# --- password reset ------------------------------------------------------------------------------


def ask_reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


@pytest.fixture
def with_email(users):
    users.office.email = "office@example.cn"
    users.office.save()
    return users


def test_password_reset_is_throttled_per_address(with_email, settings):
    settings.PASSWORD_RESET_PER_HOUR = 3
    client = Client(REMOTE_ADDR="198.51.100.66")

    answers = [ask_reset(client, "office@example.cn").status_code for _ in range(4)]

    assert answers == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
    # another address still may ask, for another e-mail address
    assert ask_reset(Client(REMOTE_ADDR="203.0.113.7"), "nobody@example.cn").status_code == 302


def test_password_reset_is_throttled_per_email_address_and_says_so_at_the_field(with_email, settings):
    settings.PASSWORD_RESET_PER_HOUR = 2
    for i in range(2):
        ask_reset(Client(REMOTE_ADDR=f"198.51.100.{i}"), "Office@Example.cn")

    client = Client(REMOTE_ADDR="198.51.100.9")
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = ask_reset(client, "office@example.cn")

    assert response.status_code == 429
    assert response.context["form"].errors == {
        "email": ["Too many password reset requests; please try again in an hour."]
    }
    assert len(mail.outbox) == 2
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PASSWORD_RESET).count() == 2


# --- the access log ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("logged", "expected"),
    [
        ("GET /coordination/calendar/Ab_c-12XyZ.ics HTTP/1.1", "GET /coordination/calendar/[redacted].ics HTTP/1.1"),
        ("/coordination/calendar/Ab_c-12XyZ.ics?x=1", "/coordination/calendar/[redacted].ics?x=1"),
        ("GET /accounts/reset/MQ/cz1b2c-0123456789abcdef/ HTTP/1.1", "GET /accounts/reset/MQ/[redacted]/ HTTP/1.1"),
        ("https://example.cn/accounts/reset/MQ/cz1b2c-0123abcd/", "https://example.cn/accounts/reset/MQ/[redacted]/"),
        ("GET /accounts/reset/MQ/set-password/ HTTP/1.1", "GET /accounts/reset/MQ/set-password/ HTTP/1.1"),
        ("GET /coordination/calendar/ HTTP/1.1", "GET /coordination/calendar/ HTTP/1.1"),
        ("GET /registry/organizations/?q=abc HTTP/1.1", "GET /registry/organizations/?q=abc HTTP/1.1"),
        (None, None),
        (200, 200),
    ],
)
def test_the_access_log_redacts_feed_and_reset_tokens(logged, expected):
    assert redact(logged) == expected


def test_the_serve_command_uses_the_redacting_logger(monkeypatch):
    import sys

    import gunicorn.app.wsgiapp

    from chainserve import cli

    seen = []
    monkeypatch.setattr(gunicorn.app.wsgiapp, "run", lambda: seen.append(list(sys.argv)))
    monkeypatch.setattr(sys, "argv", list(sys.argv))

    cli._serve("8123")

    argv = seen[0]
    assert argv[argv.index("--logger-class") + 1] == "chainserve.core.accesslog.RedactingLogger"


def test_the_redacting_logger_writes_no_token(tmp_path):
    import datetime
    from types import SimpleNamespace

    from gunicorn.config import Config

    from chainserve.core.accesslog import RedactingLogger

    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    logger = RedactingLogger(config)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/coordination/calendar/SECRETTOKEN.ics",
               "PATH_INFO": "/coordination/calendar/SECRETTOKEN.ics", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "127.0.0.1", "QUERY_STRING": ""}

    logger.access(SimpleNamespace(status="200 OK", sent=10, headers=[]), SimpleNamespace(headers=[]), environ,
                  datetime.timedelta(milliseconds=5))

    written = (tmp_path / "access.log").read_text()
    assert "SECRETTOKEN" not in written and "/coordination/calendar/[redacted].ics" in written


# --- Cache-Control: no-store ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/registry/organizations/", "/inbox/"])
def test_an_authenticated_page_is_not_stored(world, client_as, path):
    response = client_as(world.users.office).get(path)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_an_api_answer_to_a_token_is_not_stored(world, api_as):
    _, key = issue(world.users.office)
    api = api_as(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api.get("/api/v1/chains/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_public_pages_and_static_files_keep_their_caching(world):
    client = Client()

    public = client.get(reverse("password_reset"))
    static = client.get("/static/chainserve.css")

    assert public.status_code == 200 and "Cache-Control" not in public
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")


def test_the_calendar_feed_is_not_stored(world, client_as):
    feed = calendar_feed(world.users.office)

    response = Client().get(reverse("coordination:calendar-feed", args=[feed_key(feed)]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_the_stored_feed_token_alone_as_in_a_backup_opens_no_feed(world, settings):
    feed = calendar_feed(world.users.office)
    key = feed_key(feed)

    stored = Client().get(reverse("coordination:calendar-feed", args=[feed.token]))
    forged = Client().get(reverse("coordination:calendar-feed", args=[feed.token + "0" * 32]))
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "another key " * 5, [settings.SECRET_KEY]
    after_rotation = Client().get(reverse("coordination:calendar-feed", args=[key]))

    assert (stored.status_code, forged.status_code, after_rotation.status_code) == (404, 404, 200)
    assert key.startswith(feed.token) and len(key) == len(feed.token) + 32


# --- the API schema and docs ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/schema/", "/api/v1/docs/"])
def test_the_api_schema_and_docs_need_a_login(world, client_as, path):
    anonymous = Client().get(path)
    logged_in = client_as(world.users.enterprise).get(path)

    assert anonymous.status_code == 401
    assert logged_in.status_code == 200


# --- revoking a token in the admin ---------------------------------------------------------------


def test_the_admin_lists_tokens_without_their_secret_and_deleting_one_revokes_it(world, client_as, api_as):
    # given
    token, key = issue(world.users.office)
    world.users.admin.is_staff = world.users.admin.is_superuser = True
    world.users.admin.save()
    admin = client_as(world.users.admin)

    # when
    listing = admin.get("/admin/core/apitoken/").content.decode()
    deleted = admin.post(f"/admin/core/apitoken/{token.pk}/delete/", {"post": "yes"})

    # then
    assert token.prefix in listing and token.digest not in listing and key.split(".")[1] not in listing
    assert deleted.status_code == 302
    api = api_as(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/chains/").status_code == 401


def test_djangos_own_log_lines_lose_the_token(world, caplog):
    import logging

    from chainserve.core.accesslog import RedactingFilter

    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s",
                               ("/coordination/calendar/SECRETTOKEN.ics",), None)

    assert RedactingFilter().filter(record) is True
    assert record.getMessage() == "Not Found: /coordination/calendar/[redacted].ics"
    assert django_settings.LOGGING["handlers"]["console"]["filters"] == ["redact"]
