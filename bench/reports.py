"""Benchmark of the bulletin (issue 6): `generate` a province's year of coordination records, then `measure`
the bulletin for a year and for a chain, cold and warm, against one hand-written SQL aggregate of the same
figures (the floor).

    DATABASE_URL=… python bench/reports.py generate            # after generate.py orgs + demands
    DATABASE_URL=… python bench/reports.py measure --cold --json bench/out/reports/measure.json

`generate` (idempotent: skipped when the chains exist) adds to the benchmark chain 29 more chains (9 city, 20
district), a committee each, 24 joint meetings and 120 activities per chain over the last 365 days (most held),
20,000 agreements (credit 50 %, cooperation 30 %, investment 20 %; a bank, investor, hospital or institute with an
enterprise; amounts log-normal in 万元), 30,000 products of the registry's enterprises (phases, 40 class-1 drugs
approved in the year) and the industry scale of the benchmark chain. Bulk-inserted, explicit chain
ids, no change history.

`measure` times `reports.figures.compute_all` in-process for the last 365 days (a) for the whole city and (b) for
the benchmark chain, as the command line and publishing compute it (no user scope): cold = first call after
PostgreSQL was restarted with its data files dropped from the OS page cache (`--cold`, as demands_pages.py does),
warm = median of the next calls. The floor is one SQL statement (scalar subqueries and one grouped CTE) that
computes the same figures straight from the tables — demands included, from `demands_demand` itself, not from the
summary table; its numbers are checked against the bulletin's.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")

EXTRA_CHAINS = 29
MEETINGS_PER_CHAIN = 24
ACTIVITIES_PER_CHAIN = 120
AGREEMENTS = 20_000
PRODUCTS = 30_000


def cmd_generate(args):
    from generate import CHAIN_NAME, bulk_insert, reset_sequences, setup

    setup()
    from django.db import transaction
    from django.utils import timezone

    from chainserve.chains.models import Chain
    from chainserve.coordination.choices import ActivityKind, AgreementKind
    from chainserve.coordination.models import Activity, Agreement, Committee, Meeting
    from chainserve.registry.models import District, Organization, Product
    from chainserve.reports.models import IndustryScale

    rng = random.Random(args.seed)
    bench = Chain.objects.get(name=CHAIN_NAME)
    if Chain.objects.filter(name__startswith="基准链 ").exists():
        print("[reports] coordination records already generated", flush=True)
        return
    t0 = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    districts = list(District.objects.all())
    with transaction.atomic():
        chains = [bench]
        for i in range(EXTRA_CHAINS):
            district = districts[i % len(districts)] if i >= 9 else None
            chains.append(Chain.objects.create(name=f"基准链 {i + 1:02d}", level="district" if district else "city",
                                               district=district))
        committees = {c.pk: Committee.objects.create(chain=c, level=c.level, name=f"{c.name}协调委员会").pk
                      for c in chains}
        weights = [30.0] + [70.0 / EXTRA_CHAINS] * EXTRA_CHAINS
        ids = {m: (m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
               for m in (Meeting, Activity, Agreement, Product)}

        def when(days_back_max=364):
            day = today - datetime.timedelta(days=rng.randint(0, days_back_max))
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.choice([9, 10, 14, 15]))))

        rows = []
        for c in chains:
            for _ in range(MEETINGS_PER_CHAIN):
                r = rng.random()
                status = "held" if r < 0.9 else "scheduled" if r < 0.97 else "cancelled"
                rows.append((ids[Meeting], committees[c.pk], c.pk, "联席会议", when(), "", status, "", "", now, now))
                ids[Meeting] += 1
        bulk_insert("coordination_meeting", ["id", "committee_id", "chain_id", "title", "starts_at", "location",
                                             "status", "minutes", "cancel_reason", "created", "updated"], rows)
        kinds = [k for k, _l in ActivityKind.choices]
        rows = []
        for c in chains:
            for _ in range(ACTIVITIES_PER_CHAIN):
                r = rng.random()
                status = "held" if r < 0.85 else "planned" if r < 0.95 else "cancelled"
                rows.append((ids[Activity], c.pk, rng.choice(kinds), "联建活动", when(), "", None, "", True, None,
                             status, "", 0, 0, "", now, now))
                ids[Activity] += 1
        bulk_insert("coordination_activity", ["id", "chain_id", "kind", "title", "starts_at", "location",
                                              "organizer_id", "description", "open_to_enterprises", "capacity",
                                              "status", "outcome", "leads_found", "demands_raised", "cancel_reason",
                                              "created", "updated"], rows)
        institutions = list(Organization.objects.filter(kind__in=["financial", "fund", "hospital", "university"])
                            .values_list("pk", flat=True)[:2000])
        enterprises = list(Organization.objects.filter(kind="enterprise").values_list("pk", flat=True)[:100_000])
        kinds = [AgreementKind.CREDIT] * 5 + [AgreementKind.COOPERATION] * 3 + [AgreementKind.INVESTMENT] * 2
        rows = []
        for _ in range(AGREEMENTS):
            kind = rng.choice(kinds)
            wan = None if kind == AgreementKind.COOPERATION and rng.random() < 0.5 else \
                round(rng.lognormvariate(7, 1.2), 2)
            rows.append((ids[Agreement], rng.choices(chains, weights)[0].pk, kind, "签约", rng.choice(institutions),
                         rng.choice(enterprises), None if wan is None else int(round(wan * 1_000_000)),
                         when().date(), None, "", now, now))
            ids[Agreement] += 1
        bulk_insert("coordination_agreement", ["id", "chain_id", "kind", "title", "institution_id", "enterprise_id",
                                               "amount_fen", "signed_on", "activity_id", "note", "created",
                                               "updated"], rows)
        phases = ["preclinical"] * 3 + ["phase1"] * 3 + ["phase2"] * 2 + ["phase3", "nda", "approved"]
        classes = ["chem1", "chem2", "chem3", "bio1", "bio2", "tcm1", "tcm2"]
        rows = []
        for i in range(PRODUCTS):
            phase = rng.choice(phases)
            drug_class = rng.choice(classes)
            approved = when(364 * 5).date() if phase == "approved" else None
            if i < 40:  # class-1 drugs approved within the year
                phase, drug_class, approved = "approved", rng.choice(["chem1", "bio1", "tcm1"]), when().date()
            rows.append((ids[Product], rng.choice(enterprises), f"BX{i:05d}", "drug", "", drug_class, phase, "[]",
                         approved, now, now))
            ids[Product] += 1
        bulk_insert("registry_product", ["id", "organization_id", "name", "kind", "indication", "drug_class", "phase",
                                         "expedited", "approved_on", "created", "updated"], rows)
        # the city's comes with the demo (reports/demo.py)
        IndustryScale.objects.get_or_create(chain=bench, year=today.year,
                                            defaults={"amount_fen": 820 * 10**10, "source": "基准链办"})
        reset_sequences([Meeting, Activity, Agreement, Product])
    from django.db import connection

    with connection.cursor() as c:
        for table in ("coordination_meeting", "coordination_activity", "coordination_agreement", "registry_product"):
            c.execute(f"ANALYZE {table}")
    print(f"[reports] {len(chains)} chains, {len(chains) * MEETINGS_PER_CHAIN:,} meetings, "
          f"{len(chains) * ACTIVITIES_PER_CHAIN:,} activities, {AGREEMENTS:,} agreements, {PRODUCTS:,} products "
          f"in {time.perf_counter() - t0:.1f}s", flush=True)


FLOOR_SQL = """
WITH d AS (
  SELECT category_id,
    count(*) FILTER (WHERE status NOT IN ('rejected', 'merged')) AS received,
    count(*) FILTER (WHERE status = 'resolved') AS resolved,
    count(*) FILTER (WHERE status = 'unresolved') AS unresolved,
    count(*) FILTER (WHERE status IN ('new', 'accepted', 'dispatched', 'waiting')) AS open,
    count(*) FILTER (WHERE status NOT IN ('rejected', 'merged') AND first_answered_at <= answer_due) AS on_time,
    count(*) FILTER (WHERE status NOT IN ('rejected', 'merged') AND (first_answered_at IS NOT NULL
                     OR (answer_due < %(now)s AND status IN ('new', 'accepted', 'dispatched')))) AS due,
    count(*) FILTER (WHERE rating <> '') AS rated,
    count(*) FILTER (WHERE rating IN ('satisfied', 'basic')) AS satisfied,
    sum(resolve_working_days) FILTER (WHERE status = 'resolved') AS days,
    count(resolve_working_days) FILTER (WHERE status = 'resolved') AS days_n
  FROM demands_demand
  WHERE created >= %(since)s AND created < %(until)s {demand_scope}
  GROUP BY category_id
), org AS (
  SELECT o.id, o.listing_status FROM registry_organization o
  WHERE o.kind = 'enterprise' {org_scope}
)
SELECT
  (SELECT count(*) FROM coordination_meeting m WHERE m.status = 'held' AND m.starts_at >= %(since)s
     AND m.starts_at < %(until)s {chain_scope}) AS meetings_held,
  (SELECT json_object_agg(kind, n) FROM (SELECT kind, count(*) AS n FROM coordination_activity m
     WHERE m.status = 'held' AND m.starts_at >= %(since)s AND m.starts_at < %(until)s {chain_scope}
     GROUP BY kind) a) AS activities,
  (SELECT json_object_agg(kind, json_build_array(n, inst, fen)) FROM (
     SELECT kind, count(*) AS n, count(DISTINCT institution_id) AS inst, coalesce(sum(amount_fen), 0) AS fen
     FROM coordination_agreement m WHERE m.signed_on >= %(start)s AND m.signed_on <= %(end)s {chain_scope}
     GROUP BY kind) g) AS agreements,
  (SELECT json_object_agg(category_id, received) FROM d) AS received_by_category,
  (SELECT json_build_array(sum(received), sum(resolved), sum(unresolved), sum(open), sum(on_time), sum(due),
     sum(rated), sum(satisfied), sum(days), sum(days_n)) FROM d) AS demands,
  (SELECT json_build_array(count(*), count(*) FILTER (WHERE listing_status = 'listed'),
     count(*) FILTER (WHERE listing_status = 'reserve')) FROM org) AS enterprises,
  (SELECT count(*) FROM registry_organization_labels l JOIN registry_label lb ON lb.id = l.label_id
     WHERE lb.slug = 'hitech' AND l.organization_id IN (SELECT id FROM org)) AS hitech,
  (SELECT count(*) FROM registry_organization_labels l JOIN registry_label lb ON lb.id = l.label_id
     WHERE lb.slug = 'srdi' AND l.organization_id IN (SELECT id FROM org)) AS srdi,
  (SELECT count(*) FROM registry_product p WHERE p.organization_id IN (SELECT id FROM org)
     AND p.drug_class IN ('chem1', 'bio1', 'tcm1') AND p.phase = 'approved'
     AND p.approved_on >= %(start)s AND p.approved_on <= %(end)s) AS class1,
  (SELECT json_object_agg(phase, n) FROM (SELECT phase, count(*) AS n FROM registry_product p
     WHERE p.organization_id IN (SELECT id FROM org) AND p.phase IN ('phase1', 'phase2', 'phase3', 'nda')
     GROUP BY phase) ph) AS phases
