"""Background work of every app: one way to enqueue a task (an outbox, enqueue_after_commit) and core's own
tasks (e-mail for in-app notifications)."""

import threading
from importlib import import_module

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import Notification, OutboxTask


def enqueue_after_commit(task, *args):
    """Run task(*args) in the background once the current transaction commits (at once outside one).

    An outbox: the task is written as a row (OutboxTask) in the change's own transaction, and handed to the
    task backend by relay_outbox after the commit. Enqueuing only on commit (transaction.on_commit) would
    lose the task when the process dies between the commit and the enqueue — the change is saved, nothing
    follows it; enqueuing inside the transaction would let a broker's worker run the task before the change
    is visible, or run it for a change that is rolled back. The row commits or rolls back with the change,
    and a row the process did not live to hand over is handed over by the next `chainserve worker` or
    `chainserve requeue_tasks` (relay_outbox). A row handed over twice (a crash after the backend took it,
    before the row was deleted) runs twice: every task is safe to run twice. Works the same with any
    django-tasks backend; nothing here knows which one is configured.

    The tasks of one transaction are handed over together (_Handover): one look-up of their rows and one
    delete after its commit, however many tasks it wrote. The insert stays one per task: it is the row that
    makes the task part of the change, and no hook runs inside a transaction just before its commit."""
    row = OutboxTask.objects.create(task_path=task.module_path, args=list(args))
    handover = getattr(_current, "handover", None)
    if handover is None or not handover.pending():
        _current.handover = handover = _Handover()
    handover.pks.append(row.pk)
    # A call per task, each handing over the whole batch (the first one to run does; the others find it
    # done): one registered inside a savepoint that rolls back is dropped with it, and the others still run.
    transaction.on_commit(handover.hand_over)  # outside a transaction: at once
    return row


_current = threading.local()  # the _Handover of this thread's open transaction (connections are per thread)


class _Handover:
    """The outbox rows one transaction wrote, handed over together once it commits."""

    def __init__(self):
        self.pks, self.done = [], False

    def pending(self):
        """Still waiting for its commit: a call of it is still registered with the connection. None is once the
        transaction committed (they ran) or rolled back (Django dropped them), and then the next task starts a
        batch of its own; a row of a rolled-back savepoint may stay in the batch: there is no row to hand over."""
        connection = transaction.get_connection()
        return not self.done and any(getattr(func, "__self__", None) is self for _, func, _ in reversed(connection.run_on_commit))

    def hand_over(self):
        if not self.done:
            self.done = True
            relay_outbox(pks=self.pks)


def relay_outbox(pks=None):
    """Hand the outbox's tasks to the task backend and delete their rows in one statement; returns how many.

    pks: only those rows (the on-commit hand-over of one transaction); None: every row, which after a crash are
    the ones a process that died after its commit did not hand over. A row another process is handing over
    is locked and skipped (PostgreSQL), and gone once it commits, so each row is handed over once; with the
    database task backend the task rows and the deletion commit together."""
    with transaction.atomic():
        rows = OutboxTask.objects.select_for_update(skip_locked=True)
        rows = list(rows if pks is None else rows.filter(pk__in=pks))
        for row in rows:
            import_string(row.task_path).enqueue(*row.args)
        if rows:
            OutboxTask.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def task_recovery():
    """The configured backend's own module (settings.TASK_RECOVERY: tasks_db, tasks_rq): requeue_abandoned puts
    back what a killed worker left running, backend_tasks lists the tasks the backend holds."""
    return import_module(settings.TASK_RECOVERY)


@task()
def email_notification(notification_id: int):
    """E-mail one notification, at most once, even if the worker is killed half-way.

    The notification is marked e-mailed (committed) before the message goes to the mail server, so a
    task that runs again — after a crash, a recovery by `requeue_tasks`, or a second enqueue — finds it
    marked and sends nothing. A send that fails with an error clears the mark again, so the task can be
    retried. A worker killed while the server is taking the message leaves it marked: the e-mail may be
    lost then, never doubled; the message itself is in the user's in-app inbox either way. The Message-ID
    is the notification's own, so a mail system that received the message twice by any other route can
    tell it is one message."""
    with transaction.atomic():
        note = Notification.objects.select_for_update().select_related("user").filter(pk=notification_id).first()
        if note is None or note.emailed_at is not None or not note.user.email:
            return
        note.emailed_at = timezone.now()
        note.save(update_fields=["emailed_at"])
    message = EmailMessage(
        note.title, f"{note.body}\n\n{note.url}".strip(), None, [note.user.email],
        headers={"Message-ID": f"<notification-{note.pk}@{DNS_NAME}>"},
    )
    try:
        message.send()
    except BaseException:
        Notification.objects.filter(pk=note.pk).update(emailed_at=None)
        raise
