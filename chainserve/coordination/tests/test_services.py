"""Coordination services: agenda from escalations, decisions to action items, sign-up, check-in, visits."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from chainserve.coordination import services
from chainserve.coordination.models import (
    ActionItem,
    AgendaItem,
    Agreement,
    Attendee,
    CommitteeMember,
    Registration,
    Visit,
)
from chainserve.core.models import Notification
from chainserve.demands.models import Category, Demand, DemandEvent
from chainserve.registry.choices import OrgKind
from chainserve.registry.tests.factories import OrganizationFactory

DUE = datetime.date(2026, 12, 31)


def test_build_agenda_adds_escalated_demands_once(coord):
    added = services.build_agenda(coord.meeting, coord.users.office)
    again = services.build_agenda(coord.meeting, coord.users.office)

    assert [(i.demand_id, i.topic, i.position) for i in added] == [(coord.demand.pk, "寻找约1500平方米GMP厂房", 1)]
    assert again == []
    assert AgendaItem.objects.filter(meeting=coord.meeting).count() == 1


def test_build_agenda_refused_to_handler_changes_nothing(coord):
    with pytest.raises(PermissionDenied):
        services.build_agenda(coord.meeting, coord.users.handler)
    assert AgendaItem.objects.count() == 0


def test_topic_and_minutes(coord):
    services.build_agenda(coord.meeting, coord.users.office)
    item = services.add_topic(coord.meeting, coord.users.office, "  通报年度服务项目清单进展 ")
    meeting = services.record_minutes(coord.meeting, coord.users.office, "会议听取了汇报。")

    assert (item.topic, item.position, item.demand_id) == ("通报年度服务项目清单进展", 2, None)
    assert (meeting.status, meeting.minutes) == ("held", "会议听取了汇报。")
    assert meeting.history.first().history_user == coord.users.office


def test_decision_makes_action_item_and_resolves_demand_linked_to_meeting(coord):
    [item] = services.build_agenda(coord.meeting, coord.users.office)
    decision = services.decide(coord.meeting, coord.users.office, services.DecisionInput(
        text="由经信局牵头协调生物城厂房并落实租金减免。", owner=coord.world.dept, due_on=DUE,
        agenda_item=item, resolves_demand=True))

    action = ActionItem.objects.get(decision=decision)
    assert (action.meeting_id, action.owner_id, action.due_on, action.status) == (
        coord.meeting.pk, coord.world.dept.pk, DUE, "open")
    demand = Demand.objects.get(pk=coord.demand.pk)
    assert demand.status == "resolved"
    assert demand.resolution == "由经信局牵头协调生物城厂房并落实租金减免。"
    event = DemandEvent.objects.filter(demand=demand).latest("pk")
    assert (event.type, event.actor, event.data["meeting"]) == ("resolved", coord.users.office, coord.meeting.pk)
    assert AgendaItem.objects.get(pk=item.pk).resolved is True


def test_the_action_item_message_is_in_the_platform_language_whoever_decides(coord, django_capture_on_commit_callbacks):
    # the deciding request (or the demo loader) runs in English: the stored message is still in Chinese
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(coord.meeting, coord.users.office, services.DecisionInput(
            text="落实租金减免。", owner=coord.world.dept, due_on=DUE))

    assert list(Notification.objects.values_list("user__username", "title")) == [
        ("handler", f"来自{coord.meeting}的督办事项")]


def test_a_membership_reads_with_full_width_brackets(coord):
    member = CommitteeMember.objects.get(organization=coord.world.dept)
    with translation.override("zh-hans"):
        assert str(member) == f"{coord.world.dept.name}（召集单位）"


def test_decision_owner_must_be_a_department(coord):
    with pytest.raises(ValidationError) as e:
        services.decide(coord.meeting, coord.users.office, services.DecisionInput(
            text="x", owner=coord.world.nfs, due_on=DUE))
    assert e.value.message_dict == {"owner": ["The owner of an action item is a government department."]}
    assert ActionItem.objects.count() == 0


def test_resolving_needs_a_demand_on_the_agenda(coord):
    item = services.add_topic(coord.meeting, coord.users.office, "议题")
    with pytest.raises(ValidationError) as e:
        services.decide(coord.meeting, coord.users.office, services.DecisionInput(
            text="x", owner=coord.world.dept, due_on=DUE, agenda_item=item, resolves_demand=True))
    assert e.value.message_dict == {"resolves_demand": ["Only a decision on a demand of the agenda can resolve it."]}
    assert ActionItem.objects.count() == 0


def test_action_item_followed_to_done_by_owner_department(coord):
    decision = services.decide(coord.meeting, coord.users.office, services.DecisionInput(
        text="开展厂房需求摸排。", owner=coord.world.dept, due_on=DUE))
    action = decision.action_item
    services.update_action(action, coord.users.handler, "已摸排12家企业。")
    done = services.update_action(action, coord.users.handler, "已完成。", done=True)

    assert (done.status, done.progress) == ("done", "已完成。")
    assert done.done_at is not None
    assert [h.status for h in done.history.order_by("history_id")] == ["open", "open", "done"]
    assert [h.history_user for h in done.history.order_by("history_id")] == [
        coord.users.office, coord.users.handler, coord.users.handler]
    with pytest.raises(services.CoordinationError):
        services.update_action(done, coord.users.handler, "again", done=True)


def test_action_item_of_another_department_is_refused(coord):
    other = OrganizationFactory(name="明湖市科学技术局", kind=OrgKind.DEPARTMENT)
    decision = services.decide(coord.meeting, coord.users.office, services.DecisionInput(
        text="x", owner=other, due_on=DUE))
    with pytest.raises(PermissionDenied):
        services.update_action(decision.action_item, coord.users.handler, "done", done=True)
    assert ActionItem.objects.get(pk=decision.action_item.pk).status == "open"


def test_sign_up_with_two_attendees_and_check_in(coord):
    reg = services.sign_up(coord.activity, coord.users.enterprise, coord.world.nfs,
                           [("王思远", "总经理", "13812345678"), ("李敏", "财务总监", ""), ("", "", "")])
    assert list(reg.attendees.values_list("name", "title")) == [("王思远", "总经理"), ("李敏", "财务总监")]
    assert len(reg.code) == 10

    assert services.find_registration(coord.users.office, reg.code.lower()) == reg
    assert services.check_in(reg, coord.users.office) == 2
    assert services.check_in(reg, coord.users.office) == 0
    assert Attendee.objects.filter(registration=reg, checked_in_at__isnull=False).count() == 2


def test_enterprise_signs_up_once_and_only_for_itself(coord):
    services.sign_up(coord.activity, coord.users.enterprise, coord.world.nfs, [("王思远", "", "")])
    with pytest.raises(ValidationError):
        services.sign_up(coord.activity, coord.users.enterprise, coord.world.nfs, [("李敏", "", "")])
    with pytest.raises(PermissionDenied):
        services.sign_up(coord.activity, coord.users.enterprise, coord.world.wz, [("陈杰", "", "")])
    assert Registration.objects.count() == 1


def test_sign_up_respects_places(coord):
    coord.activity.capacity = 1
    coord.activity.save()
    with pytest.raises(ValidationError) as e:
        services.sign_up(coord.activity, coord.users.enterprise, coord.world.nfs, [("甲", "", ""), ("乙", "", "")])
    assert e.value.message_dict == {"attendees": ["Only 1 places are left."]}
    assert Registration.objects.count() == 0


def test_enterprise_cannot_check_in(coord):
    reg = services.sign_up(coord.activity, coord.users.enterprise, coord.world.nfs, [("王思远", "", "")])
    with pytest.raises(PermissionDenied):
        services.check_in(reg, coord.users.enterprise)
    assert reg.attendees.get().checked_in_at is None


def test_sign_up_closed_after_start(coord):
    coord.activity.starts_at = timezone.now() - datetime.timedelta(hours=1)
    coord.activity.save()
    with pytest.raises(services.CoordinationError):
        services.sign_up(coord.activity, coord.users.enterprise, coord.world.nfs, [("王思远", "", "")])
    assert Registration.objects.count() == 0


def test_visit_warning_within_14_days_by_someone_else(coord):
    today = datetime.date(2026, 5, 20)
    Visit.objects.create(organization=coord.world.nfs, visitor=coord.users.office, visited_on=today
                         - datetime.timedelta(days=14), purpose="调研")
    Visit.objects.create(organization=coord.world.nfs, visitor=coord.users.office, visited_on=today
                         - datetime.timedelta(days=15), purpose="太早")
    Visit.objects.create(organization=coord.world.nfs, visitor=coord.users.specialist, visited_on=today,
                         purpose="自己的")
    others = services.recent_visits_by_others(coord.world.nfs, coord.users.specialist, today)
    assert [v.purpose for v in others] == ["调研"]


def test_demand_from_visit(coord):
    visit = Visit.objects.create(organization=coord.world.nfs, visitor=coord.users.specialist,
                                 visited_on=datetime.date(2026, 5, 20), purpose="走访")
    demand = services.demand_from_visit(visit, coord.users.specialist, Category.objects.get(slug="talent"),
                                        "人才公寓", "需要20套人才公寓。")
    assert (demand.channel, demand.organization, demand.recorded_by) == ("visit", coord.world.nfs,
                                                                         coord.users.specialist)
    assert list(visit.demands.all()) == [demand]


def test_agreement_amount_stored_exactly(coord):
    a = Agreement.objects.create(chain=coord.chain, kind="credit", title="授信", institution=coord.world.bank,
                                 enterprise=coord.world.nfs, amount_fen=services.wan_to_fen(
                                     __import__("decimal").Decimal("3000.01")), signed_on=DUE)
    assert Agreement.objects.get(pk=a.pk).amount_fen == 30_000_100_00


def test_the_demand_page_names_the_meeting_that_resolved_it(coord, client_as):
    [item] = services.build_agenda(coord.meeting, coord.users.office)
    services.decide(coord.meeting, coord.users.office, services.DecisionInput(
        text="由经信局牵头协调。", owner=coord.world.dept, due_on=DUE, agenda_item=item, resolves_demand=True))

    page = client_as(coord.users.office).get(f"/demands/{coord.demand.pk}/").content.decode()

    assert f'<div class="mt-1 meeting-link">At the joint meeting: {coord.meeting}</div>' in page
