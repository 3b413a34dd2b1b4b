"""Read replicas (core.routers): where each read goes — on any database, the router's decisions; on PostgreSQL with
the streaming replica that scripts/test.sh starts beside the primary (CHAINSERVE_TEST_REPLICA_URL), a row and a
report page read from the real replica, and a user's reads back on the primary right after that user's POST."""

import json
import os
import subprocess
import sys
import time

import dj_database_url
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.http import HttpResponse, JsonResponse
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django_tasks import task

from chainserve.core.choices import Role
from chainserve.core.routers import (
    REPLICA,
    STICKY_COOKIE,
    ReplicaReadsMiddleware,
    ReplicaRouter,
    heavy_read,
    is_heavy_read,
    reads_from_replica,
)

User = get_user_model()
router = ReplicaRouter()
ROUTERS = ["chainserve.core.routers.ReplicaRouter"]
MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("ReplicaReadsMiddleware")] + [
    "chainserve.core.routers.ReplicaReadsMiddleware"]
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def read_alias(model=User):
    return router.db_for_read(model)


# --- the router's decisions (no database needed: a test database's own transaction would pin every read) ---

def test_reads_go_to_the_primary_unless_marked_heavy():
    assert read_alias() == "default"
    with reads_from_replica():
        assert read_alias() == REPLICA
    assert read_alias() == "default"


def test_sessions_and_the_task_queue_are_read_from_the_primary_even_in_a_heavy_read():
    from django_tasks_db.models import DBTaskResult

    with reads_from_replica():
        assert [read_alias(Session), read_alias(DBTaskResult), read_alias(User)] == ["default", "default", REPLICA]


def test_writes_go_to_the_primary_and_pin_the_reads_after_them():
    with reads_from_replica():
        router.db_for_write(Session)  # a session saved: not the user's data, the reads stay where they were
        assert read_alias() == REPLICA
        assert router.db_for_write(User) == "default"
        assert read_alias() == "default"
    with reads_from_replica():  # a new scope starts unpinned
        assert read_alias() == REPLICA


@task()
def record_read_alias():
    TASK_READS.append(read_alias())


TASK_READS = []


