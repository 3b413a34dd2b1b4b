"""The demo's time: the two years it covers (ending on the day it is loaded), the working-hour instants things
happen at, and the schedule that runs the storylines in the order of time under the platform's clock."""

import datetime
import heapq
import random
from dataclasses import dataclass

from chainserve.core.clock import frozen, local
from chainserve.core.workdays import add_working_days, current_calendar, next_working_day

ONE_DAY = datetime.timedelta(days=1)
OPENS, CLOSES = 9 * 60, 17 * 60 + 30  # working hours, in minutes of the local day: 09:00–17:30


def years_before(day, n):
    """The same date n years earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - n)
    except ValueError:
        return day.replace(year=day.year - n, day=28)


@dataclass
class Timeline:
    """The demo year (the twelve months up to `today`) and the year before it, seen from `now`."""

    now: datetime.datetime
    today: datetime.date
    calendar: object  # is_workday(date), the platform's working-day calendar

    @classmethod
    def at(cls, now):
        from django.utils import timezone

        return cls(now=now, today=timezone.localdate(now), calendar=current_calendar())

    @property
    def year_start(self):
        """The first day of the demo year."""
        return years_before(self.today, 1) + ONE_DAY

    @property
    def before_start(self):
        """The first day of the year before the demo year."""
        return years_before(self.today, 2) + ONE_DAY

    def working_days(self, start, end):
        """The working days from start to end, both included."""
        days, day = [], start
        while day <= end:
            if self.calendar(day):
                days.append(day)
            day += ONE_DAY
        return days

    def workday(self, day):
        """day if it is a working day, else the first one after it."""
        return next_working_day(day, self.calendar)

    def workday_before(self, day):
        """day if it is a working day, else the last one before it."""
        while not self.calendar(day):
            day -= ONE_DAY
        return day

    def subtract_days(self, day, n):
        """The n-th working day before day (n = 0: day)."""
        while n:
            day -= ONE_DAY
            n -= bool(self.calendar(day))
        return day

    def add_days(self, day, n):
        """The n-th working day after day."""
        return add_working_days(day, n, self.calendar)

    def instant(self, day, rng, earliest=OPENS, latest=CLOSES):
        """A minute of day's working hours (between earliest and latest, minutes of the day) drawn by rng."""
        minute = rng.randint(earliest, latest - 1)
        return local(day, datetime.time(minute // 60, minute % 60))

    def after(self, when, rng, days=0, gap=20):
        """An instant in working hours `days` working days after `when`'s day, at least `gap` minutes after it
        (on the next working day when `when`'s day has no time left)."""
        from django.utils import timezone

        start = timezone.localtime(when)
        day = self.add_days(start.date(), days)
        earliest = OPENS
        if day == start.date():
            earliest = max(OPENS, start.hour * 60 + start.minute + gap)
            if earliest >= CLOSES - 10:
                day, earliest = self.add_days(day, 1), OPENS
        return self.instant(day, rng, earliest)

    @staticmethod
    def at_time(day, hour, minute=0):
        return local(day, datetime.time(hour, minute))


class Schedule:
    """Storylines run in the order of time: a storyline is a generator that yields the instant of its next step
    and takes the step when resumed, with the platform's clock (core.clock) set to that instant. A step due
    after `until` (now) is not taken, nor any after it: the record stays as it stands now."""

    def __init__(self, until):
        self.until = until
        self.queue = []
        self.count = 0
        self.clock = None

    def add(self, story):
        """Start a storyline (a generator); also from inside a running one."""
        try:
            when = next(story)
        except StopIteration:
            return
        self._push(when, story)

    def _push(self, when, story):
        if self.clock is not None and when < self.clock.now:
            raise ValueError(f"a storyline went back in time: {when} < {self.clock.now}")
        if when <= self.until:
            self.count += 1
            heapq.heappush(self.queue, (when, self.count, story))

    def run(self, until=None, after=None):
        """Take the steps due up to `until` (default: all of them), in the order of time; `after()` is called
        after each step, at its instant."""
        until = until or self.until
        if not self.queue or self.queue[0][0] > until:
            return
        with frozen(self.queue[0][0]) as clock:
            self.clock = clock
            while self.queue and self.queue[0][0] <= until:
                when, _n, story = heapq.heappop(self.queue)
                clock.set(when)
                try:
                    following = next(story)
                except StopIteration:
                    continue
                finally:
                    if after is not None:
                        after()
                self._push(following, story)
        self.clock = None


def seeded(seed, name):
    """A random generator of its own for one part of the demo, so that changing one part leaves the others."""
    return random.Random(f"{seed}:{name}")
