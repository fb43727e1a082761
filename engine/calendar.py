"""Belgian legal time: calendar days, Belgian working days, weeks, months and years; Brussels dates.

Pure functions: they take dates and return dates. Working days are Monday to Friday minus the
Belgian public holidays of the ``holidays`` package (legal-rules.md 0.5: an assumption, configurable).
"""

from __future__ import annotations

import calendar as gregorian
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays

BRUSSELS = ZoneInfo("Europe/Brussels")
_HOLIDAYS = holidays.country_holidays("BE", language="en_US")


def holiday_name(day: date) -> str | None:
    """The name of the Belgian public holiday on ``day``, if it is one."""
    return _HOLIDAYS.get(day)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a Belgian public holiday."""
    return day.weekday() < 5 and day not in _HOLIDAYS


def add_calendar_days(day: date, days: int) -> date:
    return day + timedelta(days=days)


def add_working_days(day: date, days: int) -> date:
    """The ``days``-th working day after ``day`` (before it when negative); ``day`` itself never counts."""
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def add_weeks(day: date, weeks: int) -> date:
    return day + timedelta(weeks=weeks)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clipped to the month's end (31 Jan + 1 month = 28 or 29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = gregorian.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    return add_months(day, 12 * years)


def roll_forward(day: date) -> date:
    """``day`` when it is a working day, else the next working day."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


COUNTING: dict[str, Callable[[date, int], date]] = {
    "calendar_days": add_calendar_days,
    "working_days": add_working_days,
    "weeks": add_weeks,
    "months": add_months,
    "years": add_years,
}
"""Counting-mode name → function(start, amount) → date."""


def skipped_holidays(start: date, end: date) -> list[tuple[date, str]]:
    """Public holidays on weekdays strictly after ``start`` up to ``end`` (either order)."""
    low, high = min(start, end), max(start, end)
    days = (low + timedelta(days=n) for n in range(1, (high - low).days + 1))
    return [(d, _HOLIDAYS[d]) for d in days if d.weekday() < 5 and d in _HOLIDAYS]


def legal_date(instant: datetime) -> date:
    """The Brussels calendar date of an aware instant."""
    if instant.tzinfo is None:
        raise ValueError("legal_date needs a timezone-aware instant")
    return instant.astimezone(BRUSSELS).date()


def day_start(day: date) -> datetime:
    """The UTC instant at which ``day`` begins in Brussels (DST-correct)."""
    return datetime.combine(day, time(0), BRUSSELS).astimezone(timezone.utc)
