"""How a due date was counted, as data: the parts of an explanation, and the English sentence they make.

Pure, like ``deadlines``, which builds the parts. Each part is a JSON-safe dict with a ``kind`` and plain values:
ISO dates, numbers, unit names, the rule id, and the rule's own words in every language
(``{"en": …, "nl": …, "fr": …}``), copied from the rule so that a stored explanation needs nothing else to be
read again, in any language, after the rules have changed. The kinds, in the order they appear:

- ``start``: ``event`` (words), ``on`` (date);
- ``regime`` (only for a rule with several): ``from`` (date), ``duration``, ``unit``;
- ``counting``: ``from``, one of ``day_after``, ``event_day`` or ``back`` (a negative term);
- ``opens`` (a window): ``duration``, ``unit``, ``on`` (date);
- ``count``: ``duration`` (signed), ``unit``, ``skipped`` (the public holidays stepped over: ``on`` and
  ``name`` in every language), ``weekends`` (how many), ``is_clipped`` (a month term clipped to a month end);
- ``rolled`` (a due day that was no working day): ``counted`` (date), ``basis`` (words or None),
  ``is_unverified``;
- ``due``: ``on`` (date), ``rule`` (catalogue id), ``legal_source`` (words);
- ``alternative`` (a disputed start, T12): ``event`` (words), ``from`` and ``due`` (dates);
- ``late`` (added when the row is kept): ``on`` (the date it was computed), ``term`` (``deadline``, ``period``).

``english`` renders them as the one sentence ``Computation.explanation`` has always been; the web pages render
the same parts in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from . import calendar
from .deadline_rules import LANGUAGES, Regime, Rule

Part = dict[str, Any]
_DAY_UNITS = frozenset({"calendar_days", "working_days"})
_ONE_DAY = timedelta(days=1)
_UNIT_WORDS = {
    "calendar_days": ("calendar day", "calendar days"),
    "working_days": ("Belgian working day", "Belgian working days"),
    "weeks": ("week", "weeks"),
    "months": ("month", "months"),
    "years": ("year", "years"),
}
_COUNTING_WORDS = {"day_after": "counting from the day after", "event_day": "counting the event day as day 1",
                   "back": "counting back from the day before"}
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def words(rule: Rule, field: str) -> dict[str, str] | None:
    """The rule's ``field`` in English and in each translated language (English where it is not translated)."""
    english = getattr(rule, field)
    if english is None:
        return None
    return {"en": english, **{language: rule.text(field, language) or english for language in LANGUAGES}}


def parts(rule: Rule, regime: Regime, start: date, counted: date, due: date, opens: date | None) -> list[Part]:
    """The parts explaining how ``rule`` counted from ``start`` to ``counted``, then (rolled forward) to ``due``."""
    found: list[Part] = [{"kind": "start", "event": words(rule, "start_event"), "on": start.isoformat()}]
    if len(rule.regimes) > 1:
        found.append({"kind": "regime", "from": regime.effective_from.isoformat(), "duration": regime.duration,
                      "unit": regime.unit})
    found.append({"kind": "counting", "from": regime.counting_from if regime.duration >= 0 else "back"})
    if opens is not None and rule.opens_after is not None:
        found.append({"kind": "opens", "duration": rule.opens_after[0], "unit": rule.opens_after[1],
                      "on": opens.isoformat()})
    found.append(_count(start, counted, regime))
    if due != counted:
        found.append({"kind": "rolled", "counted": counted.isoformat(), "basis": words(rule, "roll_forward_basis"),
                      "is_unverified": rule.is_roll_forward_unverified})
    found.append({"kind": "due", "on": due.isoformat(), "rule": rule.id, "legal_source": words(rule, "legal_source")})
    return found


def alternative(rule: Rule, other: date, due: date) -> Part:
    """The due date counted from the disputed other start (T12: the assessment instead of its receipt)."""
    return {"kind": "alternative", "event": words(rule, "alternative_start_event"), "from": other.isoformat(),
            "due": due.isoformat()}


