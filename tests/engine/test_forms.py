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


_RULES = {"type": "object", "x-order": ["seen_on", "planned_on", "rows"], "properties": {
    "seen_on": {"type": "string", "format": "date", "x-not-before": ["invited_on", "request_received_on"]},
    "planned_on": {"type": "string", "format": "date", "x-not-in-past": True},
    "rows": {"type": "array", "items": {"type": "object", "properties": {
        "starts_on": {"type": "string", "format": "date"},
        "ends_on": {"type": "string", "format": "date", "x-not-before": "starts_on"}}}}}}


def test_a_date_rule_may_name_what_an_earlier_task_recorded_and_the_refusal_gives_its_label():
    context = {"invited_on": "2026-03-02", "request_received_on": "2026-02-20", "seen_on": "2020-01-01"}
    labels = {"invited_on": {"nl": "Uitgenodigd op", "fr": "Invité le", "en": "Invited on"}}
    with pytest.raises(InvalidInput) as refused:
        forms.validate(_RULES, {"seen_on": "2026-03-01"}, date(2026, 3, 1), context, labels)
    assert refused.value.fields == {"seen_on": ["must not be before invited_on (2026-03-02)"]}
    assert refused.value.labels == labels
    forms.validate(_RULES, {"seen_on": "2026-03-02"}, date(2026, 3, 1), context, labels)


def test_a_date_rule_does_not_apply_while_the_variable_it_names_is_not_recorded():
    forms.validate(_RULES, {"seen_on": "2000-01-01"}, date(2026, 3, 1), {})


def test_a_new_planned_date_may_be_today_not_before():
    with pytest.raises(InvalidInput) as refused:
        forms.validate(_RULES, {"planned_on": "2026-02-28"}, date(2026, 3, 1))
    assert refused.value.fields == {"planned_on": ["must not be before today (2026-03-01)"]}
    forms.validate(_RULES, {"planned_on": "2026-03-01"}, date(2026, 3, 1))


def test_a_row_date_rule_is_checked_in_each_row_at_the_row_field():
    rows = [{"starts_on": "2026-03-02", "ends_on": "2026-03-09"}, {"starts_on": "2026-03-09", "ends_on": "2026-03-08"}]
    with pytest.raises(InvalidInput) as refused:
        forms.validate(_RULES, {"rows": rows}, date(2026, 3, 1))
    assert refused.value.fields == {"rows.1.ends_on": ["must not be before starts_on (2026-03-09)"]}


@pytest.mark.parametrize(("rule", "problem"), [
    ({"x-not-before": 3}, "x-not-before must be a name or a list of names"),
    ({"x-after": []}, "x-after must be a name or a list of names"),
    ({"x-not-in-past": "yes"}, "x-not-in-past must be true or false"),
])
def test_a_date_rule_of_the_wrong_kind_breaks_the_conventions(rule, problem):
    texts = {"nl": "D", "fr": "D", "en": "D"}
    schema = {"x-title": texts, "x-order": ["d"], "properties": {"d": {
        "type": "string", "format": "date", "x-label": texts, "x-classification": "case", **rule}}}
    assert forms.convention_problems(schema) == [f"field 'd': {problem}"]


def test_a_date_rule_may_name_a_variable_that_is_no_field_of_the_form():
    texts = {"nl": "D", "fr": "D", "en": "D"}
    schema = {"x-title": texts, "x-order": ["d"], "properties": {"d": {
        "type": "string", "format": "date", "x-label": texts, "x-classification": "case",
        "x-not-before": "invited_on"}}}
    assert forms.convention_problems(schema) == []


@pytest.mark.parametrize(("field", "problem"), [
    ({"type": "integer", "x-document": True}, None),
    ({"type": "integer", "x-document": False}, None),
    ({"type": "integer", "x-document": "yes"}, "x-document must be true or false"),
    ({"type": "string", "x-document": True}, "x-document is allowed only on an integer field without choices (a "
                                             "document's id)"),
    ({"type": "integer", "enum": [1, 2], "x-document": True,
      "x-choice-labels": {v: {"nl": v, "fr": v, "en": v} for v in ("1", "2")}},
     "x-document is allowed only on an integer field without choices (a document's id)"),
])
def test_a_document_field_holds_the_id_of_a_document(field, problem):
    texts = {"nl": "D", "fr": "D", "en": "D"}
    schema = {"x-title": texts, "x-order": ["d"], "properties": {"d": {
        "x-label": texts, "x-classification": "medical", **field}}}
    assert forms.convention_problems(schema) == ([f"field 'd': {problem}"] if problem else [])
