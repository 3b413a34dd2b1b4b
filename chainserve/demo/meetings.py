"""The demo's coordination committee and its joint meetings: quarterly in the year before, monthly in the demo
year (none in the month of the Spring Festival), at 09:30 or 14:30, each with its agenda (the demands escalated
to it and topics of the chain), attendance, decisions, action items followed to done, and minutes; the next
meeting is scheduled ahead."""

import datetime
from dataclasses import dataclass, field

from chainserve.coordination import services as cs
from chainserve.coordination.choices import MemberRole
from chainserve.coordination.models import Committee, CommitteeMember, Meeting
from chainserve.core.workdays import statutory_holidays
from chainserve.demands.choices import CLOSED_STATUSES
from chainserve.demands.models import Demand

from . import names as n

NUMERALS = "一二三四五六七八九十"
# Topics of the chain (beside the escalated demands): (topic, decision with {due}, owner department)
TOPICS = [
    ("研究生物城标准厂房建设进度", "生物城新区管委会加快标准厂房建设，{due}前完成主体验收并发布招租清单。", n.NEW_DISTRICT_ADMIN),
    ("协调创新药械进院“最后一公里”", "市卫健委牵头建立创新药械挂网即采工作机制，{due}前出台工作方案。", n.HEALTH),
    ("研究产业链金融服务专项", "市地方金融管理局组织银行机构开展专场对接，{due}前完成新增授信任务的60%。", n.FINANCE),
    ("推进高层次人才安居保障", "市人社局会同生物城新区梳理人才公寓房源，{due}前公布配租办法。", n.HR),
    ("研究合成生物学原料补链招商", "市投资促进局围绕合成生物学原料缺口制定靶向招商清单，{due}前对接目标企业不少于5家。",
     n.INVESTMENT),
    ("协调生物医药项目用地指标", "市自然资源和规划局梳理生物城可用工业用地，{due}前形成供地计划。", n.LAND),
    ("推进临床试验伦理审查结果互认", "市卫健委推动市属医院伦理审查结果互认，{due}前签订互认协议。", n.HEALTH),
    ("通报年度服务项目清单推进情况", "链办对滞后项目逐项督办，{due}前报送整改情况。", n.OFFICE),
    ("部署惠企政策免申即享", "市经信局梳理可免申即享的政策条款，{due}前上线兑现。", n.ECONOMY),
    ("推进医疗器械注册服务前移", "市药监局在生物城设立注册指导服务站，{due}前投入运行。", n.DRUGS),
    ("研究企业诉求超期办理问题", "各成员单位对超期诉求逐件销号，{due}前报送办理情况。", n.OFFICE),
    ("研究产业链重点项目推进", "市发改委将产业链重点项目纳入市级重大项目库，{due}前完成调度。", n.NDRC),
]
MEMBERS = [n.NDRC, n.ECONOMY, n.SCIENCE, n.HR, n.FINANCE, n.HEALTH, n.DRUGS, n.LAND, n.MARKET]
PROGRESS = "已按要求完成，相关材料已报链办。"
LATE_PROGRESS = "已完成，因涉及多部门会签较原定时间有所延后。"
LOCATIONS = ["明湖市政府3号会议室", "明湖市政府5号会议室", "生物城新区管委会会议室"]


@dataclass
class MeetingPlan:
    starts_at: datetime.datetime
    title: str
    location: str
    held: bool
    demands: list = field(default_factory=list)  # the demand plans it resolves (set by the demand planner)


def numbered(year, index):
    return f"大健康产业链{year}年第{NUMERALS[index - 1] if index <= 10 else '十' + NUMERALS[index - 11]}次联席会议"


