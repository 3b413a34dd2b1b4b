"""A demand's life through the services: intake, deadlines, dispatch, closing, rating, escalation."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chainserve.demands import services
from chainserve.demands.choices import AssignmentRole, Channel, EscalationLevel, EventType, Status
from chainserve.demands.models import Assignment, ChainIssue, Demand, DemandEvent, DispatchRule, SlaPolicy
from chainserve.demands.services import Intake, TransitionError

from .factories import eod, local, snapshot


def events_of(demand):
    return list(DemandEvent.objects.filter(demand=demand).order_by("pk").values_list(
        "type", "actor__username", "from_status", "to_status"))


def assignments_of(demand):
    return list(Assignment.objects.filter(demand=demand).order_by("pk").values_list(
        "department__name", "role", "due", "active"))


# ---------------------------------------------------------------- intake

def test_an_enterprise_raises_a_demand_with_deadlines_from_the_default_policy(clock, desk):
    # given the default normal policy: accept 1, first answer 2, resolve 10 working days
    # when, on Tuesday 2026-09-29 before the National Day holidays
    demand = services.submit(desk.enterprise, Intake(
        organization=desk.nfs, category=desk.policy, title=" 申请政策辅导 ", description="需要了解申报口径。",
        channel=Channel.VISIT))

    # then
    demand = Demand.objects.get(pk=demand.pk)
    assert demand.number == f"SQ2026{demand.pk:07d}"
    assert demand.status == Status.NEW
    assert demand.version == 1
    assert demand.channel == Channel.PORTAL  # an enterprise raises its own demands on the portal
    assert demand.title == "申请政策辅导"
    assert (demand.organization, demand.district, demand.chain) == (desk.nfs, desk.nfs.district, desk.chain)
    assert (demand.submitted_by, demand.recorded_by) == (desk.enterprise, None)
    assert demand.created == local(2026, 9, 29, 10)
    assert demand.accept_due == eod(2026, 9, 30)
    assert demand.answer_due == eod(2026, 10, 8)  # 10-01 … 10-07 are off
    assert demand.resolve_due == eod(2026, 10, 19)  # 10-10 (Saturday) is a working day
    assert events_of(demand) == [(EventType.SUBMITTED, "enterprise", "", Status.NEW)]
    assert demand.events.get().data == {"channel": "portal"}


def test_a_demand_raised_on_a_holiday_counts_from_the_next_working_day(clock, desk):
    clock.set(2026, 10, 2, 10)

    demand = services.submit(desk.enterprise, Intake(desk.nfs, desk.policy, "标题", "内容"))

    assert (demand.accept_due, demand.answer_due, demand.resolve_due) == (
        eod(2026, 10, 8), eod(2026, 10, 9), eod(2026, 10, 20))


def test_a_category_policy_beats_the_default_and_priority_picks_the_policy(clock, desk):
    SlaPolicy.objects.create(category=desk.financing, priority="normal", accept_days=1, answer_days=1,
                             resolve_days=3, cohandler_days=2)

    financing = services.submit(desk.enterprise, Intake(desk.nfs, desk.financing, "融资", "需要贷款。"))
    urgent = services.submit(desk.enterprise, Intake(desk.nfs, desk.policy, "急", "很急。",
                                                     priority="urgent"))

    assert (financing.accept_due, financing.answer_due, financing.resolve_due) == (
        eod(2026, 9, 30), eod(2026, 9, 30), eod(2026, 10, 9))
    # the default urgent policy: 1 / 1 / 5
    assert (urgent.accept_due, urgent.answer_due, urgent.resolve_due) == (
        eod(2026, 9, 30), eod(2026, 9, 30), eod(2026, 10, 12))


def test_staff_record_a_demand_on_behalf_with_its_channel(clock, desk):
    demand = services.submit(desk.specialist, Intake(desk.wz, desk.site, "用地", "需要厂房。",
                                                     channel=Channel.SYMPOSIUM))

    demand = Demand.objects.get(pk=demand.pk)
    assert demand.channel == Channel.SYMPOSIUM
    assert (demand.submitted_by, demand.recorded_by) == (desk.specialist, desk.specialist)
    assert demand.chain == desk.chain  # 溫州康寧 is on the city and the district chain: the city one wins
    assert demand.district == desk.wz.district
    assert events_of(demand) == [(EventType.SUBMITTED, "specialist", "", Status.NEW)]
    assert demand.events.get().data == {"channel": "symposium"}


@pytest.mark.parametrize(("role", "org", "channel", "error", "field"), [
    ("enterprise", "wz", Channel.PORTAL, PermissionDenied, None),  # another enterprise
    ("handler", "nfs", Channel.VISIT, PermissionDenied, None),
    ("partner", "nfs", Channel.VISIT, PermissionDenied, None),
    ("office", "nfs", Channel.PORTAL, ValidationError, "channel"),  # staff must say where it was raised
    ("specialist", "hospital", Channel.VISIT, ValidationError, "organization"),
    ("specialist", "nfs", Channel.NPC, ValidationError, "proposer"),  # a proposal names its deputy
])
def test_refused_intake_creates_nothing(desk, role, org, channel, error, field):
    user = getattr(desk.users, role)
    organization = getattr(desk.world, org)

    with pytest.raises(error) as caught:
        services.submit(user, Intake(organization, desk.policy, "标题", "内容", channel=channel))

    if field:
        assert list(caught.value.message_dict) == [field]
    assert Demand.objects.count() == 0
    assert DemandEvent.objects.count() == 0


def test_a_blank_title_is_refused(desk):
    with pytest.raises(ValidationError) as caught:
        services.submit(desk.enterprise, Intake(desk.nfs, desk.policy, "  ", "内容"))

    assert caught.value.message_dict == {"title": ["Give the demand a title."]}
    assert Demand.objects.count() == 0


def test_a_proposal_is_graded_when_closed(clock, desk, make_demand):
    demand = make_demand("dispatched", by=desk.specialist, channel=Channel.CPPCC, proposer=" 李委员 ")
    assert demand.proposer == "李委员"
    before = snapshot(demand)

    with pytest.raises(ValidationError) as caught:
        services.close(demand, desk.handler, True, "已答复。")
    assert caught.value.message_dict == {"grade": ["Grade the answer to the proposal: A, B or C."]}
    assert snapshot(demand) == before

    services.close(demand, desk.handler, True, "已答复。", "B")
    demand.refresh_from_db()
    assert (demand.status, demand.proposal_grade) == (Status.RESOLVED, "B")
    assert demand.events.last().data == {"grade": "B"}


def test_an_ordinary_demand_keeps_no_grade(clock, desk, make_demand):
    demand = make_demand("dispatched")

    services.close(demand, desk.handler, True, "已办结。", "A")

    demand.refresh_from_db()
    assert demand.proposal_grade == ""


# ---------------------------------------------------------------- dispatch

def test_the_most_specific_active_rule_suggests_the_departments(desk, make_demand):
    w = desk.world
    DispatchRule.objects.create(category=desk.policy, lead_department=desk.science)
    DispatchRule.objects.create(category=desk.policy, district=w.dong, lead_department=desk.market)
    specific = DispatchRule.objects.create(category=desk.policy, district=w.dong, chain=desk.chain,
                                           lead_department=desk.dept)
    specific.co_departments.set([desk.market])
    DispatchRule.objects.create(category=desk.policy, district=w.xi, chain=desk.chain,
                                lead_department=desk.science)
    DispatchRule.objects.create(category=desk.financing, district=w.dong, chain=desk.chain,
                                lead_department=desk.science)
    nfs_demand = make_demand()  # 纽福斯: 东湖区, city chain
    wz_demand = make_demand(by=desk.specialist, organization=desk.wz)  # 溫州康寧: 西湖区, city chain

    assert services.suggest_departments(nfs_demand) == (desk.dept, [desk.market])
    assert services.suggest_departments(wz_demand) == (desk.science, [])

    specific.active = False
    specific.save()
    assert services.suggest_departments(nfs_demand) == (desk.market, [])


def test_no_rule_suggests_nothing(desk, make_demand):
    assert services.suggest_departments(make_demand()) == (None, [])


def test_dispatch_sets_the_lead_and_the_shorter_co_handler_deadline(clock, desk, make_demand):
    demand = make_demand()
    clock.set(2026, 9, 30, 11)

    services.dispatch(demand, desk.office, desk.dept, [desk.market, desk.science, desk.dept], version=1)

    demand = Demand.objects.get(pk=demand.pk)
    assert demand.status == Status.DISPATCHED
    assert demand.version == 2
    assert demand.accepted_at == demand.dispatched_at == local(2026, 9, 30, 11)
    assert demand.lead_department == desk.dept
    assert assignments_of(demand) == [
        ("明湖市经济和信息化局", AssignmentRole.LEAD, eod(2026, 10, 19), True),
        ("明湖市市场监督管理局", AssignmentRole.CO, eod(2026, 10, 13), True),  # 5 working days from 09-30
        ("明湖市科学技术局", AssignmentRole.CO, eod(2026, 10, 13), True),
    ]
    assert events_of(demand)[-1] == (EventType.DISPATCHED, "office", Status.NEW, Status.DISPATCHED)
    assert demand.events.last().data == {"lead": desk.dept.pk, "co": [desk.market.pk, desk.science.pk]}


def test_a_co_handler_deadline_never_passes_the_resolve_deadline(clock, desk, make_demand):
    demand = make_demand(priority="urgent")  # resolve by 10-12; co-handlers 3 working days
    clock.set(2026, 10, 12, 9)

    services.dispatch(demand, desk.office, desk.dept, [desk.market])

    assert assignments_of(demand) == [
        ("明湖市经济和信息化局", AssignmentRole.LEAD, eod(2026, 10, 12), True),
        ("明湖市市场监督管理局", AssignmentRole.CO, eod(2026, 10, 12), True),
    ]


def test_dispatch_to_a_non_department_is_refused(desk, make_demand):
    demand = make_demand("accepted")
    before = snapshot(demand)

    with pytest.raises(ValidationError) as caught:
        services.dispatch(demand, desk.office, desk.world.bank)

    assert caught.value.message_dict == {"lead": ["明湖农商银行 is not a government department."]}
    assert snapshot(demand) == before


# ---------------------------------------------------------------- send back

def test_a_send_back_returns_the_demand_to_the_dispatcher_and_counts(clock, desk, make_demand):
    demand = make_demand("dispatched")

    services.send_back(demand, desk.handler, "不属于我局职责。")

    demand = Demand.objects.get(pk=demand.pk)
    assert (demand.status, demand.lead_department, demand.sent_back_count) == (Status.ACCEPTED, None, 1)
    assert [a[3] for a in assignments_of(demand)] == [False, False]
    event = demand.events.last()
    assert (event.type, event.from_status, event.to_status, event.note) == (
        EventType.SENT_BACK, Status.DISPATCHED, Status.ACCEPTED, "不属于我局职责。")
    assert event.data == {"department": desk.dept.pk}

    # when dispatched again and sent back by the next department too
    services.dispatch(demand, desk.office, desk.market)
    assert [(a[0], a[1], a[3]) for a in assignments_of(demand)] == [
        ("明湖市经济和信息化局", AssignmentRole.LEAD, False),
        ("明湖市市场监督管理局", AssignmentRole.LEAD, True),
    ]
    services.send_back(demand, desk.handler2, "应由科技局办理。")

    demand.refresh_from_db()
    assert (demand.status, demand.sent_back_count) == (Status.ACCEPTED, 2)


@pytest.mark.parametrize(("actor", "reason", "error"), [
    ("handler2", "不是我们的。", PermissionDenied),  # a co-handler is not the lead
    ("office", "不是我们的。", PermissionDenied),
    ("enterprise", "不是我们的。", PermissionDenied),
    ("handler", "  ", ValidationError),  # a reason is required
])
def test_a_send_back_by_anyone_but_the_lead_or_without_reason_changes_nothing(desk, make_demand, actor,
                                                                               reason, error):
    demand = make_demand("dispatched")
    before = snapshot(demand)

    with pytest.raises(error):
        services.send_back(demand, getattr(desk, actor), reason)

    assert snapshot(demand) == before


# ---------------------------------------------------------------- asking the enterprise: the clock pauses

def test_waiting_on_the_enterprise_moves_every_deadline_by_the_paused_working_days(clock, desk, make_demand):
    demand = make_demand("dispatched")  # on 09-29: answer by 10-08, resolve by 10-19, co-handler by 10-12

    services.ask(demand, desk.handler, "请补充研发费用明细。")
    demand.refresh_from_db()
    assert (demand.status, demand.paused_at) == (Status.WAITING, local(2026, 9, 29, 10))

    clock.set(2026, 10, 9, 15)  # 09-30, 10-08 and 10-09 are working days
    services.reply(demand, desk.enterprise, "已补充,见附件。")

    demand = Demand.objects.get(pk=demand.pk)
    assert (demand.status, demand.paused_at) == (Status.DISPATCHED, None)
    assert demand.answer_due == eod(2026, 10, 12)
    assert demand.resolve_due == eod(2026, 10, 22)
    assert [a[2] for a in assignments_of(demand)] == [eod(2026, 10, 22), eod(2026, 10, 15)]
    assert events_of(demand)[-2:] == [(EventType.ASKED, "handler", Status.DISPATCHED, Status.WAITING),
                                      (EventType.REPLIED, "enterprise", Status.WAITING, Status.DISPATCHED)]
    assert demand.events.last().data == {"paused_working_days": 3}


def test_a_pause_over_the_mid_autumn_holidays_counts_only_working_days(clock, desk, make_demand):
    demand = make_demand("dispatched")
    services.answer(demand, desk.handler, "已受理。")
    services.ask(demand, desk.handler, "请补充材料。")
    # the question was asked on Thursday 09-24; 09-25 … 09-27 are off, 09-28 and 09-29 are working days
    Demand.objects.filter(pk=demand.pk).update(paused_at=local(2026, 9, 24, 16))
    answer_due = Demand.objects.get(pk=demand.pk).answer_due

    services.reply(demand, desk.enterprise, "材料已补充。")

    demand = Demand.objects.get(pk=demand.pk)
    assert demand.resolve_due == eod(2026, 10, 21)  # 10-19 + 2 working days
    assert demand.answer_due == answer_due  # already answered: the first-answer deadline stays
    assert demand.events.last().data == {"paused_working_days": 2}


def test_a_reply_on_the_day_of_the_question_moves_nothing(clock, desk, make_demand):
    demand = make_demand("waiting")
    clock.advance(hours=5)

    services.reply(demand, desk.enterprise, "好的。")

    demand.refresh_from_db()
    assert (demand.answer_due, demand.resolve_due) == (eod(2026, 10, 8), eod(2026, 10, 19))


@pytest.mark.parametrize("actor", ["enterprise2", "handler", "office"])
def test_only_the_demand_s_own_enterprise_replies(desk, make_demand, actor):
    demand = make_demand("waiting")
    before = snapshot(demand)

    with pytest.raises(PermissionDenied):
        services.reply(demand, getattr(desk, actor), "答复。")

    assert snapshot(demand) == before


# ---------------------------------------------------------------- answers

def test_the_lead_s_first_answer_counts_and_a_co_handler_s_does_not(clock, desk, make_demand):
    demand = make_demand("dispatched")
    clock.set(2026, 9, 30, 9)
    services.answer(demand, desk.handler2, "市场监管局意见:支持。")
    demand.refresh_from_db()
    assert demand.first_answered_at is None

    clock.set(2026, 10, 8, 9)
    services.answer(demand, desk.handler, "经信局答复。")
    clock.set(2026, 10, 9, 9)
    services.answer(demand, desk.handler, "补充答复。")

    demand.refresh_from_db()
    assert demand.first_answered_at == local(2026, 10, 8, 9)
    assert list(demand.assignments.order_by("pk").values_list("answered_at", flat=True)) == [
        local(2026, 10, 8, 9), local(2026, 9, 30, 9)]


def test_a_department_not_handling_the_demand_cannot_answer(desk, make_demand):
    demand = make_demand("dispatched", co=[])
    before = snapshot(demand)

    with pytest.raises(PermissionDenied):
        services.answer(demand, desk.handler3, "我们来答。")

    assert snapshot(demand) == before


# ---------------------------------------------------------------- extensions

def test_an_approved_extension_moves_the_lead_s_deadline(clock, desk, make_demand):
    demand = make_demand("dispatched")

    services.request_extension(demand, desk.handler, 3, "需要会商。")
    demand.refresh_from_db()
    assert (demand.extension_days, demand.extension_reason) == (3, "需要会商。")
    with pytest.raises(TransitionError, match="already waiting"):
        services.request_extension(demand, desk.handler, 2, "再延。")

    services.decide_extension(demand, desk.office, True, "同意。")

    demand = Demand.objects.get(pk=demand.pk)
    assert demand.resolve_due == eod(2026, 10, 22)
    assert (demand.extension_days, demand.extension_reason) == (None, "")
    assert [a[2] for a in assignments_of(demand)] == [eod(2026, 10, 22), eod(2026, 10, 12)]
    assert [e[0] for e in events_of(demand)[-2:]] == [EventType.EXTENSION_ASKED, EventType.EXTENSION_APPROVED]
    assert demand.events.last().data == {"days": 3}


def test_a_refused_extension_keeps_the_deadline(clock, desk, make_demand):
    demand = make_demand("dispatched")
    services.request_extension(demand, desk.handler, 5, "需要会商。")

    services.decide_extension(demand, desk.office, False, "请按期办结。")

    demand = Demand.objects.get(pk=demand.pk)
    assert (demand.resolve_due, demand.extension_days) == (eod(2026, 10, 19), None)
    assert demand.events.last().type == EventType.EXTENSION_REFUSED


def test_an_extension_is_asked_before_the_deadline_only(clock, desk, make_demand):
    demand = make_demand("dispatched")
    clock.set(2026, 10, 19, 23, 59)  # still in time
    services.request_extension(demand, desk.handler, 1, "最后一天申请。")
    services.decide_extension(demand, desk.office, False)
    clock.set(2026, 10, 20, 0, 0, 1)  # too late
    before = snapshot(demand)

    with pytest.raises(TransitionError, match="before the deadline"):
        services.request_extension(demand, desk.handler, 3, "超期才申请。")

    assert snapshot(demand) == before


@pytest.mark.parametrize(("actor", "days", "error"), [
    ("handler", 0, ValidationError), ("handler", 31, ValidationError),
    ("handler2", 3, PermissionDenied), ("enterprise", 3, PermissionDenied),
])
def test_a_refused_extension_request_changes_nothing(desk, make_demand, actor, days, error):
    demand = make_demand("dispatched")
    before = snapshot(demand)

    with pytest.raises(error):
        services.request_extension(demand, getattr(desk, actor), days, "理由。")

    assert snapshot(demand) == before


def test_only_the_office_decides_an_extension(desk, make_demand):
    demand = make_demand("dispatched")
    services.request_extension(demand, desk.handler, 3, "理由。")
    before = snapshot(demand)

    with pytest.raises(PermissionDenied):
        services.decide_extension(demand, desk.handler, True)

    assert snapshot(demand) == before


@pytest.mark.parametrize("step", [
    lambda s, d: services.close(d, s.handler, True, "已办结。"),
    lambda s, d: services.send_back(d, s.handler, "非本部门。"),
], ids=["close", "send_back"])
def test_a_pending_extension_ends_when_the_department_lets_the_demand_go(desk, make_demand, step):
    # regression: a closed or sent-back demand kept its request, and approving it moved a closed deadline
    demand = make_demand("dispatched")
    services.request_extension(demand, desk.handler, 3, "理由。")

    step(desk, demand)

    demand = Demand.objects.get(pk=demand.pk)
    assert (demand.extension_days, demand.extension_reason) == (None, "")
    assert "decide_extension" not in services.available_actions(demand, desk.office)
    before = snapshot(demand)
    with pytest.raises(TransitionError, match="No extension"):
        services.decide_extension(demand, desk.office, True)
    assert snapshot(demand) == before


# ---------------------------------------------------------------- closing

def test_close_as_resolved_records_the_result_and_the_working_days(clock, desk, make_demand):
    demand = make_demand("dispatched")
    clock.set(2026, 10, 9, 16)

    services.close(demand, desk.handler, True, "已完成辅导。")

    demand = Demand.objects.get(pk=demand.pk)
    assert demand.status == Status.RESOLVED
    assert demand.closed_at == demand.first_answered_at == local(2026, 10, 9, 16)
    assert demand.resolution == "已完成辅导。"
    assert demand.resolve_working_days == 3  # 09-30, 10-08, 10-09
    assert events_of(demand)[-1] == (EventType.RESOLVED, "handler", Status.DISPATCHED, Status.RESOLVED)


def test_close_as_unresolved_is_its_own_status(clock, desk, make_demand):
    demand = make_demand("dispatched")

    services.close(demand, desk.handler, False, "受政策限制无法解决。")

    demand = Demand.objects.get(pk=demand.pk)
    assert demand.status == Status.UNRESOLVED
    assert demand.resolution == "受政策限制无法解决。"
    assert events_of(demand)[-1] == (EventType.UNRESOLVED, "handler", Status.DISPATCHED, Status.UNRESOLVED)


@pytest.mark.parametrize("actor", ["handler2", "office", "enterprise"])
def test_only_the_lead_closes(desk, make_demand, actor):
    demand = make_demand("dispatched")
    before = snapshot(demand)

    with pytest.raises(PermissionDenied):
        services.close(demand, getattr(desk, actor), True, "办结。")

    assert snapshot(demand) == before


# ---------------------------------------------------------------- rating and reopening

def test_a_result_is_rated_once(clock, desk, make_demand):
    demand = make_demand("unresolved")

    services.rate(demand, desk.enterprise, "basic", "  基本满意。 ")

    demand = Demand.objects.get(pk=demand.pk)
    assert (demand.rating, demand.rating_comment, demand.rated_at) == ("basic", "基本满意。", clock.now)
    assert events_of(demand)[-1] == (EventType.RATED, "enterprise", Status.UNRESOLVED, Status.UNRESOLVED)
    before = snapshot(demand)
    with pytest.raises(TransitionError, match="already been rated"):
        services.rate(demand, desk.enterprise, "unsatisfied")
    assert snapshot(demand) == before


@pytest.mark.parametrize(("actor", "rating", "error"), [
    ("enterprise2", "satisfied", PermissionDenied),
    ("handler", "satisfied", PermissionDenied),
    ("enterprise", "great", ValidationError),
])
def test_a_refused_rating_changes_nothing(desk, make_demand, actor, rating, error):
    demand = make_demand("resolved")
    before = snapshot(demand)

    with pytest.raises(error):
        services.rate(demand, getattr(desk, actor), rating)

    assert snapshot(demand) == before


def test_an_unsatisfied_enterprise_reopens_within_the_window(clock, desk, make_demand):
    demand = make_demand("rated_unsatisfied")  # closed on 09-29
    clock.set(2026, 10, 19, 10)  # the 10th working day after closing

    services.reopen(demand, desk.enterprise, "问题仍未解决。")

    demand = Demand.objects.get(pk=demand.pk)
    assert demand.status == Status.DISPATCHED
    assert demand.reopen_count == 1
    assert (demand.closed_at, demand.rating, demand.rating_comment, demand.rated_at) == (None, "", "", None)
    assert demand.resolve_working_days is None
    assert demand.resolve_due == eod(2026, 11, 2)  # 10 working days from 10-19
    assert assignments_of(demand) == [
        ("明湖市经济和信息化局", AssignmentRole.LEAD, eod(2026, 11, 2), True),
        ("明湖市市场监督管理局", AssignmentRole.CO, eod(2026, 10, 12), True),
    ]
    assert events_of(demand)[-1] == (EventType.REOPENED, "enterprise", Status.RESOLVED, Status.DISPATCHED)


def test_reopening_after_the_window_is_refused(clock, desk, make_demand):
    demand = make_demand("rated_unsatisfied")
    clock.set(2026, 10, 20, 10)  # the 11th working day
    before = snapshot(demand)

    with pytest.raises(TransitionError, match="within 10 working days"):
        services.reopen(demand, desk.enterprise, "问题仍未解决。")

    assert snapshot(demand) == before


@pytest.mark.parametrize("rating", ["", "satisfied", "basic"])
def test_only_an_unsatisfied_result_is_reopened(desk, make_demand, rating):
    demand = make_demand("resolved")
    if rating:
        services.rate(demand, desk.enterprise, rating)
    before = snapshot(demand)

    with pytest.raises(TransitionError, match="unsatisfied before reopening"):
        services.reopen(demand, desk.enterprise, "再看看。")

    assert snapshot(demand) == before


# ---------------------------------------------------------------- escalation

def test_escalation_climbs_to_the_joint_meeting_agenda_and_stops(desk, make_demand):
    demand = make_demand("dispatched")
    other_chain = make_demand("dispatched", by=desk.specialist, chain=desk.dchain)
    closed = make_demand("dispatched")
    for d in (other_chain, closed):
        for _ in range(3):
            services.escalate(d, desk.admin, "需要更高层级协调。")
    services.close(closed, desk.handler, True, "已解决。")

    services.escalate(demand, desk.handler2, "涉及多个部门。")  # a co-handler may flag it
    services.escalate(demand, desk.office, "链办协调未果。")
    assert list(services.agenda_candidates(desk.chain)) == []
    services.escalate(demand, desk.office, "提交联席会议。")

    demand = Demand.objects.get(pk=demand.pk)
    assert demand.escalation_level == EscalationLevel.JOINT_MEETING
    assert [(e.data["level"], e.actor.username) for e in demand.events.filter(type=EventType.ESCALATED)] == [
        (1, "handler2"), (2, "office"), (3, "office")]
    assert list(services.agenda_candidates(desk.chain)) == [demand]
    assert list(services.agenda_candidates(desk.dchain)) == [other_chain]
    before = snapshot(demand)
    with pytest.raises(TransitionError, match="already on the joint meeting"):
        services.escalate(demand, desk.office, "再升级。")
    assert snapshot(demand) == before


@pytest.mark.parametrize("actor", ["enterprise", "handler3", "specialist"])
def test_only_the_office_or_a_handling_department_escalates(desk, make_demand, actor):
    demand = make_demand("dispatched")
    before = snapshot(demand)

    with pytest.raises(PermissionDenied):
        services.escalate(demand, getattr(desk, actor), "升级。")

    assert snapshot(demand) == before


def test_overdue_demands_are_escalated_once_by_the_system(clock, desk, make_demand):
    dispatched = make_demand("dispatched")  # resolve by 10-19
    accepted = make_demand("accepted")
    waiting = make_demand("waiting")  # the clock is paused
    escalated = make_demand("dispatched")
    services.escalate(escalated, desk.office, "已升级。")
    resolved = make_demand("resolved")
    clock.set(2026, 10, 8, 10)
    not_due = make_demand("dispatched")  # resolve by 10-21

    assert services.escalate_overdue(now=local(2026, 10, 19, 23, 59)) == 0
    assert services.escalate_overdue(now=local(2026, 10, 20, 9)) == 2
    assert services.escalate_overdue(now=local(2026, 10, 20, 9)) == 0

    levels = dict(Demand.objects.values_list("pk", "escalation_level"))
    assert levels == {dispatched.pk: 1, accepted.pk: 1, waiting.pk: 0, escalated.pk: 1, resolved.pk: 0,
                      not_due.pk: 0}
    event = dispatched.events.last()
    assert (event.type, event.actor, event.note, event.data) == (
        EventType.ESCALATED, None, "Overdue: not resolved by its deadline.", {"level": 1})


# ---------------------------------------------------------------- chain-wide issues and merging

def test_a_demand_is_linked_to_an_issue_of_its_chain_only(desk, make_demand):
    demand = make_demand("dispatched")
    issue = ChainIssue.objects.create(chain=desk.chain, title="生物药企融资难")
    elsewhere = ChainIssue.objects.create(chain=desk.dchain, title="临床试验资源不足")

    services.link_issue(demand, desk.office, issue)
    demand.refresh_from_db()
    assert demand.chain_issue == issue
    assert (demand.events.last().type, demand.events.last().data) == (EventType.LINKED, {"issue": issue.pk})

    before = snapshot(demand)
    with pytest.raises(ValidationError):
        services.link_issue(demand, desk.office, elsewhere)
    assert snapshot(demand) == before


def test_merging_a_duplicate_keeps_both_histories(clock, desk, make_demand):
    kept = make_demand("dispatched")
    duplicate = make_demand("waiting")
    kept_events, duplicate_events = events_of(kept), events_of(duplicate)

    services.merge(duplicate, kept, desk.office)

    duplicate, kept = Demand.objects.get(pk=duplicate.pk), Demand.objects.get(pk=kept.pk)
    assert (duplicate.status, duplicate.merged_into, duplicate.closed_at) == (Status.MERGED, kept, clock.now)
    assert kept.status == Status.DISPATCHED
    assert list(kept.merged.all()) == [duplicate]
    assert events_of(duplicate) == [*duplicate_events,
                                    (EventType.MERGED, "office", Status.WAITING, Status.MERGED)]
    assert events_of(kept) == [*kept_events,
                               (EventType.MERGED, "office", Status.DISPATCHED, Status.DISPATCHED)]
    assert (duplicate.events.last().note, duplicate.events.last().data) == (kept.number, {"into": kept.pk})
    assert (kept.events.last().note, kept.events.last().data) == (duplicate.number, {"merged": duplicate.pk})


def test_merging_across_enterprises_into_itself_or_into_a_merged_demand_is_refused(desk, make_demand):
    a, b, c = make_demand(), make_demand(), make_demand()
    other = make_demand(by=desk.specialist, organization=desk.wz)
    services.merge(c, b, desk.office)
    before = [snapshot(d) for d in (a, b, c, other)]

    with pytest.raises(ValidationError, match="same enterprise"):
        services.merge(a, other, desk.office)
    with pytest.raises(ValidationError, match="into itself"):
        services.merge(a, a, desk.office)
    with pytest.raises(TransitionError, match="itself merged"):
        services.merge(a, c, desk.office)
    with pytest.raises(PermissionDenied):
        services.merge(a, b, desk.handler)

    assert [snapshot(d) for d in (a, b, c, other)] == before


# ---------------------------------------------------------------- every step: one event, or refused

def _ask_extension(desk, d):
    services.request_extension(d, desk.handler, 2, "理由。")


STEPS = {
    # name: (start state, prepare, step, event type, from, to)
    "accept": ("new", None, lambda s, d: services.accept(d, s.office), EventType.ACCEPTED,
               Status.NEW, Status.ACCEPTED),
    "reject": ("accepted", None, lambda s, d: services.reject(d, s.office, "范围外。"), EventType.REJECTED,
               Status.ACCEPTED, Status.REJECTED),
    "dispatch": ("new", None, lambda s, d: services.dispatch(d, s.office, s.market), EventType.DISPATCHED,
                 Status.NEW, Status.DISPATCHED),
    "send_back": ("dispatched", None, lambda s, d: services.send_back(d, s.handler, "非本部门。"),
                  EventType.SENT_BACK, Status.DISPATCHED, Status.ACCEPTED),
    "ask": ("dispatched", None, lambda s, d: services.ask(d, s.handler, "问题?"), EventType.ASKED,
            Status.DISPATCHED, Status.WAITING),
    "reply": ("waiting", None, lambda s, d: services.reply(d, s.enterprise, "回答。"), EventType.REPLIED,
              Status.WAITING, Status.DISPATCHED),
    "answer": ("dispatched", None, lambda s, d: services.answer(d, s.handler, "答复。"), EventType.ANSWERED,
               Status.DISPATCHED, Status.DISPATCHED),
    "request_extension": ("waiting", None, _ask_extension, EventType.EXTENSION_ASKED,
                          Status.WAITING, Status.WAITING),
    "decide_extension": ("dispatched", _ask_extension,
                         lambda s, d: services.decide_extension(d, s.office, True),
                         EventType.EXTENSION_APPROVED, Status.DISPATCHED, Status.DISPATCHED),
    "close": ("dispatched", None, lambda s, d: services.close(d, s.handler, True, "办结。"),
              EventType.RESOLVED, Status.DISPATCHED, Status.RESOLVED),
    "close_unresolved": ("dispatched", None, lambda s, d: services.close(d, s.handler, False, "无法解决。"),
                         EventType.UNRESOLVED, Status.DISPATCHED, Status.UNRESOLVED),
    "rate": ("unresolved", None, lambda s, d: services.rate(d, s.enterprise, "satisfied"), EventType.RATED,
             Status.UNRESOLVED, Status.UNRESOLVED),
    "reopen": ("rated_unsatisfied", None, lambda s, d: services.reopen(d, s.enterprise, "未解决。"),
               EventType.REOPENED, Status.RESOLVED, Status.DISPATCHED),
    "escalate": ("waiting", None, lambda s, d: services.escalate(d, s.office, "升级。"), EventType.ESCALATED,
                 Status.WAITING, Status.WAITING),
    "merge": ("accepted", None, lambda s, d: services.merge(d, s.target, s.office), EventType.MERGED,
              Status.ACCEPTED, Status.MERGED),
    "comment": ("resolved", None, lambda s, d: services.comment(d, s.office, "备注。"), EventType.COMMENTED,
                Status.RESOLVED, Status.RESOLVED),
}


@pytest.mark.parametrize("name", list(STEPS))
def test_every_step_writes_exactly_one_event(desk, make_demand, name):
    state, prepare, step, type_, from_status, to_status = STEPS[name]
    desk.target = make_demand()
    demand = make_demand(state)
    if prepare:
        prepare(desk, demand)
    demand = Demand.objects.get(pk=demand.pk)
    before = set(DemandEvent.objects.filter(demand=demand).values_list("pk", flat=True))

    step(desk, demand)

    new = DemandEvent.objects.filter(demand=demand).exclude(pk__in=before)
    assert [(e.type, e.from_status, e.to_status) for e in new] == [(type_, from_status, to_status)]
    after = Demand.objects.get(pk=demand.pk)
    assert (after.status, after.version) == (to_status, demand.version + 1)


WRONG_STATUS = [
    ("accept", "dispatched", lambda s, d: services.accept(d, s.office)),
    ("reject", "dispatched", lambda s, d: services.reject(d, s.office, "范围外。")),
    ("dispatch", "resolved", lambda s, d: services.dispatch(d, s.office, s.market)),
    ("send_back", "waiting", lambda s, d: services.send_back(d, s.handler, "非本部门。")),
    ("ask", "waiting", lambda s, d: services.ask(d, s.handler, "问题?")),
    ("reply", "dispatched", lambda s, d: services.reply(d, s.enterprise, "回答。")),
    ("answer", "waiting", lambda s, d: services.answer(d, s.handler, "答复。")),
    ("request_extension", "resolved", lambda s, d: services.request_extension(d, s.handler, 2, "理由。")),
    ("decide_extension", "dispatched", lambda s, d: services.decide_extension(d, s.office, True)),
    ("close", "waiting", lambda s, d: services.close(d, s.handler, True, "办结。")),
    ("close_again", "unresolved", lambda s, d: services.close(d, s.handler, True, "办结。")),
    ("rate", "dispatched", lambda s, d: services.rate(d, s.enterprise, "satisfied")),
    ("reopen", "dispatched", lambda s, d: services.reopen(d, s.enterprise, "未解决。")),
    ("escalate", "resolved", lambda s, d: services.escalate(d, s.office, "升级。")),
    ("merge", "rejected", lambda s, d: services.merge(d, s.target, s.office)),
]


@pytest.mark.parametrize(("name", "state", "step"), WRONG_STATUS, ids=[w[0] for w in WRONG_STATUS])
def test_a_step_from_the_wrong_status_is_refused_and_changes_nothing(desk, make_demand, name, state, step):
    desk.target = make_demand()
    demand = make_demand(state)
    before = snapshot(demand)

    with pytest.raises(TransitionError) as caught:
        step(desk, demand)

    assert type(caught.value) is TransitionError  # a refusal, not a conflict
    assert str(caught.value)
    assert snapshot(demand) == before


def test_the_refusal_names_the_status(desk, make_demand):
    demand = make_demand("resolved")

    with pytest.raises(TransitionError) as caught:
        services.ask(demand, desk.handler, "问题?")

    assert str(caught.value) == "Not possible while the demand is “Resolved”."


# ---------------------------------------------------------------- regressions

def test_a_chain_rule_beats_a_district_rule_on_every_database(desk, make_demand):
    w = desk.world
    DispatchRule.objects.create(category=desk.policy, district=w.dong, lead_department=desk.market)
    DispatchRule.objects.create(category=desk.policy, chain=desk.chain, lead_department=desk.science)

    assert services.suggest_departments(make_demand()) == (desk.science, [])


def test_time_waiting_for_the_enterprise_is_not_counted_in_the_working_days_to_close(clock, desk, make_demand):
    demand = make_demand("waiting")  # asked on Tue 2026-09-29
    clock.set(2026, 9, 30, 10)  # the enterprise replies the next working day (Wed 09-30)
    services.reply(demand, desk.enterprise, "补充材料已上传。")
    clock.set(2026, 10, 9, 10)  # after National Day (10-01..10-07 off)
    services.close(demand, desk.handler, True, "已办结。")

    demand.refresh_from_db()
    assert demand.paused_working_days == 1
    # 09-29 → 10-09 spans the working days 09-30, 10-08 and 10-09; one of them was spent waiting
    assert demand.resolve_working_days == 3 - 1


def test_a_waiting_demand_past_its_old_deadline_is_not_overdue(clock, desk, make_demand):
    from chainserve.demands import metrics

    demand = make_demand("waiting")
    Demand.objects.filter(pk=demand.pk).update(resolve_due=demand.created)

    total = metrics.totals()
    assert (total.overdue, total.open) == (0, 1)


def test_merging_into_a_demand_the_office_cannot_see_is_refused(desk, make_demand):
    from chainserve.chains.models import Chain

    other_chain = Chain.objects.create(name="另一条链")
    hidden = make_demand(chain=other_chain)
    duplicate = make_demand()
    before = [snapshot(d) for d in (hidden, duplicate)]

    with pytest.raises(ValidationError, match="No demand has the number"):
        services.merge(duplicate, hidden, desk.office)

    assert [snapshot(d) for d in (hidden, duplicate)] == before


def test_a_version_that_is_not_a_number_is_a_conflict_not_a_crash(desk, make_demand):
    demand = make_demand()
    before = snapshot(demand)

    with pytest.raises(services.ConflictError):
        services.perform("accept", demand, desk.office, {}, version="abc")

    assert snapshot(demand) == before
