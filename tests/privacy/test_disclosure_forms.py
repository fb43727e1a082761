"""Forms say who reads each field: the insurance class, the employer flag, the classes kept with recorded data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

import engine
from engine.casework import forms
from engine.store.models import WorkItem
from tests.engine.test_compliance import REQUEST, VISIT, do, request_visit
from tests.engine.test_migrations import migrated_again
from tests.scenarios.conftest import PROCESSES, at

FORMS = Path(__file__).resolve().parents[2] / "forms"


def field(**extra: object) -> dict:
    return {"x-label": {"nl": "a", "fr": "a", "en": "a"}, "type": "string", **extra}


def form(**spec: object) -> dict:
    return {"x-title": {"nl": "t", "fr": "t", "en": "t"}, "x-order": ["f"], "properties": {"f": field(**spec)}}


@pytest.mark.parametrize(("spec", "problem"), [
    ({"x-classification": "insurance"}, None),
    ({"x-classification": "personal", "x-employer": True}, None),
    ({"x-classification": "case", "x-employer": False}, None),
    ({"x-classification": "personal", "x-employer": "yes"}, "field 'f': x-employer must be true or false"),
    ({"x-classification": "medical", "x-employer": True},
     "field 'f': x-employer is allowed only on case and personal fields"),
    ({"x-classification": "secret"}, "field 'f': x-classification must be one of case, personal, insurance, medical"),
])
def test_the_conventions_know_the_insurance_class_and_the_employer_flag(spec, problem):
    assert forms.convention_problems(form(**spec)) == ([problem] if problem else [])


def shipped(name: str) -> dict:
    return json.loads((FORMS / f"{name}.json").read_text(encoding="utf-8"))["properties"]


def test_the_shipped_forms_protect_what_the_model_says():
    assert shipped("tnw_quickscan")["category"]["x-classification"] == "medical"
    questionnaire = shipped("tnw_questionnaire")
    assert {questionnaire[n]["x-classification"] for n in ("expects_to_return", "wants_support")} == {"insurance"}
    assert shipped("tnw_contact")["valid_reason"]["x-classification"] == "insurance"
    assert shipped("tnw_first_contact")["refused_without_reason"]["x-classification"] == "insurance"
    plan = shipped("tnw_plan")
    assert plan["employer_measures"]["x-employer"] is True and "x-employer" not in plan["objectives"]
    flagged = {(path.stem, name) for path in FORMS.glob("*.json")
               for name, spec in json.loads(path.read_text(encoding="utf-8"))["properties"].items()
               if spec.get("x-employer")}
    table = (FORMS / "DISCLOSURE.md").read_text(encoding="utf-8")
    assert all(f"| {form_name} | {name}" in table for form_name, name in flagged)


def test_completing_a_task_keeps_the_class_of_each_field_and_0013_gives_it_to_older_items(database_url, clock):
    clock.set(at(2026, 12, 23))
    eng = engine.Engine(database_url, clock=clock)
    eng.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    visit = request_visit(eng, "C-1", "Acme NV", REQUEST)
    do(eng, visit, "hold_visit", {**VISIT, "held_on": "2026-12-23"})
    with eng.database.unit_of_work() as session:
        item = session.scalars(sa.select(WorkItem).where(WorkItem.bpmn_id == "hold_visit")).one()
        kept = item.classifications
    eng.close()
    assert kept["medical_findings"] == {"classification": "medical", "x-employer": False}
    assert kept["travel_costs_eur"] == {"classification": "personal", "x-employer": True}
    [again] = migrated_again(database_url, "0012", sa.select(WorkItem.classifications)
                             .where(WorkItem.bpmn_id == "hold_visit"))
    assert again == kept
