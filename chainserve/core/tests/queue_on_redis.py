"""For tests that run tasks on RQ (django-tasks-rq) in real worker processes: the test Redis, the settings that
switch this process to the RQ backend, and a database the worker processes can reach.

The Redis is CHAINSERVE_TEST_REDIS_URL (scripts/test.sh starts a throwaway one and sets it). Without it the
tests skip, saying so, except under CI (CI=true), where they fail: a CI run must not pass by skipping them."""

import contextlib
import os
import sqlite3
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

REDIS_VARIABLE = "CHAINSERVE_TEST_REDIS_URL"


def redis_url_for_tests():
    """The test Redis, on a database of its own per pytest-xdist worker (1, 2, …): every queue called `default`
    on one database is one queue, so two test processes' workers would run each other's tasks (the database
    the URL names is left to the cache's tests)."""
    url = os.environ.get(REDIS_VARIABLE)
    if not url:
        message = (f"{REDIS_VARIABLE} is not set: the tests of the RQ task backend need a Redis to talk to "
                   "(redis://127.0.0.1:PORT/0; scripts/test.sh starts one and sets it)")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    number = 1 + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    return urlunsplit(urlsplit(url)._replace(path=f"/{number}"))


def use_rq(settings):
    """Switch this process to the RQ backend on an empty test Redis database; returns the environment that
    switches a worker process to it too."""
    import django_rq

    url = redis_url_for_tests()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": url}}
    settings.TASK_RECOVERY = "chainserve.core.tasks_rq"
    django_rq.get_connection("default").flushdb()
    return {"TASK_BACKEND": "rq", "TASK_REDIS_URL": url}


@contextlib.contextmanager
def shared_database(tmp_path):
    """The DATABASE_URL of this test's database for other processes (a transactional test's, so that they see
    what it committed). PostgreSQL: the test database itself. SQLite: the test database lives in this process's
    memory, so it is copied to a file for them and copied back, with what they wrote, when they are done."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        yield f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        return
    assert connection.vendor == "sqlite", f"no shared database for {connection.vendor}"
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
    try:
        yield f"sqlite:///{path}"
    finally:
        with contextlib.closing(sqlite3.connect(path, timeout=30)) as copy:
            copy.execute("PRAGMA journal_mode=DELETE")  # the workers' WAL folded in; the copy back is one file
            copy.backup(connection.connection)
