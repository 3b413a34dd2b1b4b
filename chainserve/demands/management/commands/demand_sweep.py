from django.core.management.base import BaseCommand

from chainserve.demands.services import escalate_overdue, send_reminders


class Command(BaseCommand):
    help = "Escalate overdue demands and send deadline reminders (reminders only in working hours). Run from cron."

    def handle(self, *args, **options):
        escalated = escalate_overdue()
        reminded = send_reminders()
        self.stdout.write(f"escalated {escalated}, reminded {reminded}")
