"""A province's peak day through gunicorn + PostgreSQL: a realistic mix of reads and writes (locust).

    flock /tmp/bench.lock .venv/bin/python bench/load_mix.py --orgs 1000000 --demands 500000 --seconds 180

Who does what (each locust user runs at a fixed rate, `constant_throughput`, so the offered load does not
fall when answers slow down):

| user class | users × req/s | requests (weights) |
|---|---|---|
| Enterprise (portal) | 12 × 0.8 | portal home 6 (their demands), a demand of theirs 4, raise a demand (API, Idempotency-Key) 1 |
| Handler (department) | 6 × 0.8 | workbench 2, department inbox 5, a demand assigned to the department 3 |
| Office (chain office) | 4 × 0.8 | workbench 2, demand list 3, dispatch queue 2, organisation search 2, demand list filtered by status 1 |
| Leader (dashboards) | 2 × 0.5 | workbench 1, demand metrics 2, the reports dashboard 1 (when the app has it) |

That is ≈ 18.6 requests/s, of which ≈ 0.9 creates/s. Why: a province's normal day is ~1,000 demands; its
peak day four times that, 4,000; if a fifth of a day's work falls in its busiest hour, the peak hour brings
800 creates (0.22/s) and, with ~10 portal reads, ~5 handler and ~3 office reads and a few dashboard views
per demand, ~4.5 requests/s. The mix is driven at four times that peak hour (0.9 creates/s ≈ the whole
4,000-demand peak day in 75 minutes), so the figures are for a burst well above the peak, not the average.

Steps: (1) unless the database already holds them (marker bench/out/load-generated-<orgs>-<demands>),
`bench/generate.py orgs --n ORGS` and `demands --n DEMANDS` fill it (migrations, the demo cluster, then
bulk rows); (2) load users are made — enterprise users for the 12 enterprises with the most demands, one
handler for each of the 6 departments with the most assignments, 4 office users staffing the benchmark
chain, the demo admin — and the ids each may open go to bench/out/load-users.json; (3) gunicorn
(`chainserve.wsgi`, --workers, sync) starts on a free port; (4) locust runs headless for --seconds; (5)
p50/p95/p99, request and error counts per request type go to bench/out/load-mix.json and are printed as a
Markdown table.
"""

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

from locust import FastHttpUser, constant_throughput, task

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
USERS_FILE = Path(os.environ.get("LOAD_USERS", OUT / "load-users.json"))
PASSWORD = "load-mix-Passw0rd!"


def _config():
    return json.loads(USERS_FILE.read_text()) if USERS_FILE.exists() else {}


CONFIG = _config()
NEXT_ACCOUNT = {}  # role → a counter: each locust user takes the next account of its role
LOGGED_IN, MEASURED_FROM = [], []


