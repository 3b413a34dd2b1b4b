"""Redis as the state several app servers share (REDIS_URL; docs/operations.md, "Redis"): two real gunicorn servers
on one database and one Redis. A login through one is a login on the other and a logout through either ends it on
both; the API rate is counted across both; the cached enterprise figures are shared, and a change made through one
server counts at once on the other; an admin's change of reference data (core.reference) counts at once on both.

The Redis is the test run's own (scripts/test.sh starts one and passes CHAINSERVE_TEST_REDIS_URL); each pytest
worker takes a database number of its own in it and flushes it before and after. Without that address the tests
skip, saying why — and fail under CI, where scripts/test.sh must have provided it. The servers' database is a
migrated SQLite file of this module's own (pytest-django's test database lives in this process's memory)."""

import os
import pickle
import re
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from bench.faults import free_port, wait_ready, web_server
from chainserve.core.throttle import ApiRateThrottle
from chainserve.registry.tests.factories import make_uscc

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "Redis-shared-2026"
RATE = 4  # API requests a minute per user, on both servers
PREFIX = "chainserve-test"


def test_redis_url_makes_redis_the_cache_and_sessions_cached_db():
    script = ("from django.conf import settings as s; c = s.CACHES['default']; "
              "print(c['BACKEND'], c.get('LOCATION'), c.get('KEY_PREFIX'), s.SESSION_ENGINE)")

    def configured(**env):
        base = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CACHE_KEY_PREFIX"}}
        return subprocess.run([sys.executable, "-c", f"import django; django.setup(); {script}"], cwd=ROOT,
                              env={**base, "DJANGO_SETTINGS_MODULE": "chainserve.settings", **env},
                              capture_output=True, text=True, check=True).stdout.split()

    assert configured(REDIS_URL="redis://127.0.0.1:6390/3") == [
        "django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6390/3", "chainserve",
        "django.contrib.sessions.backends.cached_db"]
    assert configured() == ["django.core.cache.backends.locmem.LocMemCache", "None", "None",
                            "django.contrib.sessions.backends.db"]


def test_the_api_rate_counts_last_minute_into_this_one(rf, settings, monkeypatch):
    """Across the turn of a minute the last minute's requests still count (weighted by how much of it is within
    the last 60 s): a burst split over two minutes passes the rate no more than one inside a minute."""
    from chainserve.registry.tests.factories import UserFactory

    settings.API_REQUESTS_PER_MINUTE = 3
    request = rf.get("/api/v1/organizations/")
    request.user = UserFactory.build(pk=987654)
    clock = [600 * 60 - 1.0]  # one second before a minute turns
    monkeypatch.setattr(ApiRateThrottle, "timer", lambda self: clock[0])

    def ask():
        throttle = ApiRateThrottle()
        return throttle.allow_request(request, None), throttle

    assert [ask()[0] for _ in range(2)] == [True, True]
    clock[0] += 2  # one second into the next minute: 2 × 59/60 carried
    assert ask()[0] is True
    allowed, refused = ask()
    assert allowed is False
    assert refused.wait() == pytest.approx(29.0)  # at 30 s into the minute the last one's share is 1: 1 + 1 + 1
    clock[0] += 28
    assert ask()[0] is False  # refused requests are not counted …
    clock[0] += 1
    assert ask()[0] is True  # … so the wait told holds


def test_the_500_page_asks_nothing_of_the_request():
    """With Redis down every page that reads the session fails: the error page must not read it again (its context
    processors asked for the user once per variable, a second each with Redis stuck: 38 s for one page)."""
    from chainserve.core.views import error_500

    class Unreachable:
        def __getattr__(self, name):
            raise ConnectionError(name)

    response = error_500(Unreachable())

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


# ---------------------------------------------------------------- two servers, one Redis


