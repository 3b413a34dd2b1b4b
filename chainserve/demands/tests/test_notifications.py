"""Who hears of an event, once; e-mail by background task after commit; reminders only in working hours."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from chainserve.core.models import Notification, OutboxTask
from chainserve.core.workdays import WorkCalendar
from chainserve.demands import services
from chainserve.demands.choices import EventType
from chainserve.demands.models import Demand
from chainserve.demands.tasks import notify_demand_event
from chainserve.registry.tests.factories import UserFactory

from .factories import local


def run_tasks():
    """What `manage.py db_worker --batch` does in production: run every queued task, then stop."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def inbox(key):
    return sorted(Notification.objects.filter(key=key).values_list("user__username", flat=True))


def test_a_dispatch_tells_the_enterprise_and_every_handling_department_once(desk, make_demand):
    demand = make_demand("dispatched")  # lead 经信局 (handler), co-handler 市场监管局 (handler2)
    event = demand.events.get(type=EventType.DISPATCHED)

    services.notify_event(event.pk)
    services.notify_event(event.pk)

    key = f"demand-event:{event.pk}"
    assert inbox(key) == ["enterprise", "handler", "handler2"]  # not the office, who dispatched it
    note = Notification.objects.get(key=key, user=desk.enterprise)
    # stored in the platform's language (zh-hans), although this test runs in English
    assert note.title == f"{demand.number} 派单：{demand.title}"
    assert note.url == f"/demands/{demand.pk}/"


@pytest.mark.parametrize(("step", "expected"), [
    ("submitted", ["office"]),  # the office staff of the demand's chain only
    ("asked", ["enterprise"]),
    ("replied", ["handler", "handler2"]),
    ("sent_back", ["office"]),
    ("answered", ["enterprise"]),
    ("escalated", ["office"]),
    ("commented", []),
])
def test_each_event_reaches_the_people_concerned(desk, make_demand, step, expected):
    UserFactory(username="office-elsewhere", role="office", email="oe@example.cn")  # staffs no chain
    demand = make_demand("waiting" if step == "replied" else "dispatched")
    actions = {
        "asked": lambda: services.ask(demand, desk.handler, "问题?"),
        "replied": lambda: services.reply(demand, desk.enterprise, "回答。"),
        "sent_back": lambda: services.send_back(demand, desk.handler, "非本部门。"),
        "answered": lambda: services.answer(demand, desk.handler, "答复。"),
        "escalated": lambda: services.escalate(demand, desk.handler2, "升级。"),
        "commented": lambda: services.comment(demand, desk.office, "备注。"),
    }
    if step in actions:
        actions[step]()
    event = Demand.objects.get(pk=demand.pk).events.filter(type=step).last()

    services.notify_event(event.pk)

    assert inbox(f"demand-event:{event.pk}") == expected


