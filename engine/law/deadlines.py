"""Legal terms: the computation of due dates from the rules in ``processes/deadlines.toml``.

Pure: nothing here touches a session, the clock or a file (``deadline_rules`` reads the rules file).
``compute`` takes dates and returns a ``Computation``: the due date, the instant the term expires and how it
was counted, as parts (``explanations``) and as one English sentence made of them. Catalogue ids (T01–T47) are those of
legal-rules.md, section 5; the rows keeping deadlines per instance live in ``projection``.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from ..errors import InvalidInput, NotFound
from . import calendar, explanations
from .deadline_rules import Regime, Rule, load_rules

_DAY_UNITS = frozenset({"calendar_days", "working_days"})
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Computation:
    """A computed legal term: when it falls due, when it expires, and how it was counted."""

    rule: str
    name: str
    kind: str
    start_on: date
    regime_on: date
    due_on: date
    opens_on: date | None
    expires_at: datetime
    duration: int
    unit: str
    counting_from: str
    legal_source: str
    explanation: str
    explanation_parts: tuple[dict[str, Any], ...] = field(default=(), hash=False)
    """How it was counted, as data (``explanations``); ``explanation`` is these parts in English."""


@cache
def _default_rules() -> dict[str, Rule]:
    return load_rules()


def find(rule: str, rules: Mapping[str, Rule] | None = None) -> Rule:
    """Return a rule by catalogue id ("T15") or name ("pre_return_visit"); ``NotFound`` otherwise.

    ``rules`` defaults to ``processes/deadlines.toml``, read once.
    """
    rules = _default_rules() if rules is None else rules
    found = rules.get(rule) or next((r for r in rules.values() if r.name == rule), None)
    if found is None:
        raise NotFound(f"unknown deadline rule '{rule}': give a catalogue id such as T15 or a rule name")
    return found


def compute(rule: str, start: date | str, *, regime_on: date | str | None = None,
            rules: Mapping[str, Rule] | None = None, alternative_start: date | str | None = None,
            length: int | None = None) -> Computation:
    """Compute when the legal term ``rule`` falls due for a start event on the Brussels date ``start``.

    ``start`` and ``regime_on`` are dates or ISO strings (a datetime string counts by its date part, so
    convert instants with ``calendar.legal_date`` first). The regime in force on ``regime_on`` (default:
    ``start``) applies. A rule whose start is disputed (``alternative_start_event``, e.g. T12) names in its
    explanation the due date counted from ``alternative_start`` too. A rule whose length is the case's
    (``length_from``, T20) counts ``length`` units instead of its regime's duration when given. Raises
    ``NotFound`` for an unknown rule and ``InvalidInput`` for a bad date or a regime date before the rule existed.
    """
    found = find(rule, rules)
    start_on = _as_date(start, "start")
    regime_on_date = start_on if regime_on is None else _as_date(regime_on, "regime_on")
    regime = _with_length(found, found.regime(regime_on_date), length)
    counted = _count(start_on, regime)
    due_on = calendar.roll_forward(counted) if regime.roll_forward else counted
    opens_on = calendar.COUNTING[found.opens_after[1]](start_on, found.opens_after[0]) if found.opens_after else None
    parts = explanations.parts(found, regime, start_on, counted, due_on, opens_on)
    parts += _alternative(found, regime, alternative_start)
    return Computation(
        rule=found.id, name=found.name, kind=found.kind, start_on=start_on, regime_on=regime_on_date, due_on=due_on,
        opens_on=opens_on, expires_at=calendar.day_start(due_on + _ONE_DAY), duration=regime.duration,
        unit=regime.unit, counting_from=regime.counting_from, legal_source=found.legal_source,
        explanation=explanations.english(parts), explanation_parts=tuple(parts),
    )


CYCLE_UNITS = {"calendar_days": "D", "weeks": "W"}
"""Units of a fixed length, the only ones a repeating timer (a BPMN ``timeCycle``) can add again and again."""


def cycle(computation: Computation) -> str:
    """A repeating term as an ISO 8601 repetition: first when the term expires, then every term again.

    Each repetition adds whole days, so it starts an hour after the expiry: after the change to winter time it
    still fires after the due day is over, never before.
    """
    first = computation.expires_at + timedelta(hours=1)
    return f"R/{first.isoformat()}/P{computation.duration}{CYCLE_UNITS[computation.unit]}"


def _alternative(rule: Rule, regime: Regime, alternative_start: date | str | None) -> list[dict[str, Any]]:
    """The due date counted from the disputed other start (T12: the assessment instead of its receipt)."""
    if rule.alternative_start_event is None or alternative_start is None:
        return []
    other = _as_date(alternative_start, "alternative_start")
    counted = _count(other, regime)
    return [explanations.alternative(rule, other, calendar.roll_forward(counted) if regime.roll_forward else counted)]


def threshold_date(rule: str, start: date | str, *, rules: Mapping[str, Rule] | None = None) -> date:
    """The first day a threshold counted from ``start`` is reached, judged by the regime in force on that day.

    A threshold that shortened (T36: 9 months before 2026, 6 since) is reached on the first day that
    lies past the term of the regime then in force: an incapacity from 1 October 2025 reaches it on
    1 April 2026, one from 15 May 2025 on 1 January 2026, when the shorter term took effect.
    """
    found = find(rule, rules)
    start_on = _as_date(start, "start")
    reached = []
    for regime, following in zip(found.regimes, (*found.regimes[1:], None), strict=True):
        candidate = max(_count(start_on, regime), regime.effective_from)
        if following is None or candidate < following.effective_from:
            reached.append(candidate)
    return min(reached)


def _count(start: date, regime: Regime) -> date:
    """Count the term; with "event_day" the start's own day is day 1 (T17, T30).

    Day units then count from the day before, so a working start day counts; weeks, months and years
    end the day before the same date.
    """
    add = calendar.COUNTING[regime.unit]
    if regime.counting_from == "day_after" or regime.duration == 0:
        return add(start, regime.duration)
    if regime.unit in _DAY_UNITS:
        return add(start - _ONE_DAY, regime.duration)
    return add(start, regime.duration) - _ONE_DAY


def length_of(rule: Rule, data: Mapping[str, Any]) -> int | None:
    """The case's length of a term whose length is a case variable (``length_from``), if ``data`` has it."""
    return data.get(rule.length_from) if rule.length_from is not None else None


