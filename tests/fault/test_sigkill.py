"""SIGKILL faults on PostgreSQL, bounded: the web server killed three times under a write load, the task
worker three times right after handing an e-mail over. Nothing answered 201 is lost or doubled, nothing
is half-written, and no notification is e-mailed twice. On both task backends: the database's (db_worker)
and RQ on Redis (rqworker; its Redis is CHAINSERVE_TEST_REDIS_URL). (The full run with figures: bench/faults.py.)

The server and the worker are real processes (gunicorn, manage.py worker) on this test's database,
so the test commits (transaction=True) and runs only on PostgreSQL — SQLite's test database lives in
this process's memory. It runs in the postgres stage of `make test`."""

import os

import pytest
from django.db import connection

from bench.faults import check_demands, check_notifications, run_web_faults, run_worker_faults
from chainserve.core.tests.queue_on_redis import use_rq
from chainserve.core.tokens import issue
from chainserve.demands.models import Category

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(params=["database", "rq"])
def server_env(request, transactional_db, settings):
    """The environment of the server and worker processes, on this test's database and one task backend (this
    process is switched to it too: it requeues and checks)."""
    if connection.vendor != "postgresql":
        pytest.skip("the fault test needs a database other processes can reach: PostgreSQL (make test's postgres stage)")
    backend = use_rq(settings) if request.param == "rq" else {"TASK_BACKEND": "database"}
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {**os.environ, **backend, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "chainserve.settings",
            "AXES_ENABLED": "false", "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}


def test_killed_server_and_worker_lose_nothing_acknowledged_and_send_nothing_twice(server_env, world, tmp_path):
    office, enterprise = world.users.office, world.users.enterprise
    office.email = "office@example.cn"
    office.save(update_fields=["email"])
    token = issue(enterprise)[1]
    category = Category.objects.order_by("pk").first().pk

    web = run_web_faults(server_env, tokens=[token], category=category, cycles=3, clients=2, workers=1,
                         uptime=(0.5, 1.0), log=tmp_path / "gunicorn.log")
    acked = web.pop("acked")
    demands = check_demands(acked)

    assert web["cycles_survived"] == 3
    assert web["refused"] == []
    assert demands["acknowledged"] == len(acked) > 0
    assert demands["in_database"] == len(acked)
    assert demands["acknowledged_lost"] == []
    assert demands["answered_with_another_id"] == []
    assert demands["doubled"] == []
    assert demands["present_but_never_acknowledged"] == []
    assert demands["half_written"] == []
    assert demands["keys_without_answer"] == 0
    assert demands["keys_stored"] == len(acked)
    assert demands["submitted_without_notification_task"] == 0

    mail_dir = tmp_path / "mail"
    worker = run_worker_faults(server_env, cycles=3, mail_dir=mail_dir, log=tmp_path / "worker.log")
    mail = check_notifications(mail_dir)

    assert worker["killed_mid_task"] == 3  # each kill left a task marked running, and it was queued again
    assert mail["tasks_not_finished"] == 0
    assert mail["incomplete_mail_files"] == 0
    assert mail["emailed_twice"] == []
    assert mail["never_emailed"] == []
    assert mail["not_marked_emailed"] == 0
    assert mail["notifications"] == mail["mail_files"] == len(acked) - demands["submitted_without_notification_task"]
