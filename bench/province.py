"""Issue 20's measure: the pages of a city office and of the province office in a province of 16 cities.

    DATABASE_URL=… python bench/generate.py orgs --n 2000000 --cities 16
    DATABASE_URL=… python bench/generate.py demands --n 250000
    DATABASE_URL=… python bench/province.py --requests 30 --json bench/out/province.json

In-process through Django's test Client, each case with pages.py's `time_case` (warm-ups, one request under query
capture, then --requests timed GETs: median, p95, CPU). Users: `office-c01` (the capital's chain office, the
biggest city) and `office-prov` (the province office); --users to pick others. For each page over the goal
(300 ms p95) on PostgreSQL, one more request is captured and its --explain slowest queries are run again under
EXPLAIN (ANALYZE, BUFFERS) (hotspots.py's `explain`); the plans go into the JSON, their top lines to the output.
Last, a Markdown table of the figures.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")

GOAL_MS = 300
PAGES = [  # key, description, url ("{demand}": a demand the user sees, the newest)
    ("workbench", "workbench", "/"),
    ("demands", "demand list", "/demands/"),
    ("queue", "dispatch queue", "/demands/queue/"),
    ("demand", "a demand's page (the newest in scope)", "/demands/{demand}/"),
    ("search_common", "organisation search 生物医药", "/registry/organizations/?q=生物医药"),
    ("search_short", "organisation search 澜泽", "/registry/organizations/?q=澜泽"),
    ("dashboard", "reports dashboard", "/reports/dashboard/"),
    ("bulletin", "live bulletin", "/reports/"),
    ("metrics", "demand metrics", "/demands/metrics/"),
]


def slowest_queries(client, url, count):
    """The count slowest statements of one request to url: [(ms, sql)], slowest first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    timed = sorted(((float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries), reverse=True)
    return timed[:count]


def sizes():
    from chainserve.chains.models import Placement
    from chainserve.core.models import Region
    from chainserve.demands.models import Demand
    from chainserve.registry.models import Organization

    return {"organizations": Organization.objects.count(),
            "enterprises": Organization.objects.filter(kind="enterprise").count(),
            "departments": Organization.objects.filter(kind="department").count(),
            "cities": Region.objects.filter(level="city").count(),
            "districts": Region.objects.filter(level="district").count(),
            "placements": Placement.objects.count(), "demands": Demand.objects.count()}


def table(results):
    lines = ["| user | page | in scope | median ms | p95 ms | CPU p95 ms | queries | SQL ms | slowest SQL ms |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        p95 = f"**{r['p95_ms']:,.0f}**" if r["p95_ms"] >= GOAL_MS else f"{r['p95_ms']:,.0f}"
        scope = "" if r.get("results") is None else f"{r['results']:,}"
        lines.append(f"| {r['user']} | {r['description']} | {scope} | {r['median_ms']:,.0f} | {p95} | "
                     f"{r['cpu_p95_ms']:,.0f} | {r['queries']} | {r['sql_ms']:,.0f} | {r['slowest_sql_ms']:,.0f} |")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=30)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--max-seconds", type=float, default=60.0, help="time budget per case")
    p.add_argument("--users", default="office-c01,office-prov")
    p.add_argument("--only", help="comma-separated page keys")
    p.add_argument("--explain", type=int, default=3, help="slowest queries explained per page over the goal")
    p.add_argument("--json")
    args = p.parse_args(argv)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from hotspots import explain
    from pages import time_case

    from chainserve.core.models import User
    from chainserve.demands.models import Demand

    size = sizes()
    load = [round(os.getloadavg()[0], 2)]
    print(f"[province] {connection.vendor}: " + ", ".join(f"{v:,} {k}" for k, v in size.items())
          + f"; load {load[0]}", flush=True)
    only = set(args.only.split(",")) if args.only else None
    results = []
    for username in args.users.split(","):
        user = User.objects.select_related("region").get(username=username)
        client = Client()
        client.force_login(user)
        newest = Demand.objects.restrict(user, "view").order_by("-created").values_list("pk", flat=True).first()
        seen = Demand.objects.restrict(user, "view").count()
        print(f"[province] {username} ({user.region}): {seen:,} demands in scope", flush=True)
        for key, desc, url in PAGES:
            if only and key not in only:
                continue
            if "{demand}" in url:
                if newest is None:
                    print(f"[province]   {key}: no demand in scope, skipped", flush=True)
                    continue
                url = url.format(demand=newest)
            res = time_case(client, f"{username}:{key}", desc, url, None, args)
            res.update(user=username, region=str(user.region), demands_in_scope=seen)
            if res["p95_ms"] >= GOAL_MS and connection.vendor == "postgresql":
                res["explained"] = []
                for ms, sql in slowest_queries(client, url, args.explain):
                    plan_ms, plan = explain(sql)
                    res["explained"].append({"captured_ms": round(ms, 1), "explain_ms": plan_ms, "sql": sql,
                                             "plan": plan})
                    print(f"[province]   {ms:7.1f} ms (EXPLAIN ANALYZE {plan_ms} ms): {sql[:160]}", flush=True)
                    for line in plan[:8]:
                        print(f"[province]       {line}", flush=True)
            results.append(res)
    load.append(round(os.getloadavg()[0], 2))
    print(table(results))
    print(f"[province] load average (1 min) {load[0]} → {load[1]}", flush=True)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"backend": connection.vendor, **size, "loadavg_1min": load,
                                               "goal_ms": GOAL_MS, "cases": results}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
