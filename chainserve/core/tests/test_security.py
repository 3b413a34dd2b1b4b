"""Security settings: CSP, the production deploy check, login throttling, Argon2, the audit trail."""

import os
import re
import secrets
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

import chainserve.settings as project_settings
from chainserve.core.models import AuditEntry, User

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = ROOT / "chainserve" / "templates"
PASSWORD = "Wu-han 2026 correct horse"


# --- Content-Security-Policy -------------------------------------------------------------------


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/", "/registry/organizations/", "/api/v1/organizations/", "/no-such-page/",
             "/static/chainserve.css", "/api/v1/schema/"]
)
def test_every_response_has_the_content_security_policy(world, client_as, path):
    response = client_as(world.users.office).get(path)

    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]


def test_the_api_docs_page_starts_swagger_ui_from_a_script_file(world, client_as):
    """The docs page is drf-spectacular's split view: its start-up code is a file, not inline script."""
    client = client_as(world.users.office)
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    tags = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert tags and all("src=" in tag for tag in tags)
    start = [re.search(r'src="([^"]+)"', tag)[1] for tag in tags if "script=" in tag]
    assert len(start) == 1
    script = client.get(start[0].replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_no_template_has_an_inline_script():
    """Every <script> loads a file (or holds JSON data): CSP script-src 'self' would block inline code."""
    inline = []
    for path in TEMPLATES.rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", path.read_text()):
            if "src=" not in tag and "application/json" not in tag:
                inline.append(f"{path.relative_to(TEMPLATES)}: {tag}")
    assert inline == []


def test_no_template_has_an_inline_handler():
    """An on…= handler or javascript: link would be blocked by script-src 'self'; behaviours belong in
    static files (core/behaviours.js: data-submit-on-change, data-history-back; coordination/print.js)."""
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        found |= set(re.findall(r'\son[a-z]+="([^"]*)"', text))
        found |= set(re.findall(r'(javascript:[^"{]*)', text))
    assert found == set()
    assert "script-src 'self';" in project_settings.CONTENT_SECURITY_POLICY


def test_the_api_schema_generates_without_a_warning():
    """drf-spectacular's deploy check (schema generation with its warnings) finds nothing: every filter
    parameter has a type it can state."""
    from drf_spectacular.checks import schema_check
    from drf_spectacular.drainage import reset_generator_stats
    from drf_spectacular.settings import patched_settings

    reset_generator_stats()  # warnings collect per process; count only this generation's
    with patched_settings({"ENABLE_DJANGO_DEPLOY_CHECK": True}):
        messages = schema_check(None)

    assert [(m.id, m.msg) for m in messages] == []


# --- production settings ------------------------------------------------------------------------


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    env = {
        **os.environ,
        "CHAINSERVE_PRODUCTION": "true",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "chain.example.gov.cn",
        "CHAINSERVE_VAR_DIR": str(tmp_path),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' conftest when run in one session
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**os.environ, "CHAINSERVE_PRODUCTION": "true", "CHAINSERVE_VAR_DIR": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_sessions_expire_after_a_working_day_and_at_browser_close():
    assert project_settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert project_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert project_settings.SESSION_COOKIE_HTTPONLY is True


# --- passwords ----------------------------------------------------------------------------------


def test_a_new_password_is_hashed_with_argon2(users, settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # the test suite's fast hasher off
    user = users.office

    user.set_password(PASSWORD)
    user.save()

    user.refresh_from_db()
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert user.password.startswith("argon2$argon2id$")
    assert check_password(PASSWORD, user.password)


# --- login throttling ---------------------------------------------------------------------------


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.fixture
def throttled(settings, users):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    for user in (users.office, users.handler):
        user.set_password(PASSWORD)
        user.save()
    return users


def test_the_sixth_login_after_five_wrong_ones_is_refused_even_with_the_right_password(throttled):
    client = Client()
    office = User.objects.get(username="office")
    before = (office.password, office.last_login, office.is_active)

    wrong = [login(client, "office", f"wrong-{i}") for i in range(5)]
    sixth = login(client, "office", PASSWORD)

    assert [r.status_code for r in wrong[:4]] == [200] * 4  # the form again, with its error
    assert sixth.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still logged out
    # nothing else changed: the user, its password and last login are as they were
    office.refresh_from_db()
    assert (office.password, office.last_login, office.is_active) == before
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN, username="office").exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED, username="office").count() == 6
    # another user from the same address still logs in
    other = Client()
    assert login(other, "handler", PASSWORD).status_code == 302
    assert other.session["_auth_user_id"] == str(throttled.handler.pk)


def test_four_wrong_logins_do_not_lock_out(throttled):
    client = Client()
    for i in range(4):
        login(client, "office", f"wrong-{i}")

    response = login(client, "office", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(throttled.office.pk)


# --- audit trail --------------------------------------------------------------------------------


def test_a_login_and_a_failed_login_are_audited_with_who_when_and_where(throttled):
    client = Client(REMOTE_ADDR="10.1.2.3")

    login(client, "office", "wrong")
    login(client, "nobody", "wrong")
    login(client, "office", PASSWORD)

    entries = list(AuditEntry.objects.order_by("pk").values_list("action", "username", "user__username", "ip"))
    assert entries == [
        ("login_failed", "office", "office", "10.1.2.3"),
        ("login_failed", "nobody", None, "10.1.2.3"),
        ("login", "office", "office", "10.1.2.3"),
    ]
    assert all(e.at is not None for e in AuditEntry.objects.all())
    # the typed password is never kept
    assert not AuditEntry.objects.filter(detail__contains="wrong").exists()


@pytest.mark.parametrize(("url", "model"), [("registry:people", "registry.Person"),
                                             ("registry:organizations", "registry.Organization")])
def test_an_export_of_contact_data_is_audited(world, client_as, url, model):
    client = client_as(world.users.office)
    AuditEntry.objects.all().delete()  # the login of the test client

    page = client.get(reverse(url), {"q": "明湖"})
    export = client.get(reverse(url), {"q": "明湖", "export": "xlsx"})

    assert page.status_code == 200 and export.status_code == 200
    load_workbook(BytesIO(export.content))  # a real workbook
    entry = AuditEntry.objects.get()  # the page view wrote nothing
    assert (entry.action, entry.user, entry.ip) == ("export", world.users.office, "127.0.0.1")
    assert entry.detail.startswith(model + "?") and "export=xlsx" in entry.detail


def test_the_audit_trail_is_listed_read_only_in_the_admin(db):
    root = User.objects.create_superuser("root", "root@example.cn", PASSWORD)
    AuditEntry.objects.create(username="office", action=AuditEntry.Action.LOGIN_FAILED, ip="10.0.0.9")
    client = Client()
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    entry = AuditEntry.objects.get(ip="10.0.0.9")

    listing = client.get("/admin/core/auditentry/")
    add = client.get("/admin/core/auditentry/add/")
    delete = client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"})

    assert listing.status_code == 200
    assert "10.0.0.9" in listing.content.decode()
    assert add.status_code == 403
    assert delete.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_middleware_setting_is_installed_first_after_security():
    middleware = django_settings.MIDDLEWARE
    assert middleware.index("chainserve.core.middleware.ContentSecurityPolicyMiddleware") == 1
