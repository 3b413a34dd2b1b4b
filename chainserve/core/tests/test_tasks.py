"""Background tasks of core: a task is enqueued through the outbox once its change commits; a notification is
e-mailed at most once; a killed worker's task, or one a dead process left in the outbox, is queued again."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from chainserve.cli import main
from chainserve.core.models import Notification, OutboxTask
from chainserve.core.tasks import email_notification, enqueue_after_commit


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("connection closed")


@pytest.fixture
def note(users):
    users.office.email = "office@example.cn"
    users.office.save(update_fields=["email"])
    return Notification.objects.create(user=users.office, key="demand-event:1", title="SQ2026 Dispatched",
                                       body="请处理。", url="/demands/1/")


def test_a_notification_is_e_mailed_once_with_its_own_message_id(note):
    email_notification.call(note.pk)
    email_notification.call(note.pk)  # a rerun: after a crash, a requeue or a second enqueue

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject, message.body) == (["office@example.cn"], "SQ2026 Dispatched",
                                                           "请处理。\n\n/demands/1/")
    assert message.extra_headers["Message-ID"].startswith(f"<notification-{note.pk}@")
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_a_refused_e_mail_is_not_marked_sent_so_it_can_be_retried(note, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    with pytest.raises(smtplib.SMTPServerDisconnected):
        email_notification.call(note.pk)

    note.refresh_from_db()
    assert note.emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    email_notification.call(note.pk)
    assert len(mail.outbox) == 1


def claimed(note, worker_id, started_ago=datetime.timedelta(0)):
    result = DBTaskResult.objects.get(pk=email_notification.enqueue(note.pk).id)
    result.claim(worker_id)
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=timezone.now() - started_ago)
    return result


def test_a_restarting_worker_gets_its_own_unfinished_task_back_and_no_other(note):
    mine, other = claimed(note, "host-1"), claimed(note, "host-2")

    call_command("requeue_tasks", worker_id="host-1")

    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses == {mine.pk: TaskResultStatus.READY, other.pk: TaskResultStatus.RUNNING}
    assert DBTaskResult.objects.get(pk=mine.pk).started_at is None


def test_tasks_running_for_too_long_are_queued_again(note, capsys):
    old, recent = claimed(note, "gone", datetime.timedelta(minutes=20)), claimed(note, "busy")

    call_command("requeue_tasks", older_than=600)

    assert capsys.readouterr().out == "1 task(s) queued again.\n"
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses == {old.pk: TaskResultStatus.READY, recent.pk: TaskResultStatus.RUNNING}


def test_requeue_names_a_worker_or_an_age(db):
    with pytest.raises(CommandError, match="Name the worker"):
        call_command("requeue_tasks")


def queued():
    return list(DBTaskResult.objects.values_list("task_path", "args_kwargs"))


def test_a_task_is_written_with_its_change_and_handed_to_the_backend_on_commit(note, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        enqueue_after_commit(email_notification, note.pk)
        assert list(OutboxTask.objects.values_list("task_path", "args")) == [
            ("chainserve.core.tasks.email_notification", [note.pk])]
        assert queued() == []  # no worker sees it before the commit

    callbacks[0]()  # the commit
    assert queued() == [("chainserve.core.tasks.email_notification", {"args": [note.pk], "kwargs": {}})]
    assert OutboxTask.objects.count() == 0


def test_a_rolled_back_change_leaves_no_task(note, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            enqueue_after_commit(email_notification, note.pk)
            raise ZeroDivisionError

    assert (callbacks, OutboxTask.objects.count(), queued()) == ([], 0, [])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the worker closes its connection
def test_the_worker_hands_over_what_a_dead_process_left_in_the_outbox_and_runs_it(note):
    # given a change committed by a process that died before it handed its task over
    OutboxTask.objects.create(task_path="chainserve.core.tasks.email_notification", args=[note.pk])

    # when `chainserve worker --batch` runs (the configured backend's worker: db_worker)
    main(["worker", "--batch"])

    assert [m.to for m in mail.outbox] == [["office@example.cn"]]
    assert OutboxTask.objects.count() == 0
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == [TaskResultStatus.SUCCESSFUL]


def test_requeue_also_hands_over_what_was_left_in_the_outbox(note, capsys):
    OutboxTask.objects.create(task_path="chainserve.core.tasks.email_notification", args=[note.pk])

    call_command("requeue_tasks", older_than=600)

    assert capsys.readouterr().out == "0 task(s) queued again. 1 from the outbox.\n"
    assert queued() == [("chainserve.core.tasks.email_notification", {"args": [note.pk], "kwargs": {}})]


def test_a_transactions_tasks_are_handed_over_together(note, django_capture_on_commit_callbacks,
                                                       django_assert_num_queries):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for _ in range(3):
            enqueue_after_commit(email_notification, note.pk)

    # the first call hands over the transaction's three tasks: the look-up of the rows, three enqueues (the
    # database backend: a row each), one delete, in a savepoint; the others find them handed over
    with django_assert_num_queries(7):
        callbacks[0]()
    with django_assert_num_queries(0):
        callbacks[1]()
        callbacks[2]()
    assert queued() == [("chainserve.core.tasks.email_notification", {"args": [note.pk], "kwargs": {}})] * 3
    assert OutboxTask.objects.count() == 0


def test_a_task_of_a_rolled_back_savepoint_is_not_handed_over_and_the_others_are(note, users,
                                                                                 django_capture_on_commit_callbacks):
    other = Notification.objects.create(user=users.office, key="demand-event:2", title="t", body="b", url="/")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            enqueue_after_commit(email_notification, 0)  # its savepoint registered the hand-over, then rolled back
            raise ZeroDivisionError
        enqueue_after_commit(email_notification, note.pk)
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            enqueue_after_commit(email_notification, -1)
            raise ZeroDivisionError
        enqueue_after_commit(email_notification, other.pk)

    assert [args["args"] for _, args in queued()] == [[note.pk], [other.pk]]
    assert OutboxTask.objects.count() == 0


def test_a_task_after_the_hand_over_gets_a_hand_over_of_its_own(note, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_after_commit(email_notification, note.pk)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_after_commit(email_notification, note.pk)

    assert len(queued()) == 2
    assert OutboxTask.objects.count() == 0


def test_the_worker_refuses_a_fixed_id_for_several_workers_and_a_bad_number(db):
    from chainserve.core.management.commands.worker import Command, split_workers

    assert split_workers(["--workers", "3", "--burst"]) == (3, ["--burst"])
    assert split_workers(["--workers=2"]) == (2, [])
    with pytest.raises(CommandError, match="--workers takes a number"):
        split_workers(["--workers", "0"])
    with pytest.raises(CommandError, match="A fixed worker id names one worker"):
        Command().handle("--workers", "2", "--worker-id", "host-1")
