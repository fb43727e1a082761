"""Belgian legal time: calendar days, Belgian working days, weeks, months and years; Brussels dates.

Pure functions: they take dates and return dates, and never read the clock. Working days are Monday
to Friday minus the Belgian public holidays of the pinned ``holidays`` package. The law does not define
"werkdagen"; this reading is an assumption to be reviewed (legal-rules.md 0.5).
"""

from __future__ import annotations

import calendar as gregorian
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays

BRUSSELS = ZoneInfo("Europe/Brussels")
_PUBLIC_HOLIDAYS = holidays.country_holidays("BE", language="en_US")
_TRANSLATED_HOLIDAYS = {language: holidays.country_holidays("BE", language=language) for language in ("nl", "fr")}
_ONE_DAY = timedelta(days=1)


def holiday_name(day: date) -> str | None:
    """Return the English name of the Belgian public holiday on ``day``, or None on other days."""
    return _PUBLIC_HOLIDAYS.get(day)


def holiday_names(day: date) -> dict[str, str]:
    """Return the names of the Belgian public holiday on ``day`` in English, Dutch and French (empty on other days)."""
    english = _PUBLIC_HOLIDAYS.get(day)
    if english is None:
        return {}
    return {"en": english, **{language: names.get(day, english) for language, names in _TRANSLATED_HOLIDAYS.items()}}


def is_working_day(day: date) -> bool:
    """Tell whether ``day`` is a Belgian working day: Monday to Friday and no public holiday."""
    return day.weekday() < 5 and day not in _PUBLIC_HOLIDAYS


def add_calendar_days(day: date, days: int) -> date:
    """Return the date ``days`` calendar days after ``day`` (before it when negative)."""
    return day + timedelta(days=days)


def add_working_days(day: date, days: int) -> date:
    """Return the ``days``-th working day after ``day``, or the ``|days|``-th before it when negative.

    ``day`` itself never counts, working day or not; ``days == 0`` returns ``day`` unchanged.
    """
    step = _ONE_DAY if days > 0 else -_ONE_DAY
    remaining = abs(days)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """The working days after ``start`` up to and including ``end``; negative (counted back) when ``end`` is earlier."""
    low, high, sign = (start, end, 1) if end >= start else (end, start, -1)
    return sign * sum(1 for n in range(1, (high - low).days + 1) if is_working_day(low + timedelta(days=n)))


def add_weeks(day: date, weeks: int) -> date:
    """Return the same weekday ``weeks`` weeks later (earlier when negative)."""
    return day + timedelta(weeks=weeks)


def add_months(day: date, months: int) -> date:
    """Return the same day of the month ``months`` later, clipped to the end of a shorter month.

    2026-01-31 + 1 month is 2026-02-28; 2024-01-31 + 1 month is 2024-02-29.
    """
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    last_day = gregorian.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))


def add_years(day: date, years: int) -> date:
    """Return the same date ``years`` later; 29 February becomes 28 February in a common year."""
    return add_months(day, 12 * years)


def roll_forward(day: date) -> date:
    """Return ``day`` when it is a working day, else the next working day."""
    while not is_working_day(day):
        day += _ONE_DAY
    return day


COUNTING: dict[str, Callable[[date, int], date]] = {
    "calendar_days": add_calendar_days,
    "working_days": add_working_days,
    "weeks": add_weeks,
    "months": add_months,
    "years": add_years,
}
"""Counting-mode name, as used in ``processes/deadlines.toml``, to ``function(start, amount) -> date``."""


def skipped_non_working_days(start: date, end: date) -> list[tuple[date, str]]:
    """List the public holidays on weekdays strictly after ``start`` and up to ``end``, with their names.

    Weekends are left out: explanations mention them in one word. Empty when ``end`` is not after ``start``.
    """
    days = (start + timedelta(days=n) for n in range(1, (end - start).days + 1))
    return [(day, _PUBLIC_HOLIDAYS[day]) for day in days if day.weekday() < 5 and day in _PUBLIC_HOLIDAYS]


def legal_date(instant: datetime) -> date:
    """Return the Brussels calendar date of an aware instant; ``ValueError`` for a naive datetime."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"legal_date needs a timezone-aware instant, got naive {instant.isoformat()}")
    return instant.astimezone(BRUSSELS).date()


def day_start(day: date) -> datetime:
    """Return the UTC instant at which ``day`` begins in Brussels (00:00 local, correct across DST)."""
    return datetime.combine(day, time(0), BRUSSELS).astimezone(timezone.utc)
