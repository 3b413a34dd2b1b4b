"""The catalogue import and targeted investment attraction at a city's scale, on one database.

    DATABASE_URL=sqlite:////work/main/bench/out/resources.sqlite3 .venv/bin/python bench/resources.py \
        --policies 5000 --candidates 20000 --leads 10000 --json bench/out/resources-sqlite.json

Migrates and loads the demo cluster if the database is empty, then measures, in this process:
1. `import_catalogue("policies")` of a workbook of --policies new policies (all good), then the same
   workbook with every 100th row broken (checked, all bad rows listed, nothing written);
2. after bulk-inserting --candidates candidates (each on 1–3 segments of the demo chain) and --leads leads
   with one event each: `gap_candidates(chain)`, `map_data(chain)` and `lead_counts(chain, start, end)`,
   median and p95 of --repeat runs, with the query count;
3. `move_lead` one step forward on 200 leads: median and p95 per move.
Writes the figures as JSON (with the 1-minute load average at the start and the end).
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")


def timed(fn, repeat):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        queries = len(ctx.captured_queries)
    times.sort()
    return {"median_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 2), "runs": repeat, "queries": queries}


def policy_workbook(n, broken_every=0):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["政策名称", "发布部门", "文号", "生效日期", "截止日期", "支持内容", "免申即享", "标签"])
    for i in range(n):
        bad = broken_every and i % broken_every == 0
        ws.append([f"基准政策{i:06d}", "无此部门" if bad else "明湖市经济和信息化局", f"明政规〔2026〕{i}号",
                   "2026-01-01", "2025-01-01" if bad else "2027-12-31", "最高500万元支持。", "否", "基准、研发"])
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--policies", type=int, default=5000)
    p.add_argument("--candidates", type=int, default=20000)
    p.add_argument("--leads", type=int, default=10000)
    p.add_argument("--repeat", type=int, default=30)
    p.add_argument("--json")
    args = p.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL to a benchmark database (this script writes to it)")
    import random

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from chainserve.chains import services as cs
    from chainserve.chains.choices import LeadStage
    from chainserve.chains.models import Candidate, Chain, Lead, LeadEvent, Segment
    from chainserve.core.models import User
    from chainserve.core.search import fill_search_text
    from chainserve.demo import CHAIN_NAME, load_demo
    from chainserve.resources import services as rs
    from chainserve.resources.models import Policy

    call_command("migrate", verbosity=0)
    load_demo()
    out = {"backend": connection.vendor, "load_start": os.getloadavg()[0]}
    office = User.objects.get(username="office")

    Policy.objects.filter(title__startswith="基准政策").delete()
    t = time.perf_counter()
    result = rs.import_catalogue("policies", policy_workbook(args.policies), office)
    out["import_good"] = {"rows": result.total, "created": result.created,
                          "seconds": round(time.perf_counter() - t, 2)}
    t = time.perf_counter()
    result = rs.import_catalogue("policies", policy_workbook(args.policies, broken_every=100), office)
    out["import_bad"] = {"rows": result.total, "bad_rows": len(result.errors),
                         "seconds": round(time.perf_counter() - t, 2)}

    chain = Chain.objects.get(name=CHAIN_NAME)
    segments = list(Segment.objects.filter(chain=chain))
    rng = random.Random(5)
    existing = Candidate.objects.filter(chain=chain, name__startswith="基准候选").count()
    with transaction.atomic():
        new = Candidate.objects.bulk_create(fill_search_text(
            [Candidate(chain=chain, name=f"基准候选{i:06d}有限公司", region="上海市")
             for i in range(existing, args.candidates)]), batch_size=2000)
        through = Candidate.segments.through
        through.objects.bulk_create([through(candidate_id=c.pk, segment_id=s.pk) for c in new
                                     for s in rng.sample(segments, rng.randint(1, 3))], batch_size=5000,
                                    ignore_conflicts=True)
        pairs = list(through.objects.filter(candidate__name__startswith="基准候选")
                     .values_list("candidate_id", "segment_id")[:args.leads])
        have = set(Lead.objects.values_list("candidate_id", "segment_id"))
        now = timezone.now()
        leads = Lead.objects.bulk_create(
            [Lead(candidate_id=c, segment_id=s, chain=chain, stage=rng.choice(list(LeadStage)), stage_changed_at=now,
                  amount=rng.randint(1, 500) * 10_000_000) for c, s in pairs if (c, s) not in have], batch_size=2000)
        LeadEvent.objects.bulk_create(
            [LeadEvent(lead_id=lead.pk, chain=chain, from_stage="", to_stage=lead.stage, amount=lead.amount)
             for lead in leads], batch_size=2000)
    out["data"] = {"candidates": Candidate.objects.count(), "leads": Lead.objects.count(),
                   "lead_events": LeadEvent.objects.count()}
    today = timezone.localdate()
    out["gap_candidates"] = timed(lambda: cs.gap_candidates(chain), args.repeat)
    out["map_data"] = timed(lambda: cs.map_data(chain), args.repeat)
    out["lead_counts"] = timed(lambda: cs.lead_counts(chain, today - datetime.timedelta(days=365), today),
                               args.repeat)

    times = []
    for lead in Lead.objects.filter(stage=LeadStage.FOUND)[:200]:
        t = time.perf_counter()
        cs.move_lead(lead, office, LeadStage.CONTACTED, lead.version)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    out["move_lead"] = {"moves": len(times), "median_ms": round(statistics.median(times), 2),
                        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 2)}
    out["load_end"] = os.getloadavg()[0]
    text = json.dumps(out, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text)


if __name__ == "__main__":
    main()
