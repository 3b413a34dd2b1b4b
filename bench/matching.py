"""Matching at province scale: 1,000 eligibility rules over the generated enterprises (`generate.py orgs`).

    DATABASE_URL=… python bench/matching.py --rules 1000 --out bench/out/matching-<backend>.json

Makes N published policies with selective rules (most match 0.1–5 % of enterprises, `--broad` of them most),
drawn at random and kept only when their share on a sample of enterprises is in range; clears earlier
matches; then times, in one run:
  * the full recompute (`services.recompute_all`) from no matches, and a second one with the matches in
    place (the nightly run: every rule evaluated again, nothing to write);
  * one policy changing (a new version, `services.recompute_rule`) for a few typical and broad rules;
  * one enterprise changing (`services.recompute_enterprise`, every rule in Python on its profile);
  * the enterprise's "matched for you" page (Django test Client, logged in), p50/p95;
  * a plain Python loop — `rules.evaluate` of every rule on every enterprise of a sample, profiles loaded
    with `matching.profiles.profiles` — scaled linearly from the sample to all enterprises, and the ratio to the full
    recompute.
Rules, policies and matches it makes are removed with `--clean`.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")
TITLE = "基准政策(bench) "
TODAY = datetime.date(2026, 6, 15)


def setup():
    import django

    django.setup()


def candidate(rng, districts, parks, segments):
    """A random rule of 2–3 conditions over the generated fields."""
    conditions = [
        lambda: {"field": "district", "op": "eq", "value": rng.choice(districts)},
        lambda: {"field": "district", "op": "in", "value": rng.sample(districts, 2)},
        lambda: {"field": "park", "op": "eq", "value": rng.choice(parks)},
        lambda: {"field": "employees", "op": rng.choice(["lt", "ge"]), "value": rng.choice([5, 10, 20, 50, 100, 300])},
        lambda: {"field": "founded_on", "op": rng.choice(["age_years_lt", "age_years_ge"]),
                 "value": rng.choice([3, 5, 8, 10, 20])},
        lambda: {"field": "labels", "op": "has", "value": rng.choice(["hitech", "srdi", "little-giant"])},
        lambda: {"field": "listing_status", "op": "in", "value": rng.choice([["listed"], ["reserve"],
                                                                            ["listed", "reserve"]])},
        lambda: {"field": "size", "op": "in", "value": rng.sample(["micro", "small", "medium", "large"], 2)},
        lambda: {"field": "segment", "op": "has_any", "value": rng.sample(segments, 3)},
    ]
    parts = [rng.choice(conditions)() for _ in range(rng.choice([2, 2, 3]))]
    if rng.random() < 0.15:
        parts[-1] = {"not": parts[-1]}
    return {"all": parts}


def broad(rng):
    return rng.choice([
        {"field": "employees", "op": "ge", "value": rng.choice([2, 3, 5])},
        {"not": {"field": "listing_status", "op": "eq", "value": "listed"}},
        {"any": [{"field": "founded_on", "op": "age_years_ge", "value": 3},
                 {"field": "labels", "op": "has", "value": "hitech"}]},
    ])


def make_rules(args, rng, sample):
    """N published policies with a rule each, selective as asked (share measured on the sample)."""
    from django.db import transaction
    from django.utils import timezone

    from chainserve.chains.models import Segment
    from chainserve.core.models import User
    from chainserve.core.search import fill_search_text
    from chainserve.matching import rules
    from chainserve.matching.models import Rule, RuleVersion
    from chainserve.registry.models import District, Organization
    from chainserve.resources.models import Policy

    districts = list(District.objects.values_list("code", flat=True))
    parks = list(Organization.objects.filter(kind="park").values_list("name", flat=True))
    segments = list(Segment.objects.filter(chain__name__contains="bench").values_list("name", flat=True))
    issuer = Organization.objects.filter(kind="department").order_by("pk").first()
    admin = User.objects.filter(role="admin").first()
    profiles = list(sample.values())
    made, tried = [], 0
    while len(made) < args.rules:
        tried += 1
        expression = broad(rng) if len(made) < args.broad else candidate(rng, districts, parks, segments)
        share = sum(rules.evaluate(expression, p, TODAY) is True for p in profiles) / len(profiles)
        wanted = (0.5, 1.0) if len(made) < args.broad else (0.001, 0.05)
        if wanted[0] <= share <= wanted[1]:
            made.append((expression, share))
    now = timezone.now()
    with transaction.atomic():
        policies = Policy.objects.bulk_create(fill_search_text([
            Policy(title=f"{TITLE}{i:04d}", issuer=issuer, status="published", published_at=now,
                   benefit="按条件给予支持。") for i in range(len(made))]))
        rule_rows = Rule.objects.bulk_create([Rule(policy=p) for p in policies])
        RuleVersion.objects.bulk_create([RuleVersion(rule=r, number=1, expression=e, created_by=admin)
                                         for r, (e, _s) in zip(rule_rows, made, strict=True)])
    shares = sorted(s for _e, s in made)
    return rule_rows, {"tried": tried, "made": len(made), "broad": args.broad,
                       "share_median": shares[len(shares) // 2], "share_sum": sum(shares)}


def clean():
    from django.db import connection

    from chainserve.matching.models import Match, Rule
    from chainserve.resources.models import Policy

    ours = Match.objects.filter(rule__policy__title__startswith=TITLE)
    if not Match.objects.exclude(rule__policy__title__startswith=TITLE).exists():
        # only the benchmark's matches (tens of millions): emptied at once instead of deleted row by row
        with connection.cursor() as cursor:
            table = Match._meta.db_table
            cursor.execute(f"TRUNCATE {table}" if connection.vendor == "postgresql" else f"DELETE FROM {table}")  # nosec B608  # the model's table
    ours.delete()
    Rule.objects.filter(policy__title__startswith=TITLE).delete()
    Policy.objects.filter(title__startswith=TITLE).delete()


def page_times(client, url, n):
    """Median and p95 of n requests of url, after three unmeasured ones."""
    for _ in range(3):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t)
        assert response.status_code == 200
    times.sort()
    return {"n": n, "median_ms": 1000 * statistics.median(times), "p95_ms": 1000 * times[int(0.95 * (n - 1))]}


def timed(fn, *a):
    t = time.perf_counter()
    result = fn(*a)
    return time.perf_counter() - t, result


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rules", type=int, default=1000)
    p.add_argument("--broad", type=int, default=10, help="rules that match most enterprises")
    p.add_argument("--sample", type=int, default=5000, help="enterprises in the selectivity and loop sample")
    p.add_argument("--enterprises", type=int, default=30, help="enterprises changed one at a time")
    p.add_argument("--requests", type=int, default=100)
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--out", default="")
    p.add_argument("--clean", action="store_true", help="only remove what an earlier run made")
    args = p.parse_args(argv)
    setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from chainserve.core.models import User
    from chainserve.matching import rules, services
    from chainserve.matching.models import Match, Rule
    from chainserve.matching.profiles import profiles as load_profiles
    from chainserve.registry.models import Organization

    clean()
    if args.clean:
        return
    rng = random.Random(args.seed)
    out = {"backend": connection.vendor, "load_before": os.getloadavg()}
    enterprise_ids = list(services.enterprises().values_list("pk", flat=True))
    n = len(enterprise_ids)
    sample_ids = rng.sample(enterprise_ids, min(args.sample, n))
    t_profiles, sample = timed(load_profiles, sample_ids)
    t0 = time.perf_counter()
    rule_rows, made = make_rules(args, rng, sample)
    out.update(enterprises=n, rules=made, make_rules_s=time.perf_counter() - t0)
    print(f"[matching] {connection.vendor}: {n:,} enterprises, {made}", flush=True)

    Match.objects.all().delete()
    t_full, full = timed(services.recompute_all, TODAY)
    matches = Match.objects.count()
    out.update(full_s=t_full, full=vars(full), matches=matches)
    print(f"[matching] full recompute {t_full:.1f}s: {matches:,} matches", flush=True)
    # The nightly run: every rule on every enterprise again, the matches already there (nothing to write).
    t_again, again_all = timed(services.recompute_all, TODAY)
    out.update(full_again_s=t_again, full_again=vars(again_all))
    print(f"[matching] full recompute again, matches in place {t_again:.1f}s: {again_all}", flush=True)
    # Idempotence: the same rules again, nothing changed (one policy recomputed with nothing to do).
    again = [timed(services.recompute_rule, rule, TODAY) for rule in rule_rows[args.broad:args.broad + 5]]
    out["again"] = [{"s": t, **vars(r)} for t, r in again]
    print(f"[matching] unchanged rules again: {[(round(t, 2), vars(r)) for t, r in again]}", flush=True)

    # One policy changes: a new version with one condition more or less selective.
    versions = services.versions_in_force(TODAY)
    one = []
    picks = rng.sample(rule_rows[args.broad:], 5) + rule_rows[:2]
    for rule in picks:
        expression = versions[rule.pk].expression
        changed = {"all": [*expression["all"][:-1], {"field": "employees", "op": "ge", "value": rng.choice([3, 8])}]} \
            if "all" in expression else {"not": expression}
        services.save_rule(User.objects.filter(role="admin").first(), rule.policy, changed)
        t, result = timed(services.recompute_rule, rule, TODAY)
        one.append({"rule": rule.pk, "s": t, **vars(result), "broad": rule in rule_rows[:args.broad]})
        print(f"[matching] one policy: {t:.2f}s {result}", flush=True)
    out["one_policy"] = one

    # One enterprise changes.
    per_org = []
    for org in Organization.objects.filter(pk__in=rng.sample(enterprise_ids, args.enterprises)):
        org.employees = (org.employees or 0) + rng.choice([50, 300])
        Organization.objects.filter(pk=org.pk).update(employees=org.employees)
        t, _result = timed(services.recompute_enterprise, org, TODAY)
        per_org.append(t)
    per_org.sort()
    out["one_enterprise"] = {"n": len(per_org), "median_ms": 1000 * statistics.median(per_org),
                             "p95_ms": 1000 * per_org[int(0.95 * (len(per_org) - 1))], "max_ms": 1000 * per_org[-1]}
    print(f"[matching] one enterprise {out['one_enterprise']}", flush=True)

    # The "matched for you" page, for an enterprise with many matches, the application loaded as gunicorn
    # loads it (chainserve.wsgi: what is loaded is frozen out of the garbage collector's sight).
    import chainserve.wsgi  # noqa: F401
    org_id = Match.objects.values("enterprise_id").annotate(n=Count("pk")).order_by("-n") \
        .values_list("enterprise_id", "n").first()
    user, _c = User.objects.get_or_create(username="bench-enterprise", defaults={"role": "enterprise"})
    user.organization_id, user.role = org_id[0], "enterprise"
    user.save()
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    out["page"] = {"matches": org_id[1], **page_times(client, "/matching/mine/", args.requests)}
    print(f"[matching] matched-for-you page {out['page']}", flush=True)
    # The staff pages of the broadest and of the median rule: the rule with its counts, the qualifying list.
    office = Client()
    office.force_login(User.objects.filter(role="office").first(), backend="django.contrib.auth.backends.ModelBackend")
    by_size = list(Match.objects.values("rule_id").annotate(n=Count("pk")).order_by("-n").values_list("rule_id", "n"))
    out["rule_pages"] = [{"rule": rule_id, "matches": n, "page": page, **page_times(office, url, 20)}
                         for rule_id, n in (by_size[0], by_size[len(by_size) // 2])
                         for page, url in (("rule", f"/matching/rules/{rule_id}/"),
                                           ("qualifying", f"/matching/rules/{rule_id}/qualifying/"))]
    print(f"[matching] rule pages {out['rule_pages']}", flush=True)

    # The plain loop: every rule on every enterprise of the sample, in Python; scaled to all enterprises.
    expressions = [v.expression for v in services.versions_in_force(TODAY).values()]
    loop_ids = sample_ids[: min(1000, len(sample_ids))]
    t = time.perf_counter()
    loaded = load_profiles(loop_ids)
    hits = sum(rules.evaluate(e, loaded[pk], TODAY) is True for e in expressions for pk in loop_ids)
    t_loop = time.perf_counter() - t
    scaled = t_loop * n / len(loop_ids)
    out["loop"] = {"sample": len(loop_ids), "rules": len(expressions), "s": t_loop, "hits": hits,
                   "scaled_s": scaled, "ratio": scaled / t_full, "ratio_again": scaled / t_again,
                   "profiles_5000_s": t_profiles}
    out["load_after"] = os.getloadavg()
    print(f"[matching] plain loop {t_loop:.1f}s on {len(loop_ids)} → {scaled:.0f}s for {n:,}: "
          f"{scaled / t_full:.1f}× the full recompute from nothing, {scaled / t_again:.1f}× the full recompute "
          f"with the matches in place", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=2, default=str))
    user.delete()
    if Rule.objects.exists():
        clean()


if __name__ == "__main__":
    main()