@pytest.fixture(scope="module")
def redis_url():
    url = os.environ.get("CHAINSERVE_TEST_REDIS_URL", "").strip()
    if not url:
        why = ("CHAINSERVE_TEST_REDIS_URL is not set: run through scripts/test.sh (it starts a throwaway Redis), "
               "or `bash scripts/redis.sh pytest …`")
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(why)
        pytest.skip(why)
    import redis

    worker = int(re.sub(r"\D", "", os.environ.get("PYTEST_XDIST_WORKER", "gw0")) or 0)
    url = re.sub(r"/\d*$", "", url.rstrip("/")) + f"/{8 + worker}"  # this worker's own database, away from 0
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url, client
    client.flushdb()
    client.close()


@pytest.fixture(scope="module")
def servers(redis_url, tmp_path_factory):
    """Two gunicorn servers (A, B) on one migrated SQLite file and the same Redis; an admin who logs in (with a
    token), and two API clients with a token each (their own rate counts)."""
    url, client = redis_url
    tmp = tmp_path_factory.mktemp("shared-state")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CHAINSERVE_PRODUCTION"}}
    env.update(DJANGO_SETTINGS_MODULE="chainserve.settings", DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
               CHAINSERVE_VAR_DIR=str(tmp / "var"), SECRET_KEY="shared-state-test-" + "k" * 40,
               REDIS_URL=url, CACHE_KEY_PREFIX=PREFIX, API_REQUESTS_PER_MINUTE=str(RATE), AXES_ENABLED="false",
               EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    setup = ("import django; django.setup(); from chainserve.core.models import User; "
             "from chainserve.core.tokens import issue; "
             f"User.objects.create_user('admin', password={PASSWORD!r}, role='admin', is_staff=True, "
             "is_superuser=True); "
             "[print(issue(User.objects.get_or_create(username=name, role='admin')[0])[1]) "
             "for name in ('admin', 'client', 'burst')]")
    tokens = subprocess.run([sys.executable, "-c", setup], cwd=ROOT, env=env, check=True, capture_output=True,
                            text=True).stdout.split()
    started = []
    try:
        for name in "ab":
            port = free_port()
            started.append(web_server(env, port, workers=1, log=tmp / f"gunicorn-{name}.log").start())
            started[-1].url = f"http://127.0.0.1:{port}"
        for group in started:
            wait_ready(int(group.url.rsplit(":", 1)[1]))
        yield {"db": tmp / "db.sqlite3", "a": started[0].url, "b": started[1].url, "redis": client,
               **dict(zip(["admin_token", "client_token", "burst_token"], tokens, strict=True))}
    finally:
        for group in started:
            group.stop()


def login(base):
    browser = requests.Session()
    browser.get(f"{base}/accounts/login/", timeout=30)
    answer = browser.post(f"{base}/accounts/login/", timeout=30, allow_redirects=False,
                          data={"username": "admin", "password": PASSWORD,
                                "csrfmiddlewaretoken": browser.cookies["csrftoken"]})
    assert answer.status_code == 302, answer.text[:500]
    return browser


def signed_in(browser, base):
    """True when `base` takes the browser's session (its page, not the login form)."""
    answer = browser.get(f"{base}/inbox/", timeout=30, allow_redirects=False)
    assert answer.status_code in {200, 302}, answer.status_code
    return answer.status_code == 200


def enterprises_on_dashboard(browser, base):
    page = browser.get(f"{base}/reports/dashboard/", timeout=60).text
    return int(re.search(r'data-figure="enterprises">([\d,]+)<', page).group(1).replace(",", ""))


def category_errors(base, token, category):
    """What B's API says of a demand naming this category id (the rest of the body left out: nothing is made)."""
    answer = requests.post(f"{base}/api/v1/demands/", json={"category": category}, timeout=30,
                           headers={"Authorization": f"Token {token}"})
    assert answer.status_code == 400, answer.text[:500]
    return answer.json().get("category")


def cached_counts(redis):
    """The enterprise figures cached in Redis, by key (without the prefix)."""
    keys = redis.keys(f"{PREFIX}:*:reports:enterprise-counts:*")
    return {key.decode().split(":", 2)[2]: pickle.loads(redis.get(key)) for key in keys}  # noqa: S301 (our own)


def test_two_servers_share_sessions_rate_counts_and_cached_figures(servers):
    a, b, redis = servers["a"], servers["b"], servers["redis"]

    # (a) A session made by logging in through A is taken by B, and it is in Redis; a logout through B ends it on A
    # at once — A read it from the shared cache, not from a copy of its own.
    browser = login(a)
    session_key = browser.cookies["sessionid"]
    assert signed_in(browser, a) and signed_in(browser, b)
    assert redis.exists(f"{PREFIX}:1:django.contrib.sessions.cached_db{session_key}") == 1
    answer = browser.post(f"{b}/accounts/logout/", headers={"X-CSRFToken": browser.cookies["csrftoken"]},
                          timeout=30, allow_redirects=False)
    assert answer.status_code == 302
    browser.cookies.set("sessionid", session_key)  # the old cookie, sent again
    assert not signed_in(browser, a)
    assert not signed_in(browser, b)
    assert redis.exists(f"{PREFIX}:1:django.contrib.sessions.cached_db{session_key}") == 0

    # (b) The API rate is counted across both servers: RATE requests spread over A and B pass, the next one is
    # refused on either, with a Retry-After.
    api = requests.Session()
    api.headers["Authorization"] = f"Token {servers['client_token']}"
    statuses = [api.get(f"{base}/api/v1/chains/", timeout=30).status_code for base in [a, b] * (RATE // 2)]
    assert statuses == [200] * RATE
    refused = [api.get(f"{base}/api/v1/chains/", timeout=30) for base in (a, b)]
    assert [r.status_code for r in refused] == [429, 429]
    assert all(int(r.headers["Retry-After"]) > 0 for r in refused)
    # … and when the requests come at once (both servers answering together), still exactly RATE pass: each is
    # counted by one atomic increment, none lost to another server's write.
    burst = {"Authorization": f"Token {servers['burst_token']}"}
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda base: requests.get(f"{base}/api/v1/chains/", headers=burst,
                                                           timeout=30).status_code, [a, b] * (3 * RATE // 2)))
    assert sorted(statuses) == [200] * RATE + [429] * (2 * RATE)

    # (c) The enterprise figures A computed are in Redis and B shows them; an enterprise created through A's API
    # counts at once on B's dashboard.
    browser = login(a)
    before = enterprises_on_dashboard(browser, a)
    assert list(cached_counts(redis).values()) == [
        {"enterprises": before, "listed": 0, "reserve_listed": 0, "hitech": 0, "srdi": 0}]
    assert enterprises_on_dashboard(browser, b) == before
    created = requests.post(f"{a}/api/v1/organizations/", timeout=30,
                            headers={"Authorization": f"Token {servers['admin_token']}"},
                            json={"name": "明湖新材料有限公司", "kind": "enterprise", "uscc": make_uscc(1)})
    assert created.status_code == 201, created.text[:500]
    assert enterprises_on_dashboard(browser, b) == before + 1
    assert enterprises_on_dashboard(browser, a) == before + 1
    assert sorted(counts["enterprises"] for counts in cached_counts(redis).values()) == [before, before + 1]

    # (d) Reference data: B keeps the demand categories (core.reference, for a minute); a category an admin adds
    # through A's admin is taken by B's API at once.
    with sqlite3.connect(servers["db"]) as db:
        new_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM demands_category").fetchone()[0]
    assert category_errors(b, servers["admin_token"], new_id) is not None  # not there yet, and B keeps the list
    added = browser.post(f"{a}/admin/demands/category/add/", timeout=30, allow_redirects=False,
                         data={"slug": "shared-state", "name": "共享状态", "position": 99,
                               "csrfmiddlewaretoken": browser.cookies["csrftoken"]})
    assert added.status_code == 302, added.text[:500]
    with sqlite3.connect(servers["db"]) as db:
        assert db.execute("SELECT id FROM demands_category WHERE slug = 'shared-state'").fetchone() == (new_id,)
    assert category_errors(b, servers["admin_token"], new_id) is None
