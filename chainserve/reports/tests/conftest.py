"""A known year (2026) of records built through the services, for asserting every figure exactly.

The clock and the demand desk are the demand tests' fixtures (imported, so pytest registers them here).
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from chainserve.chains.models import Candidate
from chainserve.chains.services import move_lead, save_candidate, start_lead
from chainserve.coordination.choices import ActivityKind, AgreementKind, CoverageKind, InstructorKind
from chainserve.coordination.models import (
    Activity,
    Agreement,
    Committee,
    Coverage,
    InstructorAssignment,
    Meeting,
    Pairing,
    Visit,
)
from chainserve.coordination.services import record_minutes, record_outcome, wan_to_fen
from chainserve.core.services import save_record
from chainserve.demands import services as ds
from chainserve.demands.models import Category
from chainserve.demands.tests.conftest import clock, desk  # noqa: F401  (fixtures)
from chainserve.demands.tests.factories import local
from chainserve.registry.choices import DrugClass, OrgKind, Phase
from chainserve.registry.models import Product
from chainserve.registry.services import save_product
from chainserve.registry.tests.factories import OrganizationFactory
from chainserve.reports.models import IndustryScale

YEAR_END = local(2026, 12, 31, 18)


@pytest.fixture
def year(desk, clock):  # noqa: F811
    """2026 on the city chain (office staff: `office`) and the 西湖区 district chain, plus records just outside.

    Demands (纽福斯 and 溫州康寧 are on the city chain, so are their demands; both answered at once when dispatched):
      d1 policy, 纽福斯, received Mon 2 Feb, resolved Fri 6 Feb (4 working days), rated satisfied
      d2 financing, 纽福斯, received 2 Mar, resolved 12 Mar (8 working days), rated basically satisfied
      d3 policy, 纽福斯, received 1 Apr, closed not solved 3 Apr, rated unsatisfied
      d4 site, 纽福斯, received 6 May, dispatched and answered: open
      d5 policy, 溫州康寧 on the portal, 1 Jun, never touched: open, its answer deadline passed
      d6 policy, 纽福斯, 1 Jul, rejected (not counted as received)
      d0 policy, 纽福斯, 2025-12-15, resolved (outside the year)
    Joint meetings of the city chain's committee: held 10 Mar, 16 Jun, 15 Sep; one scheduled for 15 Dec
    (never held); one held 2025-11-20.
    Activities held: 2 hospital–enterprise and 1 bank–enterprise matchmaking and 1 theme party day on the city
    chain, 1 forum on the district chain; planned, never held: a training on the city chain; held in 2025: a forum.
    Agreements: credit 50,000万 (农商银行 → 纽福斯), 182,000万 (建设银行 → 溫州康寧), 450,000万 (农商银行 →
    溫州康寧) on the city chain = 3 agreements, 2 banks, 68.2亿元; cooperation (医院 → 纽福斯, no amount);
    investment 15,000万 (产业基金 → 纽福斯) on the district chain; credit 9,999万 in 2025.
    Registry: a third enterprise (明湖瑞康, 东湖区, 高新技术企业, on no chain); products of 纽福斯 NR082 (bio 1,
    phase III) and X1 (chem 1, approved 10 May 2026); of 溫州康寧 Y2 (TCM 1, approved 2025-11-01), Z3 (chem 2,
    approved 1 Mar 2026), P1 (phase I), P2 (phase II).
    Industry scale: 6,600亿元 for the whole city in 2026 (source 明湖市统计局), 820亿元 for the city chain.
    Investment leads, pairings, instructors, coverages and visits: see the comments below.
    """
    w, u = desk.world, desk.users
    y = SimpleNamespace(desk=desk, world=w, users=u, chain=w.chain, dchain=w.dchain, clock=clock)
    policy, financing = Category.objects.get(slug="policy"), Category.objects.get(slug="financing")
    site = Category.objects.get(slug="site")

    def demand(when, category, org=None, user=None):
        clock.set(*when)
        org = org or w.nfs
        if user is None:
            return ds.submit(u.specialist, ds.Intake(org, category, "申请支持", "企业需要协调。", channel="visit"))
        return ds.submit(user, ds.Intake(org, category, "申请支持", "企业需要协调。"))

    def handled(d):
        ds.dispatch(d, u.office, desk.dept, [])
        return ds.answer(d, u.handler, "已受理,正在办理。")

    def close(d, when, resolved, rating):
        clock.set(*when)
        ds.close(d, u.handler, resolved, "已协调。" if resolved else "暂无法解决。")
        ds.rate(d, u.enterprise, rating)

    y.d0 = handled(demand((2025, 12, 15, 10), policy))
    close(y.d0, (2025, 12, 16, 10), True, "satisfied")
    y.d1 = handled(demand((2026, 2, 2, 10), policy))
    close(y.d1, (2026, 2, 6, 10), True, "satisfied")
    y.d2 = handled(demand((2026, 3, 2, 10), financing))
    close(y.d2, (2026, 3, 12, 10), True, "basic")
    y.d3 = handled(demand((2026, 4, 1, 10), policy))
    close(y.d3, (2026, 4, 3, 10), False, "unsatisfied")
    y.d4 = handled(demand((2026, 5, 6, 10), site))
    y.d5 = demand((2026, 6, 1, 10), policy, org=w.wz, user=desk.enterprise2)
    y.d6 = ds.reject(demand((2026, 7, 1, 10), policy), u.office, "不属于受理范围。")

    committee = save_record(u.office, Committee(chain=w.chain, name="明湖市大健康产业链党建工作协调委员会"))

    def meeting(when, held=True, by=None):
        m = save_record(u.office, Meeting(committee=committee, title=f"联席会议 {when[1]}月", starts_at=local(*when)))
        return record_minutes(m, u.office, "会议纪要。") if held else m

    y.meetings = [meeting((2026, 3, 10, 9)), meeting((2026, 6, 16, 9)), meeting((2026, 9, 15, 9)),
                  meeting((2026, 12, 15, 9), held=False), meeting((2025, 11, 20, 9))]

    def activity(chain, kind, when, held=True, by=None):
        a = save_record(by or u.office, Activity(chain=chain, kind=kind, title=f"{kind} {when[1]}月",
                                                 starts_at=local(*when)))
        return record_outcome(a, by or u.office, "顺利举办。") if held else a

    y.activities = [
        activity(w.chain, ActivityKind.HOSPITAL_MATCH, (2026, 4, 20, 14)),
        activity(w.chain, ActivityKind.HOSPITAL_MATCH, (2026, 8, 18, 14)),
        activity(w.chain, ActivityKind.BANK_MATCH, (2026, 5, 12, 14)),
        activity(w.chain, ActivityKind.PARTY_DAY, (2026, 7, 1, 9)),
        activity(w.dchain, ActivityKind.FORUM, (2026, 10, 9, 9), by=u.admin),
        activity(w.chain, ActivityKind.TRAINING, (2026, 11, 3, 9), held=False),
        activity(w.chain, ActivityKind.FORUM, (2025, 10, 9, 9)),
    ]
    y.ccb = OrganizationFactory(name="中国建设银行明湖分行", kind=OrgKind.FINANCIAL)
    y.fund = OrganizationFactory(name="明湖生物医药产业基金", kind=OrgKind.FUND)

    def agreement(chain, kind, institution, enterprise, wan, day, by=None):
        return save_record(by or u.office, Agreement(
            chain=chain, kind=kind, title=f"{institution.name}—{enterprise.name}", institution=institution,
            enterprise=enterprise, amount_fen=wan_to_fen(Decimal(wan)) if wan is not None else None,
            signed_on=datetime.date(*day)))

    y.agreements = [
        agreement(w.chain, AgreementKind.CREDIT, w.bank, w.nfs, "50000", (2026, 5, 12)),
        agreement(w.chain, AgreementKind.CREDIT, y.ccb, w.wz, "182000", (2026, 6, 30)),
        agreement(w.chain, AgreementKind.CREDIT, w.bank, w.wz, "450000", (2026, 12, 31)),
        agreement(w.chain, AgreementKind.COOPERATION, w.hospital, w.nfs, None, (2026, 4, 20)),
        agreement(w.dchain, AgreementKind.INVESTMENT, y.fund, w.nfs, "15000", (2026, 10, 9), by=u.admin),
        agreement(w.chain, AgreementKind.CREDIT, w.bank, w.nfs, "9999", (2025, 12, 31)),
    ]

    y.ruikang = OrganizationFactory(name="明湖瑞康医疗器械有限公司", district=w.dong, labels=[w.hitech])
    for org, name, drug_class, phase, approved in [
        (w.nfs, "NR082", DrugClass.BIO_1, Phase.PHASE_3, None),
        (w.nfs, "X1", DrugClass.CHEM_1, Phase.APPROVED, datetime.date(2026, 5, 10)),
        (w.wz, "Y2", DrugClass.TCM_1, Phase.APPROVED, datetime.date(2025, 11, 1)),
        (w.wz, "Z3", DrugClass.CHEM_2, Phase.APPROVED, datetime.date(2026, 3, 1)),
        (w.wz, "P1", DrugClass.CHEM_1, Phase.PHASE_1, None),
        (w.wz, "P2", DrugClass.CHEM_1, Phase.PHASE_2, None),
    ]:
        save_product(u.office, Product(organization=org, name=name, drug_class=drug_class, phase=phase,
                                       approved_on=approved))
    y.city_scale = save_record(u.admin, IndustryScale(year=2026, amount_fen=6_600 * 10**10, source="明湖市统计局"))
    y.chain_scale = save_record(u.office, IndustryScale(chain=w.chain, year=2026, amount_fen=820 * 10**10,
                                                        source="明湖市经济和信息化局"))

    # investment leads of the city chain: A signed 14 May (2亿元) and landed 15 Sep (2.5亿元), B signed 20 Aug
    candidate_a = save_candidate(u.office, Candidate(chain=w.chain, name="上海某基因治疗公司", region="上海市浦东新区"),
                                 [w.s_cgt])
    candidate_b = save_candidate(u.office, Candidate(chain=w.chain, name="苏州某抗体公司", region="苏州市"), [w.s_ab])
    for candidate, segment, steps in [
        (candidate_a, w.s_cgt, [((2026, 3, 2), "contacted", None), ((2026, 4, 8), "visited", None),
                                ((2026, 5, 14), "signed", 200_000_000), ((2026, 9, 15), "landed", 250_000_000)]),
        (candidate_b, w.s_ab, [((2026, 6, 1), "contacted", None), ((2026, 7, 1), "visited", None),
                               ((2026, 8, 20), "signed", 50_000_000)]),
    ]:
        clock.set(2026, 2, 2, 9)
        lead = start_lead(u.office, candidate, segment)
        for day, stage, amount in steps:
            clock.set(*day, 11)
            lead = move_lead(lead, u.office, stage, lead.version, amount=amount)

    # party building, as on 31 December: pairings 经信局+纽福斯 and 科技局+溫州康寧 (市场监管局+溫州康寧 ended in
    # June); instructors for both; 纽福斯 has both coverages and a union, 溫州康寧 a party organisation
    for agency, firm, start, end in [(desk.dept, w.nfs, (2026, 3, 1), None), (desk.market, w.wz, (2025, 6, 1),
                                     (2026, 6, 30)), (desk.science, w.wz, (2026, 1, 10), None)]:
        save_record(u.office, Pairing(agency_branch=agency, enterprise=firm, enterprise_branch=f"{firm.name}党支部",
                                      started_on=datetime.date(*start), ended_on=end and datetime.date(*end)))
    for person, firm, kind in [(u.specialist, w.nfs, InstructorKind.FULL_TIME), (u.handler, w.wz,
                                                                                InstructorKind.PART_TIME)]:
        save_record(u.office, InstructorAssignment(user=person, enterprise=firm, kind=kind,
                                                   started_on=datetime.date(2026, 2, 1)))
    for firm, kind, start in [(w.nfs, CoverageKind.PARTY_ORG, (2025, 1, 1)), (w.nfs, CoverageKind.PARTY_WORK,
                              (2026, 1, 1)), (w.nfs, CoverageKind.UNION, (2026, 4, 1)),
                              (w.wz, CoverageKind.PARTY_ORG, (2026, 5, 1))]:
        save_record(u.office, Coverage(enterprise=firm, kind=kind, started_on=datetime.date(*start)))
    # visits of the specialist: 纽福斯 on 20 May (its site demand d4 of 6 May linked) and 12 October, 明湖瑞康 (on
    # no chain) on 3 September; 纽福斯 in November 2025
    y.visits = [save_record(u.specialist, Visit(organization=org, visitor=u.specialist, visited_on=datetime.date(*day),
                                                purpose="走访调研"))
                for org, day in [(w.nfs, (2026, 5, 20)), (w.nfs, (2026, 10, 12)), (y.ruikang, (2026, 9, 3)),
                                 (w.nfs, (2025, 11, 5))]]
    y.visits[0].demands.add(y.d4)
    clock.now = YEAR_END
    return y
