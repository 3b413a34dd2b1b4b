"""CPU time and queries of one API create, in-process (Django test Client, token auth), without and with
an Idempotency-Key, and the statements one create sends.

    DATABASE_URL=… python bench/create_cost.py [--n 300] [--rounds 3]
    DATABASE_URL=… python bench/create_cost.py --profile --n 400    # where the CPU goes (cProfile)

Rounds alternate between the variants so that load on a shared machine hits both alike. CPU = process_time
of this (Django) process per create; the database server's own time is not included.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=300, help="creates per variant and round")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--profile", action="store_true",
                   help="instead: cProfile (CPU time) of --n creates with an Idempotency-Key, top 60 by cumulative time")
    args = p.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL to the benchmark database (this script writes demands)")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from chainserve.core.models import User
    from chainserve.core.tokens import issue
    from chainserve.demands.models import Category

    user = User.objects.get(username="enterprise")
    client = Client(HTTP_AUTHORIZATION="Token " + issue(user)[1])
    cat = Category.objects.order_by("position").first().pk
    seq = [0]

    def create(key):
        seq[0] += 1
        extra = {"HTTP_IDEMPOTENCY_KEY": f"cost-{time.time()}-{seq[0]}"} if key else {}
        r = client.post("/api/v1/demands/", {"category": cat, "title": f"bench-cost-{seq[0]}", "description": "x", "confirm_new": True},
                        content_type="application/json", **extra)
        assert r.status_code == 201, r.content

    if args.profile:
        import cProfile
        import pstats

        for _ in range(10):
            create(True)
        prof = cProfile.Profile(time.process_time)
        prof.enable()
        for _ in range(args.n):
            create(True)
        prof.disable()
        stats = pstats.Stats(prof)
        print(f"CPU per create under the profiler {stats.total_tt / args.n * 1000:.2f} ms (with Idempotency-Key)")
        rows = sorted(((ct, f"{os.path.basename(f)}:{line}({name})", nc)
                       for (f, line, name), (_cc, nc, _tt, ct, _callers) in stats.stats.items()), reverse=True)
        for ct, label, nc in rows[:60]:
            print(f"{ct / args.n * 1000:7.2f} ms  {nc / args.n:5.1f}x  {label}")
        return
    figures, statements = {}, {}
    for _ in range(args.rounds):
        for key in (False, True):
            for _ in range(5):
                create(key)
            queries = []
            with connection.execute_wrapper(lambda execute, sql, *a, q=queries: q.append(sql) or execute(sql, *a)):
                create(key)
            statements[key] = queries
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(args.n):
                create(key)
            f = figures.setdefault(key, {"cpu": [], "wall": [], "queries": len(queries)})
            f["cpu"].append((time.process_time() - cpu) / args.n * 1000)
            f["wall"].append((time.perf_counter() - wall) / args.n * 1000)
    print(f"[create] {connection.vendor}, {args.rounds} rounds × {args.n} creates per variant; load "
          f"{os.getloadavg()[0]:.2f}")
    for key, f in figures.items():
        print(f"[create] {'with' if key else 'no  '} Idempotency-Key: {f['queries']} queries, CPU "
              f"{statistics.median(f['cpu']):.2f} ms, wall {statistics.median(f['wall']):.2f} ms per create "
              f"(median of rounds)")
    for sql in statements[True]:
        print(f"[create]   {sql[:150]}")


if __name__ == "__main__":
    main()
