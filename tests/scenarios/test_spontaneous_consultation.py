"""The spontaneous consultation of the occupational physician (art. I.4-37, step 2.5, T16)."""

from __future__ import annotations

from datetime import date

import pytest

import engine
from engine.store.models import ProcessInstance
from tests.scenarios.conftest import at, do, tasks
from tests.scenarios.conftest import open_case as scenario_case

REQUEST = {"request_received_on": "2026-12-23", "complaints": "(medical)",
           "appointment_made_by": "occupational_physician"}
HELD = {"consultation_held": True, "held_on": "2027-01-08", "medical_findings": "(medical)",
        "recommendations": "A second screen."}


def open_case(law: engine.Engine, reference: str = "SC-1") -> engine.CaseView:
    return scenario_case(law, reference)


def requested_before_christmas(law, clock, request=REQUEST):  # type: ignore[no-untyped-def]
    clock.set(at(2026, 12, 23))
    case = open_case(law)
    instance = law.start(case.id, "spontaneous_consultation", {}, role="employee", actor="worker1")
    do(law, case.id, "record_request", request)
    return case, instance


def kept_from_employer(law: engine.Engine, instance_id: int) -> bool:
    with law.database.unit_of_work() as session:
        row = session.get(ProcessInstance, instance_id)
        assert row is not None
        return row.withheld_from_employer


def test_T16_consultation_in_time_across_christmas_meets_the_term(law, clock):
    """T16, art. I.4-37: the physician sees the worker within 10 working days following the day of receipt."""
    case, instance = requested_before_christmas(law, clock)
    [consultation] = law.work_items(case_id=case.id)
    assert (consultation.role, consultation.task, consultation.due_on, consultation.rule) == (
        "occupational_physician", "hold_consultation", date(2027, 1, 8), "T16")
    clock.set(at(2027, 1, 8, 23, 59, 59))
    assert law.fire_due_timers().timers_fired == 0
    do(law, case.id, "hold_consultation", HELD)
    assert law.instance(instance.id).end_event == "end_held"
    assert [(d.rule, d.due_on, d.state) for d in law.deadlines(case.id)] == [("T16", date(2027, 1, 8), "met")]


def test_T16_late_physician_is_escalated_and_a_late_consultation_is_missed(law, clock):
    case, _ = requested_before_christmas(law, clock)
    clock.set(at(2027, 1, 9, 0, 0, 1))
    assert law.fire_due_timers().timers_fired == 1
    assert tasks(law, case.id) == [("occupational_physician", "hold_consultation"),
                                   ("occupational_physician", "plan_overdue_consultation")]
    [deadline] = law.deadlines(case.id)
    assert (deadline.state, deadline.due_on) == ("missed", date(2027, 1, 8))
    assert "Christmas Day" in deadline.explanation and "art. I.4-37" in deadline.legal_source
    clock.set(at(2027, 1, 12))
    do(law, case.id, "hold_consultation", {**HELD, "held_on": "2027-01-11"})
    assert [d.state for d in law.deadlines(case.id)] == ["missed"]


def test_T16_a_consultation_held_in_time_but_recorded_after_the_escalation_is_met(law, clock):
    """The verdict follows the legal date of the consultation, not the order in which it was recorded."""
    case, _ = requested_before_christmas(law, clock)
    clock.set(at(2027, 1, 11))
    assert law.fire_due_timers().timers_fired == 1
    assert [d.state for d in law.deadlines(case.id)] == ["missed"]
    do(law, case.id, "hold_consultation", {**HELD, "held_on": "2027-01-07"})
    [deadline] = law.deadlines(case.id)
    assert (deadline.state, deadline.due_on) == ("met", date(2027, 1, 8))
    assert ("occupational_physician", "plan_overdue_consultation") in tasks(law, case.id)


