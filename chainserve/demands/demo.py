"""Demo records of this app beyond the demo's demand stories (chainserve.demo): the standard replies the chain
office keeps, and the partner bank co-handling open financing demands (one answered by it)."""

from chainserve.core.models import User

from . import services
from .choices import Status
from .models import Category, Demand, StandardReply

REPLIES = {
    "policy": [("已受理，研究中", "您反映的政策诉求已收到，我单位正在对照现行政策研究，将在办理时限内书面答复。"),
               ("请按附件准备材料", "经研究，贵企业可按附件所列清单准备申报材料，材料齐备后报送我单位审核。")],
    "financing": [("已推送合作银行", "已将贵企业融资需求推送合作银行，银行客户经理将于三个工作日内与贵企业联系。")],
    "regulatory": [("沟通交流会议指引", "经与药品审评中心沟通，贵企业可通过申请人之窗提交沟通交流会议申请，我局将协助准备会议资料。")],
    "talent": [("人才政策指引", "贵企业可通过市人才服务平台申报相关人才项目，具体条件见附件政策原文。")],
}
PARTNER_ANSWER = "我行已与企业对接，拟提供科技贷款授信，正在开展尽职调查。"


def load():
    office, partner = (User.objects.get(username=name) for name in ("office", "partner"))
    categories = {c.slug: c for c in Category.objects.filter(slug__in=REPLIES)}
    for slug, replies in REPLIES.items():
        if slug in categories:
            for title, text in replies:
                StandardReply.objects.get_or_create(category=categories[slug], title=title, defaults={"text": text})
    # the two oldest financing demands being handled on the office's chains go to the partner bank too
    financing = Demand.objects.restrict(office).filter(category__slug="financing",
                                                       status=Status.DISPATCHED).order_by("created")[:2]
    for i, demand in enumerate(financing):
        demand = services.add_partner(demand, office, partner.organization, "请合作银行对接企业融资需求。")
        if i == 0:
            services.answer(demand, partner, PARTNER_ANSWER)
