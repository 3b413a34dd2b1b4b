import os
import shlex
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from chainserve.core.tasks import relay_outbox

FIXED_IDS = ("--worker-id", "--name")  # db_worker's and rqworker's fixed worker name


def split_workers(args):
    """(N, the other arguments) from `--workers N` / `--workers=N` among the backend worker's arguments."""
    workers, rest, args = 1, [], list(args)
    while args:
        arg = args.pop(0)
        if arg == "--workers" or arg.startswith("--workers="):
            value = arg.partition("=")[2] or (args.pop(0) if args else "")
            if not value.isdigit() or int(value) < 1:
                raise CommandError(f"--workers takes a number of workers (1 or more), not {value!r}.")
            workers = int(value)
        else:
            rest.append(arg)
    return workers, rest


class Command(BaseCommand):
    help = ("Run background tasks: hand to the task backend what a process that died after its commit left in "
            "the outbox, then run the configured backend's worker (the TASK_WORKER command: db_worker for the "
            "database backend, rqworker for RQ; every argument goes to it, e.g. --worker-id NAME and --batch for "
            "db_worker, --name NAME and --burst for rqworker). --workers N runs N such workers side by side.")

    def run_from_argv(self, argv):
        try:
            self.handle(*argv[2:])  # the arguments are the backend worker's, not ours
        except CommandError as error:
            self.stderr.write(f"CommandError: {error}")
            sys.exit(error.returncode)

    def handle(self, *args, **options):
        workers, args = split_workers(args)
        relay_outbox()
        if workers == 1:
            call_command(*shlex.split(settings.TASK_WORKER), *args)
        else:
            self.run_several(workers, args)

    def run_several(self, workers, args):
        """N worker processes (this command once each), until every one has ended; SIGTERM is passed on to them
        (Ctrl-C reaches them from the terminal). Each takes its own tasks: the database backend's claim locks the
        row, RQ pops each job once."""
        if any(arg.split("=")[0] in FIXED_IDS for arg in args):
            raise CommandError("A fixed worker id names one worker: with --workers, leave it out, or run the command "
                               "once per worker, each with its own id.")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        children = [subprocess.Popen([sys.executable, "-m", "django", "worker", *args], env=env)
                    for _ in range(workers)]

        def stop(signum, frame):
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        failed = [code for code in (child.wait() for child in children) if code]
        if failed:
            raise CommandError(f"{len(failed)} of {workers} workers ended with an error (exit status {failed[0]}).")
