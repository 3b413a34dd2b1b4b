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