class LoggedIn(FastHttpUser):
    """Logs in through the login form once (session cookie), then browses."""

    abstract = True
    role = ""

    def on_start(self):
        accounts = CONFIG[self.role]
        self.account = accounts[next(NEXT_ACCOUNT.setdefault(self.role, itertools.count())) % len(accounts)]
        self.client.get("/accounts/login/", name="login form")
        csrf = next(c.value for c in self.client.cookiejar if c.name == "csrftoken")
        self.client.post("/accounts/login/", data={"username": self.account["username"], "password": PASSWORD,
                                                   "csrfmiddlewaretoken": csrf}, name="login")
        # The logins (Argon2, all at once) are the warm-up: the last one to finish starts the figures afresh.
        LOGGED_IN.append(self.account["username"])
        if len(LOGGED_IN) == self.environment.runner.target_user_count:
            self.environment.stats.reset_all()
            MEASURED_FROM.append(time.time())

    def open(self, path, name):
        with self.client.get(path, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")


class Enterprise(LoggedIn):
    role = "enterprise"
    fixed_count = 12
    wait_time = constant_throughput(0.8)

    @task(6)
    def portal_home(self):
        self.open("/portal/", "portal: my demands")

    @task(4)
    def my_demand(self):
        self.open(f"/demands/{random.choice(self.account['demands'])}/", "portal: one of my demands")

    @task(1)
    def raise_demand(self):
        body = {"category": CONFIG["category"], "title": f"负载测试诉求 {uuid.uuid4().hex[:8]}",
                "description": "高峰日负载测试:企业通过接口提交的诉求。",
                "confirm_new": True}  # load, not a repeat: past the similar-demand question
        headers = {"Authorization": f"Token {self.account['token']}", "Idempotency-Key": uuid.uuid4().hex}
        with self.client.post("/api/v1/demands/", json=body, headers=headers, name="intake: raise a demand (API)",
                              catch_response=True) as r:
            if r.status_code != 201:
                r.failure(f"HTTP {r.status_code}")


class Handler(LoggedIn):
    role = "handler"
    fixed_count = 6
    wait_time = constant_throughput(0.8)

    @task(2)
    def workbench(self):
        self.open("/", "handler: workbench")

    @task(5)
    def inbox(self):
        self.open("/demands/inbox/", "handler: inbox")

    @task(3)
    def assigned(self):
        self.open(f"/demands/{random.choice(self.account['demands'])}/", "handler: an assigned demand")


class Office(LoggedIn):
    role = "office"
    fixed_count = 4
    wait_time = constant_throughput(0.8)

    @task(2)
    def workbench(self):
        self.open("/", "office: workbench")

    @task(3)
    def demands(self):
        self.open("/demands/", "office: demand list")

    @task(2)
    def queue(self):
        self.open("/demands/queue/", "office: dispatch queue")

    @task(2)
    def search(self):
        self.open(f"/registry/organizations/?q={random.choice(['澜泽', 'lzjy', '翊緯康', '生物医药'])}",
                  "office: organisation search")

    @task(1)
    def open_demands(self):
        self.open("/demands/?status=dispatched", "office: demand list by status")


class Leader(LoggedIn):
    role = "leader"
    fixed_count = 2
    wait_time = constant_throughput(0.5)

    @task(1)
    def workbench(self):
        self.open("/", "leader: workbench")

    @task(2)
    def metrics(self):
        self.open("/demands/metrics/", "dashboard: demand metrics")

    @task(1)
    def dashboard(self):
        if CONFIG.get("dashboard"):
            self.open(CONFIG["dashboard"], "dashboard: reports")
        else:
            self.open("/demands/metrics/?period=month", "dashboard: demand metrics (month)")


# --------------------------------------------------------------------------- the runner


def generate(orgs, demands):
    marker = OUT / f"load-generated-{orgs}-{demands}"
    if marker.exists():
        return
    py = sys.executable
    subprocess.run([py, str(ROOT / "bench" / "generate.py"), "orgs", "--n", str(orgs), "--placements", "50000"],
                   check=True, cwd=ROOT)
    subprocess.run([py, str(ROOT / "bench" / "generate.py"), "demands", "--n", str(demands)], check=True, cwd=ROOT)
    marker.touch()


def make_users():
    """The load users (idempotent) and what each may open; written to USERS_FILE."""
    from django.db.models import Count

    from chainserve.chains.models import Chain
    from chainserve.core.models import User
    from chainserve.core.tokens import issue
    from chainserve.demands.models import Assignment, Category, Demand
    from chainserve.registry.models import Organization

    def account(username, role, organization=None):
        user, _ = User.objects.get_or_create(username=username, defaults={"role": role, "organization": organization})
        user.role, user.organization, user.is_active = role, organization, True
        user.set_password(PASSWORD)
        user.save()
        return user

    config = {"category": Category.objects.order_by("pk").first().pk, "enterprise": [], "handler": [],
              "office": [], "leader": []}
    # Demands with a step taken by the system (no actor) answer 500 on their page (demands/demand.html:
    # `default:e.actor.username` with no actor — reported); the load opens the others.
    openable = Demand.objects.exclude(events__actor__isnull=True)
    busiest = (Organization.objects.filter(kind="enterprise").annotate(n=Count("demands")).order_by("-n")[:12])
    for i, org in enumerate(busiest):
        user = account(f"load-enterprise-{i}", "enterprise", org)
        ids = list(openable.filter(organization=org).order_by("-pk").values_list("pk", flat=True)[:20])
        config["enterprise"].append({"username": user.username, "demands": ids,
                                     "token": issue(user)[1]})
    departments = (Assignment.objects.values("department").annotate(n=Count("id")).order_by("-n")[:6])
    for i, row in enumerate(departments):
        dept = Organization.objects.get(pk=row["department"])
        user = account(f"load-handler-{i}", "handler", dept)
        ids = list(openable.filter(assignments__department=dept, assignments__active=True).order_by("-pk")
                   .values_list("pk", flat=True)[:20])
        config["handler"].append({"username": user.username, "demands": ids})
    chain = Chain.objects.filter(name__contains="(bench)").first() or Chain.objects.order_by("pk").first()
    office_org = User.objects.get(username="office").organization
    for i in range(4):
        user = account(f"load-office-{i}", "office", office_org)
        chain.staff.add(user)
        config["office"].append({"username": user.username})
    admin = account("load-leader", "admin")
    config["leader"].append({"username": admin.username})
    USERS_FILE.write_text(json.dumps(config, ensure_ascii=False))
    return config


def percentiles(csv_path):
    import csv

    rows = {}
    with open(csv_path, newline="") as f:
        for r in csv.DictReader(f):
            if r["Name"] in ("login form", "login", "Aggregated"):
                continue
            rows[r["Name"]] = {"requests": int(r["Request Count"]), "errors": int(r["Failure Count"]),
                               "p50": r["50%"], "p95": r["95%"], "p99": r["99%"], "rps": round(float(r["Requests/s"]), 2)}
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=1_000_000)
    parser.add_argument("--demands", type=int, default=500_000)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database (see bench/pg.sh)")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")
    OUT.mkdir(parents=True, exist_ok=True)
    generate(args.orgs, args.demands)

    import django

    django.setup()
    from django.test import Client

    from chainserve.core.models import User
    from chainserve.demands.models import Demand
    from chainserve.registry.models import Organization

    config = make_users()
    probe = Client()
    probe.force_login(User.objects.get(username="load-leader"))
    if probe.get("/reports/dashboard/").status_code == 200:
        config["dashboard"] = "/reports/dashboard/"
        USERS_FILE.write_text(json.dumps(config, ensure_ascii=False))
    size = {"organisations": Organization.objects.count(), "demands": Demand.objects.count()}

    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "AXES_ENABLED": "false", "API_REQUESTS_PER_MINUTE": "0", "LOAD_USERS": str(USERS_FILE)}
    log = open(OUT / "load-mix-gunicorn.log", "ab")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "chainserve.wsgi:application", "--bind",
                               f"127.0.0.1:{port}", "--workers", str(args.workers), "--timeout", "120"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        load_before = os.getloadavg()
        users = sum(c.fixed_count for c in (Enterprise, Handler, Office, Leader))
        subprocess.run([sys.executable, "-m", "locust", "-f", str(Path(__file__)), "--headless", "-u", str(users),
                        "-r", str(users), "-t", f"{args.seconds}s", "--host", f"http://127.0.0.1:{port}",
                        "--csv", str(OUT / "load-mix"), "--only-summary", "--stop-timeout", "30"],
                       cwd=ROOT, env=env, check=False)
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(60)
    rows = percentiles(OUT / "load-mix_stats.csv")
    result = {"size": size, "seconds": args.seconds, "gunicorn_workers": args.workers, "users": users,
              "load_average_before": load_before, "load_average_after": load_after, "requests": rows}
    (OUT / "load-mix.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"\n{size}, {args.seconds} s, {args.workers} gunicorn workers, load {load_before} → {load_after}\n")
    print("| request | requests | req/s | errors | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|---:|")
    for name, r in rows.items():
        print(f"| {name} | {r['requests']} | {r['rps']} | {r['errors']} | {r['p50']} | {r['p95']} | {r['p99']} |")


if __name__ == "__main__":
    main()
