"""Fixtures of the coordination tests: a committee of the city chain, a meeting, an escalated demand,
an activity open to enterprises."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from chainserve.coordination.choices import ActivityKind, MemberRole
from chainserve.coordination.models import Activity, Committee, CommitteeMember, Meeting
from chainserve.demands import services as ds
from chainserve.demands.models import Category


@pytest.fixture
def coord(world):
    """The city chain's committee (members 经信局 convening and 纽福斯), its next meeting in 7 days, a demand of
    纽福斯 escalated to the joint meeting, and a bank–enterprise matchmaking in 10 days (20 places)."""
    u = world.users
    c = SimpleNamespace(world=world, users=u, chain=world.chain)
    c.committee = Committee.objects.create(chain=world.chain, name="明湖市大健康产业链党建工作协调委员会")
    CommitteeMember.objects.create(committee=c.committee, organization=world.dept, role=MemberRole.CONVENER,
                                   started_on=datetime.date(2025, 1, 1))
    CommitteeMember.objects.create(committee=c.committee, organization=world.nfs, role=MemberRole.MEMBER,
                                   started_on=datetime.date(2025, 1, 1))
    now = timezone.now()
    c.meeting = Meeting.objects.create(committee=c.committee, title="第三次联席会议",
                                       starts_at=now + datetime.timedelta(days=7), location="市政府3号会议室")
    demand = ds.submit(u.enterprise, ds.Intake(organization=world.nfs, category=Category.objects.get(slug="site"),
                                               title="寻找约1500平方米GMP厂房", description="二期项目需要厂房。"))
    for _ in range(3):
        demand = ds.escalate(demand, u.office, "部门无法单独解决。")
    c.demand = demand
    c.activity = Activity.objects.create(chain=world.chain, kind=ActivityKind.BANK_MATCH, title="银企对接会",
                                         starts_at=now + datetime.timedelta(days=10), capacity=20,
                                         organizer=world.bank)
    return c


@pytest.fixture
def annual(world):
    """The city chain's 2026 service list: 1 园区建设 (weight 1) with children 1.1 厂房 (weight 3) and 1.2 道路
    (weight 1), and 2 人才公寓 (weight 1); every item owned by 经信局; 1.1 has a contact person."""
    from chainserve.coordination.models import AnnualList, ListItem

    a = SimpleNamespace(world=world, users=world.users)
    a.list = AnnualList.objects.create(chain=world.chain, year=2026, kind="service", title="2026年服务项目清单")
    a.park = ListItem.objects.create(annual_list=a.list, code="1", title="园区建设", owner=world.dept)
    a.plant = ListItem.objects.create(annual_list=a.list, parent=a.park, code="1.1", title="标准厂房",
                                      owner=world.dept, weight=3, contact=world.p_nfs)
    a.road = ListItem.objects.create(annual_list=a.list, parent=a.park, code="1.2", title="园区道路",
                                     owner=world.dept, weight=1)
    a.flats = ListItem.objects.create(annual_list=a.list, code="2", title="人才公寓", owner=world.dept)
    return a
