import time

from django.core.management.base import BaseCommand

from chainserve.demands.services import rebuild_figures


class Command(BaseCommand):
    help = ("Rebuild the demand metrics' summary table (DemandFigures) from the demands and their events: "
            "after a bulk load or a restore. The services keep it in step otherwise.")

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = rebuild_figures()
        self.stdout.write(f"{rows} rows of demand figures in {time.perf_counter() - started:.1f}s")
