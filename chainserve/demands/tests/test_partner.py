"""A partner institution (a bank) as co-handler of financing demands: the office adds it, it sees and answers
only those demands, and nothing else changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chainserve.core.models import Notification
from chainserve.demands import services
from chainserve.demands.choices import AssignmentRole, EventType, Status
from chainserve.demands.models import Assignment, Demand
from chainserve.demands.services import ConflictError, TransitionError

from .factories import snapshot


@pytest.fixture
def financing(desk, make_demand):
    return make_demand("dispatched", category=desk.financing, title="申请科技贷款500万元")


def test_the_office_adds_a_bank_which_sees_and_answers_its_part_only(clock, desk, financing, make_demand):
    other = make_demand("dispatched", category=desk.financing, title="另一家银行对接的融资需求")
    policy = make_demand("dispatched")

    services.add_partner(financing, desk.office, desk.world.bank, "请农商银行对接授信。", version=financing.version)

    demand = Demand.objects.get(pk=financing.pk)
    bank = Assignment.objects.get(demand=demand, department=desk.world.bank)
    market = Assignment.objects.get(demand=demand, department=desk.market)  # co-handler since the dispatch, today
    assert (bank.role, bank.active, bank.due, bank.answered_at) == (AssignmentRole.CO, True, market.due, None)
    event = demand.events.last()
    assert (event.type, event.note, event.data) == (EventType.PARTNER_ADDED, "请农商银行对接授信。", {
        "partner": desk.world.bank.pk, "partner_name": "明湖农商银行"})
    services.notify_event(event.pk)
    assert sorted(Notification.objects.filter(key=f"demand-event:{event.pk}").values_list(
        "user__username", flat=True)) == ["handler", "handler2", "partner"]
    assert list(Demand.objects.restrict(desk.partner)) == [demand]  # not `other`, not `policy`
    assert services.available_actions(demand, desk.partner) == ["answer"]
    assert services.available_actions(other, desk.partner) == []

    services.answer(demand, desk.partner, "我行可提供500万元科技贷款,已联系企业。")

    demand = Demand.objects.get(pk=demand.pk)
    assert Assignment.objects.get(pk=bank.pk).answered_at is not None
    assert demand.first_answered_at is None  # a co-handler's answer is not the lead's first answer
    assert (demand.status, demand.lead_department) == (Status.DISPATCHED, desk.dept)
    assert policy.pk not in Demand.objects.restrict(desk.partner).values_list("pk", flat=True)


@pytest.mark.parametrize("step", [
    lambda d, desk: services.close(d, desk.partner, True, "已办结。"),
    lambda d, desk: services.ask(d, desk.partner, "请补充材料。"),
    lambda d, desk: services.send_back(d, desk.partner, "不是我们的。"),
    lambda d, desk: services.escalate(d, desk.partner, "升级。"),
    lambda d, desk: services.add_partner(d, desk.partner, desk.world.bank),
])
def test_a_co_handling_bank_takes_no_other_step(desk, financing, step):
    services.add_partner(financing, desk.office, desk.world.bank)
    before = snapshot(financing)

    with pytest.raises(PermissionDenied):
        step(financing, desk)

    assert snapshot(financing) == before


def test_a_partner_goes_only_to_a_financing_demand_being_handled_and_only_a_bank_or_fund(desk, financing,
                                                                                            make_demand):
    policy, queued = make_demand("dispatched"), make_demand("accepted", category=desk.financing)
    before = [snapshot(d) for d in (policy, queued, financing)]

    with pytest.raises(TransitionError, match="Only a financing demand goes to a partner institution."):
        services.add_partner(policy, desk.office, desk.world.bank)
    with pytest.raises(TransitionError, match="Not possible while"):
        services.add_partner(queued, desk.office, desk.world.bank)
    with pytest.raises(ValidationError) as e:
        services.add_partner(financing, desk.office, desk.science)
    assert e.value.message_dict == {"partner": ["Choose a bank, investor or fund."]}
    with pytest.raises(PermissionDenied):
        services.add_partner(financing, desk.handler, desk.world.bank)

    assert [snapshot(d) for d in (policy, queued, financing)] == before
    assert not Demand.objects.restrict(desk.partner).exists()


def test_two_offices_adding_the_bank_at_once_one_wins_the_other_is_a_conflict(desk, financing):
    seen = financing.version
    services.add_partner(financing, desk.office, desk.world.bank, version=seen)
    before = snapshot(financing)

    with pytest.raises(ConflictError):
        services.add_partner(financing, desk.admin, desk.world.bank, version=seen)
    with pytest.raises(ValidationError) as e:
        services.add_partner(financing, desk.admin, desk.world.bank)

    assert e.value.message_dict == {"partner": ["明湖农商银行 co-handles this demand already."]}
    assert snapshot(financing) == before


def test_the_pages_and_the_api_for_the_office_and_the_bank(desk, financing, make_demand, client_as, api_as):
    policy = make_demand("dispatched")
    office = client_as(desk.office)
    assert "add_partner" in office.get(f"/demands/{financing.pk}/").context["action_forms"]
    assert "add_partner" not in office.get(f"/demands/{policy.pk}/").context["action_forms"]
    partner = client_as(desk.partner)
    assert partner.get(f"/demands/{financing.pk}/").status_code == 404

    office.post(f"/demands/{financing.pk}/add_partner/", {"version": financing.version,
                                                          "add_partner-partner": desk.world.bank.pk})
    page = partner.get(f"/demands/{financing.pk}/")
    inbox = partner.get("/demands/inbox/")
    answered = api_as(desk.partner).post(f"/api/v1/demands/{financing.pk}/steps/answer/", {
        "version": financing.version + 1, "note": "我行已对接。"}, format="json")

    assert list(page.context["action_forms"]) == ["answer"]
    assert [d.pk for d in inbox.context["page"].object_list] == [financing.pk]
    assert inbox.context["title"] == "Financing demands we co-handle"
    assert partner.get(f"/demands/{policy.pk}/").status_code == 404
    assert partner.get("/demands/").status_code == 403
    assert (answered.status_code, answered.json()["actions"]) == (200, ["answer"])
    assert api_as(desk.partner).get("/api/v1/demands/").json()["results"][0]["id"] == financing.pk
    refused = api_as(desk.handler).post(f"/api/v1/demands/{policy.pk}/steps/add_partner/", {
        "partner": desk.world.bank.pk}, format="json")
    assert refused.status_code == 400
    assert not Assignment.objects.filter(demand=policy, department=desk.world.bank).exists()
