"""Chinese working days: pure arithmetic over an is_workday predicate, and the database calendar behind it.

Statutory holidays (法定节假日) are off and 调休 weekend days are on. The database keeps only the days
that differ from Monday–Friday; a year the calendar has no record of falls back to Monday–Friday.
"""

import datetime
from collections.abc import Callable

from .reference import per_process

IsWorkday = Callable[[datetime.date], bool]
ONE_DAY = datetime.timedelta(days=1)


def weekday_rule(day: datetime.date) -> bool:
    return day.weekday() < 5


def add_working_days(start: datetime.date, n: int, is_workday: IsWorkday) -> datetime.date:
    """The n-th working day after start (start itself never counts); n = 0 gives start."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    while n:
        day += ONE_DAY
        if is_workday(day):
            n -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date, is_workday: IsWorkday) -> int:
    """How many working days d satisfy start < d <= end (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += is_workday(day)
    return count


def next_working_day(day: datetime.date, is_workday: IsWorkday) -> datetime.date:
    """day itself if it is a working day, else the first working day after it."""
    while not is_workday(day):
        day += ONE_DAY
    return day


class WorkCalendar:
    """is_workday backed by the CalendarDay table, loaded once per instance."""

    def __init__(self):
        from .models import CalendarDay

        self.exceptions = dict(CalendarDay.objects.values_list("date", "is_workday"))

    def __call__(self, day: datetime.date) -> bool:
        return self.exceptions.get(day, weekday_rule(day))


def current_calendar() -> WorkCalendar:
    """The database calendar as the services count deadlines with it, kept per process (core.reference):
    holidays are entered weeks ahead, so a deadline counted in the minute after a change may use the
    calendar before it."""
    return per_process("calendar", WorkCalendar)


HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
}


def library_days(year: int):
    """(date, is_workday, name) for every day of year that differs from Monday–Friday, per chinese-calendar;
    raises NotImplementedError for a year the library has not published."""
    import chinese_calendar

    day = datetime.date(year, 1, 1)
    rows = []
    while day.year == year:
        on, name = chinese_calendar.get_holiday_detail(day)
        workday = not on
        if workday != weekday_rule(day):
            name = str(name or "")
            rows.append((day, workday, HOLIDAY_NAMES.get(name, name) + ("调休上班" if workday else "")))
        day += ONE_DAY
    return rows
