"""The permission table (demands.permissions) is the one answer to "may this user take this step now": every
step's service accepts exactly the steps available_actions lists, for each status and each user."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from chainserve.core.models import RegionLevel
from chainserve.demands import permissions, services
from chainserve.demands.choices import EscalationLevel
from chainserve.demands.models import ChainIssue, Demand
from chainserve.registry.tests.factories import RegionFactory

pytestmark = pytest.mark.django_db

# Each step as its service is called, with arguments it accepts when the user and the demand allow it.
CALLS = {
    "accept": lambda s, d, u: services.accept(d, u),
    "dispatch": lambda s, d, u: services.dispatch(d, u, s.dept, [s.market]),
    "reject": lambda s, d, u: services.reject(d, u, "不属于产业链服务范围。"),
    "ask": lambda s, d, u: services.ask(d, u, "请补充材料。"),
    "send_back": lambda s, d, u: services.send_back(d, u, "不属于本部门职责。"),
    "close": lambda s, d, u: services.close(d, u, True, "已办结。"),
    "answer": lambda s, d, u: services.answer(d, u, "已受理。"),
    "request_extension": lambda s, d, u: services.request_extension(d, u, 3, "需要会商。"),
    "decide_extension": lambda s, d, u: services.decide_extension(d, u, True),
    "reply": lambda s, d, u: services.reply(d, u, "材料已补充。"),
    "rate": lambda s, d, u: services.rate(d, u, "satisfied"),
    "reopen": lambda s, d, u: services.reopen(d, u, "仍未解决。"),
    "escalate": lambda s, d, u: services.escalate(d, u, "需要协调。"),
    "urge": lambda s, d, u: services.urge(d, u, "请尽快办理。"),
    "reassign": lambda s, d, u: services.reassign(d, u, s.science, "属科技局职责。"),
    "add_partner": lambda s, d, u: services.add_partner(d, u, s.world.bank),
    "refer_up": lambda s, d, u: services.refer_up(d, u, "涉及全市政策口径。"),
    "refer_down": lambda s, d, u: services.refer_down(d, u, s.town, "由街道办理。"),
    "merge": lambda s, d, u: services.merge(d, s.target, u),
    "link_issue": lambda s, d, u: services.link_issue(d, u, s.issue),
    "comment": lambda s, d, u: services.comment(d, u, "跟进。"),
    "supplement": lambda s, d, u: services.supplement(d, u, "补充近三年研发费用明细。"),
    "withdraw": lambda s, d, u: services.withdraw(d, u, "已自行解决。"),
    # its meeting as the service reads it: the pk and the title the event keeps
    "resolve_at_meeting": lambda s, d, u: services.resolve_at_meeting(d, u, SimpleNamespace(pk=1), "会议议定。"),
}


class Undo(Exception):
    """Raised to roll a step back once it went through: each user tries the same demand as it was."""


def allowed_by_service(step, desk, demand, user):
    try:
        with transaction.atomic():
            CALLS[step](desk, Demand.objects.get(pk=demand.pk), user)
            raise Undo
    except Undo:
        return True
    except (PermissionDenied, services.TransitionError) as e:
        assert type(e) is not services.ConflictError  # a refusal, never a conflict: no version was sent
        return False


@pytest.fixture
def demands(clock, desk, make_demand):
    """A demand in each state a step starts from, or is refused in: {name: demand}."""
    states = {name: make_demand(name) for name in [
        "new", "accepted", "dispatched", "waiting", "answered", "resolved", "unresolved", "rejected",
        "rated_unsatisfied"]}
    states["financing"] = make_demand("dispatched", category=desk.financing)
    states["rated_satisfied"] = make_demand("resolved")
    services.rate(states["rated_satisfied"], desk.enterprise, "satisfied")
    states["sent_back"] = make_demand("dispatched")
    services.send_back(states["sent_back"], desk.handler, "不属于本部门职责。")
    for name, state in [("extension_asked", "dispatched"), ("extension_asked_waiting", "waiting")]:
        states[name] = make_demand(state)
        services.request_extension(states[name], desk.handler, 3, "需要会商。")
    states["on_the_agenda"] = make_demand("dispatched")
    for _level in range(EscalationLevel.JOINT_MEETING):
        services.escalate(states["on_the_agenda"], desk.office, "需要协调。")
    states["merged"] = make_demand()
    services.merge(states["merged"], make_demand(), desk.office)
    desk.target = make_demand()
    desk.issue = ChainIssue.objects.create(chain=desk.chain, title="生物药企融资难")
    desk.town = RegionFactory(code="420102001", name="东湖街道", level=RegionLevel.TOWN, parent=desk.world.dong)
    return {name: Demand.objects.get(pk=d.pk) for name, d in states.items()}


def test_every_step_is_allowed_by_its_service_exactly_when_available_actions_lists_it(desk, demands):
    users = {"admin": desk.admin, "office": desk.office, "lead handler": desk.handler, "co-handler": desk.handler2,
             "other handler": desk.handler3, "specialist": desk.specialist, "own enterprise": desk.enterprise,
             "other enterprise": desk.enterprise2, "partner": desk.partner}
    assert set(CALLS) == set(permissions.STEPS)
    mismatches, allowed = [], {step: set() for step in CALLS}
    for state, demand in demands.items():
        for who, user in users.items():
            listed = permissions.available_actions(demand, user)
            for step, rule in permissions.STEPS.items():
                by_service = allowed_by_service(step, desk, demand, user)
                if rule.offered:
                    by_table = step in listed
                else:  # not on the page: the table's answer itself
                    by_table = rule.opens(demand) and any(r.holds(user, demand) for r in rule.who)
                if by_service != by_table:
                    mismatches.append((step, state, who, by_service))
                if by_service:
                    allowed[step].add((state, who))

    assert mismatches == []
    # and the table is no empty answer: every step is someone's in some state, never everyone's in all
    assert [step for step, cases in allowed.items() if not cases or len(cases) == len(demands) * len(users)] == []
    assert allowed["answer"] == {(state, who) for state in ("dispatched", "answered", "extension_asked", "on_the_agenda",
                                                            "financing")
                                 for who in ("admin", "lead handler", "co-handler")}
    assert allowed["add_partner"] == {("financing", "admin"), ("financing", "office")}
    assert allowed["reopen"] == {("rated_unsatisfied", "own enterprise")}
    # referred by the office of no region (the whole platform) and admins, from the queue or dispatched
    referable = {"new", "accepted", "dispatched", "answered", "financing", "sent_back", "extension_asked",
                 "on_the_agenda"}
    assert allowed["refer_up"] == allowed["refer_down"] == {(state, who) for state in referable
                                                            for who in ("admin", "office")}
    assert ("on_the_agenda", "office") not in allowed["escalate"]
    assert ("sent_back", "lead handler") not in allowed["escalate"]


def test_a_refusal_says_who_may_take_the_step(desk, make_demand):
    demand = make_demand("dispatched")

    with pytest.raises(PermissionDenied) as caught:
        services.comment(demand, desk.enterprise, "跟进。")
    assert str(caught.value) == "Only staff may comment on a demand."
    with pytest.raises(PermissionDenied) as caught:
        services.answer(demand, desk.handler3, "已受理。")
    assert str(caught.value) == "Only a department handling the demand may answer it."
    assert Demand.objects.get(pk=demand.pk).version == demand.version
