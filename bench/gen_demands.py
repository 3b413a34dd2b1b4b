"""Benchmark demands: `python bench/generate.py demands --n 1000000` (honours DATABASE_URL).

Adds N demands received over the last 365 days to a database that `generate.py orgs` has filled (it
needs the registry's enterprises, the demo's departments and users, and the benchmark chain), with their
events and assignments, written the way the services would have written them:

* received mostly in working hours on working days; priority, category, channel (portal, visit,
  symposium, meeting, hotline, NPC/CPPCC proposals) drawn with fixed weights; 40 % from enterprises placed
  on the benchmark chain (those carry the chain), 60 % from 150,000 other enterprises; a Pareto weight per
  enterprise (some raise many demands);
* deadlines from the SLA policies and the working-day calendar (`sla.due`, the database calendar);
* a life per demand — accepted, dispatched (lead department from the dispatch rules, 75 %, else any of the
  16 departments; co-handlers from the rule), sometimes sent back (4 %) and dispatched again, sometimes a
  question to the enterprise (10 %, the clock pauses and the deadlines move on), answered, closed as
  resolved (≈ 91 %) or not solved, rated (70 % of the closed ones), escalated when past the deadline;
  3 % rejected, 0.5 % merged — cut at "now": a step that would lie in the future has not happened, so
  recent demands are still open and the statuses follow from the times;
* 1–9 events per demand (3–7 for almost all; new ones have 1–2), `version` = number of events.

Raw executemany on SQLite, COPY on PostgreSQL (the `bulk_insert` of generate.py), explicit ids. No
notifications or task rows are generated. Portal demands have no submitting user (the generated
enterprises have no accounts). Last, the metrics' summary table is rebuilt from what was written
(`demands.services.rebuild_figures`, as `manage.py rebuild_demand_figures` does).
"""

import datetime
import json
import random
import time
from collections import Counter

# Category slug → weight (share of demands).
CATEGORY_WEIGHTS = {"policy": 20, "financing": 16, "site": 10, "talent": 12, "regulatory": 12, "clinical": 6,
                    "market": 9, "public-service": 10, "other": 5}
# The demo's dispatch rules (chainserve/demo.py DemoBuilder.demands): category → (lead, co-handlers).
RULES = {"financing": ("明湖市地方金融管理局", ["明湖市经济和信息化局"]),
         "site": ("明湖市自然资源和规划局", ["明湖市投资促进局"]),
         "regulatory": ("明湖市药品监督管理局", []), "talent": ("明湖市人力资源和社会保障局", []),
         "clinical": ("明湖市卫生健康委员会", ["明湖市药品监督管理局"]),
         "policy": ("明湖市经济和信息化局", []), "public-service": ("明湖市发展和改革委员会", []),
         "market": ("明湖市卫生健康委员会", ["明湖市商务局"])}
CHANNELS = [("portal", 55), ("visit", 15), ("symposium", 8), ("meeting", 7), ("hotline", 12), ("npc", 1.5),
            ("cppcc", 1.5)]
PRIORITIES = [("normal", 85), ("urgent", 10), ("complex", 5)]
TITLES = {
    "policy": ["咨询专精特新企业认定条件", "申请研发费用加计扣除辅导", "高新技术企业认定政策咨询", "申报创新药奖励资金"],
    "financing": ["申请科技贷款贴息", "对接产业基金股权融资", "申请知识产权质押融资", "申请应急转贷资金"],
    "site": ["寻找约1500平方米GMP厂房", "申请扩建用地指标", "园区实验室租金减免", "洁净车间改造审批"],
    "talent": ["高层次人才落户与子女入学", "申请人才公寓", "博士后工作站申报", "技能人才补贴申领"],
    "regulatory": ["申请与药审中心沟通交流会", "医疗器械注册检验排期", "药品生产许可变更", "GMP符合性检查预约"],
    "clinical": ["对接三甲医院开展临床试验", "伦理审查加快", "真实世界研究合作医院", "临床试验受试者招募"],
    "market": ["创新产品进入医院采购目录", "参加集中带量采购咨询", "首台套产品推广应用", "对接海外市场渠道"],
    "public-service": ["园区道路与公交线路优化", "厂区用电增容", "污水排放许可办理", "园区网络通信改善"],
    "other": ["企业开办事项咨询", "商标纠纷协调", "展会参展支持", "其他事项反映"],
}
DESCRIPTIONS = ["公司发展遇到实际困难,希望相关部门协调支持。", "项目推进时间紧,希望尽快了解办理流程和所需材料。",
                "已多次咨询未获明确答复,希望明确牵头部门和办理时限。", "企业规模扩大,现有条件无法满足,希望给予政策支持。"]
