"""How a due date was counted, in the reader's language: the engine's explanation parts as words, Belgian dates.

The engine keeps each deadline's explanation as parts (``explanation_parts`` on a deadline or work item view: the
start, how it counts, the holidays it skipped, the due date…, each with the rule's own words in en/nl/fr). Pages
call ``explain(row)``; a row kept before there were parts, or with a part this module does not know, shows the
English sentence the engine stored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Flask
from flask_babel import format_date, get_locale, gettext, ngettext

Part = dict[str, Any]

_AMOUNTS: dict[str, Callable[[int], str]] = {
    "working_days": lambda n: ngettext("%(num)s Belgian working day", "%(num)s Belgian working days", n),
    "calendar_days": lambda n: ngettext("%(num)s calendar day", "%(num)s calendar days", n),
    "weeks": lambda n: ngettext("%(num)s week", "%(num)s weeks", n),
    "months": lambda n: ngettext("%(num)s month", "%(num)s months", n),
    "years": lambda n: ngettext("%(num)s year", "%(num)s years", n),
}


def register(app: Flask) -> None:
    """Make ``explain(row)`` available to every template."""
    app.add_template_global(explain, "explain")


def explain(row: Any) -> str:
    """How ``row``'s due date was counted, in the reader's language with dates as dd/mm/yyyy.

    ``row`` is a deadline or work item view; without parts (or with one unknown here) its stored English text.
    """
    parts = getattr(row, "explanation_parts", None)
    if not parts or any(part.get("kind") not in _KINDS for part in parts):
        return row.explanation or ""
    language = str(get_locale())
    clauses = [_CLAUSES[part["kind"]](part, language) for part in parts if part["kind"] in _CLAUSES]
    sentences = [_SENTENCES[part["kind"]](part, language) for part in parts if part["kind"] in _SENTENCES]
    return " ".join([gettext("; ").join(clauses) + ".", *sentences])  # French sets a space before the semicolon


def _words(words: dict[str, str] | None, language: str) -> str:
    """The rule's words in ``language``, else in English."""
    return "" if not words else words.get(language) or words.get("en", "")


def _day(iso: str) -> str:
    return format_date(date.fromisoformat(iso), "dd/MM/yyyy")


def _weekday(iso: str) -> str:
    return format_date(date.fromisoformat(iso), "EEE dd/MM/yyyy")


def _amount(duration: int, unit: str) -> str:
    return _AMOUNTS[unit](abs(duration))


def _start(part: Part, language: str) -> str:
    return gettext("%(event)s: %(day)s", event=_words(part["event"], language), day=_day(part["on"]))


def _regime(part: Part, language: str) -> str:
    return gettext("rules in force from %(day)s: %(amount)s", day=_day(part["from"]),
                   amount=_amount(part["duration"], part["unit"]))


def _counting(part: Part, language: str) -> str:
    counting = {"day_after": gettext("counting from the day after"),
                "event_day": gettext("counting the event day as day 1"),
                "back": gettext("counting back from the day before")}
    return counting[part["from"]]


def _opens(part: Part, language: str) -> str:
    return gettext("the window opens after %(amount)s, on %(day)s", amount=_amount(part["duration"], part["unit"]),
                   day=_day(part["on"]))


def _count(part: Part, language: str) -> str:
    text = ("+" if part["duration"] >= 0 else "-") + _amount(part["duration"], part["unit"])
    skipped = [gettext("%(holiday)s (%(day)s)", holiday=_words(holiday["name"], language), day=_weekday(holiday["on"]))
               for holiday in part["skipped"]]
    if part["weekends"]:
        skipped.append(ngettext("the weekend", "%(num)s weekends", part["weekends"]))
    if skipped:
        listed = skipped[0] if len(skipped) == 1 else gettext("%(first)s and %(last)s", first=", ".join(skipped[:-1]),
                                                                last=skipped[-1])
        text += gettext(", skipping %(days)s", days=listed)
    return text + (gettext(", clipped to the end of the month") if part["is_clipped"] else "")


def _rolled(part: Part, language: str) -> str:
    text = gettext("%(day)s is not a working day, rolled forward to the next one", day=_weekday(part["counted"]))
    if part["basis"] is None:
        return text
    basis = _words(part["basis"], language)
    return text + " (" + (gettext("%(basis)s, unverified", basis=basis) if part["is_unverified"] else basis) + ")"


def _due(part: Part, language: str) -> str:
    return gettext("due on %(day)s (%(rule)s, %(source)s)", day=_day(part["on"]), rule=part["rule"],
                   source=_words(part["legal_source"], language))


def _alternative(part: Part, language: str) -> str:
    return gettext("counted from %(event)s (%(day)s) it would be %(due)s (not applied, unverified)",
                   event=_words(part["event"], language), day=_day(part["from"]), due=_day(part["due"]))


def _late(part: Part, language: str) -> str:
    if part["term"] == "period":
        return gettext("Already elapsed when computed on %(day)s: the fact it counts from is older.",
                       day=_day(part["on"]))
    return gettext("Already due when computed on %(day)s: the fact it counts from is older (e.g. a case opened "
                   "late), so the duty is late from the start.", day=_day(part["on"]))


_CLAUSES: dict[str, Callable[[Part, str], str]] = {
    "start": _start, "regime": _regime, "counting": _counting, "opens": _opens, "count": _count, "rolled": _rolled,
    "due": _due, "alternative": _alternative,
}
"""Part kind to its words, one clause of the sentence each, in the order the engine gives them."""
_SENTENCES: dict[str, Callable[[Part, str], str]] = {"late": _late}
"""Part kind to a sentence of its own, after the counting."""
_KINDS = frozenset(_CLAUSES) | frozenset(_SENTENCES)
