"""Reference data that every request reads and admins rarely change — the working-day calendar, the SLA
policies — kept per process for REFERENCE_CACHE_SECONDS (default 60) instead of read on each request.

An admin's change reaches the process that saved it at once (`forget`) and every other process within
that time. 0 reads the database on every call."""

import time

from django.conf import settings

_kept = {}


def per_process(name, load):
    """load()'s value, loaded again when it is older than REFERENCE_CACHE_SECONDS."""
    max_age = settings.REFERENCE_CACHE_SECONDS
    now = time.monotonic()
    at, value = _kept.get(name, (None, None))
    if at is None or now - at >= max_age:
        value = load()
        _kept[name] = (now, value)
    return value


def forget():
    """Drop what this process keeps (after an admin's change, and between tests)."""
    _kept.clear()
