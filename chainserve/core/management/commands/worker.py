import shlex

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from chainserve.core.tasks import relay_outbox


class Command(BaseCommand):
    help = ("Run background tasks: hand to the task backend what a process that died after its commit left in "
            "the outbox, then run the configured backend's worker (the TASK_WORKER command; every argument "
            "goes to it, e.g. --worker-id NAME, --batch for the database backend's db_worker).")

    def run_from_argv(self, argv):
        self.handle(*argv[2:])  # the arguments are the backend worker's, not ours

    def handle(self, *args, **options):
        relay_outbox()
        call_command(*shlex.split(settings.TASK_WORKER), *args)
