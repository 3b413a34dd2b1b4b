"""Fixtures of the demand tests: a fixed clock, a service desk around the root `world`, demands by state."""

from types import SimpleNamespace

import pytest

from chainserve.core.clock import frozen
from chainserve.demands import services
from chainserve.demands.choices import Channel, Status
from chainserve.demands.models import Category, Demand
from chainserve.registry.choices import OrgKind

from .factories import local


@pytest.fixture
def clock():
    """Freeze time at Tuesday 2026-09-29 10:00 in Shanghai, the day before the National Day holidays.

    The platform's clock (core.clock): every caller (services, auto_now_add, sessions) reads
    django.utils.timezone.now, which the fixture sets; `clock.set(2026, 10, 8, 9)` and `clock.advance(days=1)`
    move it. time_machine is not a dependency of the project.
    """
    with frozen(local(2026, 9, 29, 10)) as c:
        yield c


@pytest.fixture
def desk(world):
    """The people and departments around demands, on top of the root `world`.

    Departments: 经信局 (`world.dept`: office, handler and specialist work there), 市场监管局 (`market`,
    handler2) and 科技局 (`science`, handler3). Enterprise users: `enterprise` (纽福斯) and `enterprise2`
    (溫州康寧). Every user has an e-mail address. Categories come from the data migration.
    """
    from chainserve.registry.tests.factories import OrganizationFactory, UserFactory

    u = world.users
    d = SimpleNamespace(world=world, users=u, chain=world.chain, dchain=world.dchain)
    d.dept = world.dept
    d.market = OrganizationFactory(name="明湖市市场监督管理局", kind=OrgKind.DEPARTMENT)
    d.science = OrganizationFactory(name="明湖市科学技术局", kind=OrgKind.DEPARTMENT)
    d.nfs, d.wz = world.nfs, world.wz
    d.office, d.handler, d.specialist = u.office, u.handler, u.specialist
    d.admin, d.partner, d.enterprise = u.admin, u.partner, u.enterprise
    d.handler2 = UserFactory(username="handler2", role="handler", organization=d.market)
    d.handler3 = UserFactory(username="handler3", role="handler", organization=d.science)
    d.enterprise2 = UserFactory(username="enterprise2", role="enterprise", organization=d.wz)
    for user in [u.admin, u.office, u.handler, u.specialist, u.enterprise, u.partner, d.handler2, d.handler3,
                 d.enterprise2]:
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
    d.policy = Category.objects.get(slug="policy")
    d.financing = Category.objects.get(slug="financing")
    d.site = Category.objects.get(slug="site")
    return d


@pytest.fixture
def make_demand(desk):
    """make_demand(state="new", **intake): a demand of 纽福斯 brought to state through the services (accepted,
    rejected or dispatched by `office`, desk.office unless given).

    States: new, accepted, dispatched (lead 经信局, co-handler 市场监管局), waiting, answered, resolved,
    unresolved, rejected, rated_unsatisfied. Returns the demand fresh from the database.
    """

    def make(state="new", *, by=None, lead=None, co=None, office=None, **intake):
        by, office = by or desk.enterprise, office or desk.office
        fields = {"organization": desk.nfs, "category": desk.policy, "title": "申请研发费用加计扣除辅导",
                  "description": "企业希望了解研发费用加计扣除的申报口径。"}
        if by.role != "enterprise":
            fields["channel"] = Channel.VISIT
        fields.update(intake)
        demand = services.submit(by, services.Intake(**fields))
        if state == "new":
            return Demand.objects.get(pk=demand.pk)
        if state == "accepted":
            services.accept(demand, office)
        elif state == "rejected":
            services.reject(demand, office, "不属于产业链服务范围。")
        else:
            services.dispatch(demand, office, lead or desk.dept, [desk.market] if co is None else co)
            if state == "waiting":
                services.ask(demand, desk.handler, "请补充近三年研发费用明细。")
            elif state == "answered":
                services.answer(demand, desk.handler, "已受理,正在研究。")
            elif state in ("resolved", "unresolved", "rated_unsatisfied"):
                resolved = state != "unresolved"
                services.close(demand, desk.handler, resolved, "已辅导完成。" if resolved else "政策不支持。",
                               "A" if demand.is_proposal else "")
                if state == "rated_unsatisfied":
                    services.rate(demand, desk.enterprise, "unsatisfied", "没有解决。")
            elif state != "dispatched":
                raise ValueError(state)
        demand = Demand.objects.get(pk=demand.pk)
        expected = {"rated_unsatisfied": Status.RESOLVED, "answered": Status.DISPATCHED}.get(state, state)
        assert demand.status == expected
        return demand

    return make
