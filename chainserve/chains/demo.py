"""Demo records of targeted investment attraction on the demo chain: candidate firms elsewhere for its gaps
and weak segments, and leads moved through their stages over the last two years (the platform's clock set to
each move, core.clock), so that intentions signed and projects landed count in their own years."""

import datetime

from django.utils import timezone

from chainserve.core.choices import Role
from chainserve.core.clock import frozen
from chainserve.core.models import User
from chainserve.registry.choices import OrgSize

from . import services
from .choices import LeadStage
from .models import Candidate, Chain, Segment

CHAIN_NAME = "明湖市大健康和生物技术产业链"
# (name, region, segments, products, size, revenue in 元)
CANDIDATES = [
    ("上海澄元合成生物科技有限公司", "上海市浦东新区", ["合成生物学原料"], "生物基材料、高值化学品菌种", OrgSize.MEDIUM,
     800_000_000),
    ("苏州岚禾生物材料有限公司", "江苏省苏州工业园区", ["合成生物学原料"], "医用透明质酸、重组胶原蛋白", OrgSize.SMALL,
     260_000_000),
    ("深圳朗影医疗设备股份有限公司", "广东省深圳市南山区", ["医学影像设备"], "CT、磁共振核心部件", OrgSize.LARGE,
     5_600_000_000),
    ("杭州蔚康卫生材料有限公司", "浙江省杭州市余杭区", ["卫生材料及医药用品"], "医用敷料、手术耗材", OrgSize.MEDIUM,
     900_000_000),
    ("北京珩芯生物试剂有限公司", "北京市大兴区", ["生物试剂与培养基"], "无血清培养基、细胞因子", OrgSize.SMALL, 150_000_000),
    ("天津翎研仪器科技有限公司", "天津市滨海新区", ["高端科研仪器与核心部件"], "质谱仪离子源、色谱柱", OrgSize.MEDIUM,
     420_000_000),
    ("上海沐源生物科技有限公司", "上海市闵行区", ["生物试剂与培养基"], "GMP级细胞培养基、质粒", OrgSize.MEDIUM,
     650_000_000),
    ("苏州砚衡精密仪器有限公司", "江苏省苏州市吴中区", ["高端科研仪器与核心部件"], "流式细胞仪、微流控芯片",
     OrgSize.MEDIUM, 380_000_000),
    ("杭州岱宁生物药业有限公司", "浙江省杭州市钱塘区", ["抗体药物"], "抗体药物CDMO", OrgSize.LARGE, 2_100_000_000),
    ("深圳霁元细胞科技有限公司", "广东省深圳市坪山区", ["细胞与基因治疗"], "CAR-T细胞治疗产品", OrgSize.MEDIUM,
     300_000_000),
    ("浙江峤康医药化工有限公司", "浙江省台州市", ["化学原料药及中间体"], "抗肿瘤原料药中间体", OrgSize.MEDIUM,
     1_200_000_000),
    ("北京樾康数字健康科技有限公司", "北京市海淀区", ["数字医疗"], "互联网医院、慢病管理平台", OrgSize.SMALL,
     180_000_000),
]
# (candidate, segment, days before today it was found, [(stage, days after the move before, amount in 元)])
LEADS = [
    ("深圳朗影医疗设备股份有限公司", "医学影像设备", 620,
     [(LeadStage.CONTACTED, 20, None), (LeadStage.VISITED, 45, None), (LeadStage.SIGNED, 90, 3_000_000_000),
      (LeadStage.LANDED, 240, 3_000_000_000)]),
    ("深圳霁元细胞科技有限公司", "细胞与基因治疗", 560,
     [(LeadStage.CONTACTED, 15, None), (LeadStage.VISITED, 40, None), (LeadStage.SIGNED, 120, 800_000_000),
      (LeadStage.LANDED, 200, 800_000_000)]),
    ("浙江峤康医药化工有限公司", "化学原料药及中间体", 480, [(LeadStage.CONTACTED, 30, None), (LeadStage.DROPPED, 90, None)]),
    ("杭州岱宁生物药业有限公司", "抗体药物", 400,
     [(LeadStage.CONTACTED, 20, None), (LeadStage.VISITED, 60, None), (LeadStage.SIGNED, 110, 1_200_000_000),
      (LeadStage.LANDED, 150, 1_200_000_000)]),
    ("上海澄元合成生物科技有限公司", "合成生物学原料", 330,
     [(LeadStage.CONTACTED, 25, None), (LeadStage.VISITED, 70, None), (LeadStage.SIGNED, 150, 1_500_000_000)]),
    ("天津翎研仪器科技有限公司", "高端科研仪器与核心部件", 300, [(LeadStage.CONTACTED, 30, None), (LeadStage.DROPPED, 60, None)]),
    ("上海沐源生物科技有限公司", "生物试剂与培养基", 260,
     [(LeadStage.CONTACTED, 10, None), (LeadStage.VISITED, 50, None), (LeadStage.SIGNED, 120, 600_000_000)]),
    ("北京樾康数字健康科技有限公司", "数字医疗", 200,
     [(LeadStage.CONTACTED, 20, None), (LeadStage.VISITED, 60, None), (LeadStage.SIGNED, 60, 200_000_000)]),
    ("苏州砚衡精密仪器有限公司", "高端科研仪器与核心部件", 120, [(LeadStage.CONTACTED, 15, None), (LeadStage.VISITED, 45, None)]),
    ("苏州岚禾生物材料有限公司", "合成生物学原料", 60, [(LeadStage.CONTACTED, 20, None)]),
    ("北京珩芯生物试剂有限公司", "生物试剂与培养基", 20, []),
]
NOTES = {LeadStage.CONTACTED: "电话联系对方投资负责人，发送产业链招商资料。", LeadStage.VISITED: "链办带队赴企业考察洽谈。",
         LeadStage.SIGNED: "签署投资意向协议。", LeadStage.LANDED: "项目注册落地，启动厂房装修。",
         LeadStage.DROPPED: "企业投资计划调整，暂停洽谈。"}


def load():
    """Add the demo's candidates and leads; called once, inside the demo's transaction."""
    from chainserve.demo.timeline import Timeline, seeded

    chain = Chain.objects.get(name=CHAIN_NAME)
    office = User.objects.filter(role=Role.OFFICE).first()
    segments = {s.name: s for s in Segment.objects.filter(chain=chain)}
    candidates = {}
    for name, region, segs, products, size, revenue in CANDIDATES:
        candidate = Candidate(chain=chain, name=name, region=region, products=products, size=size, revenue=revenue)
        candidates[name] = services.save_candidate(office, candidate, [segments[s] for s in segs])
    timeline, rng = Timeline.at(timezone.now()), seeded(2026, "leads")
    for name, seg, found, moves in LEADS:
        day = timeline.workday_before(timeline.today - datetime.timedelta(days=found))
        with frozen(timeline.instant(day, rng)) as clock:
            lead = services.start_lead(office, candidates[name], segments[seg], "从产业链图谱缺口筛选")
            for stage, after, amount in moves:
                day = timeline.workday(day + datetime.timedelta(days=after))
                if day >= timeline.today:
                    break
                clock.set(timeline.instant(day, rng))
                lead = services.move_lead(lead, office, stage, lead.version, amount, NOTES[stage])

