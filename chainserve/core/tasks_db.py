"""What only the django-tasks-db backend needs: putting back the tasks a killed `db_worker` left claimed, and
listing the tasks it holds (TASK_RECOVERY names this module when TASK_BACKEND is `database`).

The Tasks API has no call for a task that is marked running by a worker that is gone, nor for listing tasks, so
this reads the backend's own table; it is the one place that does (tasks_rq is the same for RQ, and another
backend brings its own module with the same two functions)."""

from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def requeue_abandoned(worker_id=None, older_than=None):
    """Put back in the queue the tasks a killed worker had claimed and never finished; returns how many.

    A task is abandoned when it is still marked running and either its worker is `worker_id` — a
    worker that is starting again under its fixed id is no longer running anything — or it started
    more than `older_than` (a timedelta) ago. Every task here is safe to run twice (notifications are
    unique per user and event, e-mails are marked before they are sent)."""
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(status=TaskResultStatus.RUNNING)
        if older_than is not None:
            running = running.filter(started_at__lt=timezone.now() - older_than)
        ids = [t.pk for t in running if worker_id is None or (t.worker_ids and t.worker_ids[-1] == worker_id)]
        return DBTaskResult.objects.filter(pk__in=ids).update(status=TaskResultStatus.READY, started_at=None)


def backend_tasks():
    """Every task the database backend holds, as (task path, args, TaskResultStatus): what checks and benchmarks
    compare with the rest of the database."""
    rows = DBTaskResult.objects.order_by("pk").values_list("task_path", "args_kwargs", "status")
    return [(path, args_kwargs["args"], status) for path, args_kwargs, status in rows]