class Meetings:
    def __init__(self, timeline, cluster, rng):
        self.timeline, self.cluster, self.rng = timeline, cluster, rng

    def set_up(self):
        """The chain's coordination committee, set up a few months before the year before the demo year."""
        t, units = self.timeline, self.cluster.units
        established = t.before_start - datetime.timedelta(days=120)
        self.committee = Committee.objects.create(chain=self.cluster.chain, name="明湖市大健康产业链党建工作协调委员会",
                                                  convener=self.cluster.chain.leader, established_on=established)
        rows = [(n.OFFICE, MemberRole.CONVENER, None), (n.NEW_DISTRICT_ADMIN, MemberRole.DEPUTY, None),
                *[(m, MemberRole.MEMBER, None) for m in MEMBERS], ("明湖生物城", MemberRole.MEMBER, None),
                (n.ALLIANCE, MemberRole.LIAISON, None), (n.TAX, MemberRole.MEMBER, t.year_start)]
        for name, role, ended in rows:
            CommitteeMember.objects.create(committee=self.committee, organization=units[name], role=role,
                                           started_on=established, ended_on=ended)

    def plan(self):
        """The meetings: quarterly in the year before, monthly in the demo year but in the Spring Festival's
        month; each on a working day in the middle of its month. The first after today is the next one."""
        t, rng = self.timeline, self.rng
        first = t.before_start.replace(day=1)
        months, month = [], first
        while not months or months[-1] <= t.today:
            in_year = month >= t.year_start.replace(day=1)
            quarter = (12 * (month.year - first.year) + month.month - first.month) % 3 == 1
            spring = min(d for d, name in statutory_holidays(month.year).items() if name == "春节")
            if (in_year or quarter) and (month.year, month.month) != (spring.year, spring.month):
                months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        plans, per_year = [], {}
        for month in months:
            day = t.workday(month + datetime.timedelta(days=rng.randint(12, 19)))
            hour, minute = rng.choice([(9, 30), (14, 30)])
            held = day < t.today
            if day < t.before_start or (not held and plans and not plans[-1].held):
                continue
            per_year[day.year] = per_year.get(day.year, 0) + 1
            plans.append(MeetingPlan(t.at_time(day, hour, minute), numbered(day.year, per_year[day.year]),
                                     rng.choice(LOCATIONS), held))
        return plans

    def story(self, plan, previous, schedule):
        """Called ten days ahead; its agenda built three days ahead; held: attendance, decisions, minutes."""
        t, rng, office = self.timeline, self.rng, self.cluster.users["office"]
        called = min(plan.starts_at.date() - datetime.timedelta(days=10), t.today - datetime.timedelta(days=1))
        yield t.instant(t.workday_before(called), rng)
        meeting = Meeting(committee=self.committee, title=plan.title, starts_at=plan.starts_at, location=plan.location)
        meeting._history_user = office
        meeting.save()
        yield t.instant(t.workday_before(plan.starts_at.date() - datetime.timedelta(days=3)), rng)
        agenda = cs.build_agenda(meeting, office)
        topics = rng.sample(TOPICS, rng.randint(1, 3) if agenda else rng.randint(2, 4))
        topic_items = [cs.add_topic(meeting, office, topic) for topic, _decision, _owner in topics]
        yield plan.starts_at + datetime.timedelta(hours=2)
        units = self.cluster.units
        present = [n.OFFICE, *rng.sample(MEMBERS, rng.randint(4, 7)), n.NEW_DISTRICT_ADMIN]
        for name in present:
            contacts = self.cluster.contacts.get(units[name].pk)
            cs.record_attendance(meeting, office, units[name], contacts[0].name if contacts else "")
        day = plan.starts_at.date()
        for item in agenda:
            demand = item.demand
            due = t.add_days(day, rng.randint(5, 10))
            text = f"由{demand.lead_department.name}牵头，会同相关部门于{due.month}月{due.day}日前办结并书面答复企业。"
            decision = cs.decide(meeting, office, cs.DecisionInput(text=text, owner=demand.lead_department,
                                                                   due_on=due, agenda_item=item, resolves_demand=True))
            schedule.add(self.action_story(decision.action_item, due))
        for (_topic, decision_text, owner), item in zip(topics, topic_items, strict=True):
            due = t.add_days(day, rng.randint(10, 30))
            decision = cs.decide(meeting, office, cs.DecisionInput(
                text=decision_text.format(due=f"{due.month}月{due.day}日"), owner=units[owner], due_on=due,
                agenda_item=item))
            schedule.add(self.action_story(decision.action_item, due))
        cs.record_minutes(meeting, office, self.minutes(plan, previous, len(present), agenda, topics))

    def minutes(self, plan, previous, present, agenda, topics):
        since = previous.starts_at if previous else plan.starts_at - datetime.timedelta(days=90)
        demands = Demand.objects.filter(chain=self.cluster.chain)
        received = demands.filter(created__gte=since, created__lt=plan.starts_at).count()
        closed = demands.filter(closed_at__gte=since, closed_at__lt=plan.starts_at, status__in=CLOSED_STATUSES).count()
        subjects = "、".join([f"「{item.topic}」" for item in agenda] + [f"「{topic}」" for topic, _d, _o in topics])
        return (f"会议由链长赵建华主持，{present}家成员单位参加。会议听取了链办关于上次会议以来企业诉求办理情况的汇报："
                f"新受理诉求{received}件，办结{closed}件。会议研究了{subjects}等{len(agenda) + len(topics)}项议题，"
                f"形成议定事项{len(agenda) + len(topics)}项，明确了牵头单位和完成时限。")

    def action_story(self, action, due):
        """The owner department reports the action item done: mostly before it is due, some late, a few open."""
        t, rng = self.timeline, self.rng
        roll = rng.random()
        if roll < 0.08:
            return
        late = roll < 0.2
        day = t.add_days(due, rng.randint(2, 8)) if late else t.workday_before(
            due - datetime.timedelta(days=rng.randint(0, 6)))
        yield t.instant(max(day, t.add_days(action.meeting.starts_at.date(), 1)), rng)
        owner = self.cluster.handlers.get(action.owner_id) or self.cluster.users["office"]
        cs.update_action(action, owner, LATE_PROGRESS if late else PROGRESS, done=True)
