"""Chinese working days: pure arithmetic over an is_workday predicate, and the database calendar behind it.

Statutory holidays (法定节假日) are off and 调休 weekend days are on. The database keeps only the days
that differ from Monday–Friday. A year whose official schedule is not loaded (no CalendarYear) counts the
statutory holidays of 《全国年节及纪念日放假办法》 on top of Monday–Friday, and deadlines in it are provisional
(暂定): the State Council publishes the schedule, with its 调休 days, only weeks before the year starts.
"""

import datetime
from collections.abc import Callable

from .reference import per_process

IsWorkday = Callable[[datetime.date], bool]
ONE_DAY = datetime.timedelta(days=1)
# The 2024 revision of 《全国年节及纪念日放假办法》 is in force from 2025; no earlier year is guessed.
STATUTORY_SINCE = 2025


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


def statutory_holidays(year: int) -> dict[datetime.date, str]:
    """The holidays of 《全国年节及纪念日放假办法》 (as revised in 2024, in force from 2025) in year, by date:
    元旦 1 Jan; 春节 除夕 to 初三; 清明 the solar term's day; 劳动节 1–2 May; 端午 5/5 and 中秋 8/15 of the
    lunar calendar; 国庆 1–3 Oct. No 调休 is guessed: that is the official schedule's to say.

    Lunar dates come from lunardate, the 清明 solar term from chinese-calendar (both cover 1900–2099)."""
    import chinese_calendar
    from lunardate import LunarDate

    if not 1901 <= year <= 2099:
        raise NotImplementedError("only years 1901–2099 are supported")
    days = {datetime.date(year, 1, 1): "元旦"}
    new_year = LunarDate(year, 1, 1).to_solar_date()
    for offset in range(-1, 3):  # 除夕 (the day before 初一, whether the 12th month has 29 or 30 days) to 初三
        days[new_year + datetime.timedelta(days=offset)] = "春节"
    for day, term in chinese_calendar.get_solar_terms(datetime.date(year, 4, 1), datetime.date(year, 4, 30)):
        if term == "清明":
            days[day] = "清明节"
    days[datetime.date(year, 5, 1)] = days[datetime.date(year, 5, 2)] = "劳动节"
    days[LunarDate(year, 5, 5).to_solar_date()] = "端午节"
    days[LunarDate(year, 8, 15).to_solar_date()] = "中秋节"
    for d in (1, 2, 3):
        days[datetime.date(year, 10, d)] = "国庆节"
    return days


class WorkCalendar:
    """is_workday backed by the CalendarDay table, loaded once per instance; in a year whose official
    schedule is not loaded, the statutory holidays are off as well (provisionally)."""

    def __init__(self):
        from .models import CalendarDay, CalendarYear

        self.exceptions = dict(CalendarDay.objects.values_list("date", "is_workday"))
        self.official_years = frozenset(CalendarYear.objects.values_list("year", flat=True))
        self._statutory = {}

    def is_provisional_year(self, year: int) -> bool:
        """A year counted with the statutory holidays: no official schedule, and under the 2024 rules."""
        return year >= STATUTORY_SINCE and year not in self.official_years

    def statutory(self, year: int) -> dict:
        if year not in self._statutory:
            try:
                self._statutory[year] = statutory_holidays(year)
            except NotImplementedError:
                self._statutory[year] = {}
        return self._statutory[year]

    def __call__(self, day: datetime.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        if self.is_provisional_year(day.year) and day in self.statutory(day.year):
            return False
        return weekday_rule(day)

    def is_provisional(self, day: datetime.date, since: datetime.date | None = None) -> bool:
        """Whether a deadline on day (counted from since, when known) crosses a year with no official schedule."""
        first = min(since, day) if since is not None else day
        return any(self.is_provisional_year(year) for year in range(first.year, day.year + 1))


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
