"""The demo's cluster as it stands: organisations, the city chain and a district chain, their firms (sizes that
fit their roles on the chain), people, relationships, and the users of the platform."""

import datetime
from dataclasses import dataclass, field

from simple_history.utils import bulk_create_with_history
from stdnum.cn import uscc as stdnum_uscc

from chainserve.chains.choices import ChainLevel, PlacementRole, Stage
from chainserve.chains.models import Chain, Placement, Segment
from chainserve.core.choices import STAFF_ROLES, Role
from chainserve.core.models import Region, RegionLevel, User
from chainserve.core.search import Searchable, fill_search_text
from chainserve.registry.choices import (
    ApprovalType,
    DrugClass,
    Expedited,
    ListingStatus,
    OrgKind,
    OrgSize,
    Phase,
    ProductKind,
    RelationKind,
)
from chainserve.registry.models import Label, Organization, Person, Product, Relationship

from . import names as n

DEMO_PASSWORD = "chainserve-demo"
INDICATIONS = ["非小细胞肺癌", "2型糖尿病", "类风湿关节炎", "阿尔茨海默病", "乙型肝炎", "慢性肾病", "银屑病",
               "胃癌", "视神经萎缩", "血友病"]
DOSAGE_FORMS = {"生物制药": "注射液", "基因技术": "注射液", "生物医药": "单抗注射液", "细胞科技": "细胞注射液",
                "药业": "片", "化学制药": "胶囊", "中药": "颗粒"}
DEVICES = {"医疗器械": ["一次性使用电子内窥镜", "冠脉药物洗脱支架", "骨科手术导航系统"],
           "医疗科技": ["可吸收止血材料", "人工晶状体", "血液透析器"],
           "诊断技术": ["全自动化学发光免疫分析仪", "呼吸道病原体核酸联检试剂盒", "肿瘤标志物检测试剂盒"],
           "医疗设备": ["便携式彩色超声诊断仪", "数字化X射线摄影系统"], "卫生材料": ["医用防护口罩", "水胶体敷料"],
           "仪器": ["高分辨质谱离子源", "超高效液相色谱仪"]}
CLASS_1 = [DrugClass.BIO_1, DrugClass.CHEM_1, DrugClass.TCM_1]


def make_uscc(rng, district_code):
    body = "91" + district_code + "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(7))
    return body + stdnum_uscc.calc_check_digit(body)


@dataclass
class Cluster:
    """What the history of the demo is written on: the chains, units by name, the firms and the users."""

    chain: Chain
    district_chain: Chain
    units: dict  # organisation name → Organization (every non-enterprise unit)
    firms: list  # the enterprises placed on the city chain
    roles: dict  # enterprise pk → PlacementRole on the city chain
    words: dict  # enterprise pk → its industry word (what it makes)
    demo_firm: Organization
    users: dict = field(default_factory=dict)  # username → User
    accounts: dict = field(default_factory=dict)  # enterprise pk → its enterprise user (firms on the portal)
    handlers: dict = field(default_factory=dict)  # department pk → its handler user
    contacts: dict = field(default_factory=dict)  # organisation pk → [Person]


