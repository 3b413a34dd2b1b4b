"""The road from application to payment (政策申报到兑现): each step, who may take it, 免申即享, reminders."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chainserve.core.models import Notification
from chainserve.matching import services as matching
from chainserve.matching.models import Match
from chainserve.resources import applications as apps
from chainserve.resources.choices import ApplicationState as S
from chainserve.resources.models import ApplicationEvent, Policy, PolicyApplication

PDF = b"%PDF-1.4 test"
EAST = {"all": [{"field": "district", "op": "eq", "value": "420102"}]}


def pdf(name="材料.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def published(**fields):
    return Policy.objects.create(status="published", published_at=timezone.now(), **fields)


@pytest.fixture
def road(world):
    world.policy = published(title="研发费用补助", issuer=world.dept)
    return world


def snapshot(a):
    row = PolicyApplication.objects.get(pk=a.pk)
    return (row.state, row.version, row.amount_approved, row.amount_paid, row.events.count(), row.documents.count())


def close_window(a):
    PolicyApplication.objects.filter(pk=a.pk).update(objection_until=timezone.localdate() - datetime.timedelta(days=1))


def test_the_whole_road(road):
    u = road.users
    a = apps.apply(road.policy, u.enterprise, amount=500_000_00, inputs={"rd_cost": 1_000_000_00},
                   statement="申请研发补助", files=[pdf()])
    assert (a.state, a.enterprise, a.amount_applied, a.version) == (S.SUBMITTED, road.nfs, 500_000_00, 1)
    assert a.review_due > timezone.localdate()
    assert a.documents.get().name == "材料.pdf"
    assert Notification.objects.filter(user=u.handler, key__startswith=f"application:{a.pk}:apply").count() == 1

    a = apps.start_review(a, u.handler, version=1)
    a = apps.return_for_more(a, u.handler, version=2, note="请补充审计报告")
    assert a.state == S.RETURNED
    assert Notification.objects.filter(user=u.enterprise, key__startswith=f"application:{a.pk}:return").exists()
    a = apps.answer(a, u.enterprise, version=3, note="已补充", files=[pdf("审计报告.pdf")])
    a = apps.approve(a, u.handler, version=4, amount=400_000_00)
    assert (a.state, a.amount_approved) == (S.APPROVED, 400_000_00)
    [a] = apps.publicise_list(road.policy, u.office)
    assert a.state == S.PUBLICISED and a.objection_until > timezone.localdate()
    with pytest.raises(ValidationError):  # the objection window is still open
        apps.pay(a, u.handler, voucher=pdf("凭证.pdf"))
    close_window(a)
    a = apps.pay(a, u.handler, voucher=pdf("凭证.pdf"))
    assert (a.state, a.amount_paid, a.paid_on) == (S.PAID, 400_000_00, timezone.localdate())
    assert a.working_days_to_payment == 0
    a = apps.confirm_receipt(a, u.enterprise, version=a.version)
    assert a.state == S.RECEIVED

    events = list(ApplicationEvent.objects.filter(application=a).values_list("type", "from_state", "to_state", "actor"))
    assert events == [
        ("apply", "", "submitted", u.enterprise.pk),
        ("start_review", "submitted", "under_review", u.handler.pk),
        ("return", "under_review", "returned", u.handler.pk),
        ("answer", "returned", "under_review", u.enterprise.pk),
        ("approve", "under_review", "approved", u.handler.pk),
        ("publicise", "approved", "publicised", u.office.pk),
        ("pay", "publicised", "paid", u.handler.pk),
        ("receive", "paid", "received", u.enterprise.pk),
    ]
    assert sorted(a.documents.values_list("kind", flat=True)) == ["document", "document", "voucher"]


def test_refusal_needs_a_reason_and_allows_a_new_application(road):
    u = road.users
    a = apps.apply(road.policy, u.enterprise)
    with pytest.raises(ValidationError) as e:
        apps.refuse(a, u.handler, reason=" ")
    assert "reason" in e.value.message_dict
    assert snapshot(a) == (S.SUBMITTED, 1, None, None, 1, 0)
    a = apps.refuse(a, u.handler, reason="不符合条件")
    assert (a.state, a.refusal_reason) == (S.REFUSED, "不符合条件")
    again = apps.apply(road.policy, u.enterprise)
    assert again.state == S.SUBMITTED


def test_one_open_application_per_policy(road):
    apps.apply(road.policy, road.users.enterprise)
    with pytest.raises(ValidationError):
        apps.apply(road.policy, road.users.enterprise)
    assert PolicyApplication.objects.count() == 1


@pytest.mark.parametrize("who", ["enterprise", "partner", "specialist"])
def test_only_the_issuing_department_reviews(road, who):
    a = apps.apply(road.policy, road.users.enterprise)
    before = snapshot(a)
    for step in (apps.start_review, apps.return_for_more, apps.refuse):
        with pytest.raises(PermissionDenied):
            step(a, getattr(road.users, who), note="x") if step is not apps.refuse else step(
                a, getattr(road.users, who), reason="x")
    with pytest.raises(PermissionDenied):
        apps.approve(a, getattr(road.users, who), amount=1)
    assert snapshot(a) == before


def test_another_departments_handler_may_not_review(road):
    from chainserve.registry.choices import OrgKind
    from chainserve.registry.tests.factories import OrganizationFactory

    other = OrganizationFactory(name="明湖市科学技术局", kind=OrgKind.DEPARTMENT)
    policy = published(title="科技补助", issuer=other)
    a = apps.apply(policy, road.users.enterprise)
    with pytest.raises(PermissionDenied):
        apps.approve(a, road.users.handler, amount=1)
    assert snapshot(a) == (S.SUBMITTED, 1, None, None, 1, 0)


def test_the_firm_steps_are_the_firms(road):
    u = road.users
    a = apps.apply(road.policy, u.enterprise)
    a = apps.return_for_more(a, u.handler, note="补充")
    before = snapshot(a)
    with pytest.raises(PermissionDenied):
        apps.answer(a, u.handler, note="代答")
    assert snapshot(a) == before
    with pytest.raises(PermissionDenied):
        apps.apply(road.policy, u.handler)


def test_steps_in_the_wrong_state_change_nothing(road):
    u = road.users
    a = apps.apply(road.policy, u.enterprise)
    before = snapshot(a)
    for call in (lambda: apps.answer(a, u.enterprise, note="x"), lambda: apps.publicise(a, u.office),
                 lambda: apps.pay(a, u.handler, voucher=pdf()), lambda: apps.confirm_receipt(a, u.enterprise)):
        with pytest.raises(ValidationError):
            call()
    assert snapshot(a) == before


def test_a_refused_file_writes_nothing(road):
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        apps.apply(road.policy, road.users.enterprise, files=[bad])
    assert PolicyApplication.objects.count() == 0


def test_two_reviewers_at_once_one_wins(road):
    u = road.users
    a = apps.apply(road.policy, u.enterprise)
    apps.approve(a, u.handler, version=1, amount=100)
    with pytest.raises(apps.ConflictError):
        apps.refuse(a, u.office, version=1, reason="重复")
    assert snapshot(a) == (S.APPROVED, 2, 100, None, 2, 0)


def test_granted_without_application(road):
    u = road.users
    road.policy.granted_without_application = True
    road.policy.save()
    rule_version = matching.save_rule(u.office, road.policy, EAST)
    matching.recompute_rule(rule_version.rule)
    qualifying = set(Match.objects.filter(rule=rule_version.rule, qualifies=True).values_list("enterprise", flat=True))
    assert road.nfs.pk in qualifying
    with pytest.raises(ValidationError):
        apps.apply(road.policy, u.enterprise)
    with pytest.raises(PermissionDenied):
        apps.grant_without_application(road.policy, u.enterprise)
    created = apps.grant_without_application(road.policy, u.handler)
    assert {a.enterprise_id for a in created} == qualifying
    assert {(a.state, a.without_application) for a in created} == {(S.UNDER_REVIEW, True)}
    assert apps.grant_without_application(road.policy, u.handler) == []  # once


def test_window_reminders_once(road):
    u = road.users
    road.policy.apply_until = timezone.localdate() + datetime.timedelta(days=2)
    road.policy.save()
    rule_version = matching.save_rule(u.office, road.policy, EAST)
    matching.recompute_rule(rule_version.rule)
    assert apps.send_window_reminders() >= 1
    assert Notification.objects.filter(user=u.enterprise, key__startswith="policy-window:").count() == 1
    assert apps.send_window_reminders() == 0


def test_applying_marks_the_match_applied(road):
    u = road.users
    rule_version = matching.save_rule(u.office, road.policy, EAST)
    matching.recompute_rule(rule_version.rule)
    apps.apply(road.policy, u.enterprise)
    assert Match.objects.get(rule=rule_version.rule, enterprise=road.nfs).state == "applied"


def test_the_window_closed_refuses_the_application(road):
    road.policy.apply_until = timezone.localdate() - datetime.timedelta(days=1)
    road.policy.save()
    with pytest.raises(ValidationError):
        apps.apply(road.policy, road.users.enterprise)
    assert PolicyApplication.objects.count() == 0


def test_a_draft_policy_takes_no_application(road):
    draft = Policy.objects.create(title="草案", issuer=road.dept)
    with pytest.raises(ValidationError):
        apps.apply(draft, road.users.enterprise)
    assert PolicyApplication.objects.count() == 0


def test_payment_records_the_working_days_from_application(road):
    u = road.users
    a = apps.apply(road.policy, u.enterprise)
    PolicyApplication.objects.filter(pk=a.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=14))
    a = apps.approve(a, u.handler, amount=1)
    a = apps.publicise(a, u.office)
    close_window(a)
    a = apps.pay(a, u.handler, voucher=pdf())
    submitted = timezone.localdate() - datetime.timedelta(days=14)
    from chainserve.core.workdays import current_calendar, working_days_between

    assert a.working_days_to_payment == working_days_between(submitted, timezone.localdate(), current_calendar())
    assert 8 <= a.working_days_to_payment <= 10


def test_the_reminder_command(road):
    from io import StringIO

    from django.core.management import call_command

    road.policy.apply_until = timezone.localdate() + datetime.timedelta(days=1)
    road.policy.save()
    matching.recompute_rule(matching.save_rule(road.users.office, road.policy, EAST).rule)
    out = StringIO()
    call_command("application_window_reminders", stdout=out)
    assert out.getvalue().startswith("reminded ")
    assert Notification.objects.filter(user=road.users.enterprise, key__startswith="policy-window:").count() == 1


def test_an_objection_sends_a_publicised_application_back_to_review(road):
    u = road.users
    a = apps.publicise(apps.approve(apps.apply(road.policy, u.enterprise), u.handler, amount=100), u.office)
    with pytest.raises(PermissionDenied):
        apps.record_objection(a, u.enterprise, note="自己反对")
    with pytest.raises(ValidationError):
        apps.record_objection(a, u.office, note=" ")
    assert snapshot(a) == (S.PUBLICISED, 3, 100, None, 3, 0)
    a = apps.record_objection(a, u.office, version=3, note="群众反映申报数据不实")
    assert (a.state, a.objection_until) == (S.UNDER_REVIEW, None)
    assert list(a.events.values_list("type", flat=True))[-1] == "objection"
    with pytest.raises(ValidationError):  # paid only after approved and publicised again
        apps.pay(a, u.handler, voucher=pdf())


def test_no_objection_after_the_window(road):
    u = road.users
    a = apps.publicise(apps.approve(apps.apply(road.policy, u.enterprise), u.handler, amount=100), u.office)
    close_window(a)
    with pytest.raises(ValidationError):
        apps.record_objection(a, u.handler, note="迟到的异议")
    assert PolicyApplication.objects.get().state == S.PUBLICISED
