"""SIGKILL faults: the web server and the task worker killed mid-work; nothing acknowledged is lost or doubled.

    bash scripts/pg.sh .venv/bin/python bench/faults.py --cycles 20 --worker-cycles 10 --json bench/out/faults.json
    TASK_BACKEND=rq REDIS_URL=redis://127.0.0.1:6379/1 bash scripts/pg.sh .venv/bin/python bench/faults.py …

Web: gunicorn (`chainserve.wsgi`, sync workers, its own session) serves the API while client threads create
demands (`POST /api/v1/demands/`, each with its own Idempotency-Key; on a connection error — refused, reset,
closed without an answer — the client sends the same request with the same key again until it gets an
answer). Every cycle the whole server (master and workers) is killed with SIGKILL after a random 1–2.5 s of
load and started again. Then the database is checked against the clients' ledger: every create answered 201
is there exactly once under the id it was answered with, nothing is there that was not answered, each
demand is whole (number, three deadlines, exactly one `submitted` event; one stored answer per key).

Worker: `manage.py worker --worker-id fault-worker` (the outbox, then db_worker; with TASK_BACKEND=rq the outbox, then
rqworker --name fault-worker) runs the notification tasks those creates queued,
with an e-mail backend that writes each message to a file and then waits (the slow end of an SMTP
conversation, after the server took the message). As soon as a new message file appears the worker is
killed with SIGKILL, its running task is put back in the queue (`requeue_tasks --worker-id`, as a
restarting worker unit does) and it starts again. At the end the queue is drained: every task finished,
every notification e-mailed once — one file per notification (by its Message-ID), none twice.

The pytest test `tests/fault/test_sigkill.py` runs this in a bounded form on PostgreSQL; this script runs it
in full on a fresh database (it migrates and loads the demo) and prints/saves the figures.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from email import message_from_bytes
from pathlib import Path

from django.core.mail.backends import filebased

ROOT = Path(__file__).resolve().parent.parent
WORKER_ID = "fault-worker"
# The worker's arguments for each TASK_BACKEND: under a fixed name, polling often; then how to drain the queue and stop.
WORKER_ARGS = {"database": (["--worker-id", WORKER_ID, "--interval", "0.2"], ["--batch"]),
               "rq": (["--name", WORKER_ID], ["--burst"])}
TITLE = "fault"


class SlowFileBackend(filebased.EmailBackend):
    """One file per connection (send_mail: per message) in $FAULT_MAIL_DIR, then a pause of $FAULT_MAIL_DELAY seconds before the send
    returns: the moment a killed worker has handed a message over without knowing it."""

    def __init__(self, *args, **kwargs):
        kwargs["file_path"] = os.environ["FAULT_MAIL_DIR"]
        super().__init__(*args, **kwargs)

    def _get_filename(self):
        # Django's name (time to the second + id(self)) can repeat, and the file is opened for appending.
        if self._fname is None:
            self._fname = os.path.join(self.file_path, f"{uuid.uuid4().hex}.eml")
        return self._fname

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        time.sleep(float(os.environ.get("FAULT_MAIL_DELAY", "0")))
        return sent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid):
    """The pids of every process below pid (Linux: read from /proc)."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid):
    """pid runs (a zombie, dead and waiting to be reaped, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


class Group:
    """A command started in its own session, so that SIGKILL reaches it and every process it forked."""

    def __init__(self, argv, env, log):
        self.argv, self.env, self.log = argv, env, log
        self.proc = None

    def start(self):
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        return self

    def kill(self):
        """SIGKILL to the whole group and to every process it forked, also one that left the group (RQ's work
        horse, which runs the job, starts a session of its own) — as a service manager kills a unit's
        processes; returns once none of them is left."""
        pgid = self.proc.pid
        os.killpg(pgid, signal.SIGSTOP)  # no new process while the tree is read
        strays = descendants(pgid)
        os.killpg(pgid, signal.SIGKILL)
        for pid in strays:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                if not any(alive(pid) for pid in strays):
                    return
            time.sleep(0.02)
        raise RuntimeError(f"processes of group {pgid} outlived SIGKILL")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


def web_server(env, port, workers, log):
    argv = [sys.executable, "-m", "gunicorn", "chainserve.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--timeout", "60"]
    return Group(argv, env, log)


def wait_ready(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
        finally:
            conn.close()
    raise RuntimeError(f"the server on port {port} did not answer within {timeout} s")


class Client(threading.Thread):
    """Creates demands one after another until told to stop; retries a create with the same key on a
    connection error until it is answered. Its ledger: title → id for every 201."""

    def __init__(self, number, port, token, category, stop):
        super().__init__(daemon=True)
        self.number, self.port, self.token, self.category, self.stop = number, port, token, category, stop
        self.acked, self.refused = {}, []
        self.retries = self.replayed = 0

    def run(self):
        seq = 0
        while not self.stop.is_set():
            seq += 1
            self.create(f"{TITLE} {self.number}-{seq}", uuid.uuid4().hex)

    def create(self, title, key):
        body = json.dumps({"category": self.category, "title": title,
                           "description": "SIGKILL fault test: a demand created under load.", "confirm_new": True})
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json",
                   "Idempotency-Key": key}
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                conn.request("POST", "/api/v1/demands/", body, headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                self.retries += 1
                time.sleep(0.05)
                continue
            finally:
                conn.close()
            if response.status == 201:
                self.acked[title] = json.loads(data)["id"]
                self.replayed += response.getheader("Idempotent-Replayed") == "true"
            else:
                self.refused.append((title, response.status, data[:200]))
            return


def run_web_faults(env, *, tokens, category, cycles, clients=3, workers=2, log, seed=1, uptime=(1.0, 2.5)):
    """Kill and restart the server `cycles` times under load, after `uptime` seconds (a random value in that
    range) each; returns the clients' merged ledger and figures."""
    rng = random.Random(seed)
    started = time.monotonic()
    port = free_port()
    server = web_server(env, port, workers, log).start()
    wait_ready(port)
    stop = threading.Event()
    threads = [Client(i, port, tokens[i % len(tokens)], category, stop) for i in range(clients)]
    for t in threads:
        t.start()
    survived = 0
    try:
        for _ in range(cycles):
            time.sleep(rng.uniform(*uptime))
            server.kill()
            time.sleep(rng.uniform(0.1, 0.5))  # down: clients meet refused connections and retry
            server.start()
            wait_ready(port)
            survived += 1
        time.sleep(1.0)
    finally:
        stop.set()
        for t in threads:
            t.join(120)
        server.stop()
    acked = {}
    for t in threads:
        acked.update(t.acked)
    return {
        "acked": acked,
        "refused": [r for t in threads for r in t.refused],
        "cycles_survived": survived,
        "retries": sum(t.retries for t in threads),
        "replayed": sum(t.replayed for t in threads),
        "clients": clients,
        "gunicorn_workers": workers,
        "web_seconds": round(time.monotonic() - started, 1),
    }