def _with_length(rule: Rule, regime: Regime, length: int | None) -> Regime:
    """The regime counting the case's length (T20: the employer's cadence) for a rule that takes one."""
    if length is None or rule.length_from is None:
        return regime
    if isinstance(length, bool) or not isinstance(length, int) or length < 1:
        message = f"{rule.length_from} must be a whole number of {regime.unit} of at least 1"
        raise InvalidInput(message, {rule.length_from: [message]})
    return replace(regime, duration=length)


def _as_date(value: date | str, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        with suppress(ValueError):
            return date.fromisoformat(value)
        with suppress(ValueError):
            return datetime.fromisoformat(value).date()
    raise InvalidInput(f"{field} is not an ISO date", {field: ["expected a date such as 2026-03-02"]})


def days_left(rule: Rule | None, start_on: date, due_on: date, today: date) -> tuple[int, bool]:
    """Days from ``today`` to ``due_on`` counted as the rule counts (negative when overdue).

    Returns the count and whether it is in Belgian working days (rules counted in working days) or
    calendar days (every other unit: weeks and months run over weekends and holidays).
    """
    is_working = rule is not None and _regime_or_none(rule, start_on) == "working_days"
    if is_working:
        return calendar.working_days_between(today, due_on), True
    return (due_on - today).days, False


def _regime_or_none(rule: Rule, on: date) -> str | None:
    in_force = [regime for regime in rule.regimes if regime.effective_from <= on] or list(rule.regimes[:1])
    return in_force[-1].unit if in_force else None
