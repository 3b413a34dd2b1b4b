"""An approval not paid by its payment deadline (working days from approval) escalates as an overdue demand does:
to the chain office's level, with an event, a notice to the chain offices and the issuing department, once —
and it shows on the office desk's escalations panel. Driven by the platform's clock across the deadline."""

import pytest
from django.utils import timezone

from chainserve.core.clock import frozen, local
from chainserve.core.models import Notification
from chainserve.core.workdays import add_working_days, current_calendar
from chainserve.demands.choices import EscalationLevel
from chainserve.resources import applications as apps
from chainserve.resources.choices import ApplicationState as S
from chainserve.resources.models import ApplicationEvent, Policy, PolicyApplication

from .test_applications import pdf


@pytest.fixture
def approved(world):
    """纽福斯's application, approved on Monday 2 March 2026 at 10:00."""
    with frozen(local(2026, 3, 2, 10)):
        policy = Policy.objects.create(title="研发费用补助", issuer=world.dept, status="published",
                                       published_at=timezone.now())
        a = apps.apply(policy, world.users.enterprise, amount=400_000_00)
        a = apps.approve(a, world.users.handler)
    world.application = a
    return world


def escalations(a):
    return list(ApplicationEvent.objects.filter(application=a, type="escalate").values_list("from_state", "to_state",
                                                                                           "actor"))


def test_an_approval_unpaid_past_its_deadline_escalates_once_to_the_chain_office(approved):
    a, u = approved.application, approved.users
    due = add_working_days(local(2026, 3, 2, 10).date(), apps.PAYMENT_DAYS, current_calendar())
    assert a.payment_due == due

    with frozen(local(due.year, due.month, due.day, 23, 59)):  # the last day to pay: not overdue yet
        assert apps.escalate_unpaid() == 0
    assert PolicyApplication.objects.get(pk=a.pk).escalation_level == EscalationLevel.NONE

    with frozen(local(due.year, due.month, due.day, 23, 59)) as clock:
        clock.advance(minutes=2)  # the next day
        assert apps.escalate_unpaid() == 1
        assert apps.escalate_unpaid() == 0  # run again: nothing twice

    row = PolicyApplication.objects.get(pk=a.pk)
    assert (row.state, row.escalation_level, row.version) == (S.APPROVED, EscalationLevel.OFFICE, a.version + 1)
    assert escalations(a) == [("approved", "approved", None)]
    told = set(Notification.objects.filter(key__startswith=f"application:{a.pk}:escalate").values_list(
        "user__username", flat=True))
    assert told == {u.office.username, u.handler.username}  # the chain's office and the issuing department
    assert "研发费用补助" in Notification.objects.filter(user=u.office, key__startswith=f"application:{a.pk}").get(
        key__contains="escalate").title


def test_an_approval_paid_in_time_does_not_escalate(approved):
    a, u = approved.application, approved.users
    with frozen(local(2026, 3, 3, 10)):
        [a] = apps.publicise_list(a.policy, u.office)
    with frozen(local(2026, 3, 16, 10)):
        a = apps.pay(a, u.handler, voucher=pdf("凭证.pdf"))
    with frozen(local(2026, 12, 1, 10)):
        assert apps.escalate_unpaid() == 0
    assert escalations(a) == []


def test_the_office_desk_counts_the_unpaid_escalations_and_links_to_them(approved, client_as):
    a = approved.application
    with frozen(local(2026, 12, 1, 10)):
        apps.escalate_unpaid()
    client = client_as(approved.users.office)

    desk = client.get("/").content.decode()
    listed = client.get("/resources/applications/?escalation_level=1&state=approved&state=publicised")

    assert "Approvals unpaid past their deadline" in desk
    assert "/resources/applications/?escalation_level=1&amp;state=approved&amp;state=publicised" in desk
    assert listed.status_code == 200 and f"/resources/applications/{a.pk}/" in listed.content.decode()
    page = client.get(f"/resources/applications/{a.pk}/").content.decode()
    assert (f'<dd class="col-sm-9" id="payment-due">{a.payment_due:%Y-%m-%d} <span class="badge text-bg-danger">'
            "Escalation: Chain office</span></dd>") in page
