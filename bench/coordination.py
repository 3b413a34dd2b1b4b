"""Coordination at a province's year: the calendar page and the agreement totals by institution.

    flock /tmp/bench.lock env DATABASE_URL=sqlite:///$PWD/bench/out/coordination.sqlite3 \
        .venv/bin/python bench/coordination.py --json bench/out/coordination-sqlite.json

The first run migrates the database and generates, in bulk (bulk_create, no per-row history), a province:
40 chains (20 cities × 2) with a committee each, 20,000 enterprises, 400 institutions (banks, hospitals, funds),
200 staff users, and one year of records: 500 joint meetings, 5,000 activities, 100,000 visits and 20,000
agreements (amounts in fen) spread over the year. A later run reuses the data (the meeting count tells).

Then, timed like bench/pages.py (`time_case`: warm-ups, one request with the queries captured, then --requests
GETs in-process through Django's test Client): the calendar month page for a handler (who sees every chain's
meetings and activities: the largest month) and for one chain's office, and the agreement totals by
institution for the year (all agreements, as the admin) — median and p95. Goal: p95 under 300 ms.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")

YEAR = 2026
SIZES = {"chains": 40, "enterprises": 20_000, "institutions": 400, "staff": 200, "meetings": 500,
         "activities": 5_000, "visits": 100_000, "agreements": 20_000}


def generate(rng, sizes):
    from django.db import transaction
    from django.utils import timezone

    from chainserve.chains.models import Chain
    from chainserve.coordination.choices import ActivityKind, AgreementKind, MeetingStatus
    from chainserve.coordination.models import Activity, Agreement, Committee, Meeting, Visit
    from chainserve.core.choices import Role
    from chainserve.core.models import User
    from chainserve.core.search import fill_search_text
    from chainserve.registry.choices import OrgKind
    from chainserve.registry.models import Organization

    t0 = time.perf_counter()
    tz = timezone.get_current_timezone()
    start = datetime.datetime(YEAR, 1, 1, tzinfo=tz)

    def when(rng):
        return start + datetime.timedelta(days=rng.randrange(365), hours=rng.choice([1, 2, 6, 7]))  # 09:00–15:00

    with transaction.atomic():
        dept = Organization.objects.create(name="省经济和信息化厅", kind=OrgKind.DEPARTMENT)
        chains = Chain.objects.bulk_create(fill_search_text(
            [Chain(name=f"第{i // 2 + 1}市{'生物医药' if i % 2 else '新能源'}产业链") for i in range(sizes["chains"])]))
        committees = Committee.objects.bulk_create(fill_search_text([Committee(chain=c, name=f"{c.name}党建工作协调委员会")
                                                                     for c in chains]))
        firms = Organization.objects.bulk_create(fill_search_text(
            [Organization(name=f"省内企业{i:05d}有限公司", kind=OrgKind.ENTERPRISE, uscc=None)
             for i in range(sizes["enterprises"])]), batch_size=5000)
        kinds = [OrgKind.FINANCIAL, OrgKind.HOSPITAL, OrgKind.FUND, OrgKind.UNIVERSITY]
        institutions = Organization.objects.bulk_create(fill_search_text(
            [Organization(name=f"合作机构{i:03d}", kind=kinds[i % 4]) for i in range(sizes["institutions"])]))
        staff = User.objects.bulk_create(
            [User(username=f"bench-staff-{i}", role=Role.SPECIALIST if i % 4 else Role.OFFICE, organization=dept)
             for i in range(sizes["staff"])])
        User.objects.bulk_create([User(username="bench-handler", role=Role.HANDLER, organization=dept),
                                  User(username="bench-admin", role=Role.ADMIN, is_superuser=True)])
        office = User.objects.create(username="bench-office", role=Role.OFFICE, organization=dept)
        chains[0].staff.add(office)

        Meeting.objects.bulk_create(fill_search_text([Meeting(committee=c, chain_id=c.chain_id, title=f"{c.name}联席会议{i}",
                                             starts_at=when(rng), location="会议室",
                                             status=rng.choice([MeetingStatus.HELD] * 4 + [MeetingStatus.SCHEDULED]))
                                     for i, c in enumerate(rng.choices(committees, k=sizes["meetings"]))]))
        activity_kinds = ActivityKind.values
        activities = Activity.objects.bulk_create(fill_search_text(
            [Activity(chain=rng.choice(chains), kind=rng.choice(activity_kinds), title=f"联建活动{i:04d}",
                      starts_at=when(rng), location="产业园会议中心", open_to_enterprises=rng.random() < 0.8)
             for i in range(sizes["activities"])]), batch_size=5000)
        Visit.objects.bulk_create(
            [Visit(organization=rng.choice(firms), visitor=rng.choice(staff),
                   visited_on=datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(365)),
                   purpose="走访调研") for _ in range(sizes["visits"])], batch_size=5000)
        agreement_kinds = AgreementKind.values
        Agreement.objects.bulk_create(fill_search_text(
            [Agreement(chain=rng.choice(chains), kind=rng.choice(agreement_kinds), title=f"协议{i:05d}",
                       institution=rng.choice(institutions), enterprise=rng.choice(firms),
                       amount_fen=rng.randrange(1, 50_000) * 1_000_000 if rng.random() < 0.9 else None,
                       signed_on=datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(365)),
                       activity=rng.choice(activities) if rng.random() < 0.3 else None)
             for i in range(sizes["agreements"])]), batch_size=5000)
    return time.perf_counter() - t0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=100)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--max-seconds", type=float, default=300.0, help="time budget per case")
    p.add_argument("--json", help="write the figures here")
    args = p.parse_args(argv)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from pages import time_case

    from chainserve.coordination.models import Activity, Agreement, Meeting, Visit
    from chainserve.core.models import User

    call_command("migrate", verbosity=0)
    generated = None
    if Meeting.objects.count() < SIZES["meetings"]:
        generated = generate(random.Random(2026), SIZES)
        print(f"[coordination] generated a province's year in {generated:.0f} s", flush=True)
    counts = {"meetings": Meeting.objects.count(), "activities": Activity.objects.count(),
              "visits": Visit.objects.count(), "agreements": Agreement.objects.count()}
    load_before = os.getloadavg()[0]
    clients = {}
    for name in ["bench-handler", "bench-office", "bench-admin"]:
        clients[name] = Client()
        clients[name].force_login(User.objects.get(username=name))
    month = f"{YEAR}-06"
    cases = [
        ("calendar_all", f"calendar page {month}, handler (every chain)", "bench-handler",
         f"/coordination/calendar/?month={month}"),
        ("calendar_chain", f"calendar page {month}, one chain's office", "bench-office",
         f"/coordination/calendar/?month={month}"),
        ("agreement_totals", f"agreement totals by institution, {YEAR}, all agreements", "bench-admin",
         f"/coordination/agreements/totals/?after={YEAR}-01-01&before={YEAR}-12-31"),
    ]
    results = []
    for key, desc, who, url in cases:
        res = time_case(clients[who], key, desc, url, None, args)
        print(f"[coordination] {connection.vendor} {key}: median {res['median_ms']} ms, p95 {res['p95_ms']} ms, "
              f"{res['queries']} queries", flush=True)
        results.append(res)
    out = {"backend": connection.vendor, "cpus": os.cpu_count(), "counts": counts,
           "generated_s": round(generated, 1) if generated else None, "cases": results,
           "loadavg_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)]}
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
