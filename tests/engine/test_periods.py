"""Periods of incapacity (0.6): pure rules, dates written by hand."""

from __future__ import annotations

from datetime import date

import pytest

from engine.law import periods

FIRST = date(2027, 1, 4)


@pytest.mark.parametrize(("events", "on", "first_day", "back_since"), [
    ((), date(2027, 6, 1), FIRST, None),
    ((("return", date(2027, 2, 15)),), date(2027, 2, 28), FIRST, None),                  # 13 days: not yet
    ((("return", date(2027, 2, 15)),), date(2027, 3, 1), FIRST, date(2027, 2, 15)),      # 14 days: ended
    ((("return", date(2027, 2, 15)), ("incapacity", date(2027, 2, 28))), date(2027, 6, 1), FIRST, None),
    ((("return", date(2027, 2, 15)), ("incapacity", date(2027, 3, 1))), date(2027, 6, 1), date(2027, 3, 1), None),
    ((("return", date(2027, 2, 15)), ("incapacity", date(2027, 3, 1))), date(2027, 2, 20), FIRST, None),
])
def test_0_6_the_current_period_follows_the_dates_of_returns_and_relapses(events, on, first_day, back_since):
    """0.6: a return of 14 days or more ends a period; an incapacity after it starts a new one."""
    assert periods.current_first_day(FIRST, events, on) == first_day
    assert periods.is_back_at_work(FIRST, events, on) == back_since


@pytest.mark.parametrize(("events", "kind", "on", "problem"), [
    ((), "incapacity", date(2027, 2, 1), "no return to work is recorded"),
    ((("return", date(2027, 2, 15)),), "incapacity", date(2027, 2, 14), "dated before the return to work"),
    ((("return", date(2027, 2, 15)),), "incapacity", date(2027, 2, 15), None),
    ((("return", date(2027, 2, 15)), ("incapacity", date(2027, 2, 20))), "incapacity", date(2027, 2, 22),
     "already recorded"),
    ((), "return", date(2027, 1, 3), "dated before the incapacity began"),
])
def test_0_6_a_misplaced_return_or_relapse_is_named(events, kind, on, problem):
    found = periods.misplaced(FIRST, events, kind, on)
    assert (found is None) if problem is None else (problem in found)
