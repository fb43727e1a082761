"""Forms in HTML: the fields a form schema asks for, and the typed data a posted form gives back.

Widgets follow the schema: an enum is a choice, a boolean yes/no, a number or integer a number field,
``format: date`` a date field, ``x-widget: textarea`` long text, and an array of objects repeated rows
(cells named ``<field>-<row>-<column>``; the "add a row" button posts ``add_row=<field>``). A field that holds a
document (``x-document``) is a file to upload (posted as ``<field>-file``, ``documents.attach``) or a choice among the
files already uploaded at the task.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import format_date, gettext

import engine

from .problem_texts import message_text

_CELL = re.compile(r"^(?P<field>[A-Za-z_][\w]*)-(?P<row>\d+)-(?P<column>\w+)$")
MAX_ROWS = 50


@dataclass(frozen=True)
class Field:
    """One field as the template draws it."""

    name: str
    widget: str
    label: str
    help: str | None
    choices: tuple[tuple[str, str], ...]
    is_required: bool
    classification: str
    columns: tuple[Field, ...] = field(default=())
    for_employer: bool = False
    """The field is marked ``x-employer``: the employer reads it (``engine`` disclosure model)."""

    def row_count(self, values: Mapping) -> int:
        """How many rows to draw: the rows posted so far, one more when asked, at least one."""
        rows = {int(m["row"]) for key in values if (m := _CELL.match(key)) and m["field"] == self.name}
        extra = 1 if values.get("add_row") == self.name else 0
        return min(max(len(rows) + extra, 1), MAX_ROWS)


def fields(schema: dict[str, Any], language: str) -> list[Field]:
    """The fields of ``schema`` in their order, labelled in ``language``."""
    properties, required = schema.get("properties", {}), set(schema.get("required", []))
    return [_field(name, properties[name], name in required, language) for name in _order(schema)]


def _order(schema: dict[str, Any]) -> list[str]:
    properties = schema.get("properties", {})
    return [name for name in schema.get("x-order", list(properties)) if name in properties]


def _field(name: str, spec: dict[str, Any], is_required: bool, language: str) -> Field:
    texts = spec.get("x-choice-labels") or {}
    choices = tuple((str(v), (texts.get(str(v)) or {}).get(language, str(v))) for v in spec.get("enum", ()))
    item = spec.get("items", {}) if spec.get("type") == "array" else {}
    columns = tuple(fields(item, language)) if item.get("type") == "object" else ()
    return Field(name, "rows" if columns else _widget(spec), (spec.get("x-label") or {}).get(language, name),
                 (spec.get("x-help") or {}).get(language), choices, is_required,
                 spec.get("x-classification", "case"), columns, spec.get("x-employer") is True)


def _widget(spec: dict[str, Any]) -> str:
    if spec.get("x-document") is True:
        return "document"
    if "enum" in spec:
        return "select"
    if spec.get("type") == "boolean":
        return "yesno"
    if spec.get("type") in ("number", "integer"):
        return "number"
    if spec.get("format") == "date":
        return "date"
    return "textarea" if spec.get("x-widget") == "textarea" else "text"


def data(schema: dict[str, Any], posted: Mapping) -> dict[str, Any]:
    """Typed data from a posted form; empty fields and empty rows are left out, unreadable numbers kept as text."""
    result: dict[str, Any] = {}
    for name, spec in schema.get("properties", {}).items():
        if spec.get("type") == "array" and spec.get("items", {}).get("type") == "object":
            rows = _rows(name, spec["items"], posted)
            if rows:
                result[name] = rows
            continue
        raw = str(posted.get(name, "")).strip()
        if raw:
            result[name] = _typed(spec, raw)
    return result


def _rows(name: str, item: dict[str, Any], posted: Mapping) -> list[dict[str, Any]]:
    cells: dict[int, dict[str, str]] = {}
    for key, raw in posted.items():
        match = _CELL.match(key)
        if match and match["field"] == name and str(raw).strip():
            cells.setdefault(int(match["row"]), {})[match["column"]] = str(raw).strip()
    columns = item.get("properties", {})
    return [{c: _typed(columns.get(c, {}), v) for c, v in cells[n].items() if c in columns} for n in sorted(cells)]


def _typed(spec: dict[str, Any], raw: str) -> Any:
    kind = spec.get("type")
    if kind == "boolean":
        return raw == "yes"
    try:
        return int(raw) if kind == "integer" else float(raw) if kind == "number" else raw
    except ValueError:
        return raw


def wants_row(posted: Mapping) -> bool:
    """Whether the reader asked for one more row instead of submitting."""
    return bool(posted.get("add_row"))


def field_errors(errors: Mapping[str, list[str]], labels: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """Errors per top-level field in the reader's language; a row's error (``measures.0.measure``) goes to its field."""
    result: dict[str, list[str]] = {}
    for key, messages in errors.items():
        name, _, rest = key.partition(".")
        row, _, column = rest.partition(".")
        prefix = f"{int(row) + 1}, {(labels or {}).get(column, column)}: " if row.isdigit() else ""
        result.setdefault(name, []).extend(prefix + readable(m, labels or {}) for m in messages)
    return result


def readable(message: str, labels: Mapping[str, str]) -> str:
    """An engine or JSON Schema message (English, for logs) as the reader should see it."""
    if isinstance(message, engine.Coded):
        return message_text(message)
    for pattern, text in _MESSAGES:
        match = pattern.search(message)
        if match:
            return text(match, labels)
    return message


def _day(iso: str) -> str:
    return format_date(date.fromisoformat(iso), "dd/MM/yyyy")


_MESSAGES: list[tuple[re.Pattern, Callable[[re.Match, Mapping[str, str]], str]]] = [
    (re.compile(r"is a required property$"), lambda m, _l: gettext("Required.")),
    (re.compile(r"is a dependency of '(\w+)'$"),
     lambda m, labels: gettext("Required with “%(field)s”.", field=labels.get(m[1], m[1]))),
    (re.compile(r"^must not be after today \((\d{4}-\d\d-\d\d)\)$"),
     lambda m, _l: gettext("Must not be after today (%(day)s).", day=_day(m[1]))),
    (re.compile(r"^must not be before today \((\d{4}-\d\d-\d\d)\)$"),
     lambda m, _l: gettext("Must not be before today (%(day)s).", day=_day(m[1]))),
    (re.compile(r"^the incapacity of \S+ is dated before the return to work on (\d{4}-\d\d-\d\d); a relapse follows"),
     lambda m, _l: gettext("A relapse follows the return to work it interrupts: not before %(day)s.", day=_day(m[1]))),
    (re.compile(r"^must be after (\w+) \((\d{4}-\d\d-\d\d)\)$"),
     lambda m, labels: gettext("Must be after “%(field)s” (%(day)s).", field=labels.get(m[1], m[1]), day=_day(m[2]))),
    (re.compile(r"^must not be before (\w+) \((\d{4}-\d\d-\d\d)\)$"),
     lambda m, labels: gettext("Must not be before “%(field)s” (%(day)s).", field=labels.get(m[1], m[1]),
                               day=_day(m[2]))),
    (re.compile(r"^say what arrived$"), lambda m, _l: gettext("Say what arrived.")),
    (re.compile(r"^posted after the window closed on (\d{4}-\d\d-\d\d): it is late, not recorded late$"),
     lambda m, _l: gettext("Posted after the window closed on %(day)s: the act is late, not merely recorded late.",
                           day=_day(m[1]))),
    (re.compile(r"is not a 'date'$"), lambda m, _l: gettext("Not a valid date.")),
    (re.compile(r"is not one of "), lambda m, _l: gettext("Choose one of the options.")),
    (re.compile(r"is not of type '(integer|number)'$"), lambda m, _l: gettext("A number, please.")),
    (re.compile(r"is too long$"), lambda m, _l: gettext("Too long.")),
    (re.compile(r"^'\s*' does not match '\\\\S'$"), lambda m, _l: gettext("Write something, not only spaces.")),
    (re.compile(r"does not match "), lambda m, _l: gettext("Not in the expected form.")),
    (re.compile(r"is not of type 'boolean'$"), lambda m, _l: gettext("Choose yes or no.")),
    (re.compile(r"is less than the minimum of (\S+)$"), lambda m, _l: gettext("At least %(num)s.", num=m[1])),
    (re.compile(r"is greater than the maximum of (\S+)$"), lambda m, _l: gettext("At most %(num)s.", num=m[1])),
    (re.compile(r"(should be non-empty|is too short)$"), lambda m, _l: gettext("Add at least one row.")),
]
