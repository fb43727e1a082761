"""Belgian legal time: hand-written dates around the holidays that bite, and properties checked by Hypothesis."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.law import calendar

UTC = timezone.utc
DAYS = st.dates(min_value=date(2022, 1, 1), max_value=date(2032, 12, 31))


@pytest.mark.parametrize(("day", "is_working"), [
    (date(2026, 12, 24), True),    # Christmas Eve is an ordinary Thursday
    (date(2026, 12, 25), False),   # Christmas
    (date(2026, 12, 26), False),   # a Saturday; Boxing Day is no Belgian public holiday
    (date(2027, 1, 1), False),     # New Year
    (date(2026, 4, 3), True),      # Good Friday is a working day in Belgium
    (date(2026, 4, 6), False),     # Easter Monday 2026
    (date(2027, 3, 29), False),    # Easter Monday 2027
    (date(2026, 5, 1), False),     # Labour Day
    (date(2026, 5, 14), False),    # Ascension 2026
    (date(2027, 5, 6), False),     # Ascension 2027
    (date(2026, 5, 25), False),    # Whit Monday 2026
    (date(2027, 5, 17), False),    # Whit Monday 2027
    (date(2026, 7, 21), False),    # National Day
    (date(2025, 8, 15), False),    # Assumption on a Friday
    (date(2028, 8, 15), False),    # Assumption on a Tuesday
    (date(2027, 11, 1), False),    # All Saints on a Monday
    (date(2026, 11, 2), True),     # All Souls is a working day
    (date(2026, 11, 11), False),   # Armistice
    (date(2026, 12, 27), False),   # a Sunday
])
def test_working_days_are_weekdays_that_are_no_belgian_public_holiday(day, is_working):
    """legal-rules.md 0.5: working days are Monday to Friday minus Belgian public holidays."""
    assert calendar.is_working_day(day) is is_working


@pytest.mark.parametrize(("day", "name"), [
    (date(2026, 12, 25), "Christmas Day"),
    (date(2027, 1, 1), "New Year's Day"),
    (date(2026, 4, 6), "Easter Monday"),
    (date(2026, 5, 1), "Labor Day"),
    (date(2026, 5, 14), "Ascension Day"),
    (date(2026, 5, 25), "Pentecost Monday"),
    (date(2026, 7, 21), "National Day"),
    (date(2026, 8, 15), "Assumption Day"),
    (date(2026, 11, 1), "All Saints' Day"),
    (date(2026, 11, 11), "Armistice Day"),
    (date(2026, 12, 24), None),
    (date(2026, 4, 3), None),
])
def test_holidays_are_named_in_english(day, name):
    assert calendar.holiday_name(day) == name


@pytest.mark.parametrize(("start", "days", "expected"), [
    (date(2026, 3, 2), 10, date(2026, 3, 16)),     # plain fortnight
    (date(2026, 4, 3), 10, date(2026, 4, 20)),     # Easter Monday 2026 skipped
    (date(2027, 3, 26), 1, date(2027, 3, 30)),     # Easter Monday 2027 and the weekend
    (date(2026, 12, 23), 10, date(2027, 1, 8)),    # Christmas and New Year skipped
    (date(2026, 4, 30), 1, date(2026, 5, 4)),      # 1 May (a Friday) and the weekend
    (date(2026, 5, 13), 1, date(2026, 5, 15)),     # Ascension
    (date(2026, 5, 22), 1, date(2026, 5, 26)),     # the weekend and Whit Monday
    (date(2026, 7, 20), 1, date(2026, 7, 22)),     # 21 July
    (date(2025, 8, 14), 1, date(2025, 8, 18)),     # 15 August on a Friday
    (date(2026, 10, 30), 2, date(2026, 11, 3)),    # 1 November 2026 is a Sunday: nothing extra
    (date(2027, 10, 29), 1, date(2027, 11, 2)),    # 1 November 2027 is a Monday
    (date(2026, 11, 10), 1, date(2026, 11, 12)),   # 11 November
    (date(2026, 12, 26), 1, date(2026, 12, 28)),   # a Saturday start still never counts itself
    (date(2026, 3, 4), 0, date(2026, 3, 4)),
    (date(2026, 12, 25), 0, date(2026, 12, 25)),   # zero days is the start, holiday or not
])
def test_adding_working_days_skips_weekends_and_holidays(start, days, expected):
    """legal-rules.md 0.5; T15/T16/T18 count this way."""
    assert calendar.add_working_days(start, days) == expected


@pytest.mark.parametrize(("start", "days", "expected"), [
    (date(2026, 3, 2), -1, date(2026, 2, 27)),     # the working day before a Monday
    (date(2026, 4, 7), -1, date(2026, 4, 3)),      # back over Easter Monday and the weekend
    (date(2026, 5, 26), -1, date(2026, 5, 22)),    # back over Whit Monday and the weekend
    (date(2027, 1, 4), -5, date(2026, 12, 24)),    # back over New Year and Christmas
])
def test_negative_working_days_count_back(start, days, expected):
    """T28: a request due "1 working day before" the resumption counts back."""
    assert calendar.add_working_days(start, days) == expected


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),     # leap year
    (date(2028, 1, 31), 1, date(2028, 2, 29)),     # leap year
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 12, 31), 2, date(2027, 2, 28)),
    (date(2026, 11, 15), 3, date(2027, 2, 15)),    # over the year end
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
    (date(2026, 10, 31), -12, date(2025, 10, 31)),
])
def test_months_clip_to_the_end_of_shorter_months(start, months, expected):
    assert calendar.add_months(start, months) == expected


@pytest.mark.parametrize(("start", "years", "expected"), [
    (date(2028, 2, 29), 1, date(2029, 2, 28)),
    (date(2028, 2, 29), 4, date(2032, 2, 29)),
    (date(2026, 6, 10), -1, date(2025, 6, 10)),
])
def test_a_year_from_a_leap_day_ends_on_28_february(start, years, expected):
    """T34: one year of primary incapacity from 29 February."""
    assert calendar.add_years(start, years) == expected


@pytest.mark.parametrize(("mode", "start", "amount", "expected"), [
    ("calendar_days", date(2026, 12, 23), 49, date(2027, 2, 10)),
    ("calendar_days", date(2028, 2, 28), 1, date(2028, 2, 29)),
    ("calendar_days", date(2026, 3, 1), -1, date(2026, 2, 28)),
    ("weeks", date(2026, 12, 21), 2, date(2027, 1, 4)),
    ("weeks", date(2026, 3, 2), -1, date(2026, 2, 23)),
    ("working_days", date(2026, 12, 23), 10, date(2027, 1, 8)),
    ("months", date(2026, 1, 31), 1, date(2026, 2, 28)),
    ("years", date(2028, 2, 29), 1, date(2029, 2, 28)),
])
def test_counting_modes_are_looked_up_by_name(mode, start, amount, expected):
    assert calendar.COUNTING[mode](start, amount) == expected


def test_the_counting_modes_are_exactly_those_the_rules_file_may_name():
    assert set(calendar.COUNTING) == {"calendar_days", "working_days", "weeks", "months", "years"}


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 12, 25), date(2026, 12, 28)),
    (date(2026, 12, 26), date(2026, 12, 28)),
    (date(2026, 12, 28), date(2026, 12, 28)),
    (date(2027, 1, 1), date(2027, 1, 4)),
    (date(2026, 4, 4), date(2026, 4, 7)),      # Saturday, Sunday, Easter Monday
    (date(2026, 5, 14), date(2026, 5, 15)),
])
def test_roll_forward_moves_to_the_next_working_day(day, expected):
    assert calendar.roll_forward(day) == expected


@pytest.mark.parametrize(("start", "end", "expected"), [
    (date(2026, 12, 23), date(2027, 1, 8), [(date(2026, 12, 25), "Christmas Day"),
                                            (date(2027, 1, 1), "New Year's Day")]),
    (date(2026, 8, 14), date(2026, 8, 17), []),                              # 15 August 2026 is a Saturday
    (date(2026, 4, 6), date(2026, 4, 10), []),                               # the start itself is left out
    (date(2026, 4, 5), date(2026, 4, 6), [(date(2026, 4, 6), "Easter Monday")]),  # the end is included
    (date(2027, 1, 8), date(2026, 12, 23), []),
])
def test_skipped_non_working_days_lists_weekday_holidays_after_the_start(start, end, expected):
    assert calendar.skipped_non_working_days(start, end) == expected


@pytest.mark.parametrize(("day", "utc_start"), [
    (date(2026, 1, 15), datetime(2026, 1, 14, 23, 0, tzinfo=UTC)),
    (date(2026, 3, 29), datetime(2026, 3, 28, 23, 0, tzinfo=UTC)),   # summer time starts that night
    (date(2026, 3, 30), datetime(2026, 3, 29, 22, 0, tzinfo=UTC)),
    (date(2026, 10, 25), datetime(2026, 10, 24, 22, 0, tzinfo=UTC)),  # summer time ends that night
    (date(2026, 10, 26), datetime(2026, 10, 25, 23, 0, tzinfo=UTC)),
])
def test_a_legal_day_starts_at_midnight_in_brussels_across_dst(day, utc_start):
    assert calendar.day_start(day) == utc_start
    assert calendar.legal_date(utc_start) == day
    assert calendar.legal_date(utc_start - timedelta(seconds=1)) == day - timedelta(days=1)


@pytest.mark.parametrize(("instant", "day"), [
    (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), date(2026, 3, 29)),    # 01:59 winter time
    (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), date(2026, 3, 29)),     # 03:00 summer time
    (datetime(2026, 10, 25, 22, 59, 59, tzinfo=UTC), date(2026, 10, 25)),
    (datetime(2026, 10, 25, 23, 0, tzinfo=UTC), date(2026, 10, 26)),
    (datetime(2026, 7, 1, 1, 30, tzinfo=timezone(timedelta(hours=5))), date(2026, 6, 30)),
])
def test_legal_date_is_the_brussels_calendar_date(instant, day):
    assert calendar.legal_date(instant) == day


def test_legal_date_refuses_naive_instants():
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.legal_date(datetime(2026, 1, 1, 12, 0))


@given(DAYS, st.integers(min_value=1, max_value=60))
def test_adding_working_days_never_lands_on_a_weekend_or_holiday(start, days):
    assert calendar.is_working_day(calendar.add_working_days(start, days))


@given(DAYS, st.integers(min_value=1, max_value=60))
def test_adding_working_days_passes_exactly_that_many_working_days(start, days):
    due = calendar.add_working_days(start, days)
    passed = [start + timedelta(days=n) for n in range(1, (due - start).days + 1)]
    assert sum(calendar.is_working_day(day) for day in passed) == days


@given(DAYS, DAYS, st.integers(min_value=-40, max_value=40), st.sampled_from(sorted(calendar.COUNTING)))
def test_a_later_start_never_gives_an_earlier_due_date(first, second, amount, mode):
    early, late = min(first, second), max(first, second)
    add = calendar.COUNTING[mode]
    assert add(early, amount) <= add(late, amount)


@given(DAYS, st.integers(min_value=1, max_value=30))
def test_counting_working_days_back_returns_no_later_than_the_start(start, days):
    assert calendar.add_working_days(calendar.add_working_days(start, days), -days) <= start


@given(DAYS, st.integers(min_value=-36, max_value=36))
def test_adding_months_never_overflows_into_the_next_month(start, months):
    result = calendar.add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    is_month_end = (result + timedelta(days=1)).day == 1
    assert result.day == start.day or (is_month_end and result.day < start.day)


@given(DAYS)
def test_the_legal_date_of_a_day_start_is_that_day(day):
    assert calendar.legal_date(calendar.day_start(day)) == day


@pytest.mark.parametrize(("start", "end", "expected"), [
    (date(2026, 12, 21), date(2027, 1, 8), 12),   # Christmas and New Year are no working days
    (date(2027, 1, 8), date(2027, 1, 8), 0),
    (date(2027, 1, 8), date(2027, 1, 11), 1),     # Friday to Monday
    (date(2027, 1, 11), date(2027, 1, 8), -1),    # one working day late
    (date(2027, 1, 9), date(2027, 1, 10), 0),     # a weekend holds none
])
def test_working_days_between_counts_the_working_days_after_the_start(start, end, expected):
    assert calendar.working_days_between(start, end) == expected