def late(kind: str, today: date) -> Part:
    """Why a term was over before it was computed on ``today``: the fact it counts from is older."""
    return {"kind": "late", "on": today.isoformat(), "term": kind}


def english(explanation: list[Part]) -> str:
    """The parts as one English sentence, as logs, exports and the command line show it."""
    return "".join(_ENGLISH[part["kind"]](part) for part in explanation)


def _count(start: date, counted: date, regime: Regime) -> Part:
    skipped, weekends = _skipped(start, counted, regime)
    is_clipped = (regime.unit not in _DAY_UNITS
                  and calendar.COUNTING[regime.unit](start, regime.duration).day != start.day)
    return {"kind": "count", "duration": regime.duration, "unit": regime.unit, "skipped": skipped,
            "weekends": weekends, "is_clipped": is_clipped}


def _skipped(start: date, counted: date, regime: Regime) -> tuple[list[Part], int]:
    """The holidays and the number of weekends that working-day counting stepped over."""
    if regime.unit != "working_days" or regime.duration == 0:
        return [], 0
    after = start - _ONE_DAY if regime.counting_from == "event_day" else start
    low, high = (after, counted) if counted > after else (counted, after - _ONE_DAY)
    holidays = [{"on": day.isoformat(), "name": calendar.holiday_names(day)}
                for day, _ in calendar.skipped_non_working_days(low, high)]
    days = (low + timedelta(days=n) for n in range(1, (high - low).days + 1))
    return holidays, len({day.isocalendar()[:2] for day in days if day.weekday() >= 5})


def _english_count(part: Part) -> str:
    skipped = [f"{_day(holiday['on'])} ({holiday['name']['en']})" for holiday in part["skipped"]]
    if part["weekends"]:
        skipped.append("the weekend" if part["weekends"] == 1 else "weekends")
    text = f"; {part['duration']:+d} {_UNIT_WORDS[part['unit']][abs(part['duration']) != 1]}"
    if skipped:
        text += ", skipping " + (skipped[0] if len(skipped) == 1 else ", ".join(skipped[:-1]) + " and " + skipped[-1])
    return text + (", clipped to the end of the month" if part["is_clipped"] else "")


def _english_rolled(part: Part) -> str:
    basis = ""
    if part["basis"] is not None:
        basis = f" ({part['basis']['en']}{', unverified' if part['is_unverified'] else ''})"
    return f"; {_day(part['counted'])} is not a working day, rolled forward to the next one{basis}"


def _english_late(part: Part) -> str:
    if part["term"] == "period":
        return f" Already elapsed when computed on {part['on']}: the fact it counts from is older."
    return (f" Already due when computed on {part['on']}: the fact it counts from is older (e.g. a case "
            "opened late), so the duty is late from the start.")


_ENGLISH: dict[str, Callable[[Part], str]] = {
    "start": lambda part: f"{part['event']['en']} {part['on']}",
    "regime": lambda part: f"; regime from {part['from']}: {_amount(part['duration'], part['unit'])}",
    "counting": lambda part: f"; {_COUNTING_WORDS[part['from']]}",
    "opens": lambda part: f"; the window opens after {_amount(part['duration'], part['unit'])}, on {part['on']}",
    "count": _english_count,
    "rolled": _english_rolled,
    "due": lambda part: f" = {part['on']} ({part['rule']}, {part['legal_source']['en']})",
    "alternative": lambda part: (f"; counted from {part['event']['en']} {part['from']} it would be {part['due']} "
                                 "(not applied, unverified)"),
    "late": _english_late,
}
"""Part kind to its English words, each with the separator that goes before it."""


def _amount(duration: int, unit: str) -> str:
    return f"{duration} {_UNIT_WORDS[unit][abs(duration) != 1]}"


def _day(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"
