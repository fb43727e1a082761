"""Task forms: the conventions every form in ``forms/`` follows, and validation of submitted data.

A form is a JSON Schema object with UI hints: ``x-title`` and per field ``x-label`` (and optional
``x-help``) in Dutch, French and English, ``x-order`` listing every field once, and per field an
``x-classification`` of ``case``, ``personal``, ``insurance`` or ``medical`` (``disclosure``: who reads
it), on a case or personal field an optional ``"x-employer": true`` when the employer may read it. A
field with an ``enum``, also in the rows of an array, has ``x-choice-labels`` giving each value its texts
in the three languages. Date fields use ``"format": "date"``; ``"x-not-in-future": true`` refuses dates
after today (Brussels) and ``"x-not-in-past": true`` dates before it (a new planned date);
``"x-after": "name"`` requires a date later than, ``"x-not-before": "name"`` one on or after, another field's
or a variable of the case known before the task, passed as ``context``: a case fact
(``first_day_of_incapacity``) or what an earlier task of the instance recorded (``invited_on``). A name that is
no field of the form is taken as such a variable (the conventions cannot know every instance's data); while the
variable is not recorded, the rule does not apply.
A field's ``default`` is what the diagram reads when the submitted data leaves the field out (``left_out_defaults``);
the record keeps only what was submitted.

A form that records an act that cannot be undone (signing or refusing a plan, waiving an appeal, terminating) says
so in ``x-irreversible``: what the act decides, in the three languages; the page then asks for confirmation.
``x-decides-on`` lists the BPMN ids of the earlier tasks whose record the act decides on (the plan before the
worker's reply): the page shows the latest of them in full above the choice.

A field that holds a document says ``"x-document": true`` (on an integer field without choices: the id of a file
uploaded at the task, ``document_fields``); the page draws it as a file to upload, or one of the files already
uploaded at the task, and uploads it with the field's class before completing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, SchemaError

from ..errors import InvalidInput
from . import document_fields, form_refs
from .disclosure import CLASSIFICATIONS, EMPLOYER_FLAG
from .form_patterns import FormValidator, pattern_problems
from .problem_codes import problem

LANGUAGES = ("nl", "fr", "en")


_TEXTS = {"type": "object", "additionalProperties": {"type": "string"}}
_SHAPE = Draft202012Validator({
    "type": "object",
    "properties": {"x-title": _TEXTS, "x-order": {"type": "array", "items": {"type": "string"}},
                   "x-irreversible": _TEXTS, "x-decides-on": {"type": "array", "items": {"type": "string"}},
                   "properties": {"$ref": "#/$defs/fields"}},
    "$defs": {
        "fields": {"type": "object", "additionalProperties": {"$ref": "#/$defs/field"}},
        "field": {"type": "object", "properties": {
            "x-label": _TEXTS, "x-help": _TEXTS, "enum": {"type": "array"},
            "x-choice-labels": {"type": "object", "additionalProperties": _TEXTS},
            "items": {"type": "object", "properties": {"properties": {"$ref": "#/$defs/fields"}}}}},
    },
})
"""The shape the conventions (and the pages that draw a form) rely on."""


def shape_problems(schema: dict[str, Any]) -> list[str]:
    """Messages when ``schema`` is no JSON Schema, refers outside itself or in a cycle, or has UI hints of the wrong
    shape (then nothing can draw it)."""
    refs = form_refs.problems(schema)
    if refs:
        return refs
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as err:
        return [problem("form.not_json_schema", detail=err.message)]
    return [problem("form.shape", where="/".join(map(str, e.absolute_path)) or "the form", detail=e.message)
            for e in sorted(_SHAPE.iter_errors(schema), key=lambda e: list(map(str, e.absolute_path)))]


def convention_problems(schema: dict[str, Any]) -> list[str]:
    """Messages for every way ``schema`` breaks the form conventions (empty when it follows them)."""
    shape = shape_problems(schema)
    if shape:
        return shape
    problems = _missing_languages("x-title", schema.get("x-title")) + pattern_problems(schema)
    if "x-irreversible" in schema:
        problems += _missing_languages("x-irreversible", schema["x-irreversible"])
    elif "x-decides-on" in schema:
        problems.append(problem("form.decides_without_irreversible"))
    properties = schema.get("properties", {})
    order = schema.get("x-order", [])
    if sorted(order) != sorted(properties):
        problems.append(problem("form.order_incomplete"))
    for name, field in properties.items():
        problems += [problem("form.field", field=name, problem=p) for p in _field_problems(field)]
    return problems


def _field_problems(field: dict[str, Any]) -> list[str]:
    problems = _missing_languages("x-label", field.get("x-label"))
    if "x-help" in field:
        problems += _missing_languages("x-help", field["x-help"])
    if field.get("x-classification") not in CLASSIFICATIONS:
        problems.append(problem("form.classification", classifications=", ".join(CLASSIFICATIONS)))
    if EMPLOYER_FLAG in field:
        problems += _employer_flag_problems(field)
    return problems + _choice_problems(field) + _date_rule_problems(field) + document_fields.convention_problems(field)


def _date_rule_problems(field: dict[str, Any]) -> list[str]:
    """A date rule names a field of the form or a variable of the case known before the task: any name is
    allowed (the conventions cannot know every instance's data), but it must be a name or a list of names."""
    problems: list[str] = [problem("form.date_rule_names", rule=rule) for rule in ("x-after", "x-not-before")
                if rule in field and not (isinstance(field[rule], str) or (
                    isinstance(field[rule], list) and field[rule] and all(isinstance(n, str) for n in field[rule])))]
    return problems + [problem("form.flag_not_boolean", flag=flag) for flag in ("x-not-in-future", "x-not-in-past")
                       if flag in field and not isinstance(field[flag], bool)]


def _employer_flag_problems(field: dict[str, Any]) -> list[str]:
    if not isinstance(field[EMPLOYER_FLAG], bool):
        return [problem("form.flag_not_boolean", flag=EMPLOYER_FLAG)]
    if field[EMPLOYER_FLAG] and field.get("x-classification") not in ("case", "personal"):
        return [problem("form.employer_flag_misplaced", flag=EMPLOYER_FLAG)]
    return []


def _choice_problems(field: dict[str, Any]) -> list[str]:
    """Check the enum values of ``field``, and of the fields in its rows, for a label in every language."""
    labels = field.get("x-choice-labels")
    labels = labels if isinstance(labels, dict) else {}
    problems = [p for value in field.get("enum", ())
                for p in _missing_languages(f"x-choice-labels['{value}']", labels.get(str(value)))]
    items = field.get("items") if field.get("type") == "array" else None
    if isinstance(items, dict) and items.get("type") == "object":
        for name, column in items.get("properties", {}).items():
            problems += [problem("form.row_field", field=name, problem=p) for p in _choice_problems(column)]
    return problems


def _missing_languages(key: str, texts: object) -> list[str]:
    if not isinstance(texts, dict):
        return [problem("form.texts_missing", key=key, languages=", ".join(LANGUAGES))]
    missing = [lang for lang in LANGUAGES if not texts.get(lang)]
    return [problem("form.text_missing", key=key, languages=", ".join(missing))] if missing else []


def medical_fields(schema: dict[str, Any]) -> set[str]:
    """The names of the fields classified medical."""
    return {n for n, f in schema.get("properties", {}).items() if f.get("x-classification") == "medical"}


def validate(schema: dict[str, Any] | None, data: dict[str, Any], today: date,
             context: Mapping[str, Any] | None = None, labels: Mapping[str, dict[str, str]] | None = None) -> None:
    """Check submitted ``data``; ``InvalidInput`` maps each bad field to its messages.

    ``context`` holds the variables of the case known before the task (case facts, what earlier tasks
    recorded) that ``x-after`` and ``x-not-before`` may name besides the form's own fields; ``labels`` the
    texts of the fields that recorded them (``variable_labels``), given with the refusal so a reader sees
    the earlier fact by its label.
    """
    if schema is None:
        return
    errors: dict[str, list[str]] = {}
    for error in FormValidator(schema, format_checker=FormatChecker()).iter_errors(data):
        path = ".".join(str(p) for p in error.absolute_path) or _missing_field(error) or "_form"
        errors.setdefault(path, []).append(error.message)
    properties = schema.get("properties", {})
    known = {**{k: v for k, v in (context or {}).items() if k not in properties}, **data}
    for name, field in properties.items():
        messages = [] if name in errors else _date_rule_messages(field, known, name, today)
        if messages:
            errors[name] = messages
        errors.update({k: v for k, v in _row_messages(field, data.get(name), name, today).items() if k not in errors})
    if errors:
        named = {n for f in properties.values() for rule in ("x-after", "x-not-before")
                 for n in _names(f.get(rule))} - set(properties)
        raise InvalidInput("the form has errors", errors,
                           labels={n: dict(t) for n, t in (labels or {}).items() if n in named})


def left_out_defaults(schema: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    """The ``default`` of each top-level field ``data`` leaves out (``part_time_during_incapacity: false`` for a plan
    without part-time work): the diagram reads them, so a condition can name every field of a form it completed; the
    record keeps only what the person submitted."""
    return {name: field["default"] for name, field in (schema or {}).get("properties", {}).items()
            if isinstance(field, dict) and "default" in field and name not in data}


CASE_FACT_LABELS = {
    "first_day_of_incapacity": {"nl": "Eerste dag van ongeschiktheid", "fr": "Premier jour d'incapacité",
                                "en": "First day of incapacity"},
    "resumed_on": {"nl": "Hervat op", "fr": "Repris le", "en": "Resumed on"},
    "previous_contact_on": {"nl": "Vorig contact met de werknemer", "fr": "Contact précédent avec le travailleur",
                            "en": "Previous contact with the worker"},
}
"""The texts of the case facts a date rule may name, which no form records (``resumed_on``: the case event
``work_resumed``, as its form labels it)."""


def variable_labels(schemas: Iterable[dict[str, Any] | None]) -> dict[str, dict[str, str]]:
    """The label texts (per language) of the fields that ``schemas`` record, by variable name, and of the case
    facts; when two forms record the same variable, the later form in ``schemas`` gives the label."""
    found: dict[str, dict[str, str]] = {name: dict(texts) for name, texts in CASE_FACT_LABELS.items()}
    for schema in schemas:
        for name, field in (schema or {}).get("properties", {}).items():
            if isinstance(field, dict) and isinstance(field.get("x-label"), dict):
                found[name] = field["x-label"]
    return found


def _date_rule_messages(field: dict[str, Any], data: dict[str, Any], name: str, today: date) -> list[str]:
    value, messages = _as_date(data.get(name)), list[str]()
    if value is None:
        return messages
    if field.get("x-not-in-future") and value > today:
        messages.append(f"must not be after today ({today.isoformat()})")
    if field.get("x-not-in-past") and value < today:
        messages.append(f"must not be before today ({today.isoformat()})")
    for earlier in _names(field.get("x-after")):
        if (other := _as_date(data.get(earlier))) is not None and value <= other:
            messages.append(f"must be after {earlier} ({other.isoformat()})")
    for floor in _names(field.get("x-not-before")):
        if (first := _as_date(data.get(floor))) is not None and value < first:
            messages.append(f"must not be before {floor} ({first.isoformat()})")
    return messages


def _row_messages(field: dict[str, Any], rows: object, name: str, today: date) -> dict[str, list[str]]:
    """The date rules of the fields of a list's rows, each row on its own (``measures.0.ends_on``)."""
    columns = (field.get("items") or {}).get("properties", {}) if field.get("type") == "array" else {}
    found: dict[str, list[str]] = {}
    for index, row in enumerate(rows if isinstance(rows, list) and columns else []):
        for column, spec in columns.items():
            if isinstance(row, dict) and (messages := _date_rule_messages(spec, row, column, today)):
                found[f"{name}.{index}.{column}"] = messages
    return found


def _names(rule: object) -> list[str]:
    """The names a date rule gives: one name, or a list when the date follows several earlier ones."""
    if isinstance(rule, list):
        return [n for n in rule if isinstance(n, str)]
    return [rule] if isinstance(rule, str) else []


def _missing_field(error: Any) -> str | None:
    """The field a ``required`` or ``dependentRequired`` error says is missing: the first name its message quotes."""
    if error.validator in ("required", "dependentRequired"):
        return str(error.message).split("'")[1]
    return None


def _as_date(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
