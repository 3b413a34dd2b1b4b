"""Party building on the demo chain — the alliance, "1+1" pairings started through both years, instructors and
the coverages of the placed firms — and the visits to firms spread over the years (besides those at which
demands were recorded)."""

import datetime

from django.core.files.base import ContentFile

from chainserve.coordination import services as cs
from chainserve.coordination.choices import CoverageKind, InstructorKind, MemberRole
from chainserve.coordination.models import (
    Alliance,
    AllianceMember,
    Coverage,
    InstructorAssignment,
    Pairing,
    Visit,
)
from chainserve.core.choices import Role
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Person

from . import names as n
from .cluster import bulk

VISITS = [("走访了解企业经营情况", "企业经营平稳，订单较上年有所增长。"), ("送政策上门", "讲解了研发投入补助和科技贷款贴息政策。"),
          ("了解用工和融资需求", "企业暂无新的诉求，约定下季度再访。"), ("调研项目建设进展", "二期项目按计划推进。"),
          ("安全生产与合规提醒", "提醒企业做好危化品管理和药品追溯。")]
# The demo firm's visits: (working days ago, visitor, purpose, notes); a visit by someone else than the
# specialist within 14 days makes the specialist's next visit form ask to confirm.
DEMO_VISITS = [(3, "specialist", "了解二期项目用地需求", "企业计划明年启动二期项目，需用地约30亩。"),
               (7, "office", "走访调研融资情况", "企业流动资金充足，关注研发贷款贴息兑现。"),
               (40, "specialist", "政策宣讲", "讲解了创新药奖励和临床试验支持政策。")]


class Party:
    def __init__(self, timeline, cluster, rng):
        self.t, self.cluster, self.rng = timeline, cluster, rng

    def date_between(self, first, last):
        return first + datetime.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def build(self):
        t, rng, cluster = self.t, self.rng, self.cluster
        units, office, demo_firm = cluster.units, cluster.users["office"], cluster.demo_firm
        founded = t.before_start - datetime.timedelta(days=60)
        alliance = Alliance.objects.create(chain=cluster.chain, name=n.ALLIANCE, founded_on=founded,
                                           description="链上党组织、企业和服务机构共建共享。")
        members = [(units[n.ALLIANCE], MemberRole.CONVENER), (units[n.OFFICE], MemberRole.CONVENER),
                   (units[n.UNION_HOSPITAL], MemberRole.MEMBER), (units[n.PARTNER_BANK], MemberRole.MEMBER)]
        members += [(f, MemberRole.MEMBER) for f in rng.sample(cluster.firms, 7) if f.pk != demo_firm.pk]
        for org, role in members:
            AllianceMember.objects.create(alliance=alliance, organization=org, role=role, started_on=founded)
        AllianceMember.objects.create(alliance=alliance, organization=units[n.HOSPITALS[0]], role=MemberRole.MEMBER,
                                      started_on=founded, ended_on=t.year_start - datetime.timedelta(days=1))
        self.pairings(office)
        officials = list(Person.objects.filter(organization__kind=OrgKind.DEPARTMENT).order_by("pk")[:40])
        instructors = [InstructorAssignment(enterprise=demo_firm, user=cluster.users["specialist"],
                                            kind=InstructorKind.FULL_TIME, started_on=founded)]
        instructors += [InstructorAssignment(enterprise=firm, person=rng.choice(officials), kind=InstructorKind.PART_TIME,
                                             started_on=self.date_between(founded, t.today))
                        for firm in rng.sample(cluster.firms, 10) if firm.pk != demo_firm.pk]
        bulk(InstructorAssignment, instructors, office)
        coverages = [Coverage(enterprise=firm, kind=kind, started_on=self.date_between(
            datetime.date(t.today.year - 10, 1, 1), t.today))
            for firm in cluster.firms for kind, share in [
                (CoverageKind.PARTY_ORG, 0.7), (CoverageKind.PARTY_WORK, 0.9), (CoverageKind.UNION, 0.8),
                (CoverageKind.YOUTH_LEAGUE, 0.4)] if firm.pk == demo_firm.pk or rng.random() < share]
        bulk(Coverage, coverages, office)

    def pairings(self, office):
        """"1+1" pairings: a dozen from before, ten started in the year before, fourteen in the demo year (two of
        the earlier ones ended in it); each agency branch pairs with two or three firms."""
        t, rng, cluster = self.t, self.rng, self.cluster
        firms = rng.sample([f for f in cluster.firms if f.pk != cluster.demo_firm.pk], 36)
        periods = [(t.before_start - datetime.timedelta(days=700), t.before_start)] * 12 + \
            [(t.before_start, t.year_start)] * 10 + [(t.year_start, t.today)] * 14
        pairings = []
        for i, (firm, (first, last)) in enumerate(zip(firms, periods, strict=True)):
            started = self.date_between(first, last - datetime.timedelta(days=1))
            ended = self.date_between(t.year_start, t.today) if i in (3, 7) else None
            pairings.append(Pairing(agency_branch=cluster.units[n.AGENCY_BRANCHES[i % len(n.AGENCY_BRANCHES)]],
                                    enterprise=firm, enterprise_branch=f"{firm.short_name or firm.name[:6]}党支部",
                                    started_on=started, ended_on=ended))
        pairings.append(Pairing(agency_branch=cluster.units["明湖市药监局机关党支部"], enterprise=cluster.demo_firm,
                                enterprise_branch="澜泽基因党支部",
                                started_on=self.date_between(t.before_start, t.year_start)))
        bulk(Pairing, pairings, office)

    def visits(self):
        """A storyline of visits without a demand recorded: about thirty a year and the demo firm's."""
        t, rng, cluster = self.t, self.rng, self.cluster
        visitors = [u for u in cluster.users.values() if u.role == Role.SPECIALIST] + [cluster.users["office"]]
        planned = []
        for first, count in ((t.before_start, 20), (t.year_start, 32)):
            for _ in range(count):
                day = t.workday(first + datetime.timedelta(days=rng.randint(0, 355)))
                if day < t.today:
                    purpose, notes = rng.choice(VISITS)
                    planned.append((t.instant(day, rng), rng.choice(visitors), rng.choice(cluster.firms), purpose,
                                    notes))
        for working_days, visitor, purpose, notes in DEMO_VISITS:
            day = t.subtract_days(t.workday_before(t.today), working_days)
            planned.append((t.instant(day, rng, latest=12 * 60), cluster.users[visitor], cluster.demo_firm, purpose,
                            notes))
        planned.sort(key=lambda v: v[0])
        for when, visitor, firm, purpose, notes in planned:
            yield when
            visit = Visit(organization=firm, visitor=visitor, visited_on=when.date(), purpose=purpose, notes=notes)
            visit._history_user = visitor
            visit.save()
            if firm == cluster.demo_firm:  # the minutes of the demo firm's visits go with them as a file
                cs.add_visit_files(visit, visitor, [ContentFile(f"{purpose}\n{notes}\n".encode(), name="走访纪要.txt")])
