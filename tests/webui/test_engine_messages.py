"""Every refusal the engine can give a case worker on a shipped form reads in Dutch and French, never in English.

Each field of each shipped form gets every kind of bad value its schema refuses (a missing value, a date that is
not one, a date breaking a date rule, too long a text, an unknown choice, a number out of range, too few or too
many rows...); the engine's messages are then drawn as the task page draws them, in nl and fr.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import refresh

import engine
from engine.casework import forms as engine_forms
from webui import create_app, formfields

FORMS = sorted((Path(__file__).resolve().parents[2] / "forms").glob("*.json"))
TODAY = date(2027, 3, 10)
EARLIER, LATER = "2027-03-01", "2027-03-20"


def bad_values(spec: dict) -> list[object]:
    """Values a field's schema refuses, one per rule it has."""
    kind, values = spec.get("type"), list[object]()
    if spec.get("format") == "date":
        values += ["31/02/2027", LATER if spec.get("x-not-in-future") else None,
                   EARLIER if spec.get("x-not-in-past") else None]
    if "enum" in spec:
        values.append("no-such-choice")
    if kind == "string" and "maxLength" in spec:
        values.append("x" * (spec["maxLength"] + 1))
    if kind == "string" and "pattern" in spec:
        values.append("   ")
    if kind in ("integer", "number"):
        values += ["abc", spec.get("minimum", 1) - 1 if "minimum" in spec else None,
                   spec["maximum"] + 1 if "maximum" in spec else None]
    if kind == "boolean":
        values.append("maybe")
    if kind == "array":
        values += [[] if spec.get("minItems") else None,
                   [{}] * (spec["maxItems"] + 1) if "maxItems" in spec else None]
    return [v for v in values if v is not None]


def refusals(schema: dict) -> set[str]:
    """Every message the engine gives for the bad values of every field, and for an empty form."""
    found: set[str] = set()
    tries: list[dict] = [{}]
    dates = {name: EARLIER for name, spec in schema.get("properties", {}).items() if spec.get("format") == "date"}
    for name, spec in schema.get("properties", {}).items():
        tries += [{name: value} for value in bad_values(spec)]
        if spec.get("x-after") or spec.get("x-not-before"):
            tries.append({**dates, name: "2027-02-01"})  # before the date it must follow
        rows = (spec.get("items") or {}).get("properties", {})
        for column, column_spec in rows.items():
            tries += [{name: [{column: value}]} for value in bad_values(column_spec)]
    for data in tries:
        try:
            engine_forms.validate(schema, data, TODAY)
        except engine.InvalidInput as err:
            found |= {message for messages in err.fields.values() for message in messages}
    return found


@pytest.fixture(scope="module")
def app(sqlite_template) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    """The app over a migrated database nothing is written to: only its messages are drawn."""
    application = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{sqlite_template}",
                              "SECRET_KEY": "test-secret"})
    yield application
    application.extensions["reintegra"].close()


def test_the_forms_give_refusals_to_check():
    assert len(set().union(*(refusals(json.loads(p.read_text())) for p in FORMS))) > 10


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_refusal_of_a_shipped_form_reads_in_the_readers_language(app, language):
    messages = set().union(*(refusals(json.loads(path.read_text())) for path in FORMS))
    with app.test_request_context(f"/?lang={language}"):
        refresh()
        untranslated = sorted(m for m in messages if formfields.readable(m, {}) == m)
    assert untranslated == []
