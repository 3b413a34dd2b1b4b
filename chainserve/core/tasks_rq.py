"""What only the django-tasks-rq backend (RQ on Redis) needs: putting back the tasks a killed RQ worker left
started, and listing the tasks the queue holds (TASK_RECOVERY names this module when TASK_BACKEND is `rq`).

RQ moves a job whose worker died to its failed jobs once the job's heartbeat has expired (minutes later), and
retries nothing by itself; here such a job goes back to its queue instead, as tasks_db does for the database
backend. Every task is safe to run twice, so putting back a job that was in fact about to finish does no harm."""

import django_rq
from django.db import close_old_connections
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_rq.backend import RQ_STATUS_TO_RESULT_STATUS, Job
from rq.exceptions import AbandonedJobError
from rq.executions import Execution
from rq.worker import SimpleWorker
from rq.worker import Worker as RQWorker


class Worker(SimpleWorker):
    """The RQ worker `chainserve worker` runs (rqworker --worker-class): jobs in its own process, as db_worker runs
    them, and its commands (stop, kill a job) heard within a second.

    RQ's default worker forks a process per job; a forked process starts cold (translations, the Chinese
    dictionaries, the reference data are loaded on first use): a demand's notification took 1.3–1.7 s in the fault
    test, a minute and more for a queue of a hundred. Here the database connection is checked before and after each job, as Django does around a
    request. RQ listens for commands in 60-second waits, and redis-py 8 lets a stopping worker wait that out:
    a worker that had run a job took up to a minute to quit (a burst run, a SIGTERM at a deploy)."""

    def perform_job(self, job, queue, execution):
        close_old_connections()
        try:
            return super().perform_job(job, queue, execution)
        finally:
            close_old_connections()

    def subscribe(self):
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(sleep_time=1, daemon=True,
                                                       exception_handler=self._pubsub_exception_handler)


ABANDONED = f"{AbandonedJobError.__module__}.{AbandonedJobError.__qualname__}"


def _queues():
    return [django_rq.get_queue(name, job_class=Job) for name in sorted(task_backends["default"].queues)]


def _fetch(queue, job_ids):
    return [job for job in Job.fetch_many(list(job_ids), connection=queue.connection) if job is not None]


def requeue_abandoned(worker_id=None, older_than=None):
    """Put back in the queue the jobs a killed worker had started and never finished; returns how many.

    A started job is abandoned when its worker is `worker_id` — a worker that is starting again under its fixed
    name (rqworker --name) is no longer running anything, and that name is freed for it — or when it started
    more than `older_than` (a timedelta) ago. A job RQ itself already moved to the failed jobs as abandoned
    goes back too."""
    count = 0
    cutoff = timezone.now() - older_than if older_than is not None else None
    for queue in _queues():
        started = queue.started_job_registry
        for job_id, execution_id in started.get_job_and_execution_ids(cleanup=False):
            try:
                execution = Execution.fetch(execution_id, job_id, connection=queue.connection)
            except ValueError:  # its heartbeat expired: RQ's own clean-up moves it to the failed jobs
                continue
            job = Job.fetch(job_id, connection=queue.connection)
            if (worker_id is not None and execution.worker_name == worker_id) or (
                    cutoff is not None and job.started_at is not None and job.started_at < cutoff):
                with queue.connection.pipeline() as pipeline:
                    execution.delete(job, pipeline)
                    pipeline.execute()
                queue.enqueue_job(job)
                count += 1
        failed = queue.failed_job_registry
        for job in _fetch(queue, failed.get_job_ids()):
            if job.meta.get("_django_tasks_rq_exceptions", [None])[-1] == ABANDONED:
                failed.requeue(job)
                count += 1
    if worker_id is not None:
        worker = RQWorker.find_by_key(RQWorker.redis_worker_namespace_prefix + worker_id,
                                    connection=django_rq.get_connection("default"))
        if worker is not None:
            worker.register_death()
    return count


def backend_tasks():
    """Every task the queues hold — waiting, started, finished (for as long as RQ keeps results), failed — as
    (task path, args, TaskResultStatus): what checks and benchmarks compare with the database."""
    rows = []
    for queue in _queues():
        registries = (queue.started_job_registry, queue.finished_job_registry, queue.failed_job_registry,
                      queue.deferred_job_registry, queue.scheduled_job_registry)
        ids = dict.fromkeys(queue.get_job_ids())
        for registry in registries:
            ids.update(dict.fromkeys(registry.get_job_ids(cleanup=False)))
        rows += [(job.func_name, list(job.args), RQ_STATUS_TO_RESULT_STATUS[job.get_status()])
                 for job in _fetch(queue, ids)]
    return rows

