"""The demo's joint activities of every kind through both years — announced, signed up for, checked in, held
with their outcome — and the agreements signed at them or on their own: credit lines (授信), cooperation and
investment intentions."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from chainserve.chains.choices import PlacementRole
from chainserve.coordination import services as cs
from chainserve.coordination.choices import ActivityKind, AgreementKind
from chainserve.coordination.models import Activity, Agreement, Registration
from chainserve.core.money import FEN_PER_WAN, FEN_PER_YI

from . import names as n

K = ActivityKind
# Activities a year in the demo year; the year before has about 60 % of them.
PER_YEAR = {K.BANK_MATCH: 12, K.HOSPITAL_MATCH: 11, K.PARTY_DAY: 10, K.TRAINING: 12, K.SYMPOSIUM: 10, K.FORUM: 6,
            K.SIGNING: 6}
TITLES = {
    K.BANK_MATCH: ["{bank}专场银企对接会", "科技金融产品推介暨银企对接会", "生物医药企业融资路演", "“金融助企”政银企对接会"],
    K.HOSPITAL_MATCH: ["{hospital}医企协同创新对接会", "创新医疗器械进院对接会", "临床试验资源对接会",
                       "创新药械临床需求发布会"],
    K.PARTY_DAY: ["“红链聚力”联合主题党日", "“党建引领·链上同行”主题党日", "走进链主企业联合主题党日",
                  "重温入党誓词联合主题党日"],
    K.TRAINING: ["创新药注册申报政策培训", "医疗器械GMP合规培训", "研发费用加计扣除政策解读会", "知识产权质押融资实务培训",
                 "药物警戒体系建设培训", "出口认证与国际注册培训", "临床数据合规培训"],
    K.SYMPOSIUM: ["重点企业座谈会", "专精特新企业座谈会", "细胞与基因治疗企业座谈会", "医疗器械企业座谈会",
                  "链主企业座谈会", "中药企业座谈会"],
    K.FORUM: ["明湖生命健康产业论坛", "细胞与基因治疗创新发展论坛", "数字医疗与健康管理论坛", "合成生物学产业发展论坛",
              "中医药传承创新论坛"],
    K.SIGNING: ["生物医药产业投资签约仪式", "重大项目集中签约活动", "大健康产业招商引资签约仪式"],
}
# (hour, minute) it starts, its location and organiser
SETTINGS = {
    K.BANK_MATCH: ((14, 30), "明湖生物城会议中心", n.FINANCE),
    K.HOSPITAL_MATCH: ((14, 0), "明湖大学附属协和医院学术报告厅", n.HEALTH),
    K.PARTY_DAY: ((14, 30), "生物城新区党群服务中心", n.ALLIANCE),
    K.TRAINING: ((9, 30), "生命科学创新港路演厅", n.DRUGS),
    K.SYMPOSIUM: ((14, 30), "明湖市政府3号会议室", n.OFFICE),
    K.FORUM: ((9, 0), "明湖国际会议中心", "明湖市生物技术产业联合会"),
    K.SIGNING: ((10, 0), "明湖国际会议中心", n.INVESTMENT),
}
# Upcoming, announced now and open for sign-up: (kind, title, working days ahead)
UPCOMING = [(K.TRAINING, "药品上市许可持有人制度培训", 4), (K.BANK_MATCH, "生物医药企业银企对接会", 9),
            (K.HOSPITAL_MATCH, "创新药械进院对接会", 14), (K.PARTY_DAY, "“红链聚力”年终联合主题党日", 17)]
# The upcoming matchmaking the demo bank (the partner user's) hosts itself.
BANK_HOSTED = "生物医药企业银企对接会"
CREDIT_TITLES = ["综合授信协议", "科技贷款授信协议", "知识产权质押融资协议", "项目贷款授信协议", "供应链金融授信协议"]
COOPERATION_TITLES = ["多中心临床试验合作协议", "医企协同创新合作协议", "临床研究合作协议", "联合实验室共建协议"]
INVESTMENT_TITLES = ["产业化基地投资意向协议", "生产基地扩建投资意向协议", "研发总部项目投资意向协议",
                     "创新药生产线投资意向协议"]
CHECKED_IN_DAYS = 90  # check-in at the door: kept on the platform for the activities of the last months
ATTENDEE_TITLES = ["总经理", "财务总监", "研发总监", "注册经理", "董事会秘书", "行政主管"]


def amount_text(fen):
    """An amount as a report writes it: 3.5亿元, 800万元."""
    if fen >= FEN_PER_YI:
        return f"{(Decimal(fen) / FEN_PER_YI).quantize(Decimal('0.01')).normalize():f}亿元"
    return f"{fen // FEN_PER_WAN}万元"


@dataclass
class Deal:
    kind: str
    title: str
    institution: object
    enterprise: object
    amount_fen: int | None


@dataclass
class ActivityPlan:
    kind: str
    title: str
    starts_at: datetime.datetime
    organizer: object
    location: str
    open: bool
    signups: int
    demands: int = 0  # demands recorded at it (set by the demand planner)
    deals: list = field(default_factory=list)
    leads: int = 0


class Activities:
    def __init__(self, timeline, cluster, rng):
        self.timeline, self.cluster, self.rng = timeline, cluster, rng
        self.titles = {t for _k, t, _d in UPCOMING}
        big = [f for f in cluster.firms if cluster.roles[f.pk] != PlacementRole.SUPPORTING]
        self.borrowers = {"large": big, "any": cluster.firms}

    def plan(self):
        """Every activity of both years, and the upcoming ones, in the order of time."""
        t = self.timeline
        plans = []
        for first, share in ((t.before_start, 0.6), (t.year_start, 1.0)):
            for kind, count in PER_YEAR.items():
                count = round(count * share)
                for i in range(count):
                    day = first + datetime.timedelta(days=int((i + 0.2 + 0.6 * self.rng.random()) * 365 / count))
                    day = t.workday(day)
                    if day < t.today:
                        plans.append(self.activity(kind, self.title(kind), day))
        for kind, title, ahead in UPCOMING:
            plans.append(self.activity(kind, title, t.add_days(t.today, ahead)))
            if title == BANK_HOSTED:
                plans[-1].organizer = self.cluster.units[n.PARTNER_BANK]
        plans.sort(key=lambda p: p.starts_at)
        # The demo firm's credit line (its demand of about 230 working days ago) and its trial cooperation.
        units, firm = self.cluster.units, self.cluster.demo_firm
        for kind, since, deal in [
                (K.BANK_MATCH, 300, Deal(AgreementKind.CREDIT, "综合授信协议", units[n.PARTNER_BANK], firm,
                                         5000 * FEN_PER_WAN)),
                (K.HOSPITAL_MATCH, 220, Deal(AgreementKind.COOPERATION, "多中心临床试验合作协议",
                                             units[n.UNION_HOSPITAL], firm, None))]:
            first = t.today - datetime.timedelta(days=since)
            next(p for p in plans if p.kind == kind and first <= p.starts_at.date() < t.today).deals.append(deal)
        return plans

    def title(self, kind):
        rng = self.rng
        base = rng.choice(TITLES[kind]).format(bank=rng.choice(n.BANKS[:4]), hospital=rng.choice(n.HOSPITALS[:6]))
        title, issue = base, 1
        while title in self.titles:
            issue += 1
            title = f"{base}（第{issue}期）"
        self.titles.add(title)
        return title

    def activity(self, kind, title, day):
        (hour, minute), location, organizer = SETTINGS[kind]
        rng = self.rng
        plan = ActivityPlan(kind=kind, title=title, starts_at=self.timeline.at_time(day, hour, minute),
                            organizer=self.cluster.units[organizer], location=location,
                            open=kind != K.PARTY_DAY, signups=0 if kind == K.PARTY_DAY else rng.randint(
                                0 if day < self.timeline.year_start else 2, 2 if day < self.timeline.year_start else 4))
        if plan.starts_at.date() >= self.timeline.today:
            plan.signups = 0 if title == "生物医药企业银企对接会" else min(plan.signups, 2)
            return plan
        if kind == K.BANK_MATCH:
            plan.deals = [self.credit() for _ in range(rng.randint(1, 3))]
        elif kind == K.SIGNING:
            plan.deals = [self.investment() for _ in range(rng.randint(3, 5))] + [self.credit()]
            plan.leads = rng.randint(2, 5)
        elif kind == K.HOSPITAL_MATCH:
            plan.deals = [self.cooperation() for _ in range(rng.randint(0, 2))]
        elif kind == K.FORUM:
            plan.leads = rng.randint(1, 4)
            plan.deals = [self.investment()] if rng.random() < 0.5 else []
        return plan

    def credit(self, firm=None):
        """A credit line: from a few hundred 万元 for a small firm to a few 亿元 for a large one."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.35:
            fen, pool = rng.randrange(500, 3000, 100) * FEN_PER_WAN, "any"
        elif roll < 0.75:
            fen, pool = rng.randrange(3000, 20000, 500) * FEN_PER_WAN, "any"
        else:
            fen, pool = rng.randrange(20000, 60000, 1000) * FEN_PER_WAN, "large"
        bank = rng.choice(n.BANKS[:4] * 2 + n.BANKS[4:])
        return Deal(AgreementKind.CREDIT, rng.choice(CREDIT_TITLES), self.cluster.units[bank],
                    firm or rng.choice(self.borrowers[pool]), fen)

    def cooperation(self, firm=None):
        rng = self.rng
        partner = rng.choice(n.HOSPITALS[:6] + n.UNIVERSITIES[:5])
        amount = rng.randrange(50, 500, 10) * FEN_PER_WAN if rng.random() < 0.4 else None
        return Deal(AgreementKind.COOPERATION, rng.choice(COOPERATION_TITLES), self.cluster.units[partner],
                    firm or rng.choice(self.borrowers["any"]), amount)

    def investment(self):
        rng = self.rng
        return Deal(AgreementKind.INVESTMENT, rng.choice(INVESTMENT_TITLES),
                    self.cluster.units[rng.choice(n.INVESTORS + n.FUNDS[:2])], rng.choice(self.borrowers["large"]),
                    rng.randrange(10, 80, 5) * FEN_PER_YI // 10)

    def standalone(self):
        """Agreements signed outside any activity: some credit lines and cooperations each year, on working
        days; [(instant, Deal)]."""
        t, rng = self.timeline, self.rng
        out = []
        for first, count in ((t.before_start, 4), (t.year_start, 7)):
            for _ in range(count):
                for deal in (self.credit(), self.cooperation()):
                    day = t.workday(first + datetime.timedelta(days=rng.randint(0, 360)))
                    if day < t.today:
                        out.append((t.instant(day, rng), deal))
        return out

    # ------------------------------------------------------------------ storylines

    def story(self, plan, schedule):
        """Announced three weeks ahead; sign-ups in the days before; checked in at the door; the outcome and the
        agreements signed there recorded at its end."""
        t, rng, office = self.timeline, self.rng, self.cluster.users["office"]
        start = plan.starts_at.date()
        yield t.instant(t.workday_before(start - datetime.timedelta(days=21)), rng)
        activity = Activity(chain=self.cluster.chain, kind=plan.kind, title=plan.title, starts_at=plan.starts_at,
                            location=plan.location, organizer=plan.organizer, capacity=120,
                            open_to_enterprises=plan.open, description=f"{plan.organizer.name}主办。")
        activity._history_user = office
        activity.save()
        firms = rng.sample([f for f in self.cluster.firms if f.pk != self.cluster.demo_firm.pk], plan.signups)
        times = sorted(t.instant(t.workday_before(start - datetime.timedelta(days=rng.randint(1, 7))), rng)
                       for _ in firms)
        for firm, when in zip(firms, times, strict=True):
            yield when
            cs.sign_up(activity, office, firm, self.attendees(firm))
        if start > t.today - datetime.timedelta(days=CHECKED_IN_DAYS):
            yield plan.starts_at - datetime.timedelta(minutes=15)
            for reg in Registration.objects.filter(activity=activity).order_by("pk"):
                if rng.random() < 0.9:
                    cs.check_in(reg, office)
        yield plan.starts_at + datetime.timedelta(hours=2, minutes=10)
        signed_on = plan.starts_at.date()
        for deal in plan.deals:
            self.sign(deal, signed_on, activity)
        cs.record_outcome(activity, office, self.outcome(plan, len(firms)), leads_found=plan.leads,
                          demands_raised=plan.demands)

    def partner_story(self):
        """The demo bank records a credit line it signed two working days ago: it waits for the office's
        confirmation and counts in no figure until then. (A fixed hour: no draw from the generator, so the rest of
        the year is as before.)"""
        t = self.timeline
        day = t.subtract_days(t.today, 2)
        yield t.at_time(day, 16, 20)
        cs.record_agreement(self.cluster.users["partner"], Agreement(
            chain=self.cluster.chain, kind=AgreementKind.CREDIT, title="流动资金贷款授信协议",
            enterprise=self.cluster.demo_firm, amount_fen=1500 * FEN_PER_WAN, signed_on=day))

    def deal_story(self, when, deal):
        yield when
        self.sign(deal, when.date(), None)

    def sign(self, deal, signed_on, activity):
        agreement = Agreement(chain=self.cluster.chain, kind=deal.kind, title=deal.title,
                              institution=deal.institution, enterprise=deal.enterprise, amount_fen=deal.amount_fen,
                              signed_on=signed_on, activity=activity)
        agreement._history_user = self.cluster.users["office"]
        agreement.save()

    def attendees(self, firm):
        rng = self.rng
        contacts = self.cluster.contacts.get(firm.pk, [])
        people = [(p.name, p.title, "") for p in contacts[:rng.randint(1, 2)]]
        while not people:
            people.append((rng.choice(n.SURNAMES) + rng.choice(n.GIVEN), rng.choice(ATTENDEE_TITLES), ""))
        return people

    def outcome(self, plan, firms):
        rng = self.rng
        credit = [d for d in plan.deals if d.kind == AgreementKind.CREDIT]
        total = sum(d.amount_fen for d in plan.deals if d.amount_fen)
        if plan.kind == K.BANK_MATCH:
            return (f"{rng.randint(4, 8)}家银行和金融机构参会，{firms + rng.randint(10, 25)}家企业现场对接，"
                    f"签署授信协议{len(credit)}项，金额{amount_text(total)}。")
        if plan.kind == K.HOSPITAL_MATCH:
            return (f"{rng.randint(3, 7)}家医院参会，{firms + rng.randint(5, 15)}家企业对接临床试验和产品进院需求，"
                    f"签署合作协议{len(plan.deals)}项。")
        if plan.kind == K.PARTY_DAY:
            return f"{rng.randint(6, 12)}个党支部{rng.randint(60, 140)}名党员参加，开展主题党课和结对共建交流。"
        if plan.kind == K.TRAINING:
            return f"{firms + rng.randint(20, 50)}家企业{rng.randint(80, 200)}人参加培训，现场答疑{rng.randint(8, 20)}个问题。"
        if plan.kind == K.SYMPOSIUM:
            return f"{firms + rng.randint(6, 12)}家重点企业参会，现场收集诉求{plan.demands}条，已全部录入平台办理。"
        if plan.kind == K.FORUM:
            return (f"发布产业链机会清单，{rng.randint(120, 300)}人参会，收集诉求{plan.demands}条，"
                    f"发现招商线索{plan.leads}条。")
        investment = sum(d.amount_fen for d in plan.deals if d.kind == AgreementKind.INVESTMENT)
        return (f"现场签约产业投资意向{len(plan.deals) - len(credit)}项，计划总投资{amount_text(investment)}；"
                f"签署授信协议{len(credit)}项。")
