"""Sample data for a task form, so a draft can be tried without typing (pure).

Every field is filled, required or not, medical ones too (a trial's user holds every case role):
the first choice of an enum, ``today`` for a date (a day after the field named by ``x-after``), false
for a boolean, the minimum (else 1) for a number, "Sample" for text, one row for an array of objects.
Conditional rules (``if``/``then``) are satisfied because the fields they require are filled anyway.
Left out: a field that holds a document (``x-document``: no file was uploaded at the task, and an invented id is
refused), and every field whose ``dependentRequired`` needs such a field (the certificate's date without the
certificate).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..casework.document_fields import FLAG as DOCUMENT_FLAG

TEXT = "Sample"


def sample(schema: dict[str, Any], today: date) -> dict[str, Any]:
    """Values for every field of ``schema`` that its validation accepts on ``today``."""
    properties = schema.get("properties", {})
    result: dict[str, Any] = {}
    for name in _dates_last(properties):
        if name not in _without_documents(schema):
            result[name] = _value(properties[name], today, result)
    return result


def _without_documents(schema: dict[str, Any]) -> set[str]:
    """The fields a sample leaves out: those that hold a document and those that require one of them."""
    documents = {n for n, spec in schema.get("properties", {}).items()
                 if isinstance(spec, dict) and spec.get(DOCUMENT_FLAG) is True}
    needing = {n for n, needs in (schema.get("dependentRequired") or {}).items()
               if isinstance(needs, list) and documents.intersection(needs)}
    return documents | needing


def _dates_last(properties: dict[str, Any]) -> list[str]:
    """Field names with the ``x-after`` dates after the others, so the date they follow is known."""
    return sorted(properties, key=lambda name: "x-after" in properties[name])


def _value(spec: dict[str, Any], today: date, known: dict[str, Any]) -> Any:
    if "const" in spec:
        return spec["const"]
    if spec.get("enum"):
        return spec["enum"][0]
    kind = spec.get("type")
    if kind == "boolean":
        return False
    if kind in ("number", "integer"):
        return _number(spec)
    if kind == "array":
        return _rows(spec.get("items", {}), today)
    if kind == "object":
        return sample(spec, today)
    if spec.get("format") == "date":
        return _date(spec, today, known)
    return _text(spec)


def _number(spec: dict[str, Any]) -> int | float:
    value = spec.get("minimum", 1)
    if "maximum" in spec:
        value = min(value, spec["maximum"])
    return int(value) if spec.get("type") == "integer" else value


def _rows(items: dict[str, Any], today: date) -> list[Any]:
    if items.get("type") == "object":
        return [sample(items, today)]
    return [_value(items, today, {})] if items else []


def _date(spec: dict[str, Any], today: date, known: dict[str, Any]) -> str:
    earlier = known.get(spec.get("x-after", ""))
    if isinstance(earlier, str):
        return (date.fromisoformat(earlier) + timedelta(days=1)).isoformat()
    return today.isoformat()


def _text(spec: dict[str, Any]) -> str:
    length = max(spec.get("minLength", 0), len(TEXT))
    text = (TEXT * (length // len(TEXT) + 1))[:length]
    return text[:spec["maxLength"]] if "maxLength" in spec else text
