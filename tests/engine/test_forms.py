"""Form conventions: three languages, an order, a classification per field; dates checked on submit."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from engine.casework import forms
from engine.errors import InvalidInput

FORMS = sorted((Path(__file__).resolve().parents[2] / "forms").glob("*.json"))


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.name)
def test_every_shipped_form_follows_the_conventions(path):
    assert forms.convention_problems(json.loads(path.read_text())) == []


def test_a_form_without_translations_order_or_classification_is_refused():
    schema = {"type": "object", "x-title": {"en": "Plan"}, "x-order": ["a"],
              "properties": {"a": {"type": "string", "x-label": {"en": "A", "nl": "A", "fr": "A"}},
                             "b": {"type": "string", "x-classification": "secret"}}}
    problems = forms.convention_problems(schema)
    assert any("x-title has no text in nl, fr" in p for p in problems)
    assert any("x-order" in p for p in problems)
    assert any("field 'a': x-classification" in p for p in problems)
    assert any("field 'b': x-label" in p for p in problems)


def test_a_choice_without_a_label_in_every_language_is_refused():
    def choice(labels):
        return {"type": "string", "enum": ["A", "B"], "x-label": {"nl": "K", "fr": "C", "en": "C"},
                "x-classification": "case", "x-choice-labels": labels}
    rows = {"type": "array", "x-label": {"nl": "R", "fr": "R", "en": "R"}, "x-classification": "case",
            "items": {"type": "object", "properties": {"pick": choice({})}}}
    schema = {"type": "object", "x-title": {"nl": "F", "fr": "F", "en": "F"}, "x-order": ["one", "rows"],
              "properties": {"one": choice({"A": {"nl": "A", "fr": "A", "en": "A"}, "B": {"nl": "B", "en": "B"}}),
                             "rows": rows}}
    assert forms.convention_problems(schema) == [
        "field 'one': x-choice-labels['B'] has no text in fr",
        "field 'rows': row field 'pick': x-choice-labels['A'] needs texts in nl, fr, en",
        "field 'rows': row field 'pick': x-choice-labels['B'] needs texts in nl, fr, en",
    ]


def test_medical_fields_are_found_by_classification():
    schema = json.loads((FORMS[0].parent / "pre_return_visit_report.json").read_text())
    assert forms.medical_fields(schema) == {"medical_findings"}


def test_dates_must_be_real_dates_and_not_in_the_future():
    schema = json.loads((FORMS[0].parent / "resumption_exam.json").read_text())
    with pytest.raises(InvalidInput) as refused:
        forms.validate(schema, {"held_on": "2026-02-30", "outcome": "fit"}, today=date(2026, 7, 1))
    assert "held_on" in refused.value.fields
    with pytest.raises(InvalidInput) as future:
        forms.validate(schema, {"held_on": "2026-07-02", "outcome": "fit"}, today=date(2026, 7, 1))
    assert "after today" in future.value.fields["held_on"][0]
    forms.validate(schema, {"held_on": "2026-07-01", "outcome": "fit"}, today=date(2026, 7, 1))


def test_a_plan_must_end_after_it_starts():
    schema = json.loads((FORMS[0].parent / "plan_or_report.json").read_text())
    plan = {"kind": "plan", "delivered_on": "2026-07-01", "consulted_on": "2026-06-29", "valid_from": "2026-07-06",
            "valid_until": "2026-07-06", "measures": [{"measure": "Half days."}]}
    with pytest.raises(InvalidInput) as refused:
        forms.validate(schema, plan, today=date(2026, 7, 1))
    assert "after valid_from" in refused.value.fields["valid_until"][0]
    forms.validate(schema, {**plan, "valid_until": "2026-12-31"}, today=date(2026, 7, 1))


def test_a_route_b_request_may_be_made_from_the_first_day_of_incapacity_not_before():
    """Step 3.3 route B: ``x-not-before`` names a case fact passed as context; the first day itself is fine."""
    schema = json.loads((FORMS[0].parent / "tnw_start_request.json").read_text())
    context = {"first_day_of_incapacity": "2026-10-05"}
    with pytest.raises(InvalidInput) as refused:
        forms.validate(schema, {"requested_on": "2026-10-04"}, date(2026, 12, 1), context)
    assert refused.value.fields == {"requested_on": ["must not be before first_day_of_incapacity (2026-10-05)"]}
    forms.validate(schema, {"requested_on": "2026-10-05"}, date(2026, 12, 1), context)


@pytest.mark.parametrize(("schema", "problem"), [
    ({"type": "wrong"}, "not a valid JSON Schema: 'wrong' is not valid under any of the given schemas"),
    ({"properties": {"a": {"x-label": "A"}}}, "properties/a/x-label: 'A' is not of type 'object'"),
    ({"x-order": "a"}, "x-order: 'a' is not of type 'array'"),
    ({"properties": {"a": {"enum": ["x"], "x-choice-labels": {"x": "X"}}}},
     "properties/a/x-choice-labels/x: 'X' is not of type 'object'"),
])
def test_a_form_of_the_wrong_shape_is_refused_with_where_it_is_wrong(schema, problem):
    assert forms.convention_problems(schema) == [problem]
