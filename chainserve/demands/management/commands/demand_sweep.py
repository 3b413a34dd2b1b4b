from django.core.management.base import BaseCommand

from chainserve.core.services import remind_missing_calendar
from chainserve.demands.services import escalate_overdue, send_reminders


class Command(BaseCommand):
    help = ("Escalate overdue demands and send deadline reminders (reminders only in working hours); from 1 November "
            "remind the admins once if next year's holiday schedule is not entered. Run from cron.")

    def handle(self, *args, **options):
        escalated = escalate_overdue()
        reminded = send_reminders()
        calendar = len(remind_missing_calendar())
        self.stdout.write(f"escalated {escalated}, reminded {reminded}, calendar reminders {calendar}")
