"""The demo cluster: a fictional city (明湖市) with its biomedicine and big-health chain. Idempotent."""

import datetime
import random
from importlib import import_module

from django.db import connection, transaction
from stdnum.cn import uscc as stdnum_uscc

from chainserve.chains.choices import ChainLevel, PlacementRole, Stage
from chainserve.chains.models import Chain, Placement, Segment
from chainserve.core.choices import Role
from chainserve.core.models import User
from chainserve.registry.choices import (
    DrugClass,
    Expedited,
    ListingStatus,
    OrgKind,
    OrgSize,
    Phase,
    RelationKind,
)
from chainserve.registry.models import District, Label, Organization, Person, Product, Relationship

DEMO_PASSWORD = "chainserve-demo"
# Apps that add their own demo records (a module chainserve.<app>.demo with load()), in this order.
DEMO_APPS = ["chains", "resources", "matching", "reports"]
CITY = "明湖"
CHAIN_NAME = "明湖市大健康和生物技术产业链"

DISTRICTS = [("420901", "明湖区"), ("420902", "东岸区"), ("420903", "西山区"), ("420904", "南港区"),
             ("420905", "北城区"), ("420906", "生物城新区")]
LABELS = [("hitech", "高新技术企业"), ("srdi", "专精特新"), ("little-giant", "专精特新小巨人"),
          ("chain-owner", "链主"), ("gazelle", "瞪羚企业")]
PARKS = ["明湖生物城", "东岸医疗器械产业园", "西山中医药产业园", "南港大健康产业园", "北城医药物流园",
         "生物城新区细胞与基因治疗产业园", "明湖生命科学创新港", "东岸数字医疗产业园"]
DEPARTMENTS = ["明湖市人民政府", "明湖市发展和改革委员会", "明湖市经济和信息化局", "明湖市科学技术局",
               "明湖市人力资源和社会保障局", "明湖市地方金融管理局", "明湖市卫生健康委员会", "明湖市药品监督管理局",
               "明湖市自然资源和规划局", "明湖市市场监督管理局", "明湖市商务局", "明湖市投资促进局",
               "明湖市大健康产业链办公室", "生物城新区管委会", "生物城新区产业链办公室", "明湖市税务局"]
PARTY_ORGS = ["明湖市经信局机关党支部", "明湖市科技局机关党支部", "明湖市药监局机关党支部",
              "明湖市卫健委机关党支部", "明湖市人社局机关党支部", "明湖市金融局机关党支部",
              "明湖市商务局机关党支部", "生物城新区红链先锋队", "明湖市大健康产业链党建联盟", "东岸区机关工委"]
HOSPITALS = ["明湖市第一人民医院", "明湖市中心医院", "明湖大学附属协和医院", "明湖市中医医院",
             "明湖市妇幼保健院", "明湖市肿瘤医院", "东岸区人民医院", "西山区中西医结合医院",
             "明湖市传染病医院", "生物城新区国际医院"]
FINANCIAL = ["明湖农商银行", "明湖银行生物城支行", "江汉发展银行明湖分行", "长湖商业银行明湖分行",
             "明湖科技融资担保有限公司", "明湖产业投资集团有限公司", "澄远创业投资管理有限公司",
             "岚峰资本管理有限公司", "明湖科技保险有限公司", "东岸融资租赁有限公司", "朗曜私募基金管理有限公司",
             "明湖小额贷款有限公司"]
UNIVERSITIES = ["明湖大学", "明湖医科大学", "明湖中医药大学", "明湖生物医药研究院", "明湖药物创新研究院",
                "明湖医学检验中心", "明湖大学生命科学学院", "国家生物样本库明湖分库"]
ASSOCIATIONS = ["明湖市医药行业协会", "明湖市医疗器械行业协会", "明湖市生物技术产业联合会", "明湖市健康服务业协会"]
FUNDS = ["明湖生物医药产业基金", "明湖天使投资引导基金", "生物城新区创新基金", "明湖医疗器械成果转化基金",
         "明湖大健康产业母基金"]

BRAND_A = "澜岚澄蔚朗曜沐樾翎砚榕岱溪珩霁峤"
BRAND_B = "瑞康合和恒元启泽禾衡铂芯朔源研宁"
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀兰", "霞",
         "平", "刚", "桂英", "建华", "志强", "晓东", "海燕", "思远", "子涵", "雨桐"]