def test_T16_the_employer_makes_the_appointment_and_the_term_still_counts_from_the_physicians_receipt(law, clock):
    """2026 variant (LEGAL.md T16): the worker asks the employer to make the appointment; the term runs from the
    physician's receipt of the request, and the employer's task shows it."""
    case, instance = requested_before_christmas(law, clock, {**REQUEST, "appointment_made_by": "employer"})
    [appointment] = law.work_items(case_id=case.id)
    assert (appointment.role, appointment.task, appointment.rule, appointment.due_on, appointment.of_procedure) == (
        "employer", "make_appointment", "T16", date(2027, 1, 8), True)
    assert not kept_from_employer(law, instance.id)
    clock.set(at(2026, 12, 28))
    do(law, case.id, "make_appointment", {"appointment_made_on": "2026-12-28", "appointment_on": "2027-01-06"},
       actor="hr1")
    [consultation] = law.work_items(case_id=case.id)
    assert (consultation.task, consultation.due_on, consultation.rule) == ("hold_consultation", date(2027, 1, 8), "T16")
    [deadline] = law.deadlines(case.id)
    assert (deadline.start_on, deadline.due_on) == (date(2026, 12, 23), date(2027, 1, 8))
    clock.set(at(2027, 1, 6, 16))
    do(law, case.id, "hold_consultation", {**HELD, "held_on": "2027-01-06"})
    assert law.instance(instance.id).end_event == "end_held"
    assert [(d.rule, d.state) for d in law.deadlines(case.id)] == [("T16", "met")]


def test_T16_an_appointment_the_employer_records_after_the_term_opens_the_physicians_task_late(law, clock):
    case, _ = requested_before_christmas(law, clock, {**REQUEST, "appointment_made_by": "employer"})
    clock.set(at(2027, 1, 12))
    assert law.fire_due_timers().timers_fired == 0
    do(law, case.id, "make_appointment", {"appointment_made_on": "2027-01-12", "appointment_on": "2027-01-14"},
       actor="hr1")
    assert tasks(law, case.id) == [("occupational_physician", "hold_consultation"),
                                   ("occupational_physician", "plan_overdue_consultation")]
    assert [(d.rule, d.due_on, d.state) for d in law.deadlines(case.id)] == [("T16", date(2027, 1, 8), "missed")]


def test_T16_a_consultation_the_physician_arranges_is_kept_from_the_employer(law, clock):
    case, instance = requested_before_christmas(law, clock)
    assert kept_from_employer(law, instance.id)
    do(law, case.id, "hold_consultation", {"consultation_held": False})
    assert law.instance(instance.id).end_event == "end_not_held"
    assert kept_from_employer(law, instance.id)


@pytest.mark.parametrize(("request_fields", "field"), [
    ({"request_received_on": "2026-12-24"}, "request_received_on"),
    ({"request_received_on": "2025-12-22", "appointment_made_by": "employer"}, "request_received_on"),
    ({"complaints": " "}, "complaints"),
    ({"appointment_made_by": "worker"}, "appointment_made_by"),
])
def test_T16_a_bad_request_is_refused_per_field(law, clock, request_fields, field):
    """The employer makes the appointment only for a request from 2026; a receipt cannot lie in the future."""
    clock.set(at(2026, 12, 23))
    case = open_case(law)
    law.start(case.id, "spontaneous_consultation", {}, role="employee", actor="worker1")
    with pytest.raises(engine.InvalidInput) as refused:
        do(law, case.id, "record_request", {**REQUEST, **request_fields})
    assert field in refused.value.fields


@pytest.mark.parametrize(("task_data", "field"), [
    ({"consultation_held": True, "held_on": "2026-12-22"}, "held_on"),
    ({"consultation_held": True}, "held_on"),
])
def test_T16_the_consultation_is_not_dated_before_the_request(law, clock, task_data, field):
    case, _ = requested_before_christmas(law, clock)
    with pytest.raises(engine.InvalidInput) as refused:
        do(law, case.id, "hold_consultation", task_data)
    assert field in refused.value.fields


def test_T16_the_appointment_is_not_before_the_request(law, clock):
    case, _ = requested_before_christmas(law, clock, {**REQUEST, "appointment_made_by": "employer"})
    with pytest.raises(engine.InvalidInput) as refused:
        do(law, case.id, "make_appointment", {"appointment_made_on": "2026-12-23", "appointment_on": "2026-12-22"},
           actor="hr1")
    assert "appointment_on" in refused.value.fields
