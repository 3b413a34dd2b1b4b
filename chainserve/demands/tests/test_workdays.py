"""Working-day arithmetic: properties over any calendar; the seeded Chinese calendar over 2026's holidays."""

import datetime

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainserve.core.models import CalendarDay, CalendarYear
from chainserve.core.services import missing_calendar_years
from chainserve.core.workdays import (
    WorkCalendar,
    add_working_days,
    current_calendar,
    next_working_day,
    weekday_rule,
    working_days_between,
)
from chainserve.demands import sla
from chainserve.demands.models import Category, SlaPolicy

from .factories import eod, local

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)


def periodic(pattern):
    """An is_workday that repeats pattern (at least one working day in it) day after day."""

    def is_workday(day):
        return pattern[day.toordinal() % len(pattern)]

    return is_workday


calendars = st.lists(st.booleans(), min_size=1, max_size=21).filter(any).map(periodic)
days = st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31))
counts = st.integers(min_value=0, max_value=60)
fast = settings(max_examples=150, deadline=None)


# ---------------------------------------------------------------- properties, any calendar

@fast
@given(calendars, days, st.integers(min_value=1, max_value=60))
def test_the_result_is_a_working_day_after_start(is_workday, start, n):
    result = add_working_days(start, n, is_workday)

    assert result > start
    assert is_workday(result)


@fast
@given(calendars, days, counts)
def test_counting_back_gives_n(is_workday, start, n):
    assert working_days_between(start, add_working_days(start, n, is_workday), is_workday) == n


@fast
@given(calendars, days, st.integers(min_value=1, max_value=60))
def test_the_result_is_the_first_day_reaching_n(is_workday, start, n):
    result = add_working_days(start, n, is_workday)

    assert working_days_between(start, result - ONE_DAY, is_workday) == n - 1


@fast
@given(calendars, days, counts, counts)
def test_adding_is_additive(is_workday, start, a, b):
    assert add_working_days(add_working_days(start, a, is_workday), b, is_workday) == \
        add_working_days(start, a + b, is_workday)


@fast
@given(calendars, days, st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400))
def test_counting_is_additive_over_adjacent_spans(is_workday, start, x, y):
    middle, end = start + datetime.timedelta(days=x), start + datetime.timedelta(days=x + y)

    assert working_days_between(start, end, is_workday) == \
        working_days_between(start, middle, is_workday) + working_days_between(middle, end, is_workday)


@fast
@given(calendars, days, counts, counts)
def test_adding_is_monotonic_in_n(is_workday, start, a, b):
    low, high = sorted([a, b])

    assert add_working_days(start, low, is_workday) <= add_working_days(start, high, is_workday)


@fast
@given(calendars, days, st.integers(min_value=0, max_value=30), counts)
def test_adding_is_monotonic_in_start(is_workday, start, later_by, n):
    later = start + datetime.timedelta(days=later_by)

    assert add_working_days(start, n, is_workday) <= add_working_days(later, n, is_workday)


@fast
@given(calendars, days, st.integers(min_value=-400, max_value=0))
def test_nothing_is_counted_backwards(is_workday, start, back):
    assert working_days_between(start, start + datetime.timedelta(days=back), is_workday) == 0


@fast
@given(calendars, days)
def test_next_working_day_is_the_first_on_or_after(is_workday, day):
    result = next_working_day(day, is_workday)

    assert result >= day
    assert is_workday(result)
    assert working_days_between(day - ONE_DAY, result - ONE_DAY, is_workday) == 0


@fast
@given(calendars, days)
def test_zero_days_is_the_start_itself(is_workday, start):
    assert add_working_days(start, 0, is_workday) == start


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_days(D(2026, 1, 5), -1, weekday_rule)


def test_monday_to_friday_rule():
    assert add_working_days(D(2027, 2, 5), 1, weekday_rule) == D(2027, 2, 8)  # Friday → Monday
    assert working_days_between(D(2027, 2, 5), D(2027, 2, 12), weekday_rule) == 5
    assert next_working_day(D(2027, 2, 6), weekday_rule) == D(2027, 2, 8)


# ---------------------------------------------------------------- the seeded calendar

def test_the_seeded_calendar_is_chinese_calendar_for_2026(db):
    calendar = WorkCalendar()
    day = D(2026, 1, 1)
    while day.year == 2026:
        assert calendar(day) == chinese_calendar.is_workday(day), day
        day += ONE_DAY


def test_spring_festival_2026(db):
    calendar = WorkCalendar()

    assert calendar(D(2026, 2, 14)) is True  # Saturday, 调休 working day
    assert [calendar(D(2026, 2, d)) for d in range(15, 24)] == [False] * 9  # 2-15 (Sun) … 2-23
    assert calendar(D(2026, 2, 28)) is True  # Saturday, 调休 working day
    assert add_working_days(D(2026, 2, 13), 1, calendar) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 14), 1, calendar) == D(2026, 2, 24)
    assert add_working_days(D(2026, 2, 13), 2, calendar) == D(2026, 2, 24)
    assert add_working_days(D(2026, 2, 27), 1, calendar) == D(2026, 2, 28)
    assert add_working_days(D(2026, 2, 28), 1, calendar) == D(2026, 3, 2)
    assert add_working_days(D(2026, 2, 12), 10, calendar) == D(2026, 3, 4)
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 24), calendar) == 2
    assert working_days_between(D(2026, 2, 14), D(2026, 2, 23), calendar) == 0
    assert next_working_day(D(2026, 2, 16), calendar) == D(2026, 2, 24)


