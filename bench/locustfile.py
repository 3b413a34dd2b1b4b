"""Locust scenario for bench/intake.py: enterprise users creating demands through POST /api/v1/demands/.

Every request has a unique title (bench-<run>-<n>) so that the database check afterwards can find each
one. Every --retry-every-th create carries an Idempotency-Key and is sent a second time with the same
key once the first answer is in (a client retrying): the second answer must replay the first (same id,
header Idempotent-Replayed) and create nothing. Results go to $BENCH_INTAKE_OUT (JSON) when locust stops.
"""

import itertools
import json
import os
import time

from locust import FastHttpUser, constant, events, task

RUN = os.environ.get("BENCH_RUN", "x")
TOKEN = os.environ.get("BENCH_TOKEN", "")
CATEGORY = int(os.environ.get("BENCH_CATEGORY", "1"))
RETRY_EVERY = int(os.environ.get("BENCH_RETRY_EVERY", "10"))
OUT = os.environ.get("BENCH_INTAKE_OUT")
counter = itertools.count(1)
created = []  # (title, id, time) of every create answered 201 (first sending)
failures = []  # (title, status, body[:200])
replays = []  # (key, first id, replayed id, status, header)


class Intake(FastHttpUser):
    wait_time = constant(0)  # closed loop: each user sends its next request when the answer is in
    network_timeout = 60.0
    connection_timeout = 60.0

    @task
    def create(self):
        n = next(counter)
        title = f"bench-{RUN}-{n}"
        headers = {"Authorization": f"Token {TOKEN}", "Content-Type": "application/json"}
        key = f"{RUN}-{n}" if RETRY_EVERY and n % RETRY_EVERY == 0 else None
        if key:
            headers["Idempotency-Key"] = key
        body = json.dumps({"category": CATEGORY, "title": title,
                           "description": "基准测试:企业通过接口提交的诉求。", "confirm_new": True}, ensure_ascii=False)
        with self.client.post("/api/v1/demands/", data=body, headers=headers, name="create",
                              catch_response=True) as r:
            if r.status_code == 201:
                first = r.json()["id"]
                created.append((title, first, time.time()))
                r.success()
            else:
                failures.append((title, r.status_code, (r.text or "")[:200]))
                r.failure(f"HTTP {r.status_code}")
                return
        if key:
            with self.client.post("/api/v1/demands/", data=body, headers=headers, name="retry, same key",
                                  catch_response=True) as r2:
                again = r2.json().get("id") if r2.status_code == 201 else None
                replays.append((key, first, again, r2.status_code, r2.headers.get("Idempotent-Replayed")))
                if again == first:
                    r2.success()
                else:
                    r2.failure(f"HTTP {r2.status_code}, id {again} instead of {first}")


@events.quitting.add_listener
def _write(environment, **kw):
    if OUT:
        with open(OUT, "w") as f:
            json.dump({"run": RUN, "created": created, "failures": failures, "replays": replays}, f,
                      ensure_ascii=False)
