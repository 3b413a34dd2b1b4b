"""The outbox's cost: 1,000 enqueue_after_commit calls, written with their change and handed to the task backend.

    .venv/bin/python bench/outbox.py                        # SQLite file under bench/out/, database backend
    .venv/bin/python bench/outbox.py --backend rq --redis redis://127.0.0.1:6379/1
    DATABASE_URL=postgres://… .venv/bin/python bench/outbox.py

Two shapes of change, each 1,000 tasks in all: one task per transaction (a demand step that notifies one user)
and ten tasks per transaction (a step that notifies ten users, a bulk update that asks for ten recomputes).
For each: the wall time, the SQL statements (every one Django sends through a cursor; a commit is not one) and, with RQ,
the jobs in the queue — which must be exactly the 1,000 handed over, with nothing left in the outbox.
The tasks are enqueued, not run: this measures the hand-over, not the work.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(per_transaction, total, task, arg):
    from django.db import connection, transaction

    from chainserve.core.tasks import enqueue_after_commit

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        for _ in range(total // per_transaction):
            with transaction.atomic():
                for _ in range(per_transaction):
                    enqueue_after_commit(task, arg)
    seconds = time.perf_counter() - started
    if os.environ.get("OUTBOX_SHOW_SQL"):
        print("\n".join(queries[:3 * per_transaction + 10]), file=sys.stderr)
    return {"tasks_per_transaction": per_transaction, "tasks": total, "seconds": round(seconds, 3),
            "queries": len(queries), "queries_per_task": round(len(queries) / total, 2),
            "ms_per_task": round(seconds * 1000 / total, 3)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["database", "rq"], default="database")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
                        help="RQ's Redis (its database is emptied)")
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()

    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{out / 'outbox.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Set here rather than by TASK_BACKEND, so the same script measures code from before that setting.
    if args.backend == "rq":
        from django.test.utils import override_settings

        override_settings(TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend"}},
                          RQ_QUEUES={"default": {"URL": args.redis}}).enable()
    call_command("migrate", verbosity=0)

    from django_tasks import task_backends

    from chainserve.core.models import OutboxTask
    from chainserve.core.tasks import email_notification

    backend = task_backends["default"]

    def empty_queue():
        if args.backend == "rq":
            import django_rq

            django_rq.get_connection("default").flushdb()
        else:
            from django_tasks_db.models import DBTaskResult

            DBTaskResult.objects.all().delete()
        OutboxTask.objects.all().delete()

    def queued():
        if args.backend == "rq":
            import django_rq

            return django_rq.get_queue("default").count
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.count()

    figures = {"backend": type(backend).__name__, "database": settings.DATABASES["default"]["ENGINE"].split(".")[-1],
               "load_average": os.getloadavg(), "runs": []}
    for per_transaction in (1, 10):
        empty_queue()
        # 0: the task returns at once when run (no notification 0); only the hand-over is measured
        run = measure(per_transaction, args.tasks, email_notification, 0)
        run["handed_over"], run["left_in_outbox"] = queued(), OutboxTask.objects.count()
        figures["runs"].append(run)
    empty_queue()
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
