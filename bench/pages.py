"""Time the pages in-process with Django's test Client, logged in as the demo user `office` (链办).

    DATABASE_URL=… python bench/pages.py --requests 100 --json bench/out/pages-sqlite.json

Each case: a few warm-up requests, then --requests timed GETs (wall time of Client.get: URL resolving,
middleware, session, view, queries and template rendering; no network, no gunicorn). A case stops early
only when it has used --max-seconds; the number of requests actually made is reported. One more request
per case runs under CaptureQueriesContext to show where the time goes (SQL total and the slowest query;
on SQLite that is the time to the first row only, as the rest is stepped while fetching).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")


def percentile(values, p):
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def cases():
    from django.db.models import Count
    from generate import CHAIN_NAME, TARGETS  # noqa: F401  (bench/ is on sys.path when run as a script)

    from chainserve.chains.models import Chain, Placement
    from chainserve.core.models import Region

    chain = Chain.objects.get(name=CHAIN_NAME)
    placed = Placement.objects.filter(chain=chain).count()
    busiest = (Placement.objects.filter(chain=chain).values("segment_id").annotate(n=Count("id"))
               .order_by("-n").first())
    district = Region.objects.filter(level="district").order_by("code").first()
    org = "/registry/organizations/"
    return chain, placed, [
        # (key, description, url, text the page must contain or None)
        ("list", "organisation list, page 1 (sorted by name)", org, None),
        ("list_deep", "organisation list, page 400", f"{org}?page=400", None),
        ("filter", "filter: enterprise + district + label 高新技术企业",
         f"{org}?kind=enterprise&district={district.pk}&label=hitech", None),
        ("search_name", "search a unique name: 翊纬康", f"{org}?q=翊纬康", TARGETS[0]),
        ("search_name_common", "search a common name: 澜泽基因", f"{org}?q=澜泽基因", None),
        ("search_name_short", "search two characters: 澜泽", f"{org}?q=澜泽", None),
        ("search_traditional", "search traditional: 翊緯康", f"{org}?q=翊緯康", TARGETS[0]),
        ("search_traditional_common", "search traditional: 瀾澤基因", f"{org}?q=瀾澤基因", None),
        ("search_initials", "search pinyin initials: mhywk", f"{org}?q=mhywk", TARGETS[0]),
        ("search_initials_short", "search pinyin initials: lzjy", f"{org}?q=lzjy", None),
        ("search_pinyin", "search full pinyin: yiweikang", f"{org}?q=yiweikang", TARGETS[0]),
        ("search_none", "search with no match: 不存在的企业", f"{org}?q=不存在的企业", None),
        ("segment_orgs", f"segment click-through ({busiest['n']:,} enterprises)",
         f"{org}?segment={busiest['segment_id']}", None),
        ("chain_map", f"chain map, {placed:,} placed enterprises", f"/chains/{chain.pk}/map/", None),
        ("chain_map_json", "chain map data (?format=json)", f"/chains/{chain.pk}/map/?format=json", None),
        ("chain", "chain page (segment tree)", f"/chains/{chain.pk}/", None),
        ("gaps", "gap view", f"/chains/{chain.pk}/gaps/", None),
    ]


def time_case(client, key, desc, url, must, args):
    """Warm-up, one request under CaptureQueriesContext, then args.requests timed GETs (or args.max_seconds)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment

    # The test environment lets the Client see the template context (for the result count); it copies
    # every context on rendering, so it is switched off again before the timed requests.
    setup_test_environment()
    for _ in range(args.warmup):
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    body = r.content.decode()
    if must and must not in body:
        raise SystemExit(f"[pages] {key}: {url} does not show {must}")
    count = None
    if r.context and "page" in r.context and hasattr(r.context["page"], "paginator"):
        count = r.context["page"].paginator.count
    teardown_test_environment()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    sql = [(float(q["time"]), q["sql"]) for q in ctx.captured_queries]
    slowest = max(sql, default=(0.0, ""))
    times, cpu = [], []
    t_case = time.perf_counter()
    while len(times) < args.requests and time.perf_counter() - t_case < args.max_seconds:
        t, c = time.perf_counter(), time.process_time()
        r = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        assert r.status_code == 200
    res = {
        "key": key, "description": desc, "url": url, "n": len(times),
        "median_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 95), 1),
        "max_ms": round(max(times), 1),
        # CPU time of this (Django) process: on SQLite that includes the queries; the gap to the wall
        # time is waiting — for the CPU on a busy machine, for I/O, or for the PostgreSQL server.
        "cpu_median_ms": round(statistics.median(cpu), 1), "cpu_p95_ms": round(percentile(cpu, 95), 1),
        "results": count, "queries": len(sql),
        "sql_ms": round(sum(t for t, _ in sql) * 1000, 1), "slowest_sql_ms": round(slowest[0] * 1000, 1),
        "slowest_sql": slowest[1][:300], "bytes": len(r.content),
    }
    flag = "" if res["p95_ms"] < 300 else "  > 300 ms"
    print(f"[pages] {key:26s} n={res['n']:3d} median {res['median_ms']:8.1f} ms  "
          f"p95 {res['p95_ms']:8.1f} ms  (cpu p95 {res['cpu_p95_ms']:6.1f})  results={count}  "
          f"sql {res['sql_ms']:.0f} ms in {res['queries']} queries{flag}", flush=True)
    return res


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=100)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--max-seconds", type=float, default=120.0, help="time budget per case")
    p.add_argument("--only", help="comma-separated case keys")
    p.add_argument("--json", help="write the figures here")
    p.add_argument("--user", default="office")
    args = p.parse_args(argv)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from chainserve.core.models import User
    from chainserve.registry.models import Organization

    client = Client()
    client.force_login(User.objects.get(username=args.user))
    chain, placed, all_cases = cases()
    total_orgs = Organization.objects.count()
    print(f"[pages] {connection.vendor}: {total_orgs:,} organisations; chain {chain.pk} with {placed:,} "
          f"placements; Django test Client as {args.user}", flush=True)
    only = set(args.only.split(",")) if args.only else None
    load_before = os.getloadavg()[0]
    results = []
    for key, desc, url, must in all_cases:
        if only and key not in only:
            continue
        results.append(time_case(client, key, desc, url, must, args))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({
            "backend": connection.vendor, "organizations": total_orgs, "placements": placed,
            "client": f"django.test.Client, force_login({args.user})", "cpus": os.cpu_count(),
            "loadavg_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)], "cases": results,
        }, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
