"""Legal terms: the rules in ``processes/deadlines.toml`` and the computation of their due dates.

Pure: apart from ``load_rules`` reading the rules file, nothing here touches a session, the clock or a
file. ``compute`` takes dates and returns a ``Computation``: the due date, the instant the term expires
and one readable sentence saying how it was counted. Catalogue ids (T01–T47) are those of
legal-rules.md, section 5; the rows keeping deadlines per instance live in ``projection``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import processes

from . import calendar
from .errors import InvalidInput, InvalidModel, NotFound, Problem

RULES_FILE = Path(processes.__file__).parent / "deadlines.toml"
KINDS = ("deadline", "period")
COUNTING_FROM = ("day_after", "event_day")
CONFIDENCE_TAGS = ("V", "V+", "R", "U", "C")
TEXT_FIELDS = ("name", "title", "kind", "start_event", "on_expiry", "legal_source", "confidence")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
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
class Regime:
    """How long a term is from ``effective_from`` on, and how it is counted."""

    effective_from: date
    duration: int
    unit: str
    counting_from: str
    roll_forward: bool


@dataclass(frozen=True)
class Rule:
    """One legal term of the catalogue, with the regimes it has had over time."""

    id: str
    name: str
    title: str
    kind: str
    start_event: str
    on_expiry: str
    legal_source: str
    sources: tuple[str, ...]
    confidence: str
    is_unverified: bool
    regimes: tuple[Regime, ...]
    opens_after: tuple[int, str] | None = None
    roll_forward_basis: str | None = None
    is_roll_forward_unverified: bool = False
    alternative_start_event: str | None = None

    def regime(self, on: date) -> Regime:
        """Return the regime in force on ``on``: the latest one whose ``effective_from`` is not after it.

        Raises ``InvalidInput`` when ``on`` precedes the first regime (e.g. a 2026 rule for a 2025 case).
        """
        in_force = [regime for regime in self.regimes if regime.effective_from <= on]
        if not in_force:
            message = f"{self.id} does not apply before {self.regimes[0].effective_from.isoformat()}"
            raise InvalidInput(message, {"regime_on": [message]})
        return in_force[-1]


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


def load_rules(path: Path | None = None) -> dict[str, Rule]:
    """Read and check the rules file (default ``processes/deadlines.toml``), keyed by catalogue id.

    Raises ``InvalidModel`` with one problem per bad entry, all at once; the element id is the rule id.
    """
    source = Path(path) if path is not None else RULES_FILE
    try:
        with source.open("rb") as handle:
            raw = tomllib.load(handle)
    except tomllib.TOMLDecodeError as err:
        raise InvalidModel(f"{source} is not valid TOML", [Problem(None, str(err), str(source))]) from err
    rules, problems = {}, []
    for rule_id, entry in raw.items():
        messages = _entry_problems(entry)
        if messages:
            problems.append(Problem(rule_id, "; ".join(messages), str(source)))
        else:
            rules[rule_id] = _rule(rule_id, entry)
    names = [rule.name for rule in rules.values()]
    problems += [Problem(rule.id, f"name '{rule.name}' is used by another rule too", str(source))
                 for rule in rules.values() if names.count(rule.name) > 1]
    if problems:
        raise InvalidModel(f"{len(problems)} bad deadline rule(s) in {source}", problems)
    return rules


def _entry_problems(entry: Any) -> list[str]:
    if not isinstance(entry, dict):
        return ["is not a table"]
    problems = [f"'{key}' must be text" for key in TEXT_FIELDS if not isinstance(entry.get(key), str)]
    if problems:
        return problems
    if not _NAME.fullmatch(entry["name"]):
        problems.append(f"name '{entry['name']}' is not snake_case")
    if entry["kind"] not in KINDS:
        problems.append(f"kind '{entry['kind']}' is not one of {', '.join(KINDS)}")
    problems += _confidence_problems(entry)
    sources = entry.get("sources")
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        problems.append("'sources' must be a list of source ids")
    problems += _regimes_problems(entry.get("regimes"))
    if "opens_after" in entry:
        problems += [f"opens_after: {p}" for p in _amount_problems(entry["opens_after"])]
    if not problems:
        problems += _roll_forward_problems(entry)
    return problems


def _roll_forward_problems(entry: dict[str, Any]) -> list[str]:
    """A rule that rolls forward says on what basis, and whether that basis is verified."""
    rolls = any(regime["roll_forward"] for regime in entry["regimes"])
    basis, unverified = entry.get("roll_forward_basis"), entry.get("roll_forward_unverified")
    if not rolls:
        return ["roll_forward_basis is set but no regime rolls forward"] if basis is not None else []
    problems = [] if isinstance(basis, str) and basis.strip() else ["roll_forward_basis must say why the term "
                                                                     "rolls forward"]
    if not isinstance(unverified, bool):
        problems.append("roll_forward_unverified must be true or false")
    return problems


def _confidence_problems(entry: dict[str, Any]) -> list[str]:
    """Check the catalogue tag, and that a tag with U or C marks the rule unverified (and only then)."""
    tags = entry["confidence"].split("/")
    if not all(tag in CONFIDENCE_TAGS for tag in tags):
        return [f"confidence '{entry['confidence']}' is not made of {', '.join(CONFIDENCE_TAGS)}"]
    is_doubtful = any(tag in ("U", "C") for tag in tags)
    if entry.get("unverified") is not is_doubtful:
        return [f"unverified must be {str(is_doubtful).lower()} for confidence '{entry['confidence']}'"]
    return []


def _regimes_problems(regimes: Any) -> list[str]:
    if not isinstance(regimes, list) or not regimes:
        return ["needs at least one [[regimes]] entry"]
    problems = []
    for number, regime in enumerate(regimes, 1):
        found = _regime_problems(regime) if isinstance(regime, dict) else ["is not a table"]
        problems += [f"regime {number}: {problem}" for problem in found]
    starts = [regime["effective_from"] for regime in regimes] if not problems else []
    if any(later <= earlier for earlier, later in pairwise(starts)):
        problems.append("regimes must be sorted by effective_from, each later than the one before")
    return problems


def _regime_problems(regime: dict[str, Any]) -> list[str]:
    problems = _amount_problems(regime)
    effective, counting_from = regime.get("effective_from"), regime.get("counting_from")
    if not isinstance(effective, date) or isinstance(effective, datetime):
        problems.append("effective_from must be a date (YYYY-MM-DD)")
    if counting_from not in COUNTING_FROM:
        problems.append(f"counting_from {counting_from!r} is not one of {', '.join(COUNTING_FROM)}")
    elif counting_from == "event_day" and not problems and regime["duration"] < 0:
        problems.append('a negative duration counts back from the event: use counting_from = "day_after"')
    if not isinstance(regime.get("roll_forward"), bool):
        problems.append("roll_forward must be true or false")
    return problems


def _amount_problems(amount: Any) -> list[str]:
    """Check a ``duration`` and ``unit`` pair, as regimes and ``opens_after`` have."""
    if not isinstance(amount, dict):
        return ["must be a table with duration and unit"]
    duration, unit = amount.get("duration"), amount.get("unit")
    problems = [] if isinstance(duration, int) and not isinstance(duration, bool) else ["duration must be an integer"]
    if unit not in calendar.COUNTING:
        problems.append(f"unit {unit!r} is not one of {', '.join(calendar.COUNTING)}")
    return problems


def _rule(rule_id: str, entry: dict[str, Any]) -> Rule:
    opens = entry.get("opens_after")
    return Rule(
        id=rule_id, name=entry["name"], title=entry["title"], kind=entry["kind"], start_event=entry["start_event"],
        on_expiry=entry["on_expiry"], legal_source=entry["legal_source"], sources=tuple(entry["sources"]),
        confidence=entry["confidence"], is_unverified=entry["unverified"],
        regimes=tuple(Regime(r["effective_from"], r["duration"], r["unit"], r["counting_from"], r["roll_forward"])
                      for r in entry["regimes"]),
        opens_after=(opens["duration"], opens["unit"]) if opens else None,
        roll_forward_basis=entry.get("roll_forward_basis"),
        is_roll_forward_unverified=entry.get("roll_forward_unverified", False),
        alternative_start_event=entry.get("alternative_start_event"),
    )


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
    raise InvalidInput(f"{field} is not an ISO date: {value!r}", {field: ["expected a date such as 2026-03-02"]})


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


def rule_to_dict(rule: Rule) -> dict:
    """Return a JSON-safe snapshot of a rule, stored with each deployed version."""
    data = asdict(rule)
    data["regimes"] = [{**r, "effective_from": r["effective_from"].isoformat()} for r in data["regimes"]]
    return data


def rule_from_dict(data: dict) -> Rule:
    """Rebuild a rule from ``rule_to_dict``'s snapshot."""
    regimes = tuple(Regime(**{**r, "effective_from": date.fromisoformat(r["effective_from"])})
                    for r in data["regimes"])
    opens = tuple(data["opens_after"]) if data.get("opens_after") else None
    return Rule(**{**data, "sources": tuple(data["sources"]), "regimes": regimes, "opens_after": opens})
