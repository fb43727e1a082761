"""Task forms in HTML: the fields a form schema asks for, and the data a posted form gives back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict


@dataclass(frozen=True)
class Field:
    """One field as the template draws it."""

    name: str
    widget: str
    label: str
    help: str | None
    choices: tuple[str, ...]
    is_required: bool
    classification: str


def fields(schema: dict[str, Any], language: str) -> list[Field]:
    """The fields of ``schema`` in their order, labelled in ``language``."""
    properties, required = schema.get("properties", {}), set(schema.get("required", []))
    return [_field(name, properties[name], name in required, language) for name in schema.get("x-order", [])
            if name in properties]


def _field(name: str, spec: dict[str, Any], is_required: bool, language: str) -> Field:
    help_texts = spec.get("x-help") or {}
    return Field(name, _widget(spec), (spec.get("x-label") or {}).get(language, name), help_texts.get(language),
                 tuple(spec.get("enum", ())), is_required, spec.get("x-classification", "case"))


def _widget(spec: dict[str, Any]) -> str:
    if "enum" in spec:
        return "select"
    if spec.get("type") == "boolean":
        return "yesno"
    if spec.get("type") in ("number", "integer"):
        return "number"
    if spec.get("format") == "date":
        return "date"
    return "textarea" if spec.get("x-widget") == "textarea" else "text"


def data(schema: dict[str, Any], posted: MultiDict) -> dict[str, Any]:
    """Typed data from a posted form; empty fields are left out, unreadable numbers kept as text."""
    result: dict[str, Any] = {}
    for name, spec in schema.get("properties", {}).items():
        raw = posted.get(name, "").strip()
        if raw:
            result[name] = _typed(spec, raw)
    return result


def _typed(spec: dict[str, Any], raw: str) -> Any:
    kind = spec.get("type")
    if kind == "boolean":
        return raw == "yes"
    try:
        return int(raw) if kind == "integer" else float(raw) if kind == "number" else raw
    except ValueError:
        return raw
