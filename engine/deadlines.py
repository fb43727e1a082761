"""Legal terms: the rules in ``processes/deadlines.toml`` and the computation of due dates.

Pure: ``compute`` takes dates and returns a ``Computation`` with the due date and a readable
explanation. The stateful half (deadline rows) lives in ``projection``. Catalogue ids (T01–T47)
come from ``legal-rules.md`` section 5.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import processes

from . import calendar
from .errors import InvalidInput, InvalidModel, NotFound, Problem

RULES_FILE = Path(processes.__file__).parent / "deadlines.toml"
KINDS = ("deadline", "period")
COUNTING_FROM = ("day_after", "event_day")
UNIT_WORDS = {"calendar_days": "calendar days", "working_days": "Belgian working days", "weeks": "weeks",
              "months": "months", "years": "years"}


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
    """One legal term of the catalogue, with its regimes over time."""

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

    def regime(self, on: date) -> Regime:
        """The regime in force on ``on``; ``InvalidInput`` before the first one."""
        in_force = [r for r in self.regimes if r.effective_from <= on]
        if not in_force:
            first = self.regimes[0].effective_from.isoformat()
            raise InvalidInput(f"{self.id} does not apply before {first}", {"regime_on": [f"before {first}"]})
        return in_force[-1]


@dataclass(frozen=True)
class Computation:
    """A computed legal term: its due date, when it expires, and how it was counted."""

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
    """Read and check the rules file; ``InvalidModel`` lists every bad entry at once."""
    with open(path or RULES_FILE, "rb") as handle:
        raw = tomllib.load(handle)
    rules, problems = {}, []
    for rule_id, entry in raw.items():
        try:
            rules[rule_id] = _rule(rule_id, entry)
        except (KeyError, TypeError, ValueError) as err:
            problems.append(Problem(rule_id, f"bad deadline rule: {err!r}", str(path or RULES_FILE)))
    names = [r.name for r in rules.values()]
    problems += [Problem(r.id, f"name '{r.name}' is used twice") for r in rules.values() if names.count(r.name) > 1]
    if problems:
        raise InvalidModel(f"{len(problems)} bad deadline rule(s)", problems)
    return rules


def _rule(rule_id: str, entry: dict[str, Any]) -> Rule:
    regimes = tuple(sorted((_regime(r) for r in entry["regimes"]), key=lambda r: r.effective_from))
    if not regimes:
        raise ValueError("a rule needs at least one regime")
    if entry["kind"] not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    opens = entry.get("opens_after")
    return Rule(
        id=rule_id, name=entry["name"], title=entry["title"], kind=entry["kind"], start_event=entry["start_event"],
        on_expiry=entry["on_expiry"], legal_source=entry["legal_source"], sources=tuple(entry.get("sources", ())),
        confidence=entry["confidence"], is_unverified=bool(entry["unverified"]), regimes=regimes,
        opens_after=(int(opens["duration"]), _unit(opens["unit"])) if opens else None,
    )


def _regime(entry: dict[str, Any]) -> Regime:
    if entry["counting_from"] not in COUNTING_FROM:
        raise ValueError(f"counting_from must be one of {COUNTING_FROM}")
    effective = entry["effective_from"]
    if not isinstance(effective, date):
        raise ValueError("effective_from must be a date")
    return Regime(effective, int(entry["duration"]), _unit(entry["unit"]), entry["counting_from"],
                  bool(entry.get("roll_forward", False)))


def _unit(unit: str) -> str:
    if unit not in calendar.COUNTING:
        raise ValueError(f"unknown unit '{unit}'")
    return unit


@cache
def _default_rules() -> dict[str, Rule]:
    return load_rules()


def find(rule: str, rules: Mapping[str, Rule] | None = None) -> Rule:
    """A rule by catalogue id ("T15") or name ("pre_return_visit"); ``NotFound`` otherwise."""
    rules = _default_rules() if rules is None else rules
    found = rules.get(rule) or next((r for r in rules.values() if r.name == rule), None)
    if found is None:
        raise NotFound(f"unknown deadline rule '{rule}'")
    return found


def compute(rule: str, start: date | str, *, regime_on: date | str | None = None,
            rules: Mapping[str, Rule] | None = None) -> Computation:
    """Compute when a legal term falls due for a start event on ``start``."""
    found = find(rule, rules)
    start_on = _as_date(start, "start")
    regime_on_date = _as_date(regime_on, "regime_on") if regime_on is not None else start_on
    regime = found.regime(regime_on_date)
    counted = _count(start_on, regime.duration, regime.unit, regime.counting_from)
    due_on = calendar.roll_forward(counted) if regime.roll_forward else counted
    opens_on = calendar.COUNTING[found.opens_after[1]](start_on, found.opens_after[0]) if found.opens_after else None
    return Computation(
        rule=found.id, name=found.name, kind=found.kind, start_on=start_on, regime_on=regime_on_date, due_on=due_on,
        opens_on=opens_on, expires_at=calendar.day_start(due_on + timedelta(days=1)), duration=regime.duration,
        unit=regime.unit, counting_from=regime.counting_from, legal_source=found.legal_source,
        explanation=_explain(found, regime, start_on, counted, due_on),
    )


def _count(start: date, duration: int, unit: str, counting_from: str) -> date:
    """Count from the day after ``start``; "event_day" makes ``start`` itself day 1 (when it counts)."""
    add = calendar.COUNTING[unit]
    if counting_from == "day_after" or duration == 0:
        return add(start, duration)
    if unit == "working_days":
        return add(start - timedelta(days=1), duration)
    return add(start, duration) - timedelta(days=1)


def _as_date(value: date | str, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as err:
        raise InvalidInput(f"{field} is not a date: {value!r}", {field: ["not a date (YYYY-MM-DD)"]}) from err


def _explain(rule: Rule, regime: Regime, start: date, counted: date, due: date) -> str:
    parts = [f"{rule.start_event} {start.isoformat()}"]
    parts.append("counting from the day after" if regime.counting_from == "day_after" else "the event day counts")
    if len(rule.regimes) > 1:
        parts.append(f"regime from {regime.effective_from.isoformat()}")
    sign = "+" if regime.duration >= 0 else "-"
    step = f"{sign}{abs(regime.duration)} {UNIT_WORDS[regime.unit]}"
    if regime.unit == "working_days":
        step += _skipped(start, counted)
    if regime.unit in ("months", "years") and counted.day != start.day:
        step += f" (clipped to the end of {counted.strftime('%B %Y')})"
    parts.append(step)
    if due != counted:
        parts.append(f"{counted.isoformat()} is not a working day, rolled forward")
    return "; ".join(parts) + f" = {due.isoformat()} ({rule.id}, {rule.legal_source})"


def _skipped(start: date, end: date) -> str:
    names = [f"{d.strftime('%a')} {d.day} {d.strftime('%b %Y')} ({name})" for d, name in
             calendar.skipped_holidays(start, end)]
    if not names:
        return ", skipping weekends"
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f", skipping weekends and {listed}"


def rule_to_dict(rule: Rule) -> dict:
    """A JSON-safe snapshot of a rule, stored with each deployed version."""
    data = asdict(rule)
    data["regimes"] = [{**r, "effective_from": r["effective_from"].isoformat()} for r in data["regimes"]]
    return data


def rule_from_dict(data: dict) -> Rule:
    """The rule back from ``rule_to_dict``."""
    regimes = tuple(Regime(**{**r, "effective_from": date.fromisoformat(r["effective_from"])})
                    for r in data["regimes"])
    opens = tuple(data["opens_after"]) if data.get("opens_after") else None
    return Rule(**{**data, "sources": tuple(data["sources"]), "regimes": regimes, "opens_after": opens})
