"""Background tasks of core: a notification is e-mailed at most once; a killed worker's task is queued again."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from chainserve.core.models import Notification
from chainserve.core.tasks import email_notification


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
