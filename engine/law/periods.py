"""Periods of incapacity (convention 0.6): which period is current on a date, and from which first day rules count.

Pure: it takes the case's first day and its recorded returns and new incapacities, each on its legal date.
A return to work of 14 calendar days or more (rule C06) ends a period; an incapacity after such a return
starts a new one, and every rule counted from the first day (T01–T05, T21, T23, T34, T36) counts from the
current period's first day. A relapse within the 14 days keeps the period going, however late it was recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

RETURN, INCAPACITY = "return", "incapacity"
INTERRUPTING_RETURN = timedelta(days=14)
"""C06: a return lasting at least this long interrupts the incapacity."""


@dataclass(frozen=True)
class Period:
    """One uninterrupted incapacity: its first day and, when a return of 14 days ended it, the day of that return."""

    first_day: date
    returned_on: date | None = None


def periods(first_day: date, events: Iterable[tuple[str, date]], on: date) -> tuple[Period, ...]:
    """The periods of incapacity known on ``on``, oldest first (events dated after ``on`` are left out).

    A return still shorter than 14 days on ``on`` does not end the period it interrupts.
    """
    found: list[Period] = []
    current, back_on = first_day, None
    for kind, when in sorted((e for e in events if e[1] <= on), key=lambda e: (e[1], e[0] == RETURN)):
        if kind == RETURN and back_on is None:
            back_on = when
        elif kind == INCAPACITY and back_on is not None:
            if when - back_on >= INTERRUPTING_RETURN:
                found.append(Period(current, back_on))
                current = when
            back_on = None
    if back_on is not None and on - back_on >= INTERRUPTING_RETURN:
        return (*found, Period(current, back_on))
    return (*found, Period(current))


def current_first_day(first_day: date, events: Iterable[tuple[str, date]], on: date) -> date:
    """The first day of the period of incapacity current (or last ended) on ``on``."""
    return periods(first_day, events, on)[-1].first_day


def is_back_at_work(first_day: date, events: Iterable[tuple[str, date]], on: date) -> date | None:
    """The day of the return that ended the last period when the worker is back at work for good on ``on``."""
    return periods(first_day, events, on)[-1].returned_on


def misplaced(first_day: date, events: Iterable[tuple[str, date]], kind: str, on: date) -> str | None:
    """Why a return or an incapacity dated ``on`` cannot follow the recorded ones; None when it can.

    An incapacity (a relapse) is judged by its own date: it must follow a return to work and may not be
    dated before it. A return may not be dated before the incapacity it ends began.
    """
    known = sorted(events, key=lambda e: e[1])
    returns = [when for k, when in known if k == RETURN]
    if kind == INCAPACITY:
        if not returns:
            return f"no return to work is recorded before the incapacity of {on.isoformat()}; record the return first"
        if on < returns[-1]:
            return (f"the incapacity of {on.isoformat()} is dated before the return to work on "
                    f"{returns[-1].isoformat()}; a relapse follows the return")
        if known[-1][0] == INCAPACITY and known[-1][1] >= returns[-1]:
            return f"an incapacity since {known[-1][1].isoformat()} is already recorded after the last return"
        return None
    began = max([first_day, *(when for k, when in known if k == INCAPACITY)])
    if on < began:
        return f"the return to work on {on.isoformat()} is dated before the incapacity began on {began.isoformat()}"
    return None
