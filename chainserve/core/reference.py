"""Reference data that every request reads and admins rarely change — the working-day calendar, the SLA
policies, the demand categories — kept per process for REFERENCE_CACHE_SECONDS (default 60) instead of read on
each request.

An admin's change (`forget`) reaches the process that saved it at once, and every other process at once too when
Django's cache is shared (Redis, REDIS_URL): `forget` raises a generation number kept in the cache, and a process
reads its data again when the number differs from the one it loaded under. Without a shared cache the other
processes see the change within REFERENCE_CACHE_SECONDS. 0 reads the database on every call."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

GENERATION = "reference:generation"

_kept = {}


def per_process(name, load):
    """load()'s value, loaded again when it is older than REFERENCE_CACHE_SECONDS or an admin changed the
    reference data since (in any process, with a shared cache)."""
    max_age = settings.REFERENCE_CACHE_SECONDS
    now = time.monotonic()
    generation = cache.get(GENERATION, 0)  # read before loading: a change during the load is seen next time
    at, loaded_under, value = _kept.get(name, (None, None, None))
    if at is None or loaded_under != generation or now - at >= max_age:
        value = load()
        _kept[name] = (now, generation, value)
    return value


def forget():
    """Drop what this process keeps, and tell the others (after an admin's change, and between tests). Told
    again after the commit: another process that read the data between the two still had the old rows."""
    _kept.clear()
    _next_generation()
    if connection.in_atomic_block:
        transaction.on_commit(_next_generation)


def _next_generation():
    cache.add(GENERATION, 0, None)  # kept until the cache is flushed (then 0 again: everyone reloads once)
    try:
        cache.incr(GENERATION)
    except ValueError:  # flushed between the two calls
        cache.add(GENERATION, 1, None)
