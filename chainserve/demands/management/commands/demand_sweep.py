from django.core.management.base import BaseCommand

from chainserve.core.services import purge_idempotency_keys
from chainserve.demands.services import escalate_overdue, send_reminders


class Command(BaseCommand):
    help = ("Escalate overdue demands and send deadline reminders (reminders only in working hours); forget expired "
            "API Idempotency-Keys. Run from cron.")

    def handle(self, *args, **options):
        escalated = escalate_overdue()
        reminded = send_reminders()
        expired = purge_idempotency_keys()
        self.stdout.write(f"escalated {escalated}, reminded {reminded}, expired idempotency keys {expired}")
