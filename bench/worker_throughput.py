"""Worker throughput: tasks a second for one `chainserve worker` draining a queue of real tasks.

    .venv/bin/python bench/worker_throughput.py                      # database backend, SQLite file under bench/out/
    .venv/bin/python bench/worker_throughput.py --backend rq --redis redis://127.0.0.1:6399/1
    DATABASE_URL=postgres://… .venv/bin/python bench/worker_throughput.py --tasks 2000

N notifications are made for one user with an e-mail address and N `email_notification` tasks are enqueued (no
worker running). Then one worker runs in a fresh process until the queue is empty (`chainserve worker --batch` for
db_worker, `--burst` for RQ), with Django's locmem e-mail backend: each task is the real one (lock the notification,
mark it e-mailed, commit, build and "send" the message) without a mail server. Timed: the worker process's wall time
(Python and Django start-up included) and the drain itself, from the first notification marked e-mailed to the last
(`emailed_at`), which is the throughput figure; plus the worker's CPU time. Checked: every notification e-mailed once,
nothing left queued.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "chainserve.settings", "TASK_BACKEND": args.backend,
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.setdefault("DATABASE_URL", f"sqlite:///{out / f'worker-{args.backend}.sqlite3'}")
    if args.backend == "rq":
        env["TASK_REDIS_URL"] = args.redis
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Max, Min

    call_command("migrate", verbosity=0)

    from chainserve.core.models import Notification, OutboxTask, User
    from chainserve.core.tasks import email_notification

    if args.backend == "rq":
        import django_rq

        django_rq.get_connection("default").flushdb()
        queued = lambda: django_rq.get_queue("default").count  # noqa: E731
    else:
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all().delete()
        queued = lambda: DBTaskResult.objects.filter(status="READY").count()  # noqa: E731
    OutboxTask.objects.all().delete()
    user, _ = User.objects.get_or_create(username="bench-worker", defaults={"email": "bench-worker@example.org"})
    Notification.objects.filter(user=user).delete()
    notes = Notification.objects.bulk_create(
        Notification(user=user, key=f"bench:{i}", title=f"基准通知 {i}", body="worker throughput", url="/")
        for i in range(args.tasks))
    ids = [note.pk for note in notes] if notes[0].pk else list(
        Notification.objects.filter(user=user).values_list("pk", flat=True))
    started = time.perf_counter()
    for pk in ids:
        email_notification.enqueue(pk)
    enqueue_seconds = time.perf_counter() - started
    before = queued()

    drain = ["--batch", "--worker-id", "bench-worker"] if args.backend == "database" else ["--burst"]
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "django", "worker", *drain], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = (after_cpu.ru_utime - cpu.ru_utime) + (after_cpu.ru_stime - cpu.ru_stime)

    done = Notification.objects.filter(user=user, emailed_at__isnull=False)
    span = done.aggregate(first=Min("emailed_at"), last=Max("emailed_at"))
    drain_seconds = (span["last"] - span["first"]).total_seconds() if span["first"] else None
    emailed = done.count()
    figures = {
        "backend": args.backend, "database": settings.DATABASES["default"]["ENGINE"].split(".")[-1],
        "tasks": args.tasks, "queued_before": before, "enqueue_seconds": round(enqueue_seconds, 2),
        "load_average_at_start": [round(x, 2) for x in load], "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "worker_wall_seconds": round(wall, 2), "worker_cpu_seconds": round(worker_cpu, 2),
        "drain_seconds": round(drain_seconds, 2) if drain_seconds else None,
        "tasks_per_second_drain": round((emailed - 1) / drain_seconds, 1) if drain_seconds else None,
        "tasks_per_second_with_startup": round(emailed / wall, 1),
        "cpu_ms_per_task": round(worker_cpu * 1000 / max(emailed, 1), 2),
        "emailed": emailed, "left_queued": queued(),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    if emailed != args.tasks or figures["left_queued"]:
        sys.exit(f"not drained: {emailed} of {args.tasks} e-mailed, {figures['left_queued']} left queued")


if __name__ == "__main__":
    main()
