"""The durable runtime: start, complete, validate, persist, reload."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

import engine
from tests.conftest import FIXTURES

DEMO = FIXTURES / "bpmn" / "visit_demo.bpmn"


def open_case(eng: engine.Engine, reference: str = "C-1") -> engine.CaseView:
    return eng.open_case(reference=reference, employee="An Peeters", employer="Acme NV",
                         first_day_of_incapacity=date(2026, 9, 1), actor="hr1")


def start_demo(eng: engine.Engine) -> tuple[engine.CaseView, engine.InstanceView]:
    eng.deploy(DEMO, actor="owner")
    case = open_case(eng)
    return case, eng.start(case.id, "visit_demo", {}, actor="employee1")


def test_starting_a_procedure_puts_its_first_task_in_the_role_inbox(eng):
    case, instance = start_demo(eng)
    items = eng.work_items(role="employee")
    assert [(i.task, i.name, i.case_id, i.form) for i in items] == [
        ("request_visit", "Request a pre-return visit", case.id, "visit_request.json")
    ]
    assert instance.state == "running" and instance.version == 1
    assert eng.work_items(role="occupational_physician") == []


def test_completing_a_task_moves_the_case_on_and_records_the_legal_deadline(eng):
    case, _ = start_demo(eng)
    item = eng.work_items(role="employee")[0]
    eng.complete(item.id, {"request_received_on": "2026-12-23"}, actor="employee1")
    [visit] = eng.work_items(role="occupational_physician")
    assert visit.task == "hold_visit"
    assert visit.due_on == date(2027, 1, 8)
    assert visit.rule == "T15"
    assert "25 Dec" in visit.explanation and "1 Jan" in visit.explanation
    [deadline] = eng.deadlines(case.id)
    assert (deadline.rule, deadline.state, deadline.start_on, deadline.due_on) == (
        "T15", "pending", date(2026, 12, 23), date(2027, 1, 8))


def test_invalid_form_data_is_refused_per_field_and_nothing_changes(eng):
    _, instance = start_demo(eng)
    item = eng.work_items(role="employee")[0]
    with pytest.raises(engine.InvalidInput) as refused:
        eng.complete(item.id, {"request_received_on": "next tuesday"}, actor="employee1")
    assert "request_received_on" in refused.value.fields
    with pytest.raises(engine.InvalidInput) as missing:
        eng.complete(item.id, {}, actor="employee1")
    assert "request_received_on" in missing.value.fields
    assert eng.work_items(role="employee")[0].id == item.id
    assert eng.instance(instance.id).row_version == instance.row_version


def test_completing_a_task_twice_is_a_conflict(eng):
    start_demo(eng)
    item = eng.work_items(role="employee")[0]
    eng.complete(item.id, {"request_received_on": "2026-12-23"}, actor="employee1")
    with pytest.raises(engine.Conflict):
        eng.complete(item.id, {"request_received_on": "2026-12-23"}, actor="employee1")


def test_a_stale_expected_version_is_a_conflict_and_loses_nothing(eng):
    _, instance = start_demo(eng)
    item = eng.work_items(role="employee")[0]
    with pytest.raises(engine.Conflict):
        eng.complete(item.id, {"request_received_on": "2026-12-23"}, actor="e1",
                     expected_version=instance.row_version + 5)
    after = eng.complete(item.id, {"request_received_on": "2026-12-23"}, actor="e1",
                         expected_version=instance.row_version)
    assert after.row_version == instance.row_version + 1


def test_state_survives_a_new_engine_on_the_same_database(eng, database_url, clock):
    start_demo(eng)
    item = eng.work_items(role="employee")[0]
    eng.complete(item.id, {"request_received_on": "2026-12-23"}, actor="employee1")
    other = engine.Engine(database_url, clock=clock, forms_dir=FIXTURES / "forms")
    try:
        [visit] = other.work_items(role="occupational_physician")
        done = other.complete(visit.id, {"held_on": "2027-01-05"}, actor="oa1")
    finally:
        other.close()
    assert done.state == "completed"
    [deadline] = eng.deadlines(eng.instance(done.id).case_id)
    assert deadline.state == "met"


def test_unknown_things_are_not_found(eng):
    with pytest.raises(engine.NotFound):
        eng.start(999, "visit_demo", {}, actor="x")
    case = open_case(eng)
    with pytest.raises(engine.NotFound):
        eng.start(case.id, "no_such_process", {}, actor="x")
    with pytest.raises(engine.NotFound):
        eng.complete(12345, {}, actor="x")


def test_instance_state_is_stored_without_the_process_spec(eng, database_url):
    _, instance = start_demo(eng)
    db = sa.create_engine(database_url)
    with db.connect() as conn:
        stored = conn.execute(sa.text("SELECT state_json FROM process_instance WHERE id = :i"),
                              {"i": instance.id}).scalar_one()
    db.dispose()
    assert '"spec":"visit_demo"' in stored
    assert "task_specs" not in stored


def test_a_case_reference_is_unique(eng):
    open_case(eng, "C-7")
    with pytest.raises(engine.Conflict) as refused:
        open_case(eng, "C-7")
    assert "C-7" in refused.value.message


def test_opening_a_case_starts_nothing_when_no_follow_up_is_deployed(eng):
    case = open_case(eng, "C-9")
    assert eng.instances(case.id) == []
