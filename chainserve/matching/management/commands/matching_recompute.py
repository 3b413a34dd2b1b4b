from django.core.management.base import BaseCommand

from chainserve.matching.services import recompute_all


class Command(BaseCommand):
    help = ("Recompute every rule's matches (nightly from cron, and after a bulk import of organisations): "
            "rules whose dates start or end today take effect. Idempotent; never notifies twice.")

    def handle(self, *args, **options):
        result = recompute_all()
        self.stdout.write(f"created {result.created}, deleted {result.deleted}, notified {result.notified}")
