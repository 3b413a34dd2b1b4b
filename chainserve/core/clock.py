"""The platform's clock: the one place that sets the time the services read, for the demo and the tests.

Every part of the platform asks `django.utils.timezone.now()` for the time — the services (deadlines, events,
closing times), Django's auto_now and auto_now_add fields, simple_history's rows, `timezone.localdate()`. So
setting that one attribute moves the whole platform, and the records written meanwhile carry that time:

    with frozen(local(2026, 3, 2, 9, 40)) as clock:
        demand = services.submit(user, intake)        # received on 2 March at 09:40
        clock.advance(hours=3)
        services.dispatch(demand, office, lead)       # dispatched at 12:40
        clock.set(2026, 3, 4, 10)                     # moved to 4 March, 10:00

`frozen` restores the clock it found when it ends (the real one, or an outer `frozen`), so it nests: the
demo builder writes its history inside a test that froze the clock at another time, and hands that time back.
It is meant for one thread: the demo loader, a test, a generator; never a running server's requests. A
field with `default=timezone.now` took the function when its model was defined and is not moved by this:
the services set such fields themselves.
"""

import datetime
from contextlib import contextmanager

from django.utils import timezone


def local(*args):
    """An aware datetime in the platform's time zone: local(2026, 3, 2, 9, 40), or local(date, time)."""
    if len(args) == 2 and isinstance(args[0], datetime.date) and isinstance(args[1], datetime.time):
        naive = datetime.datetime.combine(*args)
    else:
        naive = datetime.datetime(*args)
    return timezone.make_aware(naive, timezone.get_default_timezone())


class Clock:
    """What `timezone.now()` answers while the clock is installed: `now`, moved by `set` and `advance`."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def set(self, *args):
        """Move to an aware datetime, or to local(*args): set(when) or set(2026, 3, 2, 9, 40)."""
        self.now = args[0] if len(args) == 1 and isinstance(args[0], datetime.datetime) else local(*args)
        return self.now

    def advance(self, **delta):
        """Move on by a timedelta's arguments: advance(days=2, hours=3)."""
        self.now += datetime.timedelta(**delta)
        return self.now


@contextmanager
def frozen(at):
    """Install a Clock at `at` (an aware datetime) for the block; yields it, and puts back the clock it found."""
    if timezone.is_naive(at):
        raise ValueError("the clock needs an aware datetime")
    clock = Clock(at)
    found = timezone.now
    timezone.now = clock
    try:
        yield clock
    finally:
        timezone.now = found
