"""How each of the demo's demands goes, planned ahead: who raises it, when, through which channel, about what,
and every step after it with its instant — so that the activities and joint meetings it meets are known, and
the last weeks leave demands in every live state (queue, inbox, waiting for the enterprise, to be rated)."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from chainserve.chains.choices import PlacementRole
from chainserve.coordination.choices import ActivityKind
from chainserve.core.workdays import statutory_holidays
from chainserve.demands.choices import Channel, Rating
from chainserve.registry.choices import Phase, ProductKind
from chainserve.registry.models import Product

from . import names as n
from . import texts
from .demands import DISTRICT_RULES, RULES
from .timeline import CLOSES

OPENED = datetime.time(9, 30)

# Demands received in the demo year (the year before: about 60 %), activity-linked ones included.
DEMO_YEAR, YEAR_BEFORE = 310, 185
CATEGORY_SHARES = {"financing": 22, "policy": 19, "site": 13, "talent": 11, "regulatory": 10, "clinical": 9,
                   "market": 9, "public-service": 7}
# Channels of the demands not raised at an activity (symposiums and meetings are)
DIRECT_CHANNELS = {Channel.PORTAL: 50, Channel.VISIT: 30, Channel.HOTLINE: 20}
MONTH_WEIGHTS = {1: 1.0, 2: 0.7, 3: 1.15, 4: 1.2, 5: 1.05, 6: 1.1, 7: 0.95, 8: 0.9, 9: 1.1, 10: 0.85, 11: 1.2,
                 12: 1.05}
ROLE_WEIGHTS = {PlacementRole.CHAIN_OWNER: 3.0, PlacementRole.BACKBONE: 2.0, PlacementRole.SUPPORTING: 1.0}
PHASES = {Phase.PRECLINICAL: "临床前研究", Phase.PHASE_1: "I期临床", Phase.PHASE_2: "II期临床",
          Phase.PHASE_3: "III期临床", Phase.NDA: "上市申请", Phase.APPROVED: "上市后研究"}
VISIT_PURPOSES = ["走访了解企业经营情况", "送政策上门", "跟踪诉求办理情况", "了解用工和融资需求", "调研项目建设进展"]
SPECIALISTS = [("specialist", 65), ("specialist-wu", 20), ("specialist-guo", 15)]

# The demo firm's own story: (working days before today, template title, fate, slots, its rating and comment)
DEMO_STORY = [
    (430, "{product}突破性治疗药物程序申请指导", "resolved", {}, Rating.SATISFIED,
     "预审意见很专业，产品已纳入突破性治疗药物程序，感谢市药监局。"),
    (300, "寻找约{area}平方米GMP厂房", "resolved", {"area": 1600, "height": 6}, Rating.SATISFIED,
     "专员一天内陪我们看了二十多处厂房，选定了1600平方米的GMP厂房，还争取到租金减免，非常感谢！"),
    (230, "对接银行落实{amount}万元流动资金贷款", "resolved", {"amount": 5000, "bank": n.PARTNER_BANK},
     Rating.SATISFIED, "授信审批很快，感谢金融局和明湖农商银行。"),
    (170, "{product}伦理审查结果互认", "meeting", {"hospital": n.UNION_HOSPITAL}, Rating.SATISFIED,
     "联席会议协调后各中心认可了伦理审查结果，感谢！"),
    (110, "首席科学家{person}博士落户与子女入学", "resolved", {"person": "林浩然"}, Rating.BASIC,
     "落户办理很快，但子女就读学校离公司较远。"),
    (60, "{year}年度研发投入补助兑现", "reopened", {"amount": 4200, "reward": 300}, Rating.SATISFIED,
     "重新核实后补助已到账，感谢。"),
]
# The demo firm's demands of the last days, left where they stand: (working days ago, template title, steps)
DEMO_LIVE = [(9, "申请{lab}平方米研发实验室", ["dispatch", "answer", "close"]),
             (6, "{product}上市前GMP符合性检查预约", ["dispatch", "answer", "ask"]),
             (0, "申请人才公寓{rooms}套", [])]
# Other firms' demands of the last days in states the queues show: (working days ago, category, steps)
LIVE = [(0, "regulatory", []), (0, "market", []), (1, "financing", []), (1, "regulatory", ["dispatch"]),
        (3, "regulatory", ["dispatch", "answer"]), (2, "{year}年度研发费用加计扣除申报辅导", ["wrong", "send_back"]),
        (12, "项目用地{mu}亩规划条件咨询", ["dispatch", "answer", "extend"])]


@dataclass
class Plan:
    at: datetime.datetime
    firm: object
    category: object
    channel: str
    author: object
    template: texts.Template
    slots: dict
    lead: object
    co: list
    title: str = ""
    text: str = ""
    priority: str = "normal"
    fate: str = "resolved"  # resolved, unresolved, reopened, meeting, stalled, rejected
    wrong: object = None  # the department it is first (wrongly) dispatched to
    visit_purpose: str = ""
    rating: str = ""  # the rating of the demo firm's own demands, and its comment
    comment: str = ""
    meeting: object = None  # the joint meeting that resolves it (meetings.MeetingPlan)
    reason: str = ""  # why it is rejected
    steps: list = field(default_factory=list)  # [(instant, step, kwargs)]


class Planner:
    def __init__(self, timeline, cluster, categories, rng, courses):
        self.t, self.cluster, self.categories, self.rng = timeline, cluster, categories, rng
        self.courses = courses  # how each demand goes after it is raised (steps.Courses)
        self.used = {}  # firm pk → titles it raised
        self.products = {}
        for product in Product.objects.filter(organization__in=cluster.firms).order_by("pk"):
            self.products.setdefault(product.organization_id, []).append(product)
        self.weights = {f.pk: ROLE_WEIGHTS[cluster.roles[f.pk]] * rng.lognormvariate(0, 0.7) for f in cluster.firms}

    # ------------------------------------------------------------------ when and through which channel

    def plan(self, activities, meetings):
        t, rng = self.t, self.rng
        plans = [self.story(*row) for row in DEMO_STORY] + [self.demo_live(*row) for row in DEMO_LIVE]
        plans += [self.live(*row) for row in LIVE]
        for activity in activities:
            if activity.starts_at.date() >= t.today:
                continue
            if activity.kind == ActivityKind.SYMPOSIUM:
                count = rng.randint(3, 6)
            elif activity.kind in (ActivityKind.BANK_MATCH, ActivityKind.HOSPITAL_MATCH, ActivityKind.FORUM):
                count = rng.choice([0, 1, 1, 2])
            else:
                continue
            activity.demands = count
            hint = {ActivityKind.BANK_MATCH: "financing", ActivityKind.HOSPITAL_MATCH: rng.choice(
                ["clinical", "market"])}.get(activity.kind)
            channel = Channel.SYMPOSIUM if activity.kind == ActivityKind.SYMPOSIUM else Channel.MEETING
            for i in range(count):  # recorded at its end, or the next morning
                at = activity.starts_at + datetime.timedelta(hours=2, minutes=5 + 4 * i)
                if rng.random() < 0.5 and t.add_days(activity.starts_at.date(), 1) < t.today:
                    at = t.instant(t.add_days(activity.starts_at.date(), 1), rng, latest=11 * 60 + 30)
                plans.append(self.raised(at, channel, hint))
        for first, last, total in ((t.before_start, t.year_start - datetime.timedelta(days=1), YEAR_BEFORE),
                                   (t.year_start, t.today - datetime.timedelta(days=14), DEMO_YEAR)):
            taken = {}
            for p in plans:
                if first <= p.at.date() <= last:
                    taken[(p.at.year, p.at.month)] = taken.get((p.at.year, p.at.month), 0) + 1
            # the last two weeks: a lighter stream besides the live ones (below)
            count = total - sum(taken.values()) - (round(total * 14 / 365) if last > t.year_start else 0)
            for day in self.days(first, last, count, taken):
                plans.append(self.raised(t.instant(day, rng), self.pick(DIRECT_CHANNELS)))
        for day in t.working_days(t.today - datetime.timedelta(days=13), t.today - datetime.timedelta(days=1)):
            if rng.random() < 0.55:
                plans.append(self.raised(t.instant(day, rng), self.pick(DIRECT_CHANNELS)))
        plans.sort(key=lambda p: p.at)
        self.courses.assign(plans, meetings)
        return plans

    def days(self, first, last, count, taken):
        """count working days from first to last, spread by weight (the season, a slow rise through the year,
        fewer around 春节 and the National Day): each month gets its share of count + taken (the demands
        already planned in it, at activities) less those taken, spread over its days."""
        days = self.t.working_days(first, last)
        festivals = [d for year in {first.year, last.year} for d, name in statutory_holidays(year).items()
                     if name == "春节"]
        months = {}
        for i, day in enumerate(days):
            weight = MONTH_WEIGHTS[day.month] * (0.9 + 0.2 * i / len(days))
            if any(-12 <= (day - f).days <= 14 for f in festivals):
                weight *= 0.55
            if day.month == 10 and day.day <= 15:
                weight *= 0.6
            months.setdefault((day.year, day.month), []).append((day, weight))
        total = sum(w for month in months.values() for _d, w in month)
        picked, carry = [], 0.0
        for key, month in months.items():
            share = (count + sum(taken.values())) * sum(w for _d, w in month) / total - taken.get(key, 0) + carry
            quota = max(0, round(share))
            carry = share - quota
            picked += self.rng.choices([d for d, _w in month], [w for _d, w in month], k=quota)
        return sorted(picked)

    def pick(self, weights):
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def raised(self, at, channel, category=None, template=None):
        """A demand of a firm drawn by weight, through channel, about category (else one drawn by shares) or
        of the template given."""
        rng = self.rng
        category = category or self.pick(CATEGORY_SHARES)
        for _attempt in range(30):
            template = template or rng.choice([tpl for tpl in texts.TEMPLATES if tpl.category == category])
            firms = [f for f in self.cluster.firms if f.pk != self.cluster.demo_firm.pk and self.fits(f, template)
                     and (channel != Channel.PORTAL or f.pk in self.cluster.accounts)]
            firm = rng.choices(firms, [self.weights[f.pk] for f in firms])[0]
            plan = self.make(at, firm, template, channel)
            if plan is not None:
                return plan
        raise RuntimeError(f"no new demand of {category} left for the demo firms")

    def fits(self, firm, template):
        word = self.cluster.words[firm.pk]
        return template.fits == "any" or word in (n.DRUG_WORDS if template.fits == "drug" else n.DEVICE_WORDS)

    def make(self, at, firm, template, channel, slots=None):
        """The plan of a demand, or None when the firm already raised one with the same title."""
        rng, cluster = self.rng, self.cluster
        values = self.slots(firm, template, at)
        values.update(slots or {})
        title = template.title.format(**values)
        if title in self.used.setdefault(firm.pk, set()):
            return None
        self.used[firm.pk].add(title)
        if channel == Channel.PORTAL:
            author = cluster.accounts[firm.pk]
        elif channel == Channel.VISIT:
            author = cluster.users[self.pick(dict(SPECIALISTS))]
        else:
            author = cluster.users["office"]
        rule = DISTRICT_RULES.get(template.category) if firm.district_id == cluster.district_chain.region_id \
            else None
        rule_lead, co = rule or RULES[template.category]
        lead = cluster.units[template.lead or rule_lead]
        plan = Plan(at=at, firm=firm, category=self.categories[template.category], channel=channel, author=author,
                    template=template, slots=values, lead=lead, co=[cluster.units[c] for c in co if c != lead.name],
                    title=title, text=template.text.format(**values), priority=template.priority,
                    visit_purpose=rng.choice(VISIT_PURPOSES))
        if template.lead and template.lead != rule_lead and rng.random() < 0.25:
            plan.wrong = cluster.units[rule_lead]  # the office follows the rule; the department sends it back
        return plan

    def slots(self, firm, template, at):
        rng = self.rng
        kind = {"drug": ProductKind.DRUG, "device": None}.get(template.fits)
        products = [p for p in self.products.get(firm.pk, []) if kind is None or p.kind == kind]
        product = rng.choice(products) if products else None
        word = self.cluster.words[firm.pk]
        generic = texts.GENERIC_PRODUCTS["drug" if word in n.DRUG_WORDS else "device" if word in n.DEVICE_WORDS
                                         else "any"]
        amount = rng.choice([200, 300, 500, 800, 1000, 1500, 2000, 3000])
        patients = rng.choice([120, 240, 360, 600])
        return {
            "product": product.name if product else rng.choice(generic),
            "phase": PHASES.get(product.phase, "II期临床") if product else rng.choice(["I期临床", "II期临床"]),
            "indication": product.indication if product and product.indication else "肿瘤",
            "amount": amount, "subsidy": max(1, round(amount * 0.02)), "tax": round(amount * 0.15),
            "yi": rng.choice([1.5, 2, 3, 5, 8]), "fund": rng.choice([3000, 5000, 8000, 10000]),
            "bank": rng.choice(n.BANKS[:4]), "patents": rng.randint(3, 12), "equipment": rng.choice(texts.EQUIPMENT),
            "age": rng.randint(2, 6), "label": rng.choice(texts.LABELS), "year": at.year - 1, "next_year": at.year,
            "reward": rng.choice([20, 30, 50, 80, 100, 200]), "area": rng.choice([800, 1200, 1500, 2000, 2600, 3200]),
            "height": rng.choice([5, 6]), "park": firm.park.name if firm.park_id else rng.choice(n.PARKS),
            "lab": rng.choice([150, 200, 300, 400]), "mu": rng.choice([20, 30, 45, 60, 80]),
            "person": rng.choice(n.SURNAMES) + rng.choice(n.GIVEN), "n": rng.choice([30, 50, 80, 120]),
            "hired": rng.randint(15, 40), "rooms": rng.randint(3, 12), "foreign": rng.choice(texts.FOREIGN),
            "hospital": rng.choice(n.HOSPITALS[:6]), "patients": patients, "samples": rng.choice([200, 300, 500]),
            "deals": rng.randint(2, 6), "hospitals": rng.randint(8, 20), "expo": rng.choice(texts.EXPOS),
            "kva": rng.choice([630, 800, 1250, 2000]), "lamps": rng.randint(12, 40), "children": rng.randint(30, 90),
        }

    def template(self, title):
        return next((tpl for tpl in texts.TEMPLATES if tpl.title == title), None)

    def day_ago(self, working_days):
        """The working day `working_days` before the last one that has begun (today from 09:30 on)."""
        t = self.t
        last = t.today if t.calendar(t.today) and timezone.localtime(t.now).time() >= OPENED else \
            t.workday_before(t.today - datetime.timedelta(days=1))
        return t.subtract_days(last, working_days)

    def early(self, day):
        """An instant of day in its working hours, before now."""
        now = timezone.localtime(self.t.now)
        latest = min(CLOSES, now.hour * 60 + now.minute) if day == self.t.today else CLOSES
        return self.t.instant(day, self.rng, latest=latest)

    def story(self, working_days, title, fate, slots, rating, comment):
        """One of the demo firm's demands, raised on the portal."""
        firm = self.cluster.demo_firm
        plan = self.make(self.early(self.day_ago(working_days)), firm, self.template(title), Channel.PORTAL, slots)
        plan.fate, plan.rating, plan.comment = fate, rating, comment
        return plan

    def demo_live(self, working_days, title, steps):
        plan = self.story(working_days, title, "live", {}, "", "")
        plan.steps = self.courses.live(plan, steps)
        return plan

    def live(self, working_days, category, steps):
        """Another firm's demand of the last days: recorded by the office on the hotline, or on the portal."""
        template = self.template(category)
        at = self.early(self.day_ago(working_days))
        plan = self.raised(at, self.pick(DIRECT_CHANNELS), None if template else category, template)
        if "wrong" in steps and plan.wrong is None:
            plan.wrong = self.cluster.units[RULES[plan.template.category][0]]
        plan.fate = "live"
        plan.steps = self.courses.live(plan, steps)
        return plan
