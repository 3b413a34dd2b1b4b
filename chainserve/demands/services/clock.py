"""The instant a demand's steps happen at: now, or a past instant the chain office or an admin records them at
afterwards (a ledger fed through the API, `at` on a step).

One context for every step (`transitions`, and the events they write): inside `recorded_at(at)` the services
read `now()` as `at`, so the demand's timestamps and working-day deadlines are those of that day, and each event
is written at that instant, marked as recorded afterwards, and notifies no one (it happened then).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_past = ContextVar("chainserve_demand_step_at", default=None)


def now():
    """The instant the step being taken happens at."""
    return _past.get() or timezone.now()


def past():
    """The past instant the steps being taken are recorded at, or None (they happen now)."""
    return _past.get()


@contextmanager
def recorded_at(at):
    """Steps taken inside happen at `at` (None: now)."""
    token = _past.set(at)
    try:
        yield
    finally:
        _past.reset(token)
