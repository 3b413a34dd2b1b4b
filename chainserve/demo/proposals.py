"""The demo's proposals (建议提案): the deputies' (人大建议) and members' (政协提案) proposals on the chain that each
year's 两会 hand to the chain office in March. Each is recorded by the office, dispatched to its lead unit, answered
— in time but for one each year — and closed with the answer's grade (A solved, B being solved, C not possible for
now). The year before has fewer, and more of them answered late."""

import datetime

from chainserve.demands import services as ds
from chainserve.demands.choices import Channel, Priority

from . import names as n

# (channel, proposer, category, lead unit, title, working days to the first answer, to closing, grade); the first
# answer is due within 3 working days of dispatch (complex priority), closing within 25.
THIS_YEAR = [
    (Channel.NPC, "王建华", "financing", n.FINANCE, "关于设立生物医药产业链贷款风险补偿资金池的建议", 2, 18, "A"),
    (Channel.NPC, "李秀英", "clinical", n.HEALTH, "关于提升临床试验机构承接能力、缩短伦理审查周期的建议", 3, 22, "B"),
    (Channel.NPC, "陈志强", "site", n.LAND, "关于加快生物城新区标准厂房和GMP车间配套建设的建议", 1, 20, "B"),
    (Channel.NPC, "周丽萍", "talent", n.HR, "关于完善生物医药高层次人才住房保障的建议", 5, 24, "C"),
    (Channel.CPPCC, "民建明湖市委会", "regulatory", n.DRUGS, "关于推动创新药械审评审批提速的提案", 2, 15, "A"),
    (Channel.CPPCC, "张明远", "market", n.COMMERCE, "关于支持创新药尽快进入医疗机构用药目录的提案", 3, 21, "B"),
    (Channel.CPPCC, "九三学社明湖市委会", "policy", n.ECONOMY, "关于加大生物医药企业研发费用补助力度的提案", 1, 12, "A"),
]
YEAR_BEFORE = [
    (Channel.NPC, "刘国庆", "financing", n.FINANCE, "关于拓宽生物医药中小企业融资渠道的建议", 4, 25, "B"),
    (Channel.NPC, "赵丽华", "site", n.LAND, "关于保障生物医药产业项目用地指标的建议", 2, 24, "C"),
    (Channel.CPPCC, "农工党明湖市委会", "clinical", n.HEALTH, "关于建设区域临床研究协作网络的提案", 5, 25, "B"),
    (Channel.CPPCC, "孙海波", "policy", n.ECONOMY, "关于优化生物医药产业扶持政策兑现流程的提案", 3, 19, "A"),
]
CLOSING = {"A": "所提问题已解决：{title}已落实，书面答复已送达。",
           "B": "所提问题正在解决：{title}已列入年度工作计划，分步推进。",
           "C": "因条件限制暂时不能解决：{title}已作说明，纳入今后研究。"}


def received_on(timeline, year):
    """The first working day after the 两会 of year (mid-March), when the office records that year's proposals."""
    return timeline.workday(datetime.date(year, 3, 16))


class Proposals:
    def __init__(self, timeline, cluster, categories, rng):
        self.t, self.cluster, self.categories, self.rng = timeline, cluster, categories, rng

    def stories(self):
        """A storyline per proposal of the demo year's 两会 and the year before's."""
        year = self.t.today.year if self.t.today >= received_on(self.t, self.t.today.year) else self.t.today.year - 1
        for each_year, proposals in ((year, THIS_YEAR), (year - 1, YEAR_BEFORE)):
            day = received_on(self.t, each_year)
            for index, proposal in enumerate(proposals):
                yield self.story(self.t.add_days(day, index // 3), *proposal)

    def story(self, day, channel, proposer, category, lead, title, answer_days, close_days, grade):
        t, rng, cluster = self.t, self.rng, self.cluster
        office, unit = cluster.users["office"], cluster.units[lead]
        handler = cluster.handlers[unit.pk]
        firm = rng.choice([f for f in cluster.firms if f.pk != cluster.demo_firm.pk])
        received = t.instant(day, rng)
        yield received
        demand = ds.submit(office, ds.Intake(
            organization=firm, category=self.categories[category], title=title, channel=channel,
            priority=Priority.COMPLEX, chain=cluster.chain, proposer=proposer,
            description=f"{proposer}在{day.year}年两会期间提出{title[2:]}，涉及{firm.name}等企业。"))
        yield t.after(received, rng, gap=60)
        demand = ds.dispatch(demand, office, unit)
        yield t.after(received, rng, days=answer_days)
        demand = ds.answer(demand, handler, f"已收到{title[2:]}，正在会同有关单位研究办理，将按期书面答复。")
        yield t.after(received, rng, days=close_days)
        ds.close(demand, handler, grade != "C", CLOSING[grade].format(title=title[2:]), grade=grade)