# (stage, name, GB/T 4754 code, import-dependent, industry word for firms there, children)
SEGMENTS = [
    (Stage.UPSTREAM, "研发外包服务（CRO/CDMO）", "M7340", False, "医药研发", []),
    (Stage.UPSTREAM, "化学原料药及中间体", "C271", False, "化学制药", []),
    (Stage.UPSTREAM, "药用辅料及包装材料", "C278", False, "药用材料", []),
    (Stage.UPSTREAM, "生物试剂与培养基", "", True, "生物试剂", []),
    (Stage.UPSTREAM, "高端科研仪器与核心部件", "C358", True, "仪器", []),
    (Stage.UPSTREAM, "合成生物学原料", "", False, "合成生物", []),
    (Stage.MIDSTREAM, "化学药品制剂", "C272", False, "药业", []),
    (Stage.MIDSTREAM, "生物药品制品", "C276", False, "生物制药", [
        ("基因工程药物和疫苗", "C2762", False, "基因技术"),
        ("抗体药物", "C2761", False, "生物医药"),
        ("细胞与基因治疗", "C2761", False, "细胞科技"),
    ]),
    (Stage.MIDSTREAM, "中药饮片与中成药", "C274", False, "中药", []),
    (Stage.MIDSTREAM, "医疗器械", "C358", False, "医疗器械", [
        ("高值医用耗材", "C358", False, "医疗科技"),
        ("体外诊断", "C358", False, "诊断技术"),
        ("医学影像设备", "C358", True, "医疗设备"),
    ]),
    (Stage.MIDSTREAM, "卫生材料及医药用品", "C277", False, "卫生材料", []),
    (Stage.DOWNSTREAM, "医药流通与零售", "F5151", False, "医药物流", []),
    (Stage.DOWNSTREAM, "医疗服务", "Q84", False, "医疗管理", []),
    (Stage.DOWNSTREAM, "健康管理与康养", "Q85", False, "健康科技", []),
    (Stage.DOWNSTREAM, "数字医疗", "I65", False, "数字健康", []),
    (Stage.DOWNSTREAM, "第三方医学检验", "Q8492", False, "医学检验", []),
]
EMPTY_SEGMENTS = {"合成生物学原料"}  # left without firms: the demo's gaps
SINGLE_SEGMENTS = {"医学影像设备", "卫生材料及医药用品"}

ROLE_USERS = [
    ("admin", Role.ADMIN, None, "平台管理员"),
    ("office", Role.OFFICE, "明湖市大健康产业链办公室", "周敏"),
    ("handler", Role.HANDLER, "明湖市药品监督管理局", "陈杰"),
    ("specialist", Role.SPECIALIST, "明湖市经济和信息化局", "李洋"),
    ("enterprise", Role.ENTERPRISE, "明湖澜泽基因技术有限公司", "王思远"),
    ("partner", Role.PARTNER, "明湖农商银行", "刘芳"),
]


def make_uscc(rng, district_code):
    body = "91" + district_code + "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(7))
    return body + stdnum_uscc.calc_check_digit(body)