ANSWERS = ["已收到,正在会同相关部门研究办理。", "已联系企业了解情况,正在协调。", "已安排专人对接。"]
RESOLUTIONS = ["已协调解决。", "已按政策办理完毕。", "已组织对接,企业表示满意。"]
UNRESOLVED_NOTES = ["受现行政策限制暂无法解决,已纳入政策储备研究。", "超出本级权限,已向上级部门反映。"]
QUESTIONS = ["请补充项目可行性研究报告。", "请提供近两年财务报表。", "请补充临床试验方案摘要和已开展的沟通记录。"]
REPLIES = ["已补充,请查收。", "相关材料已上传。"]
SEND_BACK = ["不属于本部门职责,建议转交。", "该事项由区级部门办理。"]
REJECTS = ["不属于诉求受理范围,已告知企业通过司法途径解决。", "属于企业内部经营事项。"]


def _hours(h):
    return datetime.timedelta(hours=h)


class Clock:
    """Working-day deadlines from the app's own functions, cached per (local day, days)."""

    def __init__(self):
        from chainserve.core.workdays import WorkCalendar, add_working_days, working_days_between
        from chainserve.demands import sla

        self.cal = WorkCalendar()
        self.sla = sla
        self._add, self._between = add_working_days, working_days_between
        self._due, self._wd, self._local = {}, {}, {}
        from django.utils import timezone

        self.tz = timezone.get_current_timezone()

    def local_day(self, dt):
        return dt.astimezone(self.tz).date()

    def due(self, dt, days):
        key = (self.local_day(dt), days)
        got = self._due.get(key)
        if got is None:
            got = self._due[key] = self.sla.end_of_day(self._add(key[0], days, self.cal)).astimezone(datetime.UTC)
        return got

    def shift(self, deadline, days):
        return deadline if deadline is None or days == 0 else self.due(deadline, days)

    def between(self, a, b):
        key = (self.local_day(a), self.local_day(b))
        got = self._wd.get(key)
        if got is None:
            got = self._wd[key] = self._between(key[0], key[1], self.cal)
        return got

    def add_working_hours(self, dt, hours):
        """dt + hours, skipped over non-working days (a department works on working days)."""
        out = dt + _hours(hours)
        while not self.cal(self.local_day(out)):
            out += _hours(24)
        return out


def received_times(rng, n, now, clock):
    """n reception times over the 365 days before now, sorted: working days in office hours mostly."""
    start_day = clock.local_day(now) - datetime.timedelta(days=365)
    days = [start_day + datetime.timedelta(days=i) for i in range(1, 366)]
    weights = [1.0 if clock.cal(d) else 0.15 for d in days]
    picked = rng.choices(days, weights, k=n)
    out = []
    for d in picked:
        if rng.random() < 0.85:
            secs = rng.randint(8 * 3600 + 1800, 18 * 3600)
        else:
            secs = rng.randint(0, 86399)
        local = datetime.datetime.combine(d, datetime.time()) + datetime.timedelta(seconds=secs)
        out.append(local.replace(tzinfo=clock.tz).astimezone(datetime.UTC))
    out = [t for t in out if t <= now] + [now - datetime.timedelta(seconds=rng.randint(1, 3600))
                                          for t in out if t > now]
    out.sort()
    return out


class Desk:
    """A chain office the demands of its city go to: its chain, its office user, the departments it dispatches
    to and its dispatch rules {category id: (lead, [co-handlers])}."""

    def __init__(self, chain, office, dept_ids, rules):
        self.chain, self.office, self.dept_ids, self.rules = chain, office, dept_ids, rules