class ClusterBuilder:
    def __init__(self, rng, today):
        self.rng = rng
        self.today = today
        self.used_names = set()

    def person_name(self):
        return self.rng.choice(n.SURNAMES) + self.rng.choice(n.GIVEN)

    def phone(self):
        return "+86" + self.rng.choice(["138", "139", "186", "177", "150"]) + "".join(
            self.rng.choice("0123456789") for _ in range(8))

    def past_date(self, years_back_from, years_back_to=0):
        """A first-of-month date from `years_back_from` years ago up to `years_back_to` years ago (not ahead)."""
        year = self.today.year - self.rng.randint(years_back_to, years_back_from)
        month = self.rng.randint(1, 12 if year < self.today.year else self.today.month)
        return datetime.date(year, month, 1)

    def org(self, name, kind, **fields):
        """An organisation, not saved yet (they are written together, see bulk)."""
        self.used_names.add(name)
        return Organization(name=name, kind=kind, **fields)

    def enterprise_name(self, word, listed):
        while True:
            brand = self.rng.choice(n.BRAND_A) + self.rng.choice(n.BRAND_B)
            prefix = n.CITY if self.rng.random() < 0.6 else ""
            name = f"{prefix}{brand}{word}{'股份有限公司' if listed else '有限公司'}"
            if name not in self.used_names:
                return name

    def build(self):
        rng = self.rng
        province = Region.objects.create(code=n.PROVINCE_CODE, name=n.PROVINCE, level=RegionLevel.PROVINCE)
        self.city = city = Region.objects.create(code=n.CITY_CODE, name=f"{n.CITY}市", level=RegionLevel.CITY,
                                                 parent=province)
        districts = [Region.objects.create(code=c, name=name, level=RegionLevel.DISTRICT, parent=city)
                     for c, name in n.DISTRICTS]
        self.districts = districts
        self.labels = {slug: Label.objects.create(slug=slug, name=name) for slug, name in n.LABELS}
        self.parks = [self.org(name, OrgKind.PARK, district=rng.choice(districts)) for name in n.PARKS]
        simple = [(n.DEPARTMENTS, OrgKind.DEPARTMENT), (n.PARTY_ORGS, OrgKind.PARTY_ORG),
                  (n.HOSPITALS, OrgKind.HOSPITAL), (n.FINANCIAL, OrgKind.FINANCIAL),
                  (n.UNIVERSITIES, OrgKind.UNIVERSITY), (n.ASSOCIATIONS, OrgKind.ASSOCIATION),
                  (n.FUNDS, OrgKind.FUND)]
        units = [*self.parks, *(self.org(
            name, kind, district=city if name.startswith(n.CITY) else districts[n.NEW_DISTRICT],
            uscc=make_uscc(rng, "420911") if kind in (OrgKind.FINANCIAL, OrgKind.FUND) else None)
            for names, kind in simple for name in names)]
        units = {u.name: u for u in bulk(Organization, units)}

        chain = Chain.objects.create(name=n.CHAIN_NAME, level=ChainLevel.CITY, region=city, office=units[n.OFFICE],
                                     description="明湖市重点产业链之一，覆盖研发、制造、流通、服务全链条。")
        chain.leader = Person.objects.create(name="赵建华", organization=units[n.GOVERNMENT], title="副市长、链长")
        chain.save()
        placed = self.segments(chain)  # [(segment, firm, role, word, labels, products)]
        gene = next(row[0] for row in placed if row[0].name == n.GENE_SEGMENT)
        demo_firm = self.enterprise("基因技术", PlacementRole.SUPPORTING, name=n.DEMO_FIRM,
                                    district=districts[n.NEW_DISTRICT], park=self.parks[n.GENE_PARK],
                                    listing=ListingStatus.RESERVE, founded=datetime.date(2016, 3, 18), employees=260)
        placed.append((gene, *demo_firm[:2], "基因技术", demo_firm[2], [dict(
            name="LZ-082 基因治疗注射液", kind=ProductKind.DRUG, indication="遗传性视神经病变",
            drug_class=DrugClass.BIO_1, phase=Phase.PHASE_3, expedited=[Expedited.BREAKTHROUGH])]))
        firms = bulk(Organization, [row[1] for row in placed])
        Organization.labels.through.objects.bulk_create([
            Organization.labels.through(organization=firm, label=self.labels[slug])
            for firm, row in zip(firms, placed, strict=True) for slug in row[4]])
        bulk(Product, [Product(organization=firm, **spec) for firm, row in zip(firms, placed, strict=True)
                       for spec in row[5]])
        carriers = [(Segment.objects.get(chain=chain, name="研发外包服务（CRO/CDMO）"), units[name],
                     PlacementRole.CARRIER) for name in n.UNIVERSITIES[:5] + n.HOSPITALS[:3]]
        bulk(Placement, [Placement(segment=seg, chain=chain, organization=org, role=role)
                         for seg, org, role, *_rest in placed + carriers])
        cluster = Cluster(chain=chain, district_chain=self.district_chain(chain, firms, units), units=units,
                          firms=firms, roles={row[1].pk: row[2] for row in placed},
                          words={row[1].pk: row[3] for row in placed}, demo_firm=firms[-1])
        self.approvals(cluster)
        self.people(cluster)
        self.relationships(cluster)
        self.users(cluster)
        return cluster

    def segments(self, chain):
        """The chain's segments with their firms (not saved yet): in each segment of ten firms or more upstream
        or midstream the first is a chain owner (链主, a large firm), then up to three backbone firms (medium or
        large). Returns [(segment, firm, role, industry word, label slugs, product specs)]."""
        placed = []
        for position, (stage, name, code, imported, word, children) in enumerate(n.SEGMENTS, start=1):
            seg = Segment.objects.create(chain=chain, name=name, stage=stage, gbt_code=code,
                                         import_dependent=imported, position=position)
            leaves = [(seg, word)]
            if children:
                leaves = [(Segment.objects.create(chain=chain, parent=seg, name=cn, stage=stage, gbt_code=cc,
                                                  import_dependent=ci, position=i), cw)
                          for i, (cn, cc, ci, cw) in enumerate(children)]
            for leaf, leaf_word in leaves:
                if leaf.name in n.EMPTY_SEGMENTS:
                    continue
                count = 1 if leaf.name in n.SINGLE_SEGMENTS else self.rng.randint(8, 22)
                for i in range(count):
                    if i == 0 and count > 10 and stage != Stage.DOWNSTREAM:
                        role = PlacementRole.CHAIN_OWNER
                    elif i < 4 and count > 3:
                        role = PlacementRole.BACKBONE
                    else:
                        role = PlacementRole.SUPPORTING
                    firm, _role, labels = self.enterprise(leaf_word, role)
                    placed.append((leaf, firm, role, leaf_word, labels, self.products(leaf_word)))
        return placed

    def enterprise(self, word, role, name=None, district=None, park=None, listing=None, founded=None,
                   employees=None):
        """(firm not saved yet, role, label slugs): its size, listing and labels fit its role on the chain."""
        rng = self.rng
        roll = rng.random()
        if role == PlacementRole.CHAIN_OWNER:
            employees = employees or rng.randint(1200, 6800)
            listing = listing or (ListingStatus.LISTED if roll < 0.7 else ListingStatus.RESERVE)
            founded = founded or datetime.date(rng.randint(1993, 2008), rng.randint(1, 12), rng.randint(1, 28))
        elif role == PlacementRole.BACKBONE:
            employees = employees or rng.randint(320, 2600)
            listing = listing or (ListingStatus.LISTED if roll < 0.25 else
                                  ListingStatus.RESERVE if roll < 0.5 else ListingStatus.NONE)
        else:
            employees = employees or min(int(rng.lognormvariate(4.0, 0.9)) + 8, 900)
            listing = listing or (ListingStatus.RESERVE if roll < 0.06 else ListingStatus.NONE)
        district = district or rng.choice(self.districts)
        size = (OrgSize.LARGE if employees >= 1000 else OrgSize.MEDIUM if employees >= 300
                else OrgSize.SMALL if employees >= 20 else OrgSize.MICRO)
        founded = founded or datetime.date(rng.randint(2000, self.today.year - 1), rng.randint(1, 12),
                                           rng.randint(1, 28))
        firm = self.org(
            name or self.enterprise_name(word, listing == ListingStatus.LISTED), OrgKind.ENTERPRISE,
            uscc=make_uscc(rng, district.code), district=district,
            park=park or (rng.choice(self.parks) if rng.random() < 0.7 else None),
            founded_on=founded, size=size, employees=employees, listing_status=listing,
            address=f"{district.name}{rng.choice(['光明', '创新', '高新', '生命', '健康'])}大道{rng.randint(1, 999)}号",
        )
        labels = ["hitech"] if role != PlacementRole.SUPPORTING or rng.random() < 0.4 else []
        if role == PlacementRole.CHAIN_OWNER:
            labels.append("chain-owner")
        elif size in (OrgSize.SMALL, OrgSize.MEDIUM) and rng.random() < 0.2:
            labels.append("srdi")
            if rng.random() < 0.25:
                labels.append("little-giant")
        if role == PlacementRole.SUPPORTING and founded.year >= self.today.year - 8 and rng.random() < 0.1:
            labels.append("gazelle")
        return firm, role, labels

    def products(self, word):
        """Specs of a firm's products: a drug maker's pipeline, a device maker's approved device."""
        rng, specs = self.rng, []
        if word in n.DRUG_WORDS and rng.random() < 0.6:
            for _ in range(rng.randint(1, 2)):
                phase = rng.choice([Phase.PRECLINICAL, Phase.PHASE_1, Phase.PHASE_1, Phase.PHASE_2, Phase.PHASE_2,
                                    Phase.PHASE_3, Phase.NDA])
                code = "".join(rng.choice("ABCDEFGHJKLMNPRSTXYZ") for _ in range(2)) + f"-{rng.randint(100, 999)}"
                specs.append(dict(
                    name=f"{code}{DOSAGE_FORMS[word]}", kind=ProductKind.DRUG, indication=rng.choice(INDICATIONS),
                    drug_class=rng.choice(CLASS_1 + [DrugClass.CHEM_2, DrugClass.BIO_2_3, DrugClass.TCM_2_4]),
                    phase=phase, expedited=[rng.choice(list(Expedited))] if rng.random() < 0.2 else []))
        elif word in DEVICES and rng.random() < 0.7:
            specs.append(dict(name=rng.choice(DEVICES[word]),
                              kind=ProductKind.DIAGNOSTIC if word == "诊断技术" else ProductKind.DEVICE,
                              phase=Phase.APPROVED, approval_type=ApprovalType.MARKETING,
                              approved_on=self.past_date(8, 1)))
        return specs

    def approvals(self, cluster):
        """Class-1 new drugs approved: three in the demo year, two in the year before, two earlier."""
        late = list(Product.objects.filter(organization__in=cluster.firms, kind=ProductKind.DRUG,
                                           drug_class__in=CLASS_1, phase__in=[Phase.PHASE_3, Phase.NDA])
                    .exclude(organization=cluster.demo_firm).order_by("pk"))
        for product, days_back in zip(late, [45, 150, 260, 400, 560, 800, 1100], strict=False):
            product.phase, product.approval_type = Phase.APPROVED, ApprovalType.MARKETING
            product.approved_on = self.today - datetime.timedelta(days=days_back)
            product.save()

    def district_chain(self, chain, firms, units):
        """The district chain of 生物城新区, under the city chain, with the district's firms on four segments."""
        dchain = Chain.objects.create(name=n.DISTRICT_CHAIN_NAME, level=ChainLevel.DISTRICT,
                                      region=self.districts[n.NEW_DISTRICT], parent=chain,
                                      office=units[n.NEW_DISTRICT_OFFICE])
        dchain.leader = Person.objects.create(name="孙志强", organization=units[n.NEW_DISTRICT_ADMIN],
                                              title="管委会主任、区链长")
        dchain.save()
        local = [f for f in firms if f.district_id == self.districts[n.NEW_DISTRICT].pk]
        rows = []
        for i, (stage, name) in enumerate([(Stage.UPSTREAM, "研发服务平台"), (Stage.MIDSTREAM, "细胞与基因治疗"),
                                           (Stage.MIDSTREAM, "抗体药物"), (Stage.DOWNSTREAM, "临床试验服务")]):
            dseg = Segment.objects.create(chain=dchain, name=name, stage=stage, position=i)
            rows += [Placement(segment=dseg, chain=dchain, organization=firm, role=PlacementRole.SUPPORTING)
                     for firm in local[i::4][:6]]
        bulk(Placement, rows)
        return dchain

    def people(self, cluster):
        """One or two contacts per organisation."""
        people = []
        leader_org = cluster.chain.leader.organization_id
        for org in Organization.objects.exclude(pk=leader_org).order_by("pk"):
            titles = ["总经理", "办公室主任"] if org.kind == OrgKind.ENTERPRISE else ["主任", "联络员"]
            for title in titles[:self.rng.randint(1, 2)]:
                people.append(Person(name=self.person_name(), organization=org, title=title, phone=self.phone(),
                                     email=f"contact{org.pk}.{len(people)}@example.cn"))
        for person in bulk(Person, people):
            cluster.contacts.setdefault(person.organization_id, []).append(person)

    def relationships(self, cluster):
        rng, firms, units = self.rng, cluster.firms, cluster.units
        found = {}

        def rel(src, kind, dst, started_on):
            if src != dst:
                found.setdefault((src.pk, kind, dst.pk, started_on),
                                 Relationship(source=src, kind=kind, target=dst, started_on=started_on))

        for firm in rng.sample(firms, 60):
            rel(firm, RelationKind.SUPPLIES, rng.choice(firms), self.past_date(7))
        for hospital in n.HOSPITALS:
            for firm in rng.sample(firms, 3):
                rel(units[hospital], RelationKind.COOPERATES, firm, self.past_date(4))
        for branch in n.AGENCY_BRANCHES[:8]:
            for firm in rng.sample(firms, 2):
                rel(units[branch], RelationKind.PAIRED, firm, self.past_date(3))
        for dept in [n.ECONOMY, n.SCIENCE, n.HR, n.FINANCE, n.HEALTH, n.DRUGS]:
            rel(units[dept], RelationKind.INSTRUCTOR, rng.choice(firms), self.past_date(2, 1))
        for firm in rng.sample(firms, 40):
            rel(firm, RelationKind.MEMBER, units[rng.choice(n.ASSOCIATIONS)], self.past_date(8))
        for firm in rng.sample(firms, 5):
            rel(firm, RelationKind.SUBSIDIARY, rng.choice(firms), self.past_date(11, 2))
        rel(units["明湖市药监局机关党支部"], RelationKind.PAIRED, cluster.demo_firm, self.past_date(1, 1))
        rel(units[n.UNION_HOSPITAL], RelationKind.COOPERATES, cluster.demo_firm, self.past_date(2, 2))
        bulk(Relationship, list(found.values()))

    def users(self, cluster):
        """The demo's logins, one per role; handler accounts of the other departments and two more service
        specialists; and an account for the firms that use the portal (none of these can log in)."""
        units = cluster.units
        accounts = [self.user(username, role, display, cluster.demo_firm if org == n.DEMO_FIRM else units.get(org),
                              login=True) for username, role, org, display in n.ROLE_USERS]
        accounts += [self.user(username, Role.HANDLER, display, units[dept])
                     for username, dept, display in n.DEPARTMENT_HANDLERS]
        accounts += [self.user(username, Role.SPECIALIST, display, units[dept])
                     for username, dept, display in n.SPECIALISTS]
        # The larger firms and about half of the others use the portal.
        on_portal = [f for f in cluster.firms if f.pk != cluster.demo_firm.pk
                     and (cluster.roles[f.pk] != PlacementRole.SUPPORTING or self.rng.random() < 0.45)]
        for i, firm in enumerate(on_portal, start=1):
            contact = (cluster.contacts.get(firm.pk) or [None])[0]
            accounts.append(self.user(f"qy{i:03d}", Role.ENTERPRISE, contact.name if contact else self.person_name(),
                                      firm))
        User.objects.bulk_create(accounts)
        cluster.users = {u.username: u for u in User.objects.select_related("organization")}
        cluster.handlers = {u.organization_id: u for u in cluster.users.values() if u.role == Role.HANDLER}
        cluster.accounts = {u.organization_id: u for u in cluster.users.values() if u.role == Role.ENTERPRISE}
        office = cluster.users["office"]
        cluster.chain.staff.add(office)
        cluster.district_chain.staff.add(office)

    def user(self, username, role, display, organization, login=False):
        """A user, not saved yet: a demo login with the demo password, or an account that cannot log in."""
        # The city's staff work in the city and its districts; the admin keeps the whole platform (core.region_q).
        region = self.city if role in STAFF_ROLES and role != Role.ADMIN else None
        user = User(username=username, role=role, first_name=display, organization=organization, region=region,
                    is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
        if login:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        return user


def bulk(model, objects, user=None):
    """Records written together (the static part of the cluster), each with its creation in the history (by
    user) and, for a searchable model, its search text; returns them with their primary keys."""
    if issubclass(model, Searchable):
        fill_search_text(objects)
    if hasattr(model, "history"):
        return bulk_create_with_history(objects, model, batch_size=500, default_user=user)
    return model.objects.bulk_create(objects, batch_size=500)
