from django.core.management.base import BaseCommand

from chainserve.resources.applications import REMIND_DAYS, send_window_reminders


class Command(BaseCommand):
    help = (f"Remind the enterprises matched to a policy whose application window closes within {REMIND_DAYS} "
            "working days and that have not applied yet (once per policy and enterprise). Run daily from cron.")

    def handle(self, *args, **options):
        self.stdout.write(f"reminded {send_window_reminders()} enterprises")
