"""Legal terms: the computation of due dates from the rules in ``processes/deadlines.toml``.

Pure: nothing here touches a session, the clock or a file (``deadline_rules`` reads the rules file).
``compute`` takes dates and returns a ``Computation``: the due date, the instant the term expires and one
readable sentence saying how it was counted. Catalogue ids (T01–T47) are those of
legal-rules.md, section 5; the rows keeping deadlines per instance live in ``projection``.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from ..errors import InvalidInput, NotFound
from . import calendar
from .deadline_rules import Regime, Rule, load_rules

_DAY_UNITS = frozenset({"calendar_days", "working_days"})
_ONE_DAY = timedelta(days=1)
_UNIT_WORDS = {
    "calendar_days": ("calendar day", "calendar days"),
    "working_days": ("Belgian working day", "Belgian working days"),
    "weeks": ("week", "weeks"),
    "months": ("month", "months"),
    "years": ("year", "years"),
}
_COUNTING_WORDS = {"day_after": "counting from the day after", "event_day": "counting the event day as day 1"}
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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
            rules: Mapping[str, Rule] | None = None, alternative_start: date | str | None = None) -> Computation:
    """Compute when the legal term ``rule`` falls due for a start event on the Brussels date ``start``.

    ``start`` and ``regime_on`` are dates or ISO strings (a datetime string counts by its date part, so
    convert instants with ``calendar.legal_date`` first). The regime in force on ``regime_on`` (default:
    ``start``) applies. A rule whose start is disputed (``alternative_start_event``, e.g. T12) names in its
    explanation the due date counted from ``alternative_start`` too. Raises ``NotFound`` for an unknown rule and
    ``InvalidInput`` for a bad date or a regime date before the rule existed.
    """
    found = find(rule, rules)
    start_on = _as_date(start, "start")
    regime_on_date = start_on if regime_on is None else _as_date(regime_on, "regime_on")
    regime = found.regime(regime_on_date)
    counted = _count(start_on, regime)
    due_on = calendar.roll_forward(counted) if regime.roll_forward else counted
    opens_on = calendar.COUNTING[found.opens_after[1]](start_on, found.opens_after[0]) if found.opens_after else None
    return Computation(
        rule=found.id, name=found.name, kind=found.kind, start_on=start_on, regime_on=regime_on_date, due_on=due_on,
        opens_on=opens_on, expires_at=calendar.day_start(due_on + _ONE_DAY), duration=regime.duration,
        unit=regime.unit, counting_from=regime.counting_from, legal_source=found.legal_source,
        explanation=_explain(found, regime, start_on, counted, due_on, opens_on)
        + _alternative(found, regime, alternative_start),
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


def _alternative(rule: Rule, regime: Regime, alternative_start: date | str | None) -> str:
    """The due date counted from the disputed other start (T12: the assessment instead of its receipt)."""
    if rule.alternative_start_event is None or alternative_start is None:
        return ""
    other = _as_date(alternative_start, "alternative_start")
    counted = _count(other, regime)
    due = calendar.roll_forward(counted) if regime.roll_forward else counted
    return (f"; counted from {rule.alternative_start_event} {other.isoformat()} it would be "
            f"{due.isoformat()} (not applied, unverified)")


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


def _explain(rule: Rule, regime: Regime, start: date, counted: date, due: date, opens: date | None) -> str:
    parts = [f"{rule.start_event} {start.isoformat()}"]
    if len(rule.regimes) > 1:
        parts.append(f"regime from {regime.effective_from.isoformat()}: {_amount(regime.duration, regime.unit)}")
    parts.append(_COUNTING_WORDS[regime.counting_from] if regime.duration >= 0 else "counting back from the day before")
    if opens is not None and rule.opens_after is not None:
        parts.append(f"the window opens after {_amount(*rule.opens_after)}, on {opens.isoformat()}")
    parts.append(f"{regime.duration:+d} {_UNIT_WORDS[regime.unit][abs(regime.duration) != 1]}"
                 + _skipped(start, counted, regime) + _clipped(start, regime))
    if due != counted:
        parts.append(f"{_day(counted)} is not a working day, rolled forward to the next one" + _basis(rule))
    return "; ".join(parts) + f" = {due.isoformat()} ({rule.id}, {rule.legal_source})"


def _basis(rule: Rule) -> str:
    if rule.roll_forward_basis is None:
        return ""
    return f" ({rule.roll_forward_basis}{', unverified' if rule.is_roll_forward_unverified else ''})"


def _amount(duration: int, unit: str) -> str:
    return f"{duration} {_UNIT_WORDS[unit][abs(duration) != 1]}"


def _skipped(start: date, counted: date, regime: Regime) -> str:
    """Name the holidays and weekends that working-day counting stepped over, or nothing."""
    if regime.unit != "working_days" or regime.duration == 0:
        return ""
    after = start - _ONE_DAY if regime.counting_from == "event_day" else start
    low, high = (after, counted) if counted > after else (counted, after - _ONE_DAY)
    skipped = [f"{_day(day)} ({name})" for day, name in calendar.skipped_non_working_days(low, high)]
    weekends = {day.isocalendar()[:2] for day in _days_after(low, high) if day.weekday() >= 5}
    if weekends:
        skipped.append("the weekend" if len(weekends) == 1 else "weekends")
    if not skipped:
        return ""
    return ", skipping " + (skipped[0] if len(skipped) == 1 else ", ".join(skipped[:-1]) + " and " + skipped[-1])


def _clipped(start: date, regime: Regime) -> str:
    if regime.unit in _DAY_UNITS or calendar.COUNTING[regime.unit](start, regime.duration).day == start.day:
        return ""
    return ", clipped to the end of the month"


def _days_after(low: date, high: date) -> list[date]:
    return [low + timedelta(days=n) for n in range(1, (high - low).days + 1)]


def _day(day: date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


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
