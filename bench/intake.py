"""Demand intake under load: locust against gunicorn (`chainserve serve`), then a check in the database.

    DATABASE_URL=postgres://… python bench/intake.py --workers 4 --users 16 --seconds 60 --json bench/out/intake-4.json

1. Takes the API token of the demo user `enterprise` (as `chainserve token enterprise`) and a category.
2. Starts `.venv/bin/chainserve serve --port P` with WEB_CONCURRENCY=--workers (gunicorn sync workers,
   access log to bench/out/intake-gunicorn.log), the real task backend (django_tasks_db: one task row per
   create, written in the create's transaction), and waits until it answers.
3. Runs locust headless (bench/locustfile.py, FastHttpUser, --users closed-loop users, no think time) for
   --seconds: each user POSTs a demand with a unique title; every 10th carries an Idempotency-Key and is sent
   again with the same key. Then sends --concurrent-pairs pairs of simultaneous requests with one key each
   (two threads, plain http.client) — a retry racing the original.
4. Stops gunicorn and checks the database: every title answered 201 exists exactly once, no title is there
   twice, no demand exists that was not answered 201, each keyed create (and each concurrent pair) made one
   demand, one notification task row per create was enqueued, and the metrics' summary table counted each
   new demand once (the sum of `received` over its day rows grew by the demands added).
Also records the CPU seconds used meanwhile by gunicorn (master + workers), by the PostgreSQL server and by
locust, from /proc via psutil (a locust dependency): where the two cores went.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")
BIN = ROOT / ".venv" / "bin"


def tree_cpu(pids):
    """CPU seconds (user + system) of the processes pids and all their children, alive now."""
    import psutil

    total = 0.0
    seen = set()
    for pid in pids:
        try:
            p = psutil.Process(pid)
            procs = [p, *p.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for q in procs:
            if q.pid in seen:
                continue
            seen.add(q.pid)
            try:
                t = q.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
            except psutil.NoSuchProcess:
                pass
    return total


def postmaster_pid():
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as c:
        c.execute("SHOW data_directory")
        data_dir = c.fetchone()[0]
    connection.close()
    try:
        return int(Path(data_dir, "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def wait_up(port, timeout=60):
    t = time.time()
    while time.time() - t < timeout:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/api/v1/demand-categories/")
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"[intake] gunicorn did not answer on port {port}")


def post(port, token, key, title, category, out, i):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = json.dumps({"category": category, "title": title, "description": "并发重试", "confirm_new": True}, ensure_ascii=False)
    c.request("POST", "/api/v1/demands/", body.encode(), {
        "Authorization": f"Token {token}", "Content-Type": "application/json", "Idempotency-Key": key})
    r = c.getresponse()
    data = r.read()
    out[i] = (r.status, json.loads(data).get("id") if r.status == 201 else data[:200].decode(errors="replace"),
              r.getheader("Idempotent-Replayed"))


def read_wrk(results):
    """The answers bench/intake.lua wrote, one file per wrk thread, in the form locustfile.py writes them."""
    data = {"created": [], "failures": [], "replays": []}
    for part in sorted(results.parent.glob(results.name + ".*")):
        for line in part.read_text().splitlines():
            kind, *row = json.loads(line)
            data[{"created": "created", "failure": "failures", "replay": "replays"}[kind]].append(row)
        part.unlink()
    return data


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workers", type=int, default=4, help="WEB_CONCURRENCY (gunicorn sync workers)")
    p.add_argument("--users", type=int, default=16, help="closed-loop users (connections), each sending without pause")
    p.add_argument("--tool", choices=["wrk", "locust"], default="wrk",
                   help="the load generator: wrk (C, bench/intake.lua) or locust (Python, bench/locustfile.py)")
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--warmup", type=float, default=5.0, help="seconds left out of the sustained rate")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--retry-every", type=int, default=10)
    p.add_argument("--concurrent-pairs", type=int, default=20)
    p.add_argument("--user", default="enterprise")
    p.add_argument("--json")
    args = p.parse_args(argv)

    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL to the benchmark database (this script writes demands)")
    import django
    import psutil

    django.setup()
    from django.db import connection
    from django.db.models import Sum
    from django_tasks_db.models import DBTaskResult

    from chainserve.core.models import User
    from chainserve.core.tokens import issue
    from chainserve.demands.models import Category, Demand, DemandFigures

    user = User.objects.get(username=args.user)
    token = issue(user)[1]
    category = Category.objects.order_by("position").first().pk
    run = time.strftime("%H%M%S") + f"w{args.workers}u{args.users}"
    demands_before = Demand.objects.count()
    tasks_before = DBTaskResult.objects.count()
    counted = DemandFigures.objects.filter(month=False).aggregate
    received_before = counted(n=Sum("received"))["n"] or 0
    pg_pid = postmaster_pid()
    connection.close()
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, WEB_CONCURRENCY=str(args.workers), API_REQUESTS_PER_MINUTE="0")  # one token floods on purpose
    log = open(out_dir / "intake-gunicorn.log", "ab")
    server = subprocess.Popen([str(BIN / "chainserve"), "serve", "--port", str(args.port)], env=env,
                              stdout=log, stderr=log, cwd=ROOT)
    try:
        wait_up(args.port)
        print(f"[intake] {connection.vendor}: gunicorn pid {server.pid}, {args.workers} workers; "
              f"{demands_before:,} demands before; {args.tool} {args.users} users for {args.seconds}s", flush=True)
        results = out_dir / f"intake-{args.tool}-{run}.json"
        lenv = dict(os.environ, BENCH_RUN=run, BENCH_TOKEN=token, BENCH_CATEGORY=str(category),
                    BENCH_RETRY_EVERY=str(args.retry_every), BENCH_INTAKE_OUT=str(results))
        cpu0 = {"gunicorn": tree_cpu([server.pid]), "postgresql": tree_cpu([pg_pid]) if pg_pid else 0.0}
        machine0 = psutil.cpu_times()
        t0 = time.time()
        host = f"http://127.0.0.1:{args.port}"
        command = ["wrk", "-t", "2", "-c", str(args.users), "-d", f"{args.seconds}s", "--timeout", "60s",
                   "-s", str(ROOT / "bench" / "intake.lua"), host] if args.tool == "wrk" else [
            str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(args.users),
            "-r", str(args.users), "-t", f"{args.seconds}s", "--host", host, "--only-summary",
            "--stop-timeout", "30", "--loglevel", "WARNING"]
        tool = subprocess.Popen(command, env=lenv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True)
        lp = psutil.Process(tool.pid)
        tool_cpu = 0.0
        while tool.poll() is None:
            try:
                t = lp.cpu_times()
                tool_cpu = t.user + t.system
            except psutil.NoSuchProcess:
                break
            time.sleep(0.5)
        summary = tool.stdout.read()
        wall = time.time() - t0
        cpu1 = {"gunicorn": tree_cpu([server.pid]), "postgresql": tree_cpu([pg_pid]) if pg_pid else 0.0}
        machine1 = psutil.cpu_times()
        load = os.getloadavg()
        # A retry racing the original: two requests with one key at the same moment.
        pairs = []
        for i in range(args.concurrent_pairs):
            got = [None, None]
            threads = [threading.Thread(target=post, args=(args.port, token, f"{run}-pair-{i}", f"bench-{run}-pair-{i}",
                                                           category, got, j)) for j in range(2)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            pairs.append(got)
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    print(summary, flush=True)

    data = json.loads(results.read_text()) if args.tool == "locust" else read_wrk(results)
    created = data["created"]
    times = sorted(t for _title, _id, t in created)
    start = times[0] + args.warmup if times else 0
    steady = [t for t in times if t >= start]
    span = (steady[-1] - steady[0]) if len(steady) > 1 else 0
    sustained = (len(steady) - 1) / span if span else 0.0
    per_second = {}
    for t in steady:
        per_second[int(t - start)] = per_second.get(int(t - start), 0) + 1
    full_seconds = [v for k, v in sorted(per_second.items())][:-1]

    # The database check.
    in_db = {}
    for title, n in Demand.objects.filter(title__startswith=f"bench-{run}-").values_list("title").annotate(
            n=django.db.models.Count("id")).order_by():
        in_db[title] = n
    answered = {title for title, _id, _t in created}
    lost = sorted(answered - set(in_db))
    doubled = sorted(t for t, n in in_db.items() if n > 1)
    pair_titles = {f"bench-{run}-pair-{i}" for i in range(args.concurrent_pairs)}
    # Requests in flight when the load generator stopped: created, their answer not read (at most one per
    # user, among the last titles each wrk thread sent); anything else in the table unanswered is unexpected.
    last_sent = {}
    for title in answered:
        thread, n = title.rsplit("-", 2)[-2:]
        last_sent[thread] = max(last_sent.get(thread, 0), int(n))
    unanswered = sorted(set(in_db) - answered - pair_titles)
    in_flight = [t for t in unanswered if args.tool == "wrk" and t.rsplit("-", 2)[-2] in last_sent
                 and int(t.rsplit("-", 1)[-1]) > last_sent[t.rsplit("-", 2)[-2]] - args.users]
    unexpected = sorted(set(unanswered) - set(in_flight))
    keyed = [r for r in data["replays"]]
    replay_ok = sum(1 for _k, first, again, status, hdr in keyed if status == 201 and again == first and hdr == "true")
    pair_ok = sum(1 for i, got in enumerate(pairs) if in_db.get(f"bench-{run}-pair-{i}") == 1
                  and all(g and g[0] == 201 for g in got) and got[0][1] == got[1][1])
    tasks_after = DBTaskResult.objects.count()
    demands_after = Demand.objects.count()
    requests = len(created) + len(data["failures"])
    res = {
        "backend": connection.vendor, "run": run, "workers": args.workers, "users": args.users,
        "seconds": args.seconds, "wall_s": round(wall, 1), "requests": requests, "created_201": len(created),
        "errors": len(data["failures"]), "error_samples": data["failures"][:5],
        "sustained_creates_per_s": round(sustained, 1),
        "creates_per_s_min_1s": min(full_seconds) if full_seconds else None,
        "creates_per_s_median_1s": statistics.median(full_seconds) if full_seconds else None,
        "keyed_retries": len(keyed), "keyed_retries_replayed": replay_ok,
        "concurrent_pairs": len(pairs), "concurrent_pairs_one_demand": pair_ok,
        "pair_samples": pairs[:2],
        "db_titles": len(in_db), "lost": len(lost), "doubled": len(doubled), "unexpected": len(unexpected),
        "in_flight_at_stop": len(in_flight),
        "demands_before": demands_before, "demands_added": demands_after - demands_before,
        "task_rows_added": tasks_after - tasks_before,
        "figures_received_added": (counted(n=Sum("received"))["n"] or 0) - received_before,
        "tool": args.tool, "cpu_s": {k: round(cpu1[k] - cpu0[k], 1) for k in cpu0} | {args.tool: round(tool_cpu, 1)},
        "cpus": os.cpu_count(), "loadavg_1min_after": round(load[0], 2),
        "machine_busy_cores": round(sum(getattr(machine1, f) - getattr(machine0, f) for f in
                                        ("user", "system", "irq", "softirq", "steal")) / wall, 2),
    }
    n = max(1, len(created) + len(keyed))
    res["cpu_ms_per_request"] = {k: round(1000 * v / n, 2) for k, v in res["cpu_s"].items()}
    print(f"[intake] {res['created_201']:,} created (201) in {args.seconds}s: sustained {sustained:.1f} creates/s "
          f"(1-s windows: min {res['creates_per_s_min_1s']}, median {res['creates_per_s_median_1s']}); "
          f"errors {res['errors']}; keyed retries replayed {replay_ok}/{len(keyed)}; concurrent pairs one demand "
          f"{pair_ok}/{len(pairs)}; in DB: lost {len(lost)}, doubled {len(doubled)}, unexpected {len(unexpected)} "
          f"(in flight at the stop {len(in_flight)}); "
          f"demands added {res['demands_added']:,}; task rows added {res['task_rows_added']:,}; counted in the "
          f"figures {res['figures_received_added']:,}", flush=True)
    print(f"[intake] CPU s: {res['cpu_s']}  per request ms: {res['cpu_ms_per_request']}  machine busy "
          f"{res['machine_busy_cores']} of {os.cpu_count()} cores  load {load[0]:.2f}",
          flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(res, ensure_ascii=False, indent=1))
    results.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