def test_a_task_reads_the_primary_even_when_run_inside_a_heavy_read():
    TASK_READS.clear()
    with override_settings(TASKS=IMMEDIATE_TASKS), reads_from_replica():
        record_read_alias.enqueue()  # the immediate backend runs it here, inside the heavy read
        assert read_alias() == REPLICA  # and after it the request's reads go back to the replica
    assert TASK_READS == ["default"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the test's own transaction would pin it
def test_a_transaction_reads_the_primary():
    with reads_from_replica():
        with transaction.atomic():
            assert read_alias() == "default"
        assert User.objects.select_for_update().db == "default"  # select_for_update is a write's read
        assert read_alias() == REPLICA


def test_objects_from_the_primary_and_the_replica_may_be_related():
    on_primary, on_replica, elsewhere = User(), User(), User()
    on_primary._state.db, on_replica._state.db, elsewhere._state.db = "default", REPLICA, "archive"
    assert router.allow_relation(on_primary, on_replica) is True
    assert router.allow_relation(on_primary, elsewhere) is None
    assert router.allow_migrate(REPLICA, "core") is False
    assert router.allow_migrate("default", "core") is None


def test_the_heavy_views_are_marked():
    from chainserve.demands.views import MetricsView
    from chainserve.registry.views import OrganizationView
    from chainserve.reports.api.views import BulletinViewSet, ProposalFiguresView
    from chainserve.reports.views import BulletinListView, ComposeView, DashboardView
    from chainserve.workbench.views import HomeView

    heavy = [(DashboardView.as_view(), "GET"), (BulletinListView.as_view(), "GET"), (ComposeView.as_view(), "GET"),
             (MetricsView.as_view(), "GET"), (HomeView.as_view(), "GET"), (ProposalFiguresView.as_view(), "GET"),
             (BulletinViewSet.as_view({"get": "compute"}), "GET")]
    light = [(ComposeView.as_view(), "POST"), (OrganizationView.as_view(), "GET"),
             (BulletinViewSet.as_view({"get": "retrieve"}), "GET")]
    assert [is_heavy_read(view, method) for view, method in heavy] == [True] * len(heavy)
    assert [is_heavy_read(view, method) for view, method in light] == [False] * len(light)


# --- the middleware, through Django's request handling (probe views answer where a read would go) ---

@heavy_read
def heavy_probe(request):
    if request.method == "POST":
        return HttpResponse(status=400 if request.POST.get("fail") else 302)
    return JsonResponse({"alias": read_alias()})


def light_probe(request):
    return JsonResponse({"alias": read_alias()})


urlpatterns = [path("heavy/", heavy_probe), path("light/", light_probe)]


@pytest.fixture
def replica_answers(monkeypatch):
    """The replica is taken to answer: these tests are of the router's decisions, not of its health (no database)."""
    from chainserve.core import routers

    monkeypatch.setattr(routers, "replica_answers", lambda: True)


def probes(test):
    return pytest.mark.urls(__name__)(pytest.mark.usefixtures("replica_answers")(test))


def alias_of(client, url="/heavy/"):
    return client.get(url).json()["alias"]


@probes
@override_settings(DATABASE_ROUTERS=ROUTERS, MIDDLEWARE=MIDDLEWARE, REPLICA_STICKY_SECONDS=5)
def test_a_heavy_page_reads_the_replica_and_any_other_the_primary(client):
    assert alias_of(client) == REPLICA
    assert alias_of(client, "/light/") == "default"


@probes
@override_settings(DATABASE_ROUTERS=ROUTERS, MIDDLEWARE=MIDDLEWARE, REPLICA_STICKY_SECONDS=5)
def test_a_user_who_wrote_two_seconds_ago_reads_the_primary_until_the_setting_s_seconds_are_past(client):
    client.cookies[STICKY_COOKIE] = f"{time.time() - 2:.3f}"
    assert alias_of(client) == "default"
    client.cookies[STICKY_COOKIE] = f"{time.time() - 6:.3f}"
    assert alias_of(client) == REPLICA
    client.cookies[STICKY_COOKIE] = "not a time"
    assert alias_of(client) == REPLICA


@override_settings(REPLICA_STICKY_SECONDS=5)
def test_a_write_time_a_little_ahead_still_counts_as_just_written(rf):
    # the cookie's time is rounded to the ms, so it may be a little ahead of the read that follows the write (here
    # far more than a rounding, within the second of leeway, so that the test does not depend on the machine's speed)
    def wrote(at):
        request = rf.get("/")
        request.COOKIES[STICKY_COOKIE] = f"{at:.3f}"
        return ReplicaReadsMiddleware.wrote_recently(request)

    assert (wrote(time.time() + 0.3), wrote(time.time() + 60), wrote(time.time() - 6)) == (True, False, False)


@probes
@override_settings(DATABASE_ROUTERS=ROUTERS, MIDDLEWARE=MIDDLEWARE, REPLICA_STICKY_SECONDS=5)
def test_a_post_that_succeeded_marks_the_user_a_failed_one_does_not(client):
    failed = client.post("/heavy/", {"fail": "1"})
    assert failed.status_code == 400 and STICKY_COOKIE not in failed.cookies
    assert alias_of(client) == REPLICA
    before = time.time()
    done = client.post("/heavy/")
    assert done.status_code == 302
    assert before - 0.001 <= float(done.cookies[STICKY_COOKIE].value) <= time.time() + 0.001  # kept to the ms
    assert done.cookies[STICKY_COOKIE]["max-age"] == 5
    assert alias_of(client) == "default"


def test_settings_add_the_replica_only_when_its_url_is_set(tmp_path):
    def configured(**env):
        code = ("import django, json; django.setup(); from django.conf import settings as s; "
                "print(json.dumps([s.DATABASES.get('replica'), s.DATABASE_ROUTERS, s.MIDDLEWARE[-1]], default=str))")
        environ = {k: v for k, v in os.environ.items() if k not in ("REPLICA_DATABASE_URL", "DATABASE_URL")}
        environ.update(DJANGO_SETTINGS_MODULE="chainserve.settings", CHAINSERVE_VAR_DIR=str(tmp_path), **env)
        out = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True,
                             check=True, timeout=60)
        return json.loads(out.stdout)

    replica, routers, last = configured(REPLICA_DATABASE_URL="postgres://reader:secret@10.0.0.2:5433/chainserve")
    assert (replica["HOST"], replica["PORT"], replica["NAME"], replica["TEST"]["MIRROR"]) == (
        "10.0.0.2", 5433, "chainserve", "default")
    assert (routers, last) == (ROUTERS, "chainserve.core.routers.ReplicaReadsMiddleware")
    replica, routers, last = configured()
    assert (replica, routers) == (None, [])
    assert last != "chainserve.core.routers.ReplicaReadsMiddleware"


# --- the real replica: PostgreSQL streaming replication (scripts/test.sh postgres) ---

REPLICA_URL = os.environ.get("CHAINSERVE_TEST_REPLICA_URL", "")
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture(scope="module")
def replica(django_db_setup):
    """The `replica` alias on the streaming replica, reading the primary's test database (replicated with the whole
    cluster), and the router and its middleware installed — for this module's tests only: the rest of the suite
    runs without them."""
    if not REPLICA_URL:
        if ON_POSTGRES and os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI runs the PostgreSQL tests without CHAINSERVE_TEST_REPLICA_URL: scripts/test.sh's postgres "
                        "stage starts a streaming replica (scripts/pg.sh, pg_replica_start) and passes its URL — its "
                        "log says why the replica did not start.")
        pytest.skip("no streaming replica (CHAINSERVE_TEST_REPLICA_URL is set by scripts/test.sh postgres)")
    config = dj_database_url.parse(REPLICA_URL)
    config.update(NAME=connections["default"].settings_dict["NAME"], TEST={"MIRROR": "default"})
    connections.settings[REPLICA] = connections.configure_settings(
        {"default": connections.settings["default"], REPLICA: config})[REPLICA]
    try:
        with override_settings(DATABASE_ROUTERS=ROUTERS, MIDDLEWARE=MIDDLEWARE, REPLICA_STICKY_SECONDS=5):
            yield connections[REPLICA]
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