def province_desks(cats):
    """The desks of a province made by `generate.py orgs --cities N`: each city's benchmark chain, its office
    user (office-c01 …), the city's departments, and the demo's rules with the city's own departments; [] if
    the database has one city."""
    from generate import DEPARTMENT_UNITS, PROVINCE_CHAIN_NAME

    from chainserve.chains.models import Chain
    from chainserve.registry.models import Organization

    desks = []
    for chain in Chain.objects.filter(parent__name=PROVINCE_CHAIN_NAME, level="city").select_related(
            "region").order_by("pk"):
        city = chain.region.name
        depts = dict(Organization.objects.filter(kind="department", name__in=[city + u for u in DEPARTMENT_UNITS])
                     .values_list("name", "pk"))
        office = chain.staff.filter(username__startswith="office-c").order_by("username").first()

        def dept(name, city=city, depts=depts):
            return depts[name.replace("明湖市", city)]

        rules = {cats[slug].pk: (dept(lead), [dept(c) for c in co]) for slug, (lead, co) in RULES.items()}
        desks.append(Desk(chain, office.pk, sorted(depts.values()), rules))
    return desks


def cmd_demands(args):
    from generate import bulk_insert, ensure_chain, reset_sequences, setup  # bench/ is on sys.path

    setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from chainserve.chains.models import Placement
    from chainserve.core.models import User
    from chainserve.core.text import search_document
    from chainserve.demands.models import Assignment, Category, Demand, DemandEvent, DispatchRule
    from chainserve.demo.names import DEPARTMENTS
    from chainserve.registry.models import Organization

    t0 = time.perf_counter()
    rng = random.Random(args.seed)
    pg = connection.vendor == "postgresql"
    users = {u.username: u for u in User.objects.all()}
    missing = {"office", "handler", "admin", "specialist"} - set(users)
    if missing:
        raise SystemExit(f"[demands] run `generate.py orgs` first (no demo users {missing})")
    depts = dict(Organization.objects.filter(name__in=DEPARTMENTS, kind="department").values_list("name", "pk"))
    cats = {c.slug: c for c in Category.objects.all()}
    if not DispatchRule.objects.exists():  # the demo's rules, as the demo would have made them
        for slug, (lead, co) in RULES.items():
            rule = DispatchRule.objects.create(category=cats[slug], lead_department_id=depts[lead])
            rule.co_departments.set([depts[c] for c in co])
    policies = {}
    from chainserve.demands import sla

    for c in cats.values():
        for p, _w in PRIORITIES:
            policies[(c.pk, p)] = sla.policy_for(c, p)
    desks = province_desks(cats) or [Desk(
        ensure_chain(random.Random(args.seed)), users["office"].pk, sorted(depts.values()),
        {r.category_id: (r.lead_department_id, [c.pk for c in r.co_departments.all()])
         for r in DispatchRule.objects.filter(active=True, district=None, chain=None)})]
    actor_for_dept = {pk: users["admin"].pk for desk in desks for pk in desk.dept_ids}
    actor_for_dept[users["handler"].organization_id] = users["handler"].pk
    specialist = users["specialist"].pk

    # (enterprise, its district, its desk): placed on a desk's chain, or any other enterprise of a desk's city.
    chains = [desk.chain for desk in desks]
    desk_of = {chain.pk: i for i, chain in enumerate(chains)}
    placed = [(org, district, desk_of[chain]) for org, district, chain in Placement.objects.filter(
        chain__in=chains).values_list("organization_id", "organization__district_id", "chain_id")]
    others = list(Organization.objects.filter(kind="enterprise").exclude(placements__chain__in=chains)
                  .values_list("pk", "district_id"))
    if len(others) < 1000:
        raise SystemExit("[demands] too few enterprises: run `generate.py orgs --n …` first")
    others = rng.sample(others, min(150_000 * (1 if len(desks) == 1 else 4), len(others)))
    if len(desks) == 1:
        others = [(org, district, 0) for org, district in others]
    else:
        from chainserve.core.models import Region

        city_of = {}
        for i, chain in enumerate(chains):
            city_of.update(dict.fromkeys(Region.objects.filter(path__startswith=chain.region.path)
                                         .values_list("pk", flat=True), i))
        others = [(org, district, city_of[district]) for org, district in others if district in city_of]
    placed_cw, others_cw = [], []
    acc = 0.0
    for _ in placed:
        acc += rng.paretovariate(1.5)
        placed_cw.append(acc)
    acc = 0.0
    for _ in others:
        acc += rng.paretovariate(1.5)
        others_cw.append(acc)
    print(f"[demands] {connection.vendor}: {len(desks)} chain offices, {len(placed):,} placed and {len(others):,} "
          f"other enterprises, {len(actor_for_dept)} departments ({time.perf_counter() - t0:.1f}s)", flush=True)

    clock = Clock()
    now = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    received = received_times(rng, args.n, now, clock)

    def ts(dt):  # what Django stores: aware on PostgreSQL, naive UTC text on SQLite
        if dt is None:
            return None
        return dt if pg else dt.replace(tzinfo=None).isoformat(" ")

    def js(data):
        return json.dumps(data, ensure_ascii=False)

    demand_cols = [f.column for f in Demand._meta.concrete_fields]
    event_cols = ["id", "demand_id", "type", "actor_id", "at", "from_status", "to_status", "note", "data"]
    assign_cols = ["id", "demand_id", "department_id", "role", "due", "answered_at", "active", "created"]
    assert set(event_cols) == {f.column for f in DemandEvent._meta.concrete_fields}
    assert set(assign_cols) == {f.column for f in Assignment._meta.concrete_fields}

    def next_id(model):
        return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    demand_id, event_id, assign_id = next_id(Demand), next_id(DemandEvent), next_id(Assignment)
    cat_slugs = list(CATEGORY_WEIGHTS)
    cat_w = [CATEGORY_WEIGHTS[s] for s in cat_slugs]
    ch_names, ch_w = zip(*CHANNELS, strict=True)
    pr_names, pr_w = zip(*PRIORITIES, strict=True)
    stats = Counter()
    ev_hist = Counter()
    if not pg:
        with connection.cursor() as c:
            c.execute("PRAGMA synchronous=OFF")
            c.execute("PRAGMA cache_size=-500000")
    t1 = time.perf_counter()
    batch = 50_000
    done = 0
    with transaction.atomic():
        while done < args.n:
            drows, erows, arows = [], [], []
            for created in received[done:done + batch]:
                pk = demand_id
                demand_id += 1
                slug = rng.choices(cat_slugs, cat_w)[0]
                cat = cats[slug]
                channel = rng.choices(ch_names, ch_w)[0]
                priority = rng.choices(pr_names, pr_w)[0]
                if rng.random() < 0.4:
                    org, district, desk = rng.choices(placed, cum_weights=placed_cw)[0]
                    chain_id = chains[desk].pk
                else:
                    org, district, desk = rng.choices(others, cum_weights=others_cw)[0]
                    chain_id = None
                office, dept_ids, rules = desks[desk].office, desks[desk].dept_ids, desks[desk].rules
                pol = policies[(cat.pk, priority)]
                d = {c: None for c in demand_cols}
                d.update(id=pk, number=f"SQ{created.astimezone(clock.tz).year}{pk:07d}", organization_id=org,
                         district_id=district, chain_id=chain_id, category_id=cat.pk,
                         title=rng.choice(TITLES[slug]), description=rng.choice(DESCRIPTIONS), channel=channel,
                         priority=priority, status="new", version=1,
                         submitted_by_id=None if channel == "portal" else specialist,
                         recorded_by_id=None if channel == "portal" else specialist,
                         proposer=rng.choice(["张代表", "李委员", "王代表"]) if channel in ("npc", "cppcc") else "",
                         lead_department_id=None, created=created,
                         accept_due=clock.due(created, pol.accept_days), answer_due=clock.due(created, pol.answer_days),
                         resolve_due=clock.due(created, pol.resolve_days), paused_working_days=0, escalation_level=0,
                         extension_reason="", resolution="", proposal_grade="", rating="", rating_comment="",
                         sent_back_count=0, reopen_count=0)
                events = []  # (type, actor, at, from, to, note, data)
                assigns = {}  # department → [role, due, answered_at, active, created]
                state = {"status": "new"}

                def step(type_, actor, at, to=None, note="", data=None, d=d, events=events, state=state):
                    """Record a step if it has happened by now; False if it lies in the future."""
                    if at > now:
                        return False
                    frm = state["status"]
                    if to:
                        state["status"] = to
                    events.append((type_, actor, at, frm, state["status"], note, data or {}))
                    return True

                step("submitted", d["submitted_by_id"], created, data={"channel": channel})
                roll = rng.random()
                t = created
                if roll < 0.03:  # rejected as out of scope, sometimes after accepting
                    t = clock.add_working_hours(t, rng.uniform(1, 20))
                    if rng.random() < 0.5 and step("accepted", office, t, "accepted"):
                        d["accepted_at"] = t
                        t += _hours(rng.uniform(0.5, 6))
                    if step("rejected", office, t, "rejected", rng.choice(REJECTS)):
                        d["closed_at"] = t
                elif roll < 0.035:  # a duplicate merged into an earlier demand of the same enterprise
                    t = clock.add_working_hours(t, rng.uniform(1, 20))
                    if step("merged", office, t, "merged", "SQ duplicate"):
                        d["closed_at"] = t
                else:
                    t = clock.add_working_hours(t, rng.lognormvariate(1.2, 1.0))
                    ok = step("accepted", office, t, "accepted")
                    if ok:
                        d["accepted_at"] = t
                    lead, co = rules.get(cat.pk, (None, []))
                    if lead is None or rng.random() < 0.25:
                        lead, co = rng.choice(dept_ids), []
                    if ok:
                        t += _hours(rng.uniform(0.1, 4))
                        ok = step("dispatched", office, t, "dispatched", data={"lead": lead, "co": co})
                    if ok:
                        d["dispatched_at"] = t
                        d["lead_department_id"] = lead
                        co_due = min(clock.due(t, pol.cohandler_days), d["resolve_due"])
                        assigns[lead] = ["lead", d["resolve_due"], None, True, t]
                        for c in co:
                            if c != lead:
                                assigns[c] = ["co", co_due, None, True, t]
                    if ok and rng.random() < 0.04:  # 退单: sent back, dispatched again elsewhere
                        t = clock.add_working_hours(t, rng.uniform(2, 30))
                        ok = step("sent_back", actor_for_dept[lead], t, "accepted", rng.choice(SEND_BACK),
                                  {"department": lead})
                        if ok:
                            d["sent_back_count"] = 1
                            d["lead_department_id"] = None
                            for a in assigns.values():
                                a[3] = False
                            lead = rng.choice([x for x in dept_ids if x != lead])
                            t += _hours(rng.uniform(1, 8))
                            ok = step("dispatched", office, t, "dispatched", data={"lead": lead, "co": []})
                        if ok:
                            d["dispatched_at"] = t
                            d["lead_department_id"] = lead
                            assigns[lead] = ["lead", d["resolve_due"], None, True, t]
                    lead_actor = actor_for_dept.get(lead)
                    answered = False
                    if ok and rng.random() < 0.10:  # asks the enterprise; the clock stops until it replies
                        t = clock.add_working_hours(t, rng.uniform(2, 40))
                        ok = step("asked", lead_actor, t, "waiting", rng.choice(QUESTIONS))
                        if ok:
                            d["paused_at"] = t
                            back = t + _hours(rng.uniform(4, 24 * 6))
                            paused = clock.between(t, min(back, now))
                            ok = step("replied", None, back, "dispatched", rng.choice(REPLIES),
                                      {"paused_working_days": paused})
                            if ok:
                                t = back
                                d["paused_at"] = None
                                d["paused_working_days"] = paused
                                d["resolve_due"] = clock.shift(d["resolve_due"], paused)
                                d["answer_due"] = clock.shift(d["answer_due"], paused)
                                for a in assigns.values():
                                    if a[3]:
                                        a[1] = clock.shift(a[1], paused)
                    if ok:  # first answer: mostly within a working day or two
                        t = clock.add_working_hours(t, rng.lognormvariate(2.6, 0.9))
                        ok = step("answered", lead_actor, t, None, rng.choice(ANSWERS))
                        if ok:
                            answered = True
                            d["first_answered_at"] = t
                            assigns[lead][2] = t
                    for c, a in assigns.items():  # co-handlers answer too
                        if ok and a[0] == "co" and a[3]:
                            ta = clock.add_working_hours(d["dispatched_at"], rng.lognormvariate(3.0, 0.8))
                            if step("answered", actor_for_dept[c], ta, None, rng.choice(ANSWERS)):
                                a[2] = ta
                    if ok and answered:  # closing: days after the answer, a long tail
                        days = rng.lognormvariate(1.4, 0.8) if rng.random() < 0.95 else rng.uniform(15, 60)
                        tc = clock.add_working_hours(t, days * 24)
                        if tc > d["resolve_due"] + _hours(1) and d["resolve_due"] + _hours(1) <= now:
                            if step("escalated", None, d["resolve_due"] + _hours(1), None,
                                    "逾期未办结,自动升级。", {"level": 1}):
                                d["escalation_level"] = 1
                        resolved = rng.random() < 0.93
                        proposal = channel in ("npc", "cppcc")
                        grade = rng.choice("AAB" if resolved else "BC") if proposal else ""
                        note = rng.choice(RESOLUTIONS if resolved else UNRESOLVED_NOTES)
                        if step("resolved" if resolved else "unresolved", lead_actor, tc,
                                "resolved" if resolved else "unresolved", note, {"grade": grade}):
                            d["closed_at"] = tc
                            d["resolution"], d["proposal_grade"] = note, grade
                            d["resolve_working_days"] = max(0, clock.between(created, tc) - d["paused_working_days"])
                            if rng.random() < 0.7:
                                tr = tc + _hours(rng.uniform(2, 120))
                                r = rng.random()
                                rating = ("satisfied" if r < 0.80 else "basic" if r < 0.94 else "unsatisfied") \
                                    if resolved else ("basic" if r < 0.3 else "unsatisfied")
                                if step("rated", None, tr, None, "", {"rating": rating}):
                                    d["rating"], d["rated_at"] = rating, tr
                    if (state["status"] in ("new", "accepted", "dispatched") and d["resolve_due"] < now
                            and d["escalation_level"] == 0):  # escalate_overdue would have run
                        if step("escalated", None, max(d["resolve_due"] + _hours(1), events[-1][2]), None,
                                "逾期未办结,自动升级。", {"level": 1}):
                            d["escalation_level"] = 1
                d["search_text"] = search_document(d["title"], d["number"])  # as Demand.search_fields
                d["status"] = state["status"]
                d["version"] = len(events)
                stats[d["status"]] += 1
                ev_hist[len(events)] += 1
                for k in ("created", "accepted_at", "dispatched_at", "first_answered_at", "closed_at", "paused_at",
                          "accept_due", "answer_due", "resolve_due", "rated_at"):
                    d[k] = ts(d[k])
                drows.append(tuple(d[c] for c in demand_cols))
                events.sort(key=lambda e: e[2])
                for type_, actor, at, frm, to, note, data in events:
                    erows.append((event_id, pk, type_, actor, ts(at), frm, to, note, js(data)))
                    event_id += 1
                for dept, (role, due, answered_at, active, acreated) in assigns.items():
                    arows.append((assign_id, pk, dept, role, ts(due), ts(answered_at), active, ts(acreated)))
                    assign_id += 1
            bulk_insert("demands_demand", demand_cols, drows)
            bulk_insert("demands_assignment", assign_cols, arows)
            bulk_insert("demands_demandevent", event_cols, erows)
            done += len(drows)
            stats["events"] += len(erows)
            stats["assignments"] += len(arows)
            rate = done / (time.perf_counter() - t1)
            print(f"[demands] {done:,}/{args.n:,} demands, {stats['events']:,} events ({rate:,.0f} demands/s)",
                  flush=True)
        reset_sequences([Demand, DemandEvent, Assignment])
    t2 = time.perf_counter()
    print(f"[demands] {args.n:,} demands, {stats['events']:,} events, {stats['assignments']:,} assignments in "
          f"{t2 - t1:.1f}s ({args.n / (t2 - t1):,.0f} demands/s)", flush=True)
    print("[demands] statuses: " + ", ".join(f"{s} {stats[s]:,}" for s in
                                             ("new", "accepted", "dispatched", "waiting", "resolved", "unresolved",
                                              "rejected", "merged")), flush=True)
    print("[demands] events per demand: " + ", ".join(f"{k}: {v:,}" for k, v in sorted(ev_hist.items())), flush=True)
    with connection.cursor() as c:
        if pg:
            for table in ("demands_demand", "demands_demandevent", "demands_assignment"):
                c.execute(f"VACUUM ANALYZE {table}")
        else:
            c.execute("PRAGMA synchronous=NORMAL")
            c.execute("ANALYZE demands_demand")
            c.execute("ANALYZE demands_demandevent")
            c.execute("ANALYZE demands_assignment")
    print(f"[demands] analyzed ({time.perf_counter() - t2:.1f}s)", flush=True)
    t3 = time.perf_counter()
    from chainserve.demands.services import rebuild_figures

    rows = rebuild_figures()  # the metrics' summary table, from the rows written above
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE demands_demandfigures" if pg else "ANALYZE demands_demandfigures")
    print(f"[demands] {rows:,} rows of demand figures ({time.perf_counter() - t3:.1f}s)", flush=True)
