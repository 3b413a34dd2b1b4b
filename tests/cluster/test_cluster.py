"""The platform as several machines, all on 127.0.0.1: a PostgreSQL primary and its streaming replica, Redis (cache,
sessions, the RQ queue), two gunicorn servers (A and B) and two RQ workers. One demand goes from intake to the
bulletin across them, the users moving between the servers with the sessions they logged in with; after the
dispatch, while its notification tasks are queued, server A and the worker then running a task are SIGKILLed and
everything goes on on B and the other worker. At the end: the demand's events each once, in order; one task per
event, each finished; each notification e-mailed once; the bulletin's figures served by B from the replica count the
demand once.

The processes are bench/faults.py's (Group, web_server, the e-mail backend that writes files); the database is this
test's (pytest-django's test database on the primary, which the replica replicates). Run by make test's cluster
stage (scripts/test.sh cluster: it starts the primary, the replica and Redis, and sets CHAINSERVE_TEST_REPLICA_URL
and CHAINSERVE_TEST_REDIS_URL); elsewhere it skips, or fails under CI."""

import http.cookiejar
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from bench.faults import Group, check_notifications, delivered, free_port, wait_ready, web_server
from chainserve.core.tests.queue_on_redis import REDIS_VARIABLE, use_rq
from chainserve.registry.tests.factories import PASSWORD

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REPLICA_VARIABLE = "CHAINSERVE_TEST_REPLICA_URL"
WORKERS = ("cluster-worker-1", "cluster-worker-2")
FLOW = ["submitted", "accepted", "dispatched", "answered", "resolved", "rated"]


def needed(variable):
    value = os.environ.get(variable)
    if not value:
        message = f"{variable} is not set: the cluster test runs in make test's cluster stage (scripts/test.sh cluster)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return value


def wait_for(what, check, timeout=60.0, every=0.1, seen=lambda: ""):
    """check()'s value once it is true; fails after timeout seconds, with what seen() says then."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not within {timeout} s: {what} {seen()}")


class Replica:
    """The test database on the replica, read directly (psycopg): how far it has replayed, who reads it."""

    def __init__(self, url):
        self.conn = psycopg.connect(url, autocommit=True)

    def caught_up(self):
        """The replica has replayed everything the primary has written so far."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            lsn = cursor.fetchone()[0]
        return wait_for(f"the replica replays up to {lsn}", lambda: self.conn.execute(
            "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", [lsn]).fetchone()[0])

    def clock(self):
        return self.conn.execute("SELECT clock_timestamp()").fetchone()[0]

    def queried_since(self, moment):
        """Queries other connections (the servers') sent to the replica's test database since `moment`."""
        return self.conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND query_start >= %s", [moment]).fetchone()[0]


