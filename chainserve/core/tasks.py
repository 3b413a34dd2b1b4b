"""Background tasks of core: e-mail for in-app notifications; tasks left behind by a killed worker."""

from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.utils import timezone
from django_tasks import task


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
    from .models import Notification

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


def requeue_abandoned(worker_id=None, older_than=None):
    """Put back in the queue the tasks a killed worker had claimed and never finished; returns how many.

    A task is abandoned when it is still marked running and either its worker is `worker_id` — a
    worker that is starting again under its fixed id is no longer running anything — or it started
    more than `older_than` (a timedelta) ago. Every task here is safe to run twice (notifications are
    unique per user and event, e-mails are marked before they are sent)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(status=TaskResultStatus.RUNNING)
        if older_than is not None:
            running = running.filter(started_at__lt=timezone.now() - older_than)
        ids = [t.pk for t in running if worker_id is None or (t.worker_ids and t.worker_ids[-1] == worker_id)]
        return DBTaskResult.objects.filter(pk__in=ids).update(status=TaskResultStatus.READY, started_at=None)
