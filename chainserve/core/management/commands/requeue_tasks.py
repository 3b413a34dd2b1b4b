import datetime

from django.core.management.base import BaseCommand, CommandError

from chainserve.core.tasks import relay_outbox, task_recovery


class Command(BaseCommand):
    help = ("Queue again the tasks a killed worker left marked running: those of --worker-id (run it before "
            "that worker starts again), or those started more than --older-than seconds ago; and hand to the "
            "task backend the tasks a process that died after its commit left in the outbox. Works with the configured "
            "backend (its TASK_RECOVERY module: the database's task table, RQ's started and abandoned jobs).")

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", help="the fixed id the worker runs under (db_worker --worker-id, rqworker --name)")
        parser.add_argument("--older-than", type=int, metavar="SECONDS",
                            help="any task marked running for longer than this")

    def handle(self, worker_id=None, older_than=None, **options):
        if worker_id is None and older_than is None:
            raise CommandError("Name the worker (--worker-id) or an age (--older-than SECONDS).")
        age = datetime.timedelta(seconds=older_than) if older_than is not None else None
        count = task_recovery().requeue_abandoned(worker_id, age)
        relayed = relay_outbox()
        self.stdout.write(f"{count} task(s) queued again." + (f" {relayed} from the outbox." if relayed else ""))