"""


def floor(period, chain):
    """The same figures from one hand-written SQL statement: (seconds, {figure: value})."""
    from django.db import connection

    chain_scope = "AND m.chain_id = %(chain)s" if chain else ""
    sql = FLOOR_SQL.format(
        chain_scope=chain_scope, demand_scope="AND chain_id = %(chain)s" if chain else "",
        org_scope="AND o.id IN (SELECT organization_id FROM chains_placement WHERE chain_id = %(chain)s)"
        if chain else "")
    params = {"since": period.since, "until": period.until, "start": period.start, "end": period.end,
              "chain": chain.pk if chain else None, "now": datetime.datetime.now(datetime.UTC)}
    t = time.perf_counter()
    with connection.cursor() as c:
        c.execute(sql, params)
        row = c.fetchone()
    took = time.perf_counter() - t
    (meetings, acts, deals, by_cat, dem, ent, hitech, srdi, class1, phases) = [
        json.loads(v) if isinstance(v, str) else v for v in row]
    received, resolved, unresolved, open_, on_time, due, rated, satisfied, days, days_n = dem
    values = {
        "meetings_held": meetings, "activities_held": sum((acts or {}).values()),
        "demands_received": received, "demands_resolved": resolved, "demands_unresolved": unresolved,
        "demands_open": open_, "response_rate": round(100.0 * on_time / due, 1) if due else None,
        "resolution_rate": round(100.0 * resolved / (resolved + unresolved), 1) if resolved + unresolved else None,
        "satisfaction_rate": round(100.0 * satisfied / rated, 1) if rated else None,
        "avg_working_days": round(days / days_n, 1) if days_n else None,
        "enterprises": ent[0], "listed": ent[1], "reserve_listed": ent[2], "hitech": hitech, "srdi": srdi,
        "class1_drugs_approved": class1,
        "agreements_credit_fen": (deals or {}).get("credit", [0, 0, 0])[2],
        "agreements_credit_n": (deals or {}).get("credit", [0, 0, 0])[0],
        "demands_received_by_category": {str(k): v for k, v in (by_cat or {}).items()},
    }
    return took, values


def cmd_measure(args):
    from demands_pages import make_cold
    from generate import CHAIN_NAME, setup

    setup()
    from django.db import connection, connections
    from django.utils import timezone

    from chainserve.chains.models import Chain
    from chainserve.demands.models import Demand
    from chainserve.reports.figures import Period, Scope, compute_all

    today = timezone.localdate()
    period = Period(today - datetime.timedelta(days=364), today)
    chain = Chain.objects.get(name=CHAIN_NAME)
    load = os.getloadavg()
    result = {"vendor": connection.vendor, "demands": Demand.objects.count(), "period": [str(period.start),
              str(period.end)], "load_before": [round(x, 2) for x in load], "cases": []}
    for name, scope_chain in (("the whole city, a year", None), ("one chain, a year", chain)):
        case = {"case": name}
        if args.cold:
            connections.close_all()
            make_cold(pg_restart=connection.vendor == "postgresql")
        times = []
        for i in range(1 + args.warm):
            t = time.perf_counter()
            report = compute_all(period, Scope(chain=Chain.objects.get(pk=scope_chain.pk) if scope_chain else None))
            times.append(time.perf_counter() - t)
            if i == 0:
                ours = {v.figure.key: v.value for v in report.values}
        case["cold_s" if args.cold else "first_s"] = round(times[0], 3)
        case["warm_median_s"] = round(statistics.median(times[1:]), 3)
        if args.cold:
            connections.close_all()
            make_cold(pg_restart=connection.vendor == "postgresql")
        floor_times, floor_values = [], None
        for _ in range(1 + args.warm):
            took, floor_values = floor(period, scope_chain)
            floor_times.append(took)
        case["floor_cold_s" if args.cold else "floor_first_s"] = round(floor_times[0], 3)
        case["floor_warm_median_s"] = round(statistics.median(floor_times[1:]), 3)
        case["ratio_warm"] = round(case["warm_median_s"] / case["floor_warm_median_s"], 2)
        differ = {k: (ours[k], v) for k, v in floor_values.items() if ours[k] != v}
        case["same_figures"] = not differ
        case["differ"] = {k: [str(a), str(b)] for k, (a, b) in differ.items()}
        case["figures"] = {k: ours[k] for k in ("meetings_held", "activities_held", "demands_received",
                                                "demands_resolved", "response_rate", "resolution_rate",
                                                "satisfaction_rate", "agreements_credit_n", "agreements_credit_fen",
                                                "enterprises")}
        case["summary"] = report.summary
        case["load"] = [round(x, 2) for x in os.getloadavg()]
        print(json.dumps(case, ensure_ascii=False), flush=True)
        result["cases"].append(case)
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--seed", type=int, default=20266)
    m = sub.add_parser("measure")
    m.add_argument("--cold", action="store_true", help="restart PostgreSQL with its files out of the page cache first")
    m.add_argument("--warm", type=int, default=5, help="warm calls after the first")
    m.add_argument("--json")
    args = p.parse_args(argv)
    {"generate": cmd_generate, "measure": cmd_measure}[args.cmd](args)


if __name__ == "__main__":
    main()
