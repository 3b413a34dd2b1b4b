"""The hot spots of issue 21, in-process, with the plan of their slowest query (PostgreSQL).

    DATABASE_URL=… python bench/hotspots.py --requests 30 --json bench/out/hotspots-after.json

Cases, as the load mix (bench/load_mix.py) opens them: the reports dashboard as `admin` (the mix's leader is an
admin: the city, this year; 920,329 enterprises at the province's size), and as `office` (its own chain); the
office's demand list, unfiltered and filtered by status; the organisation search for each of the mix's terms. Each case
is timed with pages.py's `time_case` (warm-ups, one request under query capture, then --requests timed GETs);
then the captured request's slowest query is run again under EXPLAIN (ANALYZE, BUFFERS) and its plan's
execution time and top nodes are printed. For the dashboard, the enterprise counts' own query is explained too
(`figures.industry._enterprise_counts`, without its cache), so that a cached run still shows what the query
costs when the registry has just changed.
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

CASES = [  # key, description, url, user
    ("dashboard", "reports dashboard as admin (the city, this year)", "/reports/dashboard/", "admin"),
    ("dashboard_office", "reports dashboard as office (its chain, this year)", "/reports/dashboard/", "office"),
    ("demands_status", "office: demand list by status (dispatched)", "/demands/?status=dispatched", "office"),
    ("demands", "office: demand list", "/demands/", "office"),
    ("search_common", "organisation search: 生物医药", "/registry/organizations/?q=生物医药", "office"),
    ("search_short", "organisation search: 澜泽", "/registry/organizations/?q=澜泽", "office"),
    ("search_initials", "organisation search: lzjy", "/registry/organizations/?q=lzjy", "office"),
    ("search_traditional", "organisation search: 翊緯康", "/registry/organizations/?q=翊緯康", "office"),
]


def explain(sql):
    """EXPLAIN (ANALYZE, BUFFERS) of one statement as captured (its values inlined): (execution ms, the plan)."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)  # no parameters: a LIKE's % stays as it is
        lines = [row[0] for row in c.fetchall()]
    ms = next((float(line.split(":")[1].split()[0]) for line in lines if line.startswith("Execution Time")), None)
    return ms, lines


def slowest_query(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return max(ctx.captured_queries, key=lambda q: float(q["time"]))["sql"]


def enterprise_counts_sql(scope):
    """The statement of the enterprise counts for scope, as figures.industry runs it when it is not cached."""
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from chainserve.reports.figures import industry

    conditions = {key: getattr(industry, "_condition", lambda c, s: c)(c, scope)  # (the code before had none)
                  for key, c in industry.ENTERPRISE_CONDITIONS.items()}
    with CaptureQueriesContext(connection) as ctx:
        industry.enterprises(None, scope).aggregate(**{key: Count("pk", filter=c) for key, c in conditions.items()})
    return ctx.captured_queries[-1]["sql"]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=30)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--max-seconds", type=float, default=60.0)
    p.add_argument("--only", help="comma-separated case keys")
    p.add_argument("--json")
    args = p.parse_args(argv)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from pages import time_case

    from chainserve.chains.models import Chain
    from chainserve.core.models import User
    from chainserve.demands.models import Demand
    from chainserve.registry.models import Organization
    from chainserve.reports.figures import Scope

    clients = {}
    for name in {case[3] for case in CASES}:
        clients[name] = Client()
        clients[name].force_login(User.objects.get(username=name))
    size = {"organizations": Organization.objects.count(), "demands": Demand.objects.count()}
    load = [round(os.getloadavg()[0], 2)]
    print(f"[hotspots] {connection.vendor}: {size['organizations']:,} organisations, {size['demands']:,} demands; "
          f"load {load[0]}", flush=True)
    only = set(args.only.split(",")) if args.only else None
    results = []
    for key, desc, url, user in CASES:
        if only and key not in only:
            continue
        client = clients[user]
        res = time_case(client, key, desc, url, None, args)
        if connection.vendor == "postgresql":
            res["explain_ms"], plan = explain(slowest_query(client, url))
            res["plan"] = plan
            print(f"[hotspots]   slowest query: {res['explain_ms']} ms; " + " / ".join(
                line.strip() for line in plan[:3]), flush=True)
        results.append(res)
        if key.startswith("dashboard") and connection.vendor == "postgresql":
            chain = Chain.objects.filter(staff__username=user).order_by("level", "pk").first()  # its default
            ms, plan = explain(enterprise_counts_sql(Scope(chain=chain)))
            results.append({"key": f"{key}_enterprise_counts", "explain_ms": ms, "plan": plan,
                            "description": "the enterprise counts' query (uncached)"})
            print(f"[hotspots]   enterprise counts' query, uncached: {ms} ms", flush=True)
    load.append(round(os.getloadavg()[0], 2))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"backend": connection.vendor, **size, "loadavg_1min": load,
                                               "cases": results}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
