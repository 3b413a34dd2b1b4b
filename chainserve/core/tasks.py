"""Background tasks of core: e-mail for in-app notifications."""

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task


@task()
def email_notification(notification_id: int):
    """E-mail one notification; a rerun after success sends nothing (emailed_at is set in the same transaction)."""
    from .models import Notification

    with transaction.atomic():
        note = Notification.objects.select_for_update().select_related("user").filter(pk=notification_id).first()
        if note is None or note.emailed_at is not None or not note.user.email:
            return
        send_mail(note.title, f"{note.body}\n\n{note.url}".strip(), None, [note.user.email])
        note.emailed_at = timezone.now()
        note.save(update_fields=["emailed_at"])
