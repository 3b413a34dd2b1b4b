from django.core.management.base import BaseCommand

from chainserve.resources.applications import PAYMENT_DAYS, escalate_unpaid


class Command(BaseCommand):
    help = (f"Escalate to the chain office each approved policy application not paid within {PAYMENT_DAYS} working "
            "days of its approval, as an overdue demand is (once each). Run daily from cron.")

    def handle(self, *args, **options):
        self.stdout.write(f"escalated {escalate_unpaid()} unpaid approvals")
