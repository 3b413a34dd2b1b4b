"""Demo records of targeted investment attraction on the demo chain: candidate firms elsewhere for its gaps
and weak segments, and leads at every stage."""

from chainserve.core.choices import Role
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
]
# (candidate, segment, stages it went through after found, amount in 元)
LEADS = [
    ("上海澄元合成生物科技有限公司", "合成生物学原料", [LeadStage.CONTACTED, LeadStage.VISITED, LeadStage.SIGNED],
     1_500_000_000),
    ("苏州岚禾生物材料有限公司", "合成生物学原料", [LeadStage.CONTACTED], None),
    ("深圳朗影医疗设备股份有限公司", "医学影像设备",
     [LeadStage.CONTACTED, LeadStage.VISITED, LeadStage.SIGNED, LeadStage.LANDED], 3_000_000_000),
    ("北京珩芯生物试剂有限公司", "生物试剂与培养基", [], None),
    ("天津翎研仪器科技有限公司", "高端科研仪器与核心部件", [LeadStage.CONTACTED, LeadStage.DROPPED], None),
]


def load():
    """Add the demo's candidates and leads; called once, inside the demo's transaction."""
    chain = Chain.objects.get(name=CHAIN_NAME)
    office = User.objects.filter(role=Role.OFFICE).first()
    segments = {s.name: s for s in Segment.objects.filter(chain=chain)}
    candidates = {}
    for name, region, segs, products, size, revenue in CANDIDATES:
        candidate = Candidate(chain=chain, name=name, region=region, products=products, size=size, revenue=revenue)
        candidates[name] = services.save_candidate(office, candidate, [segments[s] for s in segs])
    for name, seg, stages, amount in LEADS:
        lead = services.start_lead(office, candidates[name], segments[seg], "从产业链图谱缺口筛选")
        for stage in stages:
            lead = services.move_lead(lead, office, stage, lead.version,
                                      amount if stage in (LeadStage.SIGNED, LeadStage.LANDED) else None)
