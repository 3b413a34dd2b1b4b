"""Demo records of this app, built on the demo cluster of chainserve.demo: 明湖市's policies, financial
products, spaces, shared platforms, experts, talent programmes and achievements, most of them published."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from chainserve.core.choices import Role
from chainserve.core.models import User
from chainserve.registry.models import Organization

from . import services
from .choices import PlatformKind, PolicyLevel, ProductKind, SpaceKind, TransferMode
from .models import Achievement, Equipment, Expert, FinancialProduct, Policy, Space, TalentProgramme

POLICIES = [
    ("明湖市促进生物医药产业高质量发展若干政策", "明湖市经济和信息化局", "明政规〔2025〕3号",
     "对获批上市的1类创新药，按研发投入的20%给予最高3000万元奖励；对进入III期临床的创新药给予最高1000万元支持。",
     "企业通过产业链服务平台在线申报，提交临床批件或注册证书、研发投入专项审计报告。", False,
     ["创新药", "研发", "临床试验"]),
    ("明湖市科技型中小企业科技贷款贴息办法", "明湖市科学技术局", "明科规〔2025〕1号",
     "对科技型中小企业当年新增科技贷款，按实际支付利息的50%给予贴息，单户每年最高100万元。",
     "系统根据银行放款数据自动比对，符合条件的企业免申即享，贴息资金直接拨付。", True,
     ["融资", "科技贷款", "贴息"]),
    ("明湖市首台（套）医疗器械推广应用支持政策", "明湖市经济和信息化局", "明经信规〔2025〕7号",
     "对认定为首台（套）的高端医疗器械，按首年销售额的10%给予最高500万元奖励。",
     "每年二季度集中申报，需提供首台（套）认定文件及销售合同、发票。", False, ["医疗器械", "首台套"]),
    ("生物城新区GMP厂房租金补贴实施细则", "生物城新区管委会", "明生管发〔2025〕12号",
     "入驻生物城新区的生物医药企业租用GMP厂房，前三年按租金的50%给予补贴，每年最高200万元。",
     "签订租赁合同后三个月内向管委会申报，附租赁合同和GMP符合性检查报告。", False, ["厂房", "租金补贴", "选址"]),
    ("明湖市专精特新中小企业培育奖励", "明湖市经济和信息化局", "明经信规〔2024〕15号",
     "对新认定的国家级专精特新“小巨人”企业一次性奖励50万元，省级专精特新企业奖励20万元。",
     "依据认定名单免申即享，奖励资金直接拨付至企业账户。", True, ["专精特新", "奖励"]),
    ("明湖市高层次人才安居保障办法", "明湖市人力资源和社会保障局", "明人社规〔2025〕2号",
     "对引进的顶尖人才提供最高300万元购房补贴或免租入住人才公寓，子女入学统筹安排。",
     "用人单位通过人才服务窗口申报，提供劳动合同、社保缴纳证明和人才认定材料。", False, ["人才", "安居"]),
]
PRODUCTS = [
    ("科创贷", "明湖农商银行", ProductKind.CREDIT, 1_000_000, 30_000_000, "1–3年", "LPR+0.3%，可享市级贴息",
     "面向高新技术企业的信用贷款，无需抵押，最快5个工作日放款。", ["融资", "科技贷款"]),
    ("知识产权质押贷", "明湖银行生物城支行", ProductKind.IP_PLEDGE, 500_000, 50_000_000, "1–3年", "LPR+0.5%",
     "以发明专利、药品注册批件为质押，评估费由政府补贴。", ["融资", "知识产权"]),
    ("生物医药研发担保", "明湖科技融资担保有限公司", ProductKind.GUARANTEE, 1_000_000, 20_000_000, "1年",
     "担保费率1%", "为临床阶段企业的银行贷款提供担保，担保费率低于市场水平。", ["融资", "担保"]),
    ("生物医药产业基金直投", "明湖生物医药产业基金", ProductKind.EQUITY, 10_000_000, 200_000_000, "5–7年", "股权投资",
     "重点投资创新药、细胞与基因治疗和高端医疗器械项目。", ["股权投资", "创新药"]),
]
SPACES = [
    ("明湖生物城B3栋GMP标准厂房", "明湖生物城", SpaceKind.GMP, "明湖生物城高新大道88号B3栋", 1600, "1.2元/m²/天，前三年补贴50%",
     ["厂房", "GMP"]),
    ("生命科学创新港孵化实验室", "明湖生命科学创新港", SpaceKind.LAB, "创新港2号楼4层", 300, "首年免租", ["实验室", "孵化"]),
    ("细胞与基因治疗产业园洁净车间", "生物城新区细胞与基因治疗产业园", SpaceKind.GMP, "新区科创路6号", 2400,
     "面议", ["厂房", "细胞治疗"]),
]
EQUIPMENT = [
    ("国家生物样本库明湖分库", "国家生物样本库明湖分库", PlatformKind.BIOBANK,
     "提供肿瘤、心血管等疾病样本及数据，经伦理审查后开放使用。", ["样本库", "临床研究"]),
    ("协和医院国家药物临床试验机构", "明湖大学附属协和医院", PlatformKind.GCP_SITE,
     "具备I–IV期药物和医疗器械临床试验资质，承接多中心试验。", ["临床试验", "GCP"]),
    ("明湖医科大学高分辨质谱平台", "明湖医科大学", PlatformKind.INSTRUMENT,
     "按机时收费，校外企业享受校内价格，提前三个工作日预约。", ["仪器共享", "检测"]),
    ("区域医疗临床研究数据平台", "明湖市第一人民医院", PlatformKind.CLINICAL_DATA,
     "脱敏电子病历与随访数据，经数据安全评估和伦理审查后开放科研使用。", ["临床数据", "真实世界研究"]),
]
EXPERTS = [
    ("张建华", "明湖大学附属协和医院", "主任医师、教授", "肿瘤临床试验设计", ["临床试验"]),
    ("林海燕", "明湖药物创新研究院", "研究员", "抗体药物工艺开发", ["抗体药物", "工艺"]),
    ("何志强", "明湖医科大学", "教授", "医疗器械注册与质量体系", ["医疗器械", "注册"]),
]
TALENT = [
    ("明湖英才计划·产业领军人才", "明湖市人力资源和社会保障局",
     "入选者给予最高500万元项目资助和100万元安家补贴。", ["人才", "领军人才"]),
    ("生物城新区青年科学家支持计划", "生物城新区管委会", "每人每年30万元科研经费，连续支持三年。", ["人才", "青年科学家"]),
]
ACHIEVEMENTS = [
    ("新型AAV载体眼科基因治疗技术", "明湖大学生命科学学院", "基因治疗", TransferMode.LICENCE, "ZL202110000001.X",
     "临床前", ["基因治疗", "成果转化"]),
    ("双特异性抗体平台技术", "明湖药物创新研究院", "抗体药物", TransferMode.COOPERATION, "ZL202010000002.5",
     "中试", ["抗体药物", "成果转化"]),
    ("中药经典名方物质基准研究", "明湖中医药大学", "中药", TransferMode.TRANSFER, "ZL201910000003.1", "小试",
     ["中药", "成果转化"]),
]


def load():
    """Add this app's demo records; called once, inside the demo's transaction."""
    admin = User.objects.filter(role=Role.ADMIN).first()
    org = {o.name: o for o in Organization.objects.all()}
    today = timezone.localdate()
    items = []
    for title, issuer, number, benefit, guide, automatic, tags in POLICIES:
        items.append((Policy(title=title, issuer=org[issuer], level=PolicyLevel.CITY, document_number=number,
                             benefit=benefit, application_guide=guide, granted_without_application=automatic,
                             effective_from=datetime.date(today.year, 1, 1),
                             effective_to=datetime.date(today.year + 2, 12, 31)), tags))
    for title, owner, kind, low, high, term, rate, text, tags in PRODUCTS:
        items.append((FinancialProduct(title=title, institution=org[owner], kind=kind, amount_min=low,
                                       amount_max=high, term=term, rate=rate, benefit=text), tags))
    for title, park, kind, address, area, rent, tags in SPACES:
        items.append((Space(title=title, park=org[park], kind=kind, address=address, area_m2=area, rent=rent,
                            available_from=today + datetime.timedelta(days=30)), tags))
    for title, owner, kind, terms, tags in EQUIPMENT:
        items.append((Equipment(title=title, owner=org[owner], kind=kind, booking_terms=terms), tags))
    for name, owner, position, field, tags in EXPERTS:
        items.append((Expert(title=name, organization=org[owner], position=position, expertise=field), tags))
    for title, issuer, benefit, tags in TALENT:
        items.append((TalentProgramme(title=title, issuer=org[issuer], benefit=benefit,
                                      apply_until=today + datetime.timedelta(days=90)), tags))
    for title, owner, field, mode, patents, maturity, tags in ACHIEVEMENTS:
        items.append((Achievement(title=title, owner=org[owner], technical_field=field, transfer_mode=mode,
                                  patents=patents, maturity=maturity), tags))
    for item, tags in items:
        services.save_item(admin, item, tags)
    # The last policy stays a draft, so the demo shows both.
    for item, _tags in items[:5] + items[6:]:
        services.publish(item, admin)
    load_applications(admin, items[0][0])


def load_applications(admin, policy):
    """A few enterprises' applications for the first policy, at each stage of the road to payment: paid and
    confirmed, on public notice, returned for more, just submitted — written through the services on the days
    they happened (core.clock)."""
    from chainserve.core.clock import frozen

    from . import applications

    firms = list(User.objects.filter(role=Role.ENTERPRISE, organization__isnull=False, is_active=True)
                 .order_by("pk")[:4])
    reviewer = User.objects.filter(role=Role.HANDLER, organization_id=policy.issuer_id).order_by("pk").first() or admin
    now = timezone.now()
    stories = [
        # days ago it was submitted, the steps after it, the amount applied for (fen)
        (40, ("approve", "publicise", "pay", "receive"), 120_000_000),
        (8, ("approve", "publicise"), 80_000_000),
        (12, ("return",), 200_000_000),
        (2, (), 50_000_000),
    ]
    for user, (days, steps, amount) in zip(firms, stories, strict=False):
        with frozen(now - datetime.timedelta(days=days)) as clock:
            a = applications.apply(policy, user, amount=amount, inputs={"研发投入（元）": amount * 5 // 100},
                                   statement="按政策第三条申报研发投入奖励。")
            for step in steps:
                clock.advance(days=3)
                if step == "approve":
                    a = applications.approve(a, reviewer, amount=amount * 8 // 10, note="经审核，符合条件。")
                elif step == "publicise":
                    a = applications.publicise(a, reviewer)
                elif step == "pay":
                    clock.advance(days=10)
                    voucher = ContentFile(b"%PDF-1.4\n", name="拨付凭证.pdf")
                    a = applications.pay(a, reviewer, voucher=voucher, note="已通过国库集中支付拨付。")
                elif step == "receive":
                    a = applications.confirm_receipt(a, user, note="已到账，谢谢。")
                elif step == "return":
                    a = applications.return_for_more(a, reviewer, note="请补充研发投入专项审计报告。")