def check_demands(acked):
    """Compare the database with the ledger (Django ORM of the calling process); returns the figures."""
    from django.db.models import Count, Q

    from chainserve.core.models import IdempotencyKey, OutboxTask
    from chainserve.core.tasks import task_recovery
    from chainserve.demands.choices import EventType
    from chainserve.demands.models import Demand, DemandEvent

    rows = list(Demand.objects.filter(title__startswith=f"{TITLE} ").annotate(
        submitted=Count("events", filter=Q(events__type=EventType.SUBMITTED)), events_n=Count("events"),
    ).values("id", "title", "number", "accept_due", "answer_due", "resolve_due", "submitted", "events_n"))
    per_title = Counter(r["title"] for r in rows)
    found = {r["title"]: r["id"] for r in rows}
    half = [r["id"] for r in rows if r["number"] == "pending" or not r["number"].startswith("SQ")
            or None in (r["accept_due"], r["answer_due"], r["resolve_due"]) or r["submitted"] != 1
            or r["events_n"] != 1]
    keys = IdempotencyKey.objects.filter(scope="/api/v1/demands/")
    task = "chainserve.demands.tasks.notify_demand_event"
    notified = {tuple(args) for path, args, _ in task_recovery().backend_tasks() if path == task}
    # a kill between the commit and the hand-over leaves the task in the outbox, for the next worker to hand over
    notified |= {tuple(args) for args in OutboxTask.objects.filter(task_path=task).values_list("args", flat=True)}
    submitted = DemandEvent.objects.filter(demand__title__startswith=f"{TITLE} ", type=EventType.SUBMITTED)
    return {
        "acknowledged": len(acked),
        "in_database": len(rows),
        "acknowledged_lost": sorted(t for t in acked if t not in found),
        "answered_with_another_id": sorted(t for t, pk in acked.items() if t in found and found[t] != pk),
        "doubled": sorted(t for t, n in per_title.items() if n > 1),
        "present_but_never_acknowledged": sorted(t for t in found if t not in acked),
        "half_written": half,
        "keys_without_answer": keys.filter(status__isnull=True).count(),
        "keys_stored": keys.count(),
        # the notification task is written in the step's transaction (the outbox): none may be missing
        "submitted_without_notification_task": sum(
            (pk,) not in notified for pk in submitted.values_list("pk", flat=True)),
    }


