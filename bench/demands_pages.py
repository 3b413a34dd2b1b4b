"""Demands at scale: the handler's inbox, the metrics page, and the three rates of a city for a year.

    DATABASE_URL=… python bench/demands_pages.py --requests 100 --json bench/out/demands-pages-sqlite.json
    DATABASE_URL=… python bench/demands_pages.py --cold [--pg-restart] --json …   # rates from a cold cache

Pages are timed like bench/pages.py (same `time_case`): in-process with Django's test `Client`
(force_login: `handler` of 明湖市药品监督管理局 for the inbox, `office` for the metrics), warm-ups, then
--requests timed GETs: median, p95, CPU of the Django process, queries.

The rates: `metrics.totals(today − 365 days, today)` — 响应率, 解决率, 满意率 (and the other figures) over every
demand of the city received in the last year, from the summary table (DemandFigures) and the running demands. "Cold" is the first call in a fresh process after the database files were dropped from the
OS page cache (posix_fadvise DONTNEED on the SQLite file, or on PostgreSQL's data files with the server
stopped — `--pg-restart` stops it, drops them and starts it again, so shared_buffers are empty too).
"Warm" is the median of the next --warm-calls calls (10).
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")


def evict(paths):
    """Drop these files' pages from the OS page cache (only these files; nothing else is touched)."""
    n = 0
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            n += 1
        finally:
            os.close(fd)
    return n


def make_cold(pg_restart):
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("sqlite:///"):
        db = url[len("sqlite:///"):]
        n = evict([db, db + "-wal", db + "-shm"])
        print(f"[demands] cold: dropped {db} from the page cache ({n} files)", flush=True)
    elif pg_restart:
        pg_dir = os.environ.get("BENCH_PG_DIR", "/tmp/chainserve-bench-pg")
        subprocess.run(["bash", str(ROOT / "bench" / "pg.sh"), "stop"], check=True)
        files = [os.path.join(d, f) for d, _s, fs in os.walk(pg_dir) for f in fs]
        n = evict(files)
        subprocess.run(["bash", str(ROOT / "bench" / "pg.sh"), "start"], check=True, stdout=subprocess.DEVNULL)
        print(f"[demands] cold: PostgreSQL restarted, {n} data files dropped from the page cache", flush=True)
    else:
        print("[demands] cold: give --pg-restart to restart PostgreSQL (else its caches stay warm)", flush=True)


def rates(start, end, calls=10):
    from chainserve.demands import metrics

    t = time.perf_counter()
    first = metrics.totals(start, end)
    cold_ms = (time.perf_counter() - t) * 1000
    warm = []
    for _ in range(calls):
        t = time.perf_counter()
        metrics.totals(start, end)
        warm.append((time.perf_counter() - t) * 1000)
    return first, cold_ms, warm


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=100)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--max-seconds", type=float, default=600.0, help="time budget per page case")
    p.add_argument("--cold", action="store_true", help="drop the database from the caches first; rates only")
    p.add_argument("--pg-restart", action="store_true", help="with --cold on PostgreSQL: restart the server")
    p.add_argument("--warm-calls", type=int, default=10, help="warm calls of the rates after the first")
    p.add_argument("--no-pages", action="store_true", help="the rates only")
    p.add_argument("--only", help="comma-separated case keys (inbox, metrics, metrics_category)")
    p.add_argument("--json", help="write the figures here")
    args = p.parse_args(argv)
    if args.cold:
        make_cold(args.pg_restart)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from pages import time_case

    from chainserve.core.models import User
    from chainserve.demands.models import Demand

    end = timezone.localdate()
    start = end - datetime.timedelta(days=365)
    load_before = os.getloadavg()[0]
    first, cold_ms, warm = rates(start, end, args.warm_calls)
    out = {"backend": connection.vendor, "cpus": os.cpu_count(), "period": [str(start), str(end)],
           "rates": {"cold" if args.cold else "first_call_ms": round(cold_ms, 1),
                     "warm_median_ms": round(statistics.median(warm), 1), "warm_max_ms": round(max(warm), 1),
                     "figures": first.as_dict()}}
    if args.cold:
        out["rates"]["cold_ms"] = out["rates"].pop("cold")
    print(f"[demands] {connection.vendor}: rates {start}..{end}: {'cold' if args.cold else 'first call'} "
          f"{cold_ms:.0f} ms, warm median {statistics.median(warm):.0f} ms — 响应率 {first.response_rate} %, "
          f"解决率 {first.resolution_rate} %, 满意率 {first.satisfaction_rate} % of {first.received:,} received",
          flush=True)
    if not (args.cold or args.no_pages):
        total = Demand.objects.count()
        handler, office = Client(), Client()
        h = User.objects.get(username="handler")
        handler.force_login(h)
        office.force_login(User.objects.get(username="office"))
        period = f"from={start}&to={end}"
        cases = [
            ("inbox", f"handler inbox ({h.organization.name}), sorted by deadline", handler, "/demands/inbox/"),
            ("metrics", "metrics page, last 365 days, by department", office,
             f"/demands/metrics/?{period}&by=department"),
            ("metrics_category", "metrics page, last 365 days, by category", office,
             f"/demands/metrics/?{period}&by=category"),
        ]
        only = set(args.only.split(",")) if args.only else None
        results = []
        for key, desc, client, url in cases:
            if only and key not in only:
                continue
            results.append(time_case(client, key, desc, url, None, args))
        out.update({"demands": total, "client": "django.test.Client, force_login(handler / office)",
                    "cases": results})
    out["loadavg_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
