"""`chainserve demo` keeps a quiet terminal: after its logins and how to stop, reset and find the logs, requests
and 403s are written to var/log/, not to the screen; `demo --reset` deletes only the demo's own database."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from chainserve.cli import demo_database_files
from chainserve.core.tests.databases import copy_of_the_test_database

ROOT = Path(__file__).resolve().parents[3]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def status_of(request):
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# The demo always runs on its own SQLite database, whatever the stage's database: the PostgreSQL stage would only
# repeat the same run (half a minute or more of migrating and loading).
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the demo runs on SQLite whatever the stage; run once")
def test_the_demo_terminal_shows_no_request_and_the_log_files_get_them(db, tmp_path):
    # given a demo on its own SQLite database in a fresh var folder: a database migrated and nothing loaded (a copy
    # of the test database: the demo's `migrate` finds nothing to do and takes no half minute; it loads the demo)
    port, out = free_port(), tmp_path / "terminal.txt"
    (tmp_path / "var").mkdir()
    copy_of_the_test_database(tmp_path / "var" / "chainserve.sqlite3")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CHAINSERVE_LOG_TO_FILES"}}
    env.update(CHAINSERVE_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="chainserve.settings",
               WEB_CONCURRENCY="1", EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    with out.open("w") as terminal:
        demo = subprocess.Popen([sys.executable, "-m", "chainserve.cli", "demo", "--port", str(port)], cwd=ROOT,
                                env=env, stdout=terminal, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        # loading the demo takes most of a minute alone, several times that beside the other test workers on a
        # loaded machine: a generous wait, not a timing
        assert wait_for(lambda: "Logs:" in out.read_text(), 600), out.read_text()
        assert wait_for(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, 60)
        started = out.read_text()

        # when a page is requested, and a form is posted without its CSRF token (a 403)
        page = status_of(f"http://127.0.0.1:{port}/accounts/login/")
        refused = status_of(urllib.request.Request(f"http://127.0.0.1:{port}/accounts/login/", data=b"x=1"))
        access, app = tmp_path / "var" / "log" / "access.log", tmp_path / "var" / "log" / "app.log"
        assert wait_for(lambda: access.exists() and '"POST /accounts/login/' in access.read_text(), 20)
        assert wait_for(lambda: app.exists() and "Forbidden (CSRF" in app.read_text(), 20)
        time.sleep(0.5)
        after = out.read_text()[len(started):]
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(timeout=30)

    # then the start-up output ends with the logins, how to stop, how to reset and where the logs are
    lines = started.strip().splitlines()
    assert lines[-10] == "Demo logins (password: chainserve-demo):"
    assert [line.split()[0] for line in lines[-9:-3]] == ["admin", "office", "handler", "specialist", "enterprise",
                                                         "partner"]
    assert lines[-3:] == [
        f"Open http://127.0.0.1:{port}",
        "Stop: Ctrl-C. Start again from scratch: make demo-reset (or chainserve demo --reset).",
        f"Logs: {access} (requests), {app} (warnings and errors).",
    ]
    # and the terminal stays quiet while the requests go to the log files
    assert (page, refused) == (200, 403)
    assert after == ""
    assert '"GET /accounts/login/ HTTP/1.1" 200' in access.read_text()
    assert '"POST /accounts/login/ HTTP/1.1" 403' in access.read_text()
    assert "WARNING] django.security.csrf: Forbidden (CSRF cookie not set.): /accounts/login/" in app.read_text()


SQLITE = "django.db.backends.sqlite3"


def test_a_reset_deletes_the_demo_sqlite_database_under_var_and_nothing_else(tmp_path):
    var = tmp_path / "var"
    db = var / "chainserve.sqlite3"

    files = demo_database_files({"ENGINE": SQLITE, "NAME": db}, var)

    assert files == [db.resolve(), *(Path(f"{db.resolve()}{s}") for s in ("-wal", "-shm", "-journal"))]


@pytest.mark.parametrize("database", [
    {"ENGINE": "django.db.backends.postgresql", "NAME": "chainserve"},
    {"ENGINE": SQLITE, "NAME": "/srv/chainserve/production.sqlite3"},
    {"ENGINE": SQLITE, "NAME": "file:memorydb_default?mode=memory&cache=shared"},
])
def test_a_reset_refuses_any_other_database(tmp_path, database):
    with pytest.raises(SystemExit, match="deletes only"):
        demo_database_files(database, tmp_path / "var")