# Committed rows (a transaction of the test's own is invisible to the replica); the migrations' rows put back after.
on_the_replica = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", REPLICA])


def wait_for_replay(timeout=10):
    """Until the replica has replayed everything written on the primary so far (its WAL insert position: the
    primary commits asynchronously in the tests, so its flushed position may lag what it has written)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        (lsn,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    while True:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return
        assert time.monotonic() < deadline, f"the replica did not replay up to {lsn} in {timeout} s"
        time.sleep(0.02)


@on_the_replica
def test_a_row_written_on_the_primary_is_read_from_the_replica(replica):
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)  # a hot standby, not the primary under another name
    user = User.objects.create(username="written-on-the-primary", role=Role.HANDLER)
    wait_for_replay()
    with reads_from_replica():
        found = User.objects.get(username="written-on-the-primary")
        with transaction.atomic():
            in_transaction = User.objects.get(pk=user.pk)
    assert (found.pk, found._state.db) == (user.pk, REPLICA)
    assert in_transaction._state.db == "default"


def count_queries(client, url):
    with (CaptureQueriesContext(connections["default"]) as primary,
          CaptureQueriesContext(connections[REPLICA]) as replica):
        response = client.get(url)
    assert response.status_code == 200
    return primary.captured_queries, replica.captured_queries


@on_the_replica
def test_a_report_page_is_served_by_the_replica_and_after_a_post_by_the_primary(replica, client):
    admin = User.objects.create(username="reader", role=Role.ADMIN)
    client.force_login(admin)
    wait_for_replay()  # the request reads its user from the replica: a user not yet replayed there is signed out
    # The first view of the dashboard draws the registry's stamp (registry.RegistryStamp): a write, so the rest of that
    # request reads the primary. The views after it only read.
    count_queries(client, "/reports/dashboard/?year=2026")
    wait_for_replay()

    primary, from_replica = count_queries(client, "/reports/dashboard/?year=2026")
    assert len(from_replica) >= 5
    assert [q["sql"] for q in primary if "django_session" not in q["sql"]] == []  # the session only
    print(f"\ndashboard: {len(from_replica)} queries on the replica, {len(primary)} on the primary (the session)")

    assert client.post("/inbox/").status_code == 302  # marks the user's messages read: a write
    primary, from_replica = count_queries(client, "/reports/dashboard/?year=2026")
    assert (len(from_replica), len(primary) >= 5) == (0, True)
    print(f"dashboard after a POST: {len(from_replica)} queries on the replica, {len(primary)} on the primary")

    client.cookies[STICKY_COOKIE] = f"{time.time() - 6:.3f}"  # the write is older than REPLICA_STICKY_SECONDS
    primary, from_replica = count_queries(client, "/reports/dashboard/?year=2026")
    assert len(from_replica) >= 5


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def primary_reads(client, url):
    """The queries of a GET of url on the primary, the session's aside (the replica is not watched: it is down)."""
    with CaptureQueriesContext(connections["default"]) as primary:
        assert client.get(url).status_code == 200
    return [q for q in primary.captured_queries if "django_session" not in q["sql"]]


@on_the_replica
def test_a_replica_that_does_not_answer_leaves_heavy_pages_to_the_primary_until_it_is_tried_again(
        replica, client, caplog, monkeypatch):
    from chainserve.core import routers

    client.force_login(User.objects.create(username="reader", role=Role.ADMIN))
    wait_for_replay()  # the request reads its user from the replica
    url = "/reports/dashboard/?year=2026"
    client.get(url)  # draws the registry's stamp (a write: that request reads the primary)
    wait_for_replay()
    assert primary_reads(client, url) == []  # the replica serves it

    port = replica.settings_dict["PORT"]
    replica.close()
    replica.settings_dict["PORT"] = free_port()  # nothing listens there: the replica is down
    try:
        assert len(primary_reads(client, url)) >= 5  # the page answers, from the primary
        assert "The read replica does not answer (OperationalError): heavy reads go to the primary for 30 s." in (
            caplog.text)
        replica.settings_dict["PORT"] = port  # back, but not asked again before the retry time
        assert len(primary_reads(client, url)) >= 5
        monkeypatch.setattr(routers, "_replica_down_until", 0.0)  # the retry time has passed
        assert primary_reads(client, url) == []
    finally:
        replica.settings_dict["PORT"] = port
        routers._replica_down_until = 0.0
