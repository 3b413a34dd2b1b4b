"""Tasks on RQ (TASK_BACKEND=rq): what the outbox hands over runs in real `chainserve worker` processes, two workers
run each task once, and a killed worker's task is put back and run again without a second e-mail."""

import os
import sys
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path

import pytest
from django.db import transaction
from django_tasks.base import TaskResultStatus

from bench.faults import Group
from chainserve.core.models import Notification, OutboxTask
from chainserve.core.tasks import email_notification, enqueue_after_commit, task_recovery

from .queue_on_redis import shared_database, use_rq

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the workers are other processes


@pytest.fixture
def rq_env(settings, tmp_path):
    """This process on the RQ backend; the environment of a worker process: the same Redis database, e-mail
    written to files under tmp_path/mail (bench.faults.SlowFileBackend)."""
    mail = tmp_path / "mail"
    mail.mkdir()
    return {**os.environ, **use_rq(settings), "DJANGO_SETTINGS_MODULE": "chainserve.settings",
            "EMAIL_BACKEND": "bench.faults.SlowFileBackend", "FAULT_MAIL_DIR": str(mail), "FAULT_MAIL_DELAY": "0"}


@pytest.fixture
def notes(users):
    users.office.email = "office@example.cn"
    users.office.save(update_fields=["email"])
    return [Notification.objects.create(user=users.office, key=f"demand-event:{i}", title=f"SQ2026-{i} Dispatched",
                                        body="请处理。", url=f"/demands/{i}/") for i in range(1, 13)]


def worker(env, database, *args):
    """`chainserve worker ARGS` on the shared database, in a session of its own (Group: SIGKILL reaches all of it);
    its output goes to worker.log beside the mail folder."""
    argv = [sys.executable, "-m", "chainserve.cli", "worker", "--verbosity", "0", *args]
    return Group(argv, {**env, "DATABASE_URL": database}, Path(env["FAULT_MAIL_DIR"]).parent / "worker.log").start()


def e_mailed(env):
    """Message-ID → how many messages carried it (one file per message)."""
    ids = Counter()
    for path in Path(env["FAULT_MAIL_DIR"]).iterdir():
        ids[message_from_bytes(path.read_bytes())["Message-ID"]] += 1
    return ids


def message_ids(notes):
    return {f"<notification-{note.pk}@" for note in notes}


def statuses():
    return Counter(status for _, _, status in task_recovery().backend_tasks())


def test_a_task_handed_over_through_the_outbox_runs_in_an_rq_worker(rq_env, notes, tmp_path):
    # given a change that queued its task, and one a process that died after its commit left in the outbox
    first, second = notes[:2]
    with transaction.atomic():
        enqueue_after_commit(email_notification, first.pk)
    OutboxTask.objects.create(task_path=email_notification.module_path, args=[second.pk])
    assert task_recovery().backend_tasks() == [(email_notification.module_path, [first.pk], TaskResultStatus.READY)]

    # when `chainserve worker --burst` runs with TASK_BACKEND=rq: it hands over the outbox, runs the queue, stops
    with shared_database(tmp_path) as database:
        assert worker(rq_env, database, "--burst").proc.wait(120) == 0

    # then both notifications were e-mailed once, by the worker's process, and marked
    assert {key.split("@")[0] + "@" for key in e_mailed(rq_env)} == message_ids([first, second])
    assert set(e_mailed(rq_env).values()) == {1}
    assert Notification.objects.filter(pk__in=[first.pk, second.pk], emailed_at__isnull=False).count() == 2
    assert OutboxTask.objects.count() == 0
    assert statuses() == {TaskResultStatus.SUCCESSFUL: 2}


def test_two_workers_run_each_task_once(rq_env, notes, tmp_path):
    import django_rq
    from django_tasks_rq import Job

    # given 12 notifications, each handed over twice (as after a crash between the hand-over and the delete)
    with transaction.atomic():
        for note in notes + notes:
            enqueue_after_commit(email_notification, note.pk)
    env = {**rq_env, "FAULT_MAIL_DELAY": "0.3"}  # each e-mail takes a while: both workers get some

    # when two workers share the queue
    with shared_database(tmp_path) as database:
        assert worker(env, database, "--workers", "2", "--burst").proc.wait(180) == 0

    # then every job ran once, both workers took part, and each notification went out once
    queue = django_rq.get_queue("default", job_class=Job)
    jobs = [Job.fetch(pk, connection=queue.connection) for pk in queue.finished_job_registry.get_job_ids()]
    assert len(jobs) == 24
    assert Counter(len(job.results()) for job in jobs) == {1: 24}
    assert len({job.results()[0].worker_name for job in jobs}) == 2
    assert statuses() == {TaskResultStatus.SUCCESSFUL: 24}
    mailed = e_mailed(env)
    assert {key.split("@")[0] + "@" for key in mailed} == message_ids(notes)
    assert set(mailed.values()) == {1}


def test_a_killed_workers_task_is_put_back_and_its_e_mail_not_sent_twice(rq_env, notes, tmp_path, capsys):
    from django.core.management import call_command

    note = notes[0]
    with transaction.atomic():
        enqueue_after_commit(email_notification, note.pk)
    env = {**rq_env, "FAULT_MAIL_DELAY": "60"}  # the worker hands the message over, then hangs in the send

    with shared_database(tmp_path) as database:
        # given a worker killed right after it handed the e-mail over
        killed = worker(env, database, "--name", "kept-name")
        deadline = time.monotonic() + 120
        while not any(Path(env["FAULT_MAIL_DIR"]).iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        killed.kill()
        assert statuses() == {TaskResultStatus.RUNNING: 1}

        # when it is put back (as a restarting worker unit does) and the worker starts again under its name
        call_command("requeue_tasks", worker_id="kept-name")
        assert capsys.readouterr().out == "1 task(s) queued again.\n"
        assert statuses() == {TaskResultStatus.READY: 1}
        assert worker({**env, "FAULT_MAIL_DELAY": "0"}, database, "--name", "kept-name", "--burst").proc.wait(120) == 0

    # then the task ran to its end, and the message went out once (it was marked before the send)
    assert statuses() == {TaskResultStatus.SUCCESSFUL: 1}
    assert list(e_mailed(env).values()) == [1]
    note.refresh_from_db()
    assert note.emailed_at is not None
