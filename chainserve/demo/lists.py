"""The demo chain's annual service project lists (年度服务项目清单) of this year and the year before: items with
owners, weights and milestones, their progress reported milestone by milestone through the year — with some
items late (a milestone passed undone, progress stuck between 30 and 60 %)."""

import datetime

from chainserve.coordination import services as cs
from chainserve.coordination.choices import ItemStatus
from chainserve.coordination.models import AnnualList, ListItem

from . import names as n

# (code, parent, title, owner, weight, milestones [(month, day, text)], the milestone it falls behind at)
THIS_YEAR = [
    ("1", "", "生物城标准厂房建设", n.NEW_DISTRICT_ADMIN, 3, [], None),
    ("1.1", "1", "一期GMP标准厂房", n.NEW_DISTRICT_ADMIN, 2,
     [(3, 31, "完成选址"), (6, 30, "主体结构封顶"), (9, 30, "完成装修"), (12, 31, "竣工验收")], None),
    ("1.2", "1", "配套公共实验平台", n.SCIENCE, 1,
     [(4, 30, "完成设备招标"), (8, 31, "设备安装调试"), (11, 30, "投入使用")], 1),
    ("2", "", "产业链金融服务专项", n.FINANCE, 2,
     [(3, 31, "举办银企对接会2场"), (6, 30, "新增授信20亿元"), (12, 31, "全年新增授信40亿元")], None),
    ("3", "", "创新药械进院绿色通道", n.HEALTH, 1,
     [(5, 31, "出台工作方案"), (9, 30, "首批产品进院"), (12, 31, "形成工作机制")], 1),
    ("4", "", "高层次人才安居工程", n.HR, 2, [(4, 30, "出台人才公寓配租办法"), (10, 31, "新增人才公寓200套")], None),
    ("5", "", "合成生物学原料补链招商", n.INVESTMENT, 2,
     [(3, 31, "编制招商图谱"), (7, 31, "对接目标企业10家"), (11, 30, "签约项目2个")], 1),
    ("6", "", "临床试验伦理审查结果互认", n.HEALTH, 1, [(6, 30, "签订互认协议"), (10, 31, "覆盖全部市属医院")], None),
    ("7", "", "惠企政策免申即享", n.ECONOMY, 1,
     [(3, 31, "梳理政策清单"), (6, 30, "上线兑现系统"), (9, 30, "兑现资金到位")], None),
]
YEAR_BEFORE = [
    ("1", "", "生物城基础设施配套", n.NEW_DISTRICT_ADMIN, 3, [], None),
    ("1.1", "1", "园区道路和管网", n.NEW_DISTRICT_ADMIN, 2, [(4, 30, "完成施工招标"), (10, 31, "道路通车")], None),
    ("1.2", "1", "园区污水处理站扩容", n.NDRC, 1, [(5, 31, "完成立项"), (12, 31, "扩容投运")], 1),
    ("2", "", "银企对接专项行动", n.FINANCE, 2, [(6, 30, "举办对接会4场"), (12, 31, "全年新增授信25亿元")], None),
    ("3", "", "创新药械推广应用", n.HEALTH, 1, [(6, 30, "发布创新产品目录"), (11, 30, "组织推介会3场")], None),
    ("4", "", "产业链靶向招商", n.INVESTMENT, 2, [(3, 31, "梳理缺口环节"), (9, 30, "签约项目3个")], None),
    ("5", "", "企业诉求直通车", n.OFFICE, 1, [(3, 31, "平台上线"), (6, 30, "覆盖全部链上企业")], None),
]
BEHIND = "受设备供货和审批周期影响，进度滞后，已调整计划并加快推进。"


class Lists:
    def __init__(self, timeline, cluster, rng):
        self.t, self.cluster, self.rng = timeline, cluster, rng

    def stories(self):
        today = self.t.today
        yield self.story(today.year - 1, YEAR_BEFORE)
        yield self.story(today.year, THIS_YEAR)

    def story(self, year, rows):
        """The list made in its year's first working days; each item's milestones done on time (or a few days
        late) with the progress they bring, until the one it falls behind at."""
        t, rng, office = self.t, self.rng, self.cluster.users["office"]
        yield t.instant(t.add_days(datetime.date(year, 1, 4), 2), rng)
        annual = AnnualList.objects.create(chain=self.cluster.chain, year=year, kind="service",
                                           title=f"{n.CHAIN_NAME}{year}年服务项目清单")
        items, steps = {}, []
        for code, parent, title, owner, weight, milestones, behind in rows:
            item = ListItem(annual_list=annual, code=code, title=title, owner=self.cluster.units[owner],
                            weight=weight, parent=items.get(parent))
            items[code] = cs.save_item(office, item)
            for i, (month, day, text) in enumerate(milestones):
                milestone = cs.add_milestone(item, office, datetime.date(year, month, day), text,
                                             target_progress=round(100 * (i + 1) / len(milestones)))
                due = t.workday_before(milestone.due_on)
                if behind is not None and i >= behind:
                    if i == behind:
                        when = t.instant(t.add_days(due, 3), rng)
                        done = round(100 * i / len(milestones))
                        steps.append((when, item, None, rng.randint(max(30, done + 5), 60)))
                    continue
                when = t.instant(t.subtract_days(due, rng.randint(0, 8)), rng)
                steps.append((when, item, milestone, round(100 * (i + 1) / len(milestones))))
        for when, item, milestone, progress in sorted(steps, key=lambda s: s[0]):
            yield when
            user = self.cluster.handlers.get(item.owner_id) or office
            if milestone is None:
                cs.post_update(item, user, BEHIND, progress=progress, status=ItemStatus.DELAYED)
                continue
            cs.milestone_done(milestone, office, on=when.date())
            cs.post_update(item, user, f"{milestone.title}。", progress=progress)