def delivered(mail_dir):
    """How many message files are complete (the backend ends each message with a line of 79 dashes)."""
    return sum(path.read_bytes().endswith(b"-" * 79 + b"\n") for path in mail_dir.iterdir())


def run_worker_faults(env, *, cycles, mail_dir, log, delay=1.0, timeout=120):
    """Kill the worker each time it has just handed an e-mail over; requeue, restart; then drain the queue.
    The worker runs the backend env's TASK_BACKEND names (this process must be configured the same)."""
    from chainserve.core.tasks import task_recovery

    mail_dir = Path(mail_dir)
    mail_dir.mkdir(parents=True, exist_ok=True)
    fixed, drain_args = WORKER_ARGS[env.get("TASK_BACKEND", "database")]
    argv = [sys.executable, "manage.py", "worker", *fixed, "--verbosity", os.environ.get("FAULT_WORKER_VERBOSITY", "0")]
    env = {**env, "EMAIL_BACKEND": "bench.faults.SlowFileBackend", "FAULT_MAIL_DIR": str(mail_dir),
           "FAULT_MAIL_DELAY": str(delay)}
    killed_mid_task = requeued = 0
    started = time.monotonic()
    for _ in range(cycles):
        before = delivered(mail_dir)
        worker = Group(argv, env, log).start()
        deadline = time.monotonic() + timeout
        while delivered(mail_dir) == before and time.monotonic() < deadline and worker.proc.poll() is None:
            time.sleep(0.02)
        worker.kill()
        if delivered(mail_dir) == before:
            raise RuntimeError("the worker sent no e-mail before the time limit")
        count = task_recovery().requeue_abandoned(WORKER_ID)
        killed_mid_task += count > 0
        requeued += count
    drain = Group([*argv, *drain_args], {**env, "FAULT_MAIL_DELAY": "0"}, log).start()
    drain.proc.wait(timeout * 5)
    return {"worker_cycles": cycles, "killed_mid_task": killed_mid_task, "tasks_requeued": requeued,
            "worker_seconds": round(time.monotonic() - started, 1)}


def check_notifications(mail_dir):
    """Every task finished; every notification to a user with an address e-mailed exactly once."""
    from django_tasks.base import TaskResultStatus

    from chainserve.core.models import Notification
    from chainserve.core.tasks import task_recovery

    ids, incomplete = Counter(), 0
    for path in Path(mail_dir).iterdir():
        message = message_from_bytes(path.read_bytes())
        if message["Message-ID"] is None:  # a worker killed while writing it: the message never left
            incomplete += 1
            continue
        ids[message["Message-ID"].split("@")[0].strip("<")] += 1
    notes = list(Notification.objects.filter(user__email__gt="").values_list("pk", "emailed_at"))
    expected = {f"notification-{pk}" for pk, _ in notes}
    statuses = Counter(status for _, _, status in task_recovery().backend_tasks())
    return {
        "notifications": len(notes),
        "mail_files": sum(ids.values()),
        "incomplete_mail_files": incomplete,
        "emailed_twice": sorted(k for k, n in ids.items() if n > 1),
        "never_emailed": sorted(expected - set(ids)),
        "not_marked_emailed": sum(1 for _, at in notes if at is None),
        "tasks_not_finished": sum(n for s, n in statuses.items() if s != TaskResultStatus.SUCCESSFUL),
        "tasks": sum(statuses.values()),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=20, help="web server kills (default 20)")
    parser.add_argument("--worker-cycles", type=int, default=10, help="worker kills (default 10)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "faults"))
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/faults.py runs on PostgreSQL: bash scripts/pg.sh .venv/bin/python bench/faults.py")

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from chainserve.core.models import User
    from chainserve.core.tokens import issue
    from chainserve.demands.models import Category
    from chainserve.demo import load_demo

    call_command("migrate", verbosity=0)
    load_demo()
    for user in User.objects.filter(email=""):
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
    token = issue(User.objects.get(username="enterprise"))[1]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "AXES_ENABLED": "false", "API_REQUESTS_PER_MINUTE": "0", "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}

    started = time.monotonic()
    web = run_web_faults(env, tokens=[token], category=Category.objects.order_by("pk").first().pk,
                         cycles=args.cycles, clients=args.clients, workers=args.workers, log=out / "gunicorn.log")
    demands = check_demands(web.pop("acked"))
    mail_dir = out / f"mail-{int(time.time())}"
    worker = run_worker_faults(env, cycles=args.worker_cycles, mail_dir=mail_dir, log=out / "worker.log")
    figures = {**web, **demands, **worker, **check_notifications(mail_dir),
               "seconds": round(time.monotonic() - started, 1), "load_average": os.getloadavg()}
    print(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