class DemoBuilder:
    def __init__(self, seed=2026):
        self.rng = random.Random(seed)
        self.used_names = set()

    def person_name(self):
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def phone(self):
        return "+86" + self.rng.choice(["138", "139", "186", "177", "150"]) + "".join(
            self.rng.choice("0123456789") for _ in range(8))

    def org(self, name, kind, **fields):
        self.used_names.add(name)
        org = Organization(name=name, kind=kind, **fields)
        org.save()
        return org

    def enterprise_name(self, word, listed):
        while True:
            brand = self.rng.choice(BRAND_A) + self.rng.choice(BRAND_B)
            prefix = CITY if self.rng.random() < 0.6 else ""
            name = f"{prefix}{brand}{word}{'股份有限公司' if listed else '有限公司'}"
            if name not in self.used_names:
                return name

    def build(self):
        rng = self.rng
        districts = [District.objects.create(code=c, name=n) for c, n in DISTRICTS]
        labels = {slug: Label.objects.create(slug=slug, name=name) for slug, name in LABELS}
        parks = [self.org(n, OrgKind.PARK, district=rng.choice(districts)) for n in PARKS]
        simple = [(DEPARTMENTS, OrgKind.DEPARTMENT), (PARTY_ORGS, OrgKind.PARTY_ORG), (HOSPITALS, OrgKind.HOSPITAL),
                  (FINANCIAL, OrgKind.FINANCIAL), (UNIVERSITIES, OrgKind.UNIVERSITY),
                  (ASSOCIATIONS, OrgKind.ASSOCIATION), (FUNDS, OrgKind.FUND)]
        by_name = {}
        for names, kind in simple:
            for n in names:
                by_name[n] = self.org(n, kind, district=districts[0] if n.startswith(CITY) else districts[5],
                                      uscc=make_uscc(rng, "4209" + ("0" if kind == OrgKind.DEPARTMENT else "1") + "1")
                                      if kind in (OrgKind.FINANCIAL, OrgKind.FUND) else None)

        chain = Chain.objects.create(name=CHAIN_NAME, level=ChainLevel.CITY,
                                     office=by_name["明湖市大健康产业链办公室"],
                                     description="明湖市重点产业链之一，覆盖研发、制造、流通、服务全链条。")
        leader = Person.objects.create(name="赵建华", organization=by_name["明湖市人民政府"], title="副市长、链长")
        chain.leader = leader
        chain.save()

        enterprises = []
        segment_firms = {}
        position = 0
        for stage, name, code, imported, word, children in SEGMENTS:
            position += 1
            seg = Segment.objects.create(chain=chain, name=name, stage=stage, gbt_code=code,
                                         import_dependent=imported, position=position)
            leaves = [seg]
            if children:
                leaves = [Segment.objects.create(chain=chain, parent=seg, name=cn, stage=stage, gbt_code=cc,
                                                 import_dependent=ci, position=i)
                          for i, (cn, cc, ci, _w) in enumerate(children)]
                words = {c[0]: c[3] for c in children}
            else:
                words = {name: word}
            for leaf in leaves:
                if leaf.name in EMPTY_SEGMENTS:
                    continue
                n = 1 if leaf.name in SINGLE_SEGMENTS else rng.randint(8, 22)
                firms = []
                for _ in range(n):
                    firms.append(self.enterprise(words[leaf.name], districts, parks, labels))
                segment_firms[leaf] = firms
                enterprises.extend(firms)

        demo_firm = self.enterprise("基因技术", districts, parks, labels, name="明湖澜泽基因技术有限公司",
                                    district=districts[5], park=parks[5], listing=ListingStatus.RESERVE,
                                    founded=datetime.date(2016, 3, 18), employees=260)
        Product.objects.create(organization=demo_firm, name="LZ-082 基因治疗注射液", kind="drug",
                               indication="遗传性视神经病变", drug_class=DrugClass.BIO_1, phase=Phase.PHASE_3,
                               expedited=[Expedited.BREAKTHROUGH])
        gene_leaf = next(s for s in segment_firms if s.name == "细胞与基因治疗")
        segment_firms[gene_leaf].insert(0, demo_firm)
        enterprises.append(demo_firm)

        # Roles on the chain: the biggest firm of some segments is a chain owner, a few more are backbone.
        for seg, firms in segment_firms.items():
            for i, firm in enumerate(firms):
                if i == 0 and len(firms) > 10 and seg.stage != Stage.DOWNSTREAM:
                    role = PlacementRole.CHAIN_OWNER
                    firm.labels.add(labels["chain-owner"])
                elif i < 4 and len(firms) > 3:
                    role = PlacementRole.BACKBONE
                else:
                    role = PlacementRole.SUPPORTING
                Placement.objects.create(segment=seg, organization=firm, role=role)
        cro = Segment.objects.get(chain=chain, name="研发外包服务（CRO/CDMO）")
        for name in UNIVERSITIES[:5] + HOSPITALS[:3]:
            Placement.objects.create(segment=cro, organization=by_name[name], role=PlacementRole.CARRIER)

        # A district chain, under the city chain.
        dchain = Chain.objects.create(name="生物城新区生物医药产业链", level=ChainLevel.DISTRICT,
                                      district=districts[5], parent=chain,
                                      office=by_name["生物城新区产业链办公室"])
        dchain.leader = Person.objects.create(name="孙志强", organization=by_name["生物城新区管委会"],
                                              title="管委会主任、区链长")
        dchain.save()
        for i, (stage, name) in enumerate([(Stage.UPSTREAM, "研发服务平台"), (Stage.MIDSTREAM, "细胞与基因治疗"),
                                           (Stage.MIDSTREAM, "抗体药物"), (Stage.DOWNSTREAM, "临床试验服务")]):
            dseg = Segment.objects.create(chain=dchain, name=name, stage=stage, position=i)
            local = [f for f in enterprises if f.district_id == districts[5].pk][i::4][:6]
            for firm in local:
                Placement.objects.create(segment=dseg, organization=firm, role=PlacementRole.SUPPORTING)

        # People: one or two contacts per organisation.
        people = []
        for org in Organization.objects.exclude(pk__in=[leader.organization_id]).order_by("pk"):
            for title in (["总经理", "办公室主任"] if org.kind == OrgKind.ENTERPRISE else ["主任", "联络员"])[
                    : rng.randint(1, 2)]:
                name = self.person_name()
                people.append(Person(name=name, organization=org, title=title, phone=self.phone(),
                                     email=f"contact{org.pk}.{len(people)}@example.cn"))
        for p in people:
            p.save()

        # Relationships of every kind.
        def rel(src, kind, dst, year):
            Relationship.objects.get_or_create(source=src, kind=kind, target=dst,
                                               started_on=datetime.date(year, rng.randint(1, 12), 1))

        for firm in rng.sample(enterprises, 60):
            rel(firm, RelationKind.SUPPLIES, rng.choice(enterprises), rng.randint(2019, 2026))
        for h in HOSPITALS:
            for firm in rng.sample(enterprises, 3):
                rel(by_name[h], RelationKind.COOPERATES, firm, rng.randint(2022, 2026))
        for p in PARTY_ORGS[:8]:
            for firm in rng.sample(enterprises, 2):
                rel(by_name[p], RelationKind.PAIRED, firm, rng.randint(2023, 2026))
        for d in DEPARTMENTS[2:8]:
            rel(by_name[d], RelationKind.INSTRUCTOR, rng.choice(enterprises), 2025)
        for firm in rng.sample(enterprises, 40):
            rel(firm, RelationKind.MEMBER, by_name[rng.choice(ASSOCIATIONS)], rng.randint(2018, 2026))
        for firm in rng.sample(enterprises, 5):
            parent = rng.choice(enterprises)
            if parent != firm:
                rel(firm, RelationKind.SUBSIDIARY, parent, rng.randint(2015, 2024))
        rel(by_name[PARTY_ORGS[2]], RelationKind.PAIRED, demo_firm, 2025)
        rel(by_name[HOSPITALS[2]], RelationKind.COOPERATES, demo_firm, 2024)

        self.users(chain)
        self.demands(chain, enterprises, by_name)
        self.coordination(chain, enterprises, by_name)

    def enterprise(self, word, districts, parks, labels, name=None, district=None, park=None, listing=None,
                   founded=None, employees=None):
        rng = self.rng
        roll = rng.random()
        listing = listing or (ListingStatus.LISTED if roll < 0.06 else
                              ListingStatus.RESERVE if roll < 0.14 else ListingStatus.NONE)
        district = district or rng.choice(districts)
        employees = employees if employees is not None else int(rng.lognormvariate(4.2, 1.0)) + 5
        size = (OrgSize.LARGE if employees >= 1000 else OrgSize.MEDIUM if employees >= 300
                else OrgSize.SMALL if employees >= 20 else OrgSize.MICRO)
        firm = self.org(
            name or self.enterprise_name(word, listing == ListingStatus.LISTED), OrgKind.ENTERPRISE,
            uscc=make_uscc(rng, district.code), district=district,
            park=park or (rng.choice(parks) if rng.random() < 0.7 else None),
            founded_on=founded or datetime.date(rng.randint(1995, 2025), rng.randint(1, 12), rng.randint(1, 28)),
            size=size, employees=employees, listing_status=listing,
            address=f"{district.name}{rng.choice(['光明', '创新', '高新', '生命', '健康'])}大道{rng.randint(1, 999)}号",
        )
        chosen = [labels["hitech"]] if rng.random() < 0.45 else []
        if rng.random() < 0.2:
            chosen.append(labels["srdi"])
        if rng.random() < 0.05:
            chosen.append(labels["little-giant"])
        firm.labels.set(chosen)
        if word in {"生物制药", "基因技术", "生物医药", "细胞科技", "药业", "化学制药", "中药"} and rng.random() < 0.5:
            phase = rng.choice(list(Phase))
            Product.objects.create(
                organization=firm, name=f"{rng.choice('ABCDEFGHJKLMNPRSTXYZ')}{rng.choice('ABCDEFGHJKLMNPRSTXYZ')}-"
                f"{rng.randint(100, 999)}", kind="drug", indication=rng.choice(
                    ["非小细胞肺癌", "2型糖尿病", "类风湿关节炎", "阿尔茨海默病", "乙型肝炎", "慢性肾病", "银屑病"]),
                drug_class=rng.choice(list(DrugClass)), phase=phase,
                expedited=[rng.choice(list(Expedited))] if rng.random() < 0.2 else [],
                approved_on=datetime.date(rng.randint(2020, 2026), rng.randint(1, 12), 1)
                if phase == Phase.APPROVED else None,
            )
        return firm

    def demands(self, chain, enterprises, by_name):
        """Demands in every state, so that queues, inboxes and metrics show something."""
        from chainserve.demands import services as ds
        from chainserve.demands.models import Category, DispatchRule

        rng = self.rng
        users = {u.username: u for u in User.objects.all()}
        cats = {c.slug: c for c in Category.objects.all()}
        rules = {"financing": ("明湖市地方金融管理局", ["明湖市经济和信息化局"]),
                 "site": ("明湖市自然资源和规划局", ["明湖市投资促进局"]),
                 "regulatory": ("明湖市药品监督管理局", []), "talent": ("明湖市人力资源和社会保障局", []),
                 "clinical": ("明湖市卫生健康委员会", ["明湖市药品监督管理局"]),
                 "policy": ("明湖市经济和信息化局", []), "public-service": ("明湖市发展和改革委员会", []),
                 "market": ("明湖市卫生健康委员会", ["明湖市商务局"])}
        for slug, (lead, co) in rules.items():
            rule = DispatchRule.objects.create(category=cats[slug], lead_department=by_name[lead])
            rule.co_departments.set([by_name[c] for c in co])
        office, handler, specialist = users["office"], users["handler"], users["specialist"]
        demo_firm = Organization.objects.get(name="明湖澜泽基因技术有限公司")
        for i in range(48):
            slug, title, text = DEMAND_SAMPLES[i % len(DEMAND_SAMPLES)]
            if i % 6 == 0:
                firm, author, channel = demo_firm, users["enterprise"], "portal"
            else:
                firm, author, channel = rng.choice(enterprises), specialist, rng.choice(
                    ["visit", "symposium", "hotline", "meeting"])
            d = ds.submit(author, ds.Intake(organization=firm, category=cats[slug], title=title, description=text,
                                            channel=channel, chain=chain))
            stage = i % 8
            if stage == 0:
                continue  # left new, in the dispatch queue
            lead, co = ds.suggest_departments(d)
            if slug == "regulatory" or stage == 1:
                lead, co = by_name["明湖市药品监督管理局"], co
            d = ds.dispatch(d, office, lead, co)
            if stage == 1:
                continue  # in the handler's inbox
            # Departments without demo users are acted for by the platform admin.
            actor = handler if d.lead_department_id == handler.organization_id else users["admin"]
            if stage == 2 and actor is handler:
                ds.ask(d, handler, "请补充临床试验方案摘要和已开展的沟通记录。")
                continue
            d = ds.answer(d, actor, "已收到，正在会同相关部门研究办理。")
            if stage == 3:
                continue
            resolved = stage != 4
            d = ds.close(d, actor, resolved,
                         "已协调解决。" if resolved else "受现行政策限制暂无法解决，已纳入政策储备研究。")
            if d.organization_id == demo_firm.pk:
                ds.rate(d, users["enterprise"], "satisfied" if resolved else "unsatisfied", "感谢协调。")

    def coordination(self, chain, enterprises, by_name):
        """The chain's committee, a past and a next joint meeting, activities, sign-ups and agreements."""
        from django.utils import timezone

        from chainserve.coordination import services as cs
        from chainserve.coordination.choices import ActivityKind, MemberRole
        from chainserve.coordination.models import Activity, Agreement, Committee, CommitteeMember, Meeting
        from chainserve.demands import services as ds
        from chainserve.demands.models import Demand

        rng = self.rng
        users = {u.username: u for u in User.objects.all()}
        office = users["office"]
        now = timezone.now()
        committee = Committee.objects.create(chain=chain, name="明湖市大健康产业链党建工作协调委员会",
                                             convener=chain.leader, established_on=datetime.date(2025, 3, 1))
        members = [("明湖市大健康产业链办公室", MemberRole.CONVENER)] + [
            (n, MemberRole.MEMBER) for n in DEPARTMENTS[1:10]] + [("明湖生物城", MemberRole.MEMBER),
                                                                 (PARTY_ORGS[8], MemberRole.LIAISON)]
        for name, role in members:
            org = by_name.get(name) or Organization.objects.get(name=name)
            CommitteeMember.objects.create(committee=committee, organization=org, role=role,
                                           started_on=datetime.date(2025, 3, 1))
        CommitteeMember.objects.create(committee=committee, organization=by_name["明湖市税务局"],
                                       role=MemberRole.MEMBER, started_on=datetime.date(2025, 3, 1),
                                       ended_on=datetime.date(2025, 12, 31))

        # Two open demands go up to the joint meeting: one is decided at the past meeting, one waits for the next.
        open_demands = list(Demand.objects.filter(chain=chain, status="dispatched").order_by("pk")[:2])
        for d in open_demands:
            for _ in range(3):
                d = ds.escalate(d, office, "涉及多个部门，需提请联席会议协调。")
        past = Meeting.objects.create(committee=committee, title="2026年第一次联席会议",
                                      starts_at=now - datetime.timedelta(days=30), location="明湖市政府3号会议室")
        [first] = cs.build_agenda(past, office)[:1] or [None]
        cs.add_topic(past, office, "通报年度服务项目清单推进情况")
        for org in [by_name["明湖市大健康产业链办公室"], by_name["明湖市经济和信息化局"],
                    by_name["明湖市药品监督管理局"], by_name["明湖市自然资源和规划局"]]:
            cs.record_attendance(past, office, org, self.person_name())
        if first is not None:
            decision = cs.decide(past, office, cs.DecisionInput(
                text="由市药监局牵头，会同卫健委一周内完成协调并书面答复企业。", owner=by_name["明湖市药品监督管理局"],
                due_on=(now - datetime.timedelta(days=20)).date(), agenda_item=first, resolves_demand=True))
            cs.update_action(decision.action_item, users["handler"], "已书面答复企业，问题已解决。", done=True)
        cs.decide(past, office, cs.DecisionInput(
            text="市自然资源和规划局梳理生物城可用工业用地清单。", owner=by_name["明湖市自然资源和规划局"],
            due_on=(now + datetime.timedelta(days=15)).date()))
        cs.record_minutes(past, office, "会议听取了链办关于企业诉求办理情况的汇报，研究了跨部门协调事项。")
        Meeting.objects.create(committee=committee, title="2026年第二次联席会议",
                               starts_at=now + datetime.timedelta(days=14), location="明湖市政府3号会议室")

        demo_firm = Organization.objects.get(name="明湖澜泽基因技术有限公司")
        specs = [
            (ActivityKind.BANK_MATCH, "生物医药企业银企对接会", 12, "明湖农商银行"),
            (ActivityKind.HOSPITAL_MATCH, "医企协同创新对接会", 20, "明湖大学附属协和医院"),
            (ActivityKind.PARTY_DAY, "产业链联合主题党日", 25, PARTY_ORGS[8]),
            (ActivityKind.TRAINING, "创新药申报政策培训", 5, "明湖市药品监督管理局"),
            (ActivityKind.SIGNING, "生物医药产业投资签约仪式", -40, "明湖市投资促进局"),
            (ActivityKind.FORUM, "明湖生命健康产业论坛", -25, "明湖市医药行业协会"),
            (ActivityKind.SYMPOSIUM, "重点企业座谈会", -10, "明湖市大健康产业链办公室"),
        ]
        activities = {}
        for kind, title, days, organizer in specs:
            a = Activity.objects.create(chain=chain, kind=kind, title=title, organizer=by_name.get(organizer),
                                        starts_at=(now + datetime.timedelta(days=days)).replace(
                                            hour=1, minute=30, second=0, microsecond=0),
                                        location="明湖生物城会议中心", capacity=80,
                                        open_to_enterprises=kind != ActivityKind.PARTY_DAY)
            activities[kind] = a
        for firm in rng.sample(enterprises, 4):
            if firm.pk != demo_firm.pk:
                cs.sign_up(activities[ActivityKind.BANK_MATCH], office, firm,
                           [(self.person_name(), "财务总监", ""), (self.person_name(), "总经理", "")])
        for kind, outcome, leads in [(ActivityKind.SIGNING, "现场签约产业投资意向6项。", 6),
                                     (ActivityKind.FORUM, "发布产业链机会清单，收集企业诉求8条。", 3),
                                     (ActivityKind.SYMPOSIUM, "12家重点企业参会，现场答复问题5个。", 0)]:
            cs.record_outcome(activities[kind], office, outcome, leads_found=leads, demands_raised=leads + 2)
        agreements = [
            ("credit", "综合授信协议", "明湖农商银行", demo_firm, 5_000_000_000, ActivityKind.SIGNING),
            ("credit", "科技贷款授信", "明湖银行生物城支行", rng.choice(enterprises), 30_000_000_000, ActivityKind.SIGNING),
            ("investment", "细胞治疗产业化基地投资意向", "明湖产业投资集团有限公司", rng.choice(enterprises),
             120_000_000_000, ActivityKind.SIGNING),
            ("cooperation", "多中心临床试验合作协议", "明湖大学附属协和医院", demo_firm, None, ActivityKind.FORUM),
        ]
        for kind, title, institution, firm, fen, at in agreements:
            a = Agreement(chain=chain, kind=kind, title=title, institution=by_name[institution], enterprise=firm,
                          amount_fen=fen, signed_on=timezone.localdate(activities[at].starts_at),
                          activity=activities[at])
            a._history_user = office
            a.save()
        self.party_building(chain, enterprises, by_name, users, demo_firm)
        self.annual_list(chain, by_name, users)

    def party_building(self, chain, enterprises, by_name, users, demo_firm):
        """The chain's alliance, "1+1" pairings, instructors, the coverages of the placed firms, and visits."""
        from chainserve.coordination.choices import CoverageKind, InstructorKind, MemberRole
        from chainserve.coordination.models import (
            Alliance,
            AllianceMember,
            Coverage,
            InstructorAssignment,
            Pairing,
            Visit,
        )

        rng, year = self.rng, datetime.date(2025, 1, 1)
        alliance = Alliance.objects.create(chain=chain, name="明湖市大健康产业链党建联盟", founded_on=year,
                                           description="链上党组织、企业和服务机构共建共享。")
        units = [(PARTY_ORGS[8], MemberRole.CONVENER), ("明湖市大健康产业链办公室", MemberRole.CONVENER),
                 (HOSPITALS[2], MemberRole.MEMBER), ("明湖农商银行", MemberRole.MEMBER)]
        units += [(f.name, MemberRole.MEMBER) for f in rng.sample(enterprises, 6) if f.pk != demo_firm.pk]
        for name, role in units:
            AllianceMember.objects.create(alliance=alliance, organization=by_name.get(name) or Organization.objects.get(
                name=name), role=role, started_on=year)
        AllianceMember.objects.create(alliance=alliance, organization=by_name[HOSPITALS[0]], role=MemberRole.MEMBER,
                                      started_on=year, ended_on=datetime.date(2025, 12, 31))
        for i, firm in enumerate(rng.sample(enterprises, 12) + [demo_firm]):
            Pairing.objects.create(agency_branch=by_name[PARTY_ORGS[i % 8]], enterprise=firm,
                                   enterprise_branch=f"{firm.short_name or firm.name[:6]}党支部",
                                   started_on=datetime.date(2025, 3 + i % 6, 1))
        InstructorAssignment.objects.create(enterprise=demo_firm, user=users["specialist"], kind=InstructorKind.FULL_TIME,
                                            started_on=year)
        officials = list(Person.objects.filter(organization__kind=OrgKind.DEPARTMENT).order_by("pk")[:40])
        for firm in rng.sample(enterprises, 8):
            InstructorAssignment.objects.create(enterprise=firm, person=rng.choice(officials),
                                                kind=InstructorKind.PART_TIME,
                                                started_on=datetime.date(2025, rng.randint(1, 12), 1))
        placed = list(Organization.objects.filter(kind=OrgKind.ENTERPRISE, placements__chain=chain).distinct())
        for firm in placed:
            kinds = [k for k, share in [(CoverageKind.PARTY_ORG, 0.7), (CoverageKind.PARTY_WORK, 0.9),
                                        (CoverageKind.UNION, 0.8), (CoverageKind.YOUTH_LEAGUE, 0.4)]
                     if firm.pk == demo_firm.pk or rng.random() < share]
            for kind in kinds:
                Coverage.objects.create(enterprise=firm, kind=kind, started_on=datetime.date(
                    rng.randint(2015, 2026), rng.randint(1, 12), 1))
        today = datetime.date.today()
        for days, who, purpose in [(3, "specialist", "了解二期项目用地需求"), (9, "office", "走访调研融资情况"),
                                   (40, "specialist", "政策宣讲")]:
            visit = Visit(organization=demo_firm, visitor=users[who], visited_on=today - datetime.timedelta(days=days),
                          purpose=purpose, notes="企业反映情况良好。")
            visit._history_user = users[who]
            visit.save()

    def annual_list(self, chain, by_name, users):
        """The year's service project list, imported from rows as an office would, with progress reported."""
        from chainserve.coordination import services as cs
        from chainserve.coordination.models import AnnualList, ListItem

        office = users["office"]
        year = datetime.date.today().year
        annual = AnnualList.objects.create(chain=chain, year=year, kind="service",
                                           title=f"{CHAIN_NAME}{year}年服务项目清单")
        rows = [
            ("1", "", "生物城标准厂房建设", "生物城新区管委会", 3, f"{year}-03-31 完成选址；{year}-06-30 主体开工"),
            ("1.1", "1", "一期GMP标准厂房", "生物城新区管委会", 2, f"{year}-09-30 主体完工"),
            ("1.2", "1", "配套公共实验平台", "明湖市科学技术局", 1, f"{year}-11-30 投入使用"),
            ("2", "", "产业链金融服务专项", "明湖市地方金融管理局", 2, f"{year}-06-30 举办银企对接会4场"),
            ("3", "", "创新药械进院绿色通道", "明湖市卫生健康委员会", 1, f"{year}-12-31 形成工作机制"),
        ]
        for code, parent, title, owner, weight, milestones in rows:
            item = ListItem(annual_list=annual, code=code, title=title, owner=by_name[owner], weight=weight,
                            parent=ListItem.objects.filter(annual_list=annual, code=parent).first())
            cs.save_item(office, item)
            for due_on, text in cs.parse_milestones(milestones):
                cs.add_milestone(item, office, due_on, text)
        for code, text, progress in [("1.1", "厂房主体结构封顶。", 60), ("1.2", "完成设备招标。", 30),
                                     ("2", "已举办银企对接会2场，授信3.5亿元。", 50), ("3", "起草工作方案。", 10)]:
            cs.post_update(ListItem.objects.get(annual_list=annual, code=code), office, text, progress=progress)

    def users(self, chain):
        for username, role, org_name, display in ROLE_USERS:
            user = User(username=username, role=role, first_name=display,
                        organization=Organization.objects.filter(name=org_name).first() if org_name else None,
                        is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role == Role.OFFICE:
                chain.staff.add(user)
                chain.district_chains.first().staff.add(user)


DEMAND_SAMPLES = [
    ("financing", "申请科技贷款贴息", "公司研发投入大，流动资金紧张，希望了解科技贷款贴息政策并获得银行对接。"),
    ("site", "寻找约1500平方米GMP厂房", "二期项目需约1500平方米符合GMP要求的厂房，希望推荐园区并争取租金减免。"),
    ("regulatory", "申请与药审中心沟通交流会", "III期临床方案需与审评机构沟通，希望协助预约沟通交流会议。"),
    ("talent", "高层次人才落户与子女入学", "新引进的首席科学家需办理落户及子女入学，希望协调。"),
    ("clinical", "对接三甲医院开展临床试验", "希望对接具备GCP资质的医院牵头开展多中心临床试验。"),
    ("policy", "咨询专精特新企业认定条件", "希望了解专精特新企业认定条件和申报时间。"),
    ("public-service", "园区道路与公交线路优化", "园区通勤不便，希望增设公交线路。"),
    ("market", "创新产品进入医院采购目录", "公司创新医疗器械已获批，希望推动进入医疗机构采购目录。"),
]


def load_demo(stdout=None):
    """Load the demo cluster once; later calls change nothing. Returns True if it was loaded now."""
    if Chain.objects.filter(name=CHAIN_NAME).exists():
        return False
    with transaction.atomic():
        DemoBuilder().build()
        for app in DEMO_APPS:
            import_module(f"chainserve.{app}.demo").load()
        _analyze()
    return True


def _analyze():
    """PostgreSQL: give the planner the tables' sizes now. Tables it has never analysed look empty to it, and
    over a few hundred rows it then nests scoped subqueries in loops that take minutes (a specialist's
    people list took over 8 CPU-minutes in a test); autovacuum would come too late for the first requests,
    and never inside a test's transaction (whose own rows ANALYZE counts)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
