from django.core.management.base import BaseCommand

from chainserve.core.importing.runs import purge_stale_runs
from chainserve.core.services import purge_idempotency_keys, remind_missing_calendar
from chainserve.demands.services import escalate_overdue, send_reminders


class Command(BaseCommand):
    help = ("Escalate overdue demands and send deadline reminders (reminders only in working hours); from 1 November "
            "remind the admins once if next year's holiday schedule is not entered; delete expired import runs "
            "with their workbooks and expired API Idempotency-Keys. Run from cron.")

    def handle(self, *args, **options):
        escalated = escalate_overdue()
        reminded = send_reminders()
        calendar = len(remind_missing_calendar())
        runs = purge_stale_runs()
        expired = purge_idempotency_keys()
        self.stdout.write(f"escalated {escalated}, reminded {reminded}, calendar reminders {calendar}, "
                          f"expired import runs {runs}, expired idempotency keys {expired}")
