"""Belgian legal time: table tests with hand-written dates, and properties checked by Hypothesis."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import calendar

DAYS = st.dates(min_value=date(2022, 1, 1), max_value=date(2032, 12, 31))
UTC = timezone.utc


@pytest.mark.parametrize(("day", "is_working"), [
    (date(2026, 12, 25), False),  # Christmas
    (date(2027, 1, 1), False),    # New Year
    (date(2026, 4, 6), False),    # Easter Monday 2026
    (date(2027, 3, 29), False),   # Easter Monday 2027
    (date(2026, 5, 1), False),    # Labour Day
    (date(2026, 5, 14), False),   # Ascension
    (date(2026, 5, 25), False),   # Whit Monday
    (date(2026, 7, 21), False),   # National Day
    (date(2027, 11, 1), False),   # All Saints (a Monday)
    (date(2026, 11, 11), False),  # Armistice
    (date(2026, 12, 26), False),  # a Saturday
    (date(2026, 12, 24), True),   # Christmas Eve is a working day
    (date(2026, 8, 14), True),
])
def test_working_days_are_weekdays_that_are_no_belgian_public_holiday(day, is_working):
    assert calendar.is_working_day(day) is is_working


@pytest.mark.parametrize(("start", "days", "expected"), [
    (date(2026, 3, 2), 10, date(2026, 3, 16)),     # plain fortnight
    (date(2026, 4, 3), 10, date(2026, 4, 20)),     # Easter Monday skipped
    (date(2026, 12, 23), 10, date(2027, 1, 8)),    # Christmas and New Year skipped
    (date(2026, 4, 30), 1, date(2026, 5, 4)),      # 1 May (Friday) and the weekend
    (date(2026, 7, 20), 1, date(2026, 7, 22)),     # 21 July
    (date(2027, 8, 13), 1, date(2027, 8, 16)),     # 15 August 2027 is a Sunday: nothing extra
    (date(2026, 10, 30), 2, date(2026, 11, 3)),    # 1 November 2026 is a Sunday
    (date(2026, 11, 10), 1, date(2026, 11, 12)),   # 11 November
    (date(2026, 5, 13), 1, date(2026, 5, 15)),     # Ascension
    (date(2026, 3, 2), -1, date(2026, 2, 27)),     # one working day before a Monday
    (date(2026, 4, 7), -1, date(2026, 4, 3)),      # back over Easter Monday and the weekend
    (date(2026, 3, 4), 0, date(2026, 3, 4)),
])
def test_adding_working_days_skips_weekends_and_holidays(start, days, expected):
    assert calendar.add_working_days(start, days) == expected


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),     # leap year
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 11, 15), 3, date(2027, 2, 15)),    # over the year end
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
])
def test_months_clip_to_the_end_of_shorter_months(start, months, expected):
    assert calendar.add_months(start, months) == expected


def test_a_year_from_a_leap_day_ends_on_28_february():
    assert calendar.add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert calendar.add_years(date(2028, 2, 29), 4) == date(2032, 2, 29)


def test_weeks_and_calendar_days_count_every_day():
    assert calendar.add_weeks(date(2026, 12, 21), 2) == date(2027, 1, 4)
    assert calendar.add_calendar_days(date(2026, 12, 23), 49) == date(2027, 2, 10)


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 12, 25), date(2026, 12, 28)),
    (date(2026, 12, 26), date(2026, 12, 28)),
    (date(2026, 12, 28), date(2026, 12, 28)),
    (date(2026, 12, 31), date(2026, 12, 31)),
])
def test_roll_forward_moves_to_the_next_working_day(day, expected):
    assert calendar.roll_forward(day) == expected


@pytest.mark.parametrize(("day", "utc_start"), [
    (date(2026, 3, 29), datetime(2026, 3, 28, 23, 0, tzinfo=UTC)),   # DST starts that night
    (date(2026, 3, 30), datetime(2026, 3, 29, 22, 0, tzinfo=UTC)),
    (date(2026, 10, 25), datetime(2026, 10, 24, 22, 0, tzinfo=UTC)),  # DST ends that night
    (date(2026, 10, 26), datetime(2026, 10, 25, 23, 0, tzinfo=UTC)),
])
def test_a_legal_day_starts_at_midnight_in_brussels_across_dst(day, utc_start):
    assert calendar.day_start(day) == utc_start
    assert calendar.legal_date(utc_start) == day
    assert calendar.legal_date(utc_start - timedelta(seconds=1)) == day - timedelta(days=1)


def test_legal_date_refuses_naive_instants():
    with pytest.raises(ValueError):
        calendar.legal_date(datetime(2026, 1, 1, 12, 0))


def test_skipped_holidays_names_the_weekday_holidays_in_between():
    assert calendar.skipped_holidays(date(2026, 12, 23), date(2027, 1, 8)) == [
        (date(2026, 12, 25), "Christmas Day"), (date(2027, 1, 1), "New Year's Day")]


@given(DAYS, st.integers(min_value=1, max_value=60))
def test_adding_working_days_never_lands_on_a_weekend_or_holiday(start, days):
    assert calendar.is_working_day(calendar.add_working_days(start, days))


@given(DAYS, DAYS, st.integers(min_value=0, max_value=40), st.sampled_from(sorted(calendar.COUNTING)))
def test_a_later_start_never_gives_an_earlier_due_date(first, second, amount, mode):
    early, late = min(first, second), max(first, second)
    add = calendar.COUNTING[mode]
    assert add(early, amount) <= add(late, amount)


@given(DAYS, st.integers(min_value=1, max_value=30))
def test_counting_working_days_back_returns_no_later_than_the_start(start, days):
    assert calendar.add_working_days(calendar.add_working_days(start, days), -days) <= start


@given(DAYS, st.integers(min_value=-36, max_value=36))
def test_adding_months_keeps_the_day_or_clips_to_the_month_end(start, months):
    result = calendar.add_months(start, months)
    assert result.day == start.day or (result + timedelta(days=1)).day == 1