class Browser:
    """One user's browser: a cookie jar (the session, the CSRF token) that goes with it from server to server."""

    def __init__(self, ports):
        self.ports = ports
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), "")

    def request(self, server, method, path, body=None, form=False, headers=()):
        headers = {"X-CSRFToken": self.cookie("csrftoken"), **dict(headers)}
        if body is not None and form:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        else:
            data = None
        request = urllib.request.Request(f"http://127.0.0.1:{self.ports[server]}{path}", data, headers,
                                         method=method)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def login(self, server, username):
        self.request(server, "GET", "/accounts/login/")
        status, page = self.request(server, "POST", "/accounts/login/", {
            "username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.cookie("csrftoken")}, form=True)
        assert status == 200 and self.cookie("sessionid"), f"{username} could not log in on {server}: {page[:500]!r}"

    def api(self, server, method, path, body=None, expect=200, **headers):
        status, data = self.request(server, method, f"/api/v1/{path}", body, headers=headers)
        assert status == expect, f"{method} {path} on {server}: {status} {data[:300]!r}"
        return json.loads(data)

    def step(self, server, demand, step, **body):
        return self.api(server, "POST", f"demands/{demand}/steps/{step}/", body)


def figures(browser, server, chain):
    """The bulletin's demand figures of yesterday and today (the platform's time zone), the chain's."""
    today = timezone.localdate()
    data = browser.api(server, "GET", f"bulletins/compute/?start={today - timedelta(days=1)}&end={today}&chain={chain}")
    return {f["key"]: f["value"] for f in data["figures"] if f["key"] in ("demands_received", "demands_resolved")}


def busy_worker(connection_):
    """The name of a worker that is running a task now, if any."""
    from rq import Worker

    for name in WORKERS:
        worker = Worker.find_by_key(f"{Worker.redis_worker_namespace_prefix}{name}", connection=connection_)
        if worker is not None and worker.get_current_job_id():
            return name
    return None


@pytest.fixture
def cluster(transactional_db, settings, tmp_path):
    """Servers A and B and the two workers on this test's database, its replica and the test Redis; stopped after."""
    if connection.vendor != "postgresql":
        pytest.skip("the cluster test runs on PostgreSQL (make test's cluster stage)")
    replica_url, redis_url = needed(REPLICA_VARIABLE), needed(REDIS_VARIABLE)
    db = connection.settings_dict
    primary = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    replica_url = urlunsplit(urlsplit(replica_url)._replace(path=f"/{db['NAME']}"))
    env = {**os.environ, **use_rq(settings), "DATABASE_URL": primary, "REPLICA_DATABASE_URL": replica_url,
           "REDIS_URL": redis_url, "REPLICA_STICKY_SECONDS": "1", "DJANGO_SETTINGS_MODULE": "chainserve.settings",
           "AXES_ENABLED": "false", "API_REQUESTS_PER_MINUTE": "0",
           "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker_env = {**env, "EMAIL_BACKEND": "bench.faults.SlowFileBackend", "FAULT_MAIL_DIR": str(mail_dir),
                  "FAULT_MAIL_DELAY": "0.5"}
    ports = {"A": free_port(), "B": free_port()}
    servers = {name: web_server(env, port, 1, tmp_path / f"gunicorn-{name}.log") for name, port in ports.items()}
    workers = {name: Group([sys.executable, "manage.py", "worker", "--name", name, "--verbosity", "0"],
                           worker_env, tmp_path / f"{name}.log") for name in WORKERS}
    try:
        for group in servers.values():  # the workers: started by the test, once tasks are queued
            group.start()
        for port in ports.values():
            wait_ready(port)
        yield {"ports": ports, "servers": servers, "workers": workers, "mail_dir": mail_dir,
               "replica": Replica(replica_url)}
    finally:
        for group in [*servers.values(), *workers.values()]:
            group.stop()


def test_a_demand_from_intake_to_bulletin_across_servers_and_workers_some_killed(cluster, world):
    from django_rq import get_connection

    from chainserve.core.models import Notification, OutboxTask
    from chainserve.core.tasks import task_recovery
    from chainserve.demands.models import Category, Demand

    hasher = PBKDF2PasswordHasher()  # the servers' (this process hashes with MD5, which they do not take)
    for user in vars(world.users).values():
        user.email, user.password = f"{user.username}@example.cn", hasher.encode(PASSWORD, hasher.salt())
        user.save(update_fields=["email", "password"])
    replica, ports = cluster["replica"], cluster["ports"]
    chain = world.chain.pk
    replica.caught_up()  # the servers' heavy reads see the users and the chain

    office, enterprise, handler = Browser(ports), Browser(ports), Browser(ports)
    office.login("A", "office")
    before = figures(office, "B", chain)

    # Intake on A; the office, logged in on A, goes on on B with the same session, then back on A.
    enterprise.login("A", "enterprise")
    created = enterprise.api("A", "POST", "demands/", {
        "category": Category.objects.get(slug="policy").pk, "title": "集群测试：研发费用加计扣除辅导",
        "description": "企业希望了解研发费用加计扣除的申报口径。", "confirm_new": True},
        expect=201, **{"Idempotency-Key": uuid.uuid4().hex})
    pk = created["id"]
    assert office.step("B", pk, "accept")["status"] == "accepted"
    assert office.step("A", pk, "dispatch", lead=world.dept.pk, note="经信局牵头。")["status"] == "dispatched"

    # The notification tasks of the intake, the acceptance and the dispatch are queued: SIGKILL server A; the two
    # workers start on the queue, and the first one in the middle of a task (an e-mail written, the send not yet
    # returned) is SIGKILLed; what it ran goes back to the queue, as a restarting unit does.
    cluster["servers"]["A"].kill()
    for worker in cluster["workers"].values():
        worker.start()
    victim = wait_for("a worker runs a task", lambda: delivered(cluster["mail_dir"]) and busy_worker(
        get_connection("default")), timeout=30, every=0.02)
    cluster["workers"][victim].kill()
    assert task_recovery().requeue_abandoned(victim) == 1

    # Everything else on B: the handler answers and closes (closing is the lead department's), the enterprise rates.
    handler.login("B", "handler")
    handler.step("B", pk, "answer", note="已联系企业，正在辅导。")
    assert handler.step("B", pk, "close", resolved=True, note="已辅导完成。")["status"] == "resolved"
    assert enterprise.step("B", pk, "rate", rating="satisfied", note="满意。")["rating"] == "satisfied"

    events = enterprise.api("B", "GET", f"demands/{pk}/events/")
    assert [e["type"] for e in events] == FLOW
    assert list(Demand.objects.get(pk=pk).events.order_by("pk").values_list("type", flat=True)) == FLOW

    # Every task ran to the end: one per event (whom to notify), one per notification (its e-mail); each e-mailed once.
    def tasks():
        return Counter((path.rsplit(".", 1)[1], tuple(args)) for path, args, _ in task_recovery().backend_tasks())

    def expected():
        return Counter([("notify_demand_event", (e["id"],)) for e in events] + [
            ("email_notification", (n,)) for n in Notification.objects.values_list("pk", flat=True)])

    mail = wait_for("the surviving worker drains the queue", lambda: (
        (m := check_notifications(cluster["mail_dir"]))["tasks_not_finished"] == 0 and tasks() == expected()
        and m["notifications"] == m["mail_files"] and m), timeout=60, every=0.5,
        seen=lambda: (check_notifications(cluster["mail_dir"]), tasks(), expected()))
    assert not OutboxTask.objects.exists()
    assert mail["notifications"] == Notification.objects.count() > 0
    assert mail["emailed_twice"] == mail["never_emailed"] == []
    assert mail["incomplete_mail_files"] == mail["not_marked_emailed"] == 0
    assert not Notification.objects.values("user", "key").annotate(n=Count("id")).filter(n__gt=1).exists()

    # The bulletin's figures, served by B once the replica has replayed: from the replica, the demand counted once.
    replica.caught_up()
    time.sleep(1.1)  # the office's last write is older than REPLICA_STICKY_SECONDS
    moment = replica.clock()
    after = figures(office, "B", chain)
    assert replica.queried_since(moment) > 0
    assert after == {"demands_received": before["demands_received"] + 1,
                     "demands_resolved": before["demands_resolved"] + 1}
