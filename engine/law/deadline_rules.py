"""The legal rules as data: the rule and regime types, reading and checking ``processes/deadlines.toml``,
and the JSON snapshot of a rule that each deployed version keeps (split from ``deadlines``)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import processes

from ..casework import access
from ..errors import InvalidInput, InvalidModel, Problem
from . import calendar

RULES_FILE = Path(processes.__file__).parent / "deadlines.toml"
KINDS = ("deadline", "period")
COUNTING_FROM = ("day_after", "event_day")
CONFIDENCE_TAGS = ("V", "V+", "R", "U", "C")
TEXT_FIELDS = ("name", "title", "kind", "start_event", "on_expiry", "legal_source", "confidence")
LANGUAGES = ("nl", "fr")
"""The languages a rule's words are translated into besides English, each in a sub-table (``[T08.nl]``)."""
TRANSLATED_FIELDS = ("title", "start_event", "on_expiry", "legal_source", "roll_forward_basis",
                     "alternative_start_event")
_NAME = re.compile(r"[a-z][a-z0-9_]*")

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
    repeats: bool = False
    """The law sets this term again and again (a ``timeCycle`` timer may use it); most terms run once."""
    length_from: str | None = None
    """The case variable whose value is the term's length in its regime's unit (T20: the employer's contact
    cadence, ``contact_every_days``); while the variable is unknown, the regime's duration (the default) applies."""
    notify_before_working_days: int | None = None
    """How many Belgian working days before the due date the people of the task are told the term is near; None:
    ``casework.notifications.DEFAULT_NEAR_WORKING_DAYS``."""
    acting_role: str = field(default="", compare=False)
    """The case role that must act within the term (``access.CASE_ROLES``); "" in a snapshot stored before rules named
    it (``rule_to_dict`` leaves it out: who acts changes no term)."""
    texts: dict[str, dict[str, str]] = field(default_factory=dict, hash=False, compare=False)
    """The rule's words in other languages: language (``LANGUAGES``) -> field (``TRANSLATED_FIELDS``) -> text."""

    def text(self, name: str, language: str) -> str | None:
        """The field ``name`` (one of ``TRANSLATED_FIELDS``) in ``language``, in English when not translated."""
        return self.texts.get(language, {}).get(name) or getattr(self, name)

    def regime(self, on: date) -> Regime:
        """Return the regime in force on ``on``: the latest one whose ``effective_from`` is not after it.

        Raises ``InvalidInput`` when ``on`` precedes the first regime (e.g. a 2026 rule for a 2025 case).
        """
        in_force = [regime for regime in self.regimes if regime.effective_from <= on]
        if not in_force:
            message = f"{self.id} does not apply before {self.regimes[0].effective_from.isoformat()}"
            raise InvalidInput(message, {"regime_on": [message]})
        return in_force[-1]


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
    if entry.get("acting_role") not in access.CASE_ROLES:
        problems.append(f"acting_role {entry.get('acting_role')!r} is not one of {', '.join(access.CASE_ROLES)}")
    sources = entry.get("sources")
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        problems.append("'sources' must be a list of source ids")
    problems += _regimes_problems(entry.get("regimes"))
    if not isinstance(entry.get("repeats", False), bool):
        problems.append("repeats must be true or false")
    length_from = entry.get("length_from")
    if length_from is not None and not (isinstance(length_from, str) and _NAME.fullmatch(length_from)):
        problems.append("length_from must name a variable in snake_case")
    notify = entry.get("notify_before_working_days")
    if notify is not None and (not isinstance(notify, int) or isinstance(notify, bool) or not 0 <= notify <= 60):
        problems.append("notify_before_working_days must be a whole number from 0 to 60")
    if "opens_after" in entry:
        problems += [f"opens_after: {p}" for p in _amount_problems(entry["opens_after"])]
    if not problems:
        problems += _roll_forward_problems(entry)
    return problems + _translation_problems(entry)


def _translation_problems(entry: dict[str, Any]) -> list[str]:
    """Each language's sub-table (``[T08.nl]``) translates the English text fields the rule has, each as text,
    and nothing else."""
    english = [name for name in TRANSLATED_FIELDS if entry.get(name) is not None]
    problems = []
    for language in LANGUAGES:
        texts = entry.get(language)
        if not isinstance(texts, dict):
            problems.append(f"needs a [{language}] table translating {', '.join(english)}")
            continue
        problems += [f"[{language}] '{key}' is not a field to translate" for key in texts if key not in english]
        for name in english:
            if name not in texts or (isinstance(texts[name], str) and not texts[name].strip()):
                problems.append(f"[{language}] lacks a translation of '{name}'")
            elif not isinstance(texts[name], str):
                problems.append(f"[{language}] '{name}' must be text")
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
        alternative_start_event=entry.get("alternative_start_event"), repeats=entry.get("repeats", False),
        length_from=entry.get("length_from"), notify_before_working_days=entry.get("notify_before_working_days"),
        acting_role=entry["acting_role"],
        texts={language: dict(entry[language]) for language in LANGUAGES if isinstance(entry.get(language), dict)},
    )


def rule_to_dict(rule: Rule) -> dict:
    """Return a JSON-safe snapshot of a rule, stored with each deployed version."""
    data = asdict(rule)
    if not rule.repeats:
        del data["repeats"]  # snapshots of terms that run once stay as they were, so their versions do not change
    if not rule.texts:
        del data["texts"]
    if rule.length_from is None:
        del data["length_from"]  # likewise for the terms of a fixed length
    del data["notify_before_working_days"]  # who is told when changes no term: the versions stay as they are
    del data["acting_role"]  # nor does who acts
    data["regimes"] = [{**r, "effective_from": r["effective_from"].isoformat()} for r in data["regimes"]]
    return data


def rule_from_dict(data: dict) -> Rule:
    """Rebuild a rule from ``rule_to_dict``'s snapshot."""
    regimes = tuple(Regime(**{**r, "effective_from": date.fromisoformat(r["effective_from"])})
                    for r in data["regimes"])
    opens = tuple(data["opens_after"]) if data.get("opens_after") else None
    return Rule(**{**data, "sources": tuple(data["sources"]), "regimes": regimes, "opens_after": opens})