def test_mid_autumn_and_national_day_2026(db):
    calendar = WorkCalendar()

    assert calendar(D(2026, 9, 20)) is True  # Sunday, 调休 working day
    assert [calendar(D(2026, 9, d)) for d in (25, 26, 27)] == [False] * 3  # Mid-autumn
    assert [calendar(D(2026, 10, d)) for d in range(1, 8)] == [False] * 7  # National Day
    assert calendar(D(2026, 10, 10)) is True  # Saturday, 调休 working day
    assert add_working_days(D(2026, 9, 18), 1, calendar) == D(2026, 9, 20)
    assert add_working_days(D(2026, 9, 24), 1, calendar) == D(2026, 9, 28)
    assert add_working_days(D(2026, 9, 30), 1, calendar) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 3, calendar) == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 29), 10, calendar) == D(2026, 10, 19)
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 8), calendar) == 1
    assert working_days_between(D(2026, 9, 24), D(2026, 10, 12), calendar) == 7


def test_a_year_beyond_the_library_counts_the_statutory_holidays_provisionally(db):
    calendar = WorkCalendar()

    assert CalendarDay.objects.filter(date__year=2027).count() == 0
    assert calendar(D(2027, 10, 1)) is False  # a Friday: National Day by the statutory rule (1–3 October)
    assert calendar(D(2027, 10, 4)) is True  # no 调休 is guessed
    assert add_working_days(D(2027, 9, 30), 1, calendar) == D(2027, 10, 4)
    assert calendar.is_provisional(D(2027, 10, 4)) is True
    assert missing_calendar_years(D(2026, 11, 22)) == [2027]
    assert missing_calendar_years(D(2027, 3, 1)) == [2027, 2028]
    assert missing_calendar_years(D(2025, 6, 1)) == []


def test_an_admin_entering_a_year_changes_deadlines_and_the_warning(db):
    CalendarDay.objects.create(date=D(2027, 10, 1), is_workday=False, name="国庆节")
    CalendarDay.objects.create(date=D(2027, 10, 4), is_workday=False, name="国庆节")
    CalendarYear.objects.create(year=2027, source="admin")

    calendar = WorkCalendar()

    assert add_working_days(D(2027, 9, 30), 1, calendar) == D(2027, 10, 5)
    assert calendar.is_provisional(D(2027, 10, 5)) is False
    assert missing_calendar_years(D(2026, 11, 22)) == []


# ---------------------------------------------------------------- SLA deadlines over the calendar

def test_a_deadline_is_the_end_of_the_nth_working_day_in_shanghai(db):
    calendar = WorkCalendar()

    # 2026-02-13 23:30 in Shanghai is still the 13th although it is 15:30 UTC.
    assert sla.due(local(2026, 2, 13, 23, 30), 1, calendar) == eod(2026, 2, 14)
    assert sla.due(local(2026, 2, 14, 0, 10), 1, calendar) == eod(2026, 2, 24)
    assert sla.shift(eod(2026, 9, 30), 1, calendar) == eod(2026, 10, 8)
    assert sla.shift(None, 3, calendar) is None
    assert sla.working_days_since(local(2026, 9, 30, 17), local(2026, 10, 8, 9), calendar) == 1


def test_the_calendar_and_sla_policies_are_kept_a_minute_per_process(db, settings):
    settings.REFERENCE_CACHE_SECONDS = 60
    before, policy = current_calendar(), sla.policy_for(Category.objects.get(slug="financing"), "normal")
    CalendarDay.objects.create(date=D(2027, 10, 8), is_workday=False, name="国庆节")
    SlaPolicy.objects.filter(pk=policy.pk).update(resolve_days=7)

    kept = current_calendar(), sla.policy_for(Category.objects.get(slug="financing"), "normal")
    settings.REFERENCE_CACHE_SECONDS = 0
    fresh = current_calendar(), sla.policy_for(Category.objects.get(slug="financing"), "normal")

    # within the minute: as loaded
    assert kept[0] is before and kept[0](D(2027, 10, 8)) is True and kept[1].resolve_days == policy.resolve_days == 10
    # then the change
    assert fresh[0] is not before and fresh[0](D(2027, 10, 8)) is False and fresh[1].resolve_days == 7


def test_an_admin_change_of_an_sla_policy_counts_at_once_in_its_process(admin_client, settings):
    settings.REFERENCE_CACHE_SECONDS = 60
    financing = Category.objects.get(slug="financing")
    policy = sla.policy_for(financing, "normal")

    response = admin_client.post(f"/admin/demands/slapolicy/{policy.pk}/change/", {
        "category": "", "priority": "normal", "accept_days": 1, "answer_days": 2, "resolve_days": 6,
        "cohandler_days": 3})

    assert response.status_code == 302
    assert sla.policy_for(financing, "normal").resolve_days == 6