def test_a_demand_on_no_chain_tells_only_the_offices_of_its_enterprises_chains(desk):
    # 纽福斯 is placed on the city chain, which `office` staffs; an office of no chain of it hears nothing
    UserFactory(username="office-elsewhere", role="office")
    demand = services.submit(desk.enterprise, services.Intake(desk.nfs, desk.policy, "标题", "内容"))
    Demand.objects.filter(pk=demand.pk).update(chain=None)

    services.notify_event(demand.events.get().pk)

    assert inbox(f"demand-event:{demand.events.get().pk}") == ["office"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_event_is_notified_and_e_mailed_once_after_commit(desk, make_demand, mailoutbox):
    # real commits: the worker must find what on_commit queued, as it does in production
    demand = make_demand("dispatched")
    run_tasks()
    mailoutbox.clear()

    services.ask(demand, desk.handler, "请补充研发费用明细。")
    event = Demand.objects.get(pk=demand.pk).events.last()
    assert inbox(f"demand-event:{event.pk}") == []  # nothing before the task runs
    run_tasks()  # the event's task notifies and queues the e-mail, which the same batch sends

    assert inbox(f"demand-event:{event.pk}") == ["enterprise"]
    assert [(m.to, m.subject, m.body) for m in mailoutbox] == [
        (["enterprise@example.cn"], f"{demand.number} 向企业询问：{demand.title}",
         f"请补充研发费用明细。\n\n/demands/{demand.pk}/")]

    # when the event's task runs again (a retry), nobody hears twice
    notify_demand_event.enqueue(event.pk)
    run_tasks()
    assert inbox(f"demand-event:{event.pk}") == ["enterprise"]
    assert len(mailoutbox) == 1
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_a_rolled_back_step_queues_nothing(desk, make_demand, django_capture_on_commit_callbacks):
    demand = make_demand("dispatched")
    queued = list(DBTaskResult.objects.values_list("args_kwargs", flat=True))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(services.TransitionError):
            services.reply(demand, desk.enterprise, "回答。")

    assert callbacks == []
    assert list(DBTaskResult.objects.values_list("args_kwargs", flat=True)) == queued


def test_the_task_row_is_written_in_the_step_s_transaction(desk, make_demand):
    """One outbox row per event, in the same transaction as the event (handed to the backend after the commit,
    which a test's transaction never reaches: nothing is queued yet)."""
    demand = make_demand("dispatched")

    events = list(demand.events.order_by("pk").values_list("pk", flat=True))
    rows = OutboxTask.objects.order_by("pk").values_list("task_path", "args")
    assert list(rows) == [("chainserve.demands.tasks.notify_demand_event", [pk]) for pk in events]
    assert not DBTaskResult.objects.exists()


# ---------------------------------------------------------------- reminders

@pytest.mark.parametrize(("moment", "expected"), [
    (local(2026, 9, 29, 9), True),  # Tuesday, from 9:00
    (local(2026, 9, 29, 17, 59), True),
    (local(2026, 9, 29, 8, 59), False),
    (local(2026, 9, 29, 18), False),  # until 18:00
    (local(2026, 10, 1, 10), False),  # National Day
    (local(2026, 10, 10, 10), True),  # Saturday, 调休 working day
    (local(2026, 10, 11, 10), False),  # Sunday
])
def test_working_hours_are_on_working_days_in_shanghai(db, moment, expected):
    assert services.in_working_hours(moment, WorkCalendar()) is expected


def test_working_hours_are_read_in_shanghai_time(db):
    import datetime

    utc_2am = datetime.datetime(2026, 9, 29, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai
    utc_11am = datetime.datetime(2026, 9, 29, 11, 0, tzinfo=datetime.UTC)  # 19:00 in Shanghai

    assert services.in_working_hours(utc_2am, WorkCalendar()) is True
    assert services.in_working_hours(utc_11am, WorkCalendar()) is False


def test_reminders_go_to_the_lead_department_once_a_day_in_working_hours(clock, desk, make_demand):
    due_today = make_demand("dispatched")  # resolve by 10-19
    make_demand("waiting")  # paused: no reminder
    make_demand("resolved")
    clock.set(2026, 10, 8, 10)
    later = make_demand("dispatched")  # resolve by 10-21
    overdue = make_demand("dispatched")
    Demand.objects.filter(pk=overdue.pk).update(resolve_due=local(2026, 10, 16, 23, 59, 59))

    assert services.send_reminders(now=local(2026, 10, 19, 8)) == 0  # before working hours
    assert services.send_reminders(now=local(2026, 10, 19, 18, 30)) == 0  # evening
    assert services.send_reminders(now=local(2026, 10, 18, 10)) == 0  # Sunday
    assert Notification.objects.count() == 0

    assert services.send_reminders(now=local(2026, 10, 19, 10)) == 2
    assert services.send_reminders(now=local(2026, 10, 19, 15)) == 2  # the same day again: no new message

    notes = Notification.objects.all()
    assert {(n.user.username, n.key, n.title) for n in notes} == {
        ("handler", f"demand-reminder:{due_today.pk}:2026-10-19",
         f"今日到期：{due_today.number} {due_today.title}"),  # in the platform's language
        ("handler", f"demand-reminder:{overdue.pk}:2026-10-19", f"已超期：{overdue.number} {overdue.title}"),
    }  # not the demand due on 10-21
    assert later.resolve_due == local(2026, 10, 21, 23, 59, 59)

    assert services.send_reminders(now=local(2026, 10, 20, 9)) == 2  # the next working day: reminded again
    assert Notification.objects.count() == 4


def test_no_reminder_on_a_holiday(clock, desk, make_demand):
    demand = make_demand("dispatched")
    Demand.objects.filter(pk=demand.pk).update(resolve_due=local(2026, 9, 30, 23, 59, 59))

    assert services.send_reminders(now=local(2026, 10, 5, 10)) == 0  # National Day: overdue, but it waits
    assert Notification.objects.count() == 0
    assert services.send_reminders(now=local(2026, 10, 8, 10)) == 1
