"""The pre-return visit (art. I.4-36) and the examination on resumption of work (art. I.4-34)."""

from __future__ import annotations

from datetime import date

import pytest

import engine
from tests.scenarios.conftest import at, do, tasks
from tests.scenarios.conftest import open_case as scenario_case

REQUEST = {"request_received_on": "2026-12-23", "requested_by": "employee",
           "employee_objects_to_informing_employer": False, "employer_informed_on": "2026-12-23"}
VISIT = {"visit_held": True, "held_on": "2027-01-08", "workstation_examined": True, "employer_consulted": True,
         "recommendations": "Standing desk; mornings only for two weeks.", "medical_findings": "(medical)",
         "travel_costs_eur": 12.4}


def open_case(law: engine.Engine, reference: str = "PRV-1") -> engine.CaseView:
    return scenario_case(law, reference)


def requested_before_christmas(law, clock, request=REQUEST):  # type: ignore[no-untyped-def]
    clock.set(at(2026, 12, 23))
    case = open_case(law)
    instance = law.start(case.id, "pre_return_visit", {}, actor="oa1")
    do(law, case.id, "record_request", request)
    return case, instance


def test_2_1_when_the_worker_does_not_come_to_a_visit_the_employer_asked_for_the_employer_is_informed(law, clock):
    """Step 2.1 (2026, Corrections after review): the worker need not go to a visit the employer asked for; when
    the worker does not come, the occupational physician informs the employer."""
    request = {**REQUEST, "requested_by": "employer", "appointment_made_by_employer": True}
    case, instance = requested_before_christmas(law, clock, request)
    do(law, case.id, "hold_visit", {"visit_held": False})
    assert tasks(law, case.id) == [("occupational_physician", "inform_no_show")]
    do(law, case.id, "inform_no_show", {"employer_informed_on": "2026-12-23"})
    assert law.instance(instance.id).end_event == "end_no_show"


def test_T15_visit_on_time_across_christmas_meets_the_term_and_reaches_the_employer(law, clock):
    case, instance = requested_before_christmas(law, clock)
    [visit] = law.work_items(case_id=case.id)
    assert (visit.role, visit.task, visit.due_on, visit.rule) == ("occupational_physician", "hold_visit",
                                                                date(2027, 1, 8), "T15")
    clock.set(at(2027, 1, 8, 23, 59, 59))
    assert law.fire_due_timers().timers_fired == 0
    do(law, case.id, "hold_visit", VISIT)
    assert tasks(law, case.id) == [("employer", "answer_recommendations")]
    assert [(d.rule, d.due_on, d.state) for d in law.deadlines(case.id)] == [("T15", date(2027, 1, 8), "met")]
    do(law, case.id, "answer_recommendations", {"answered_on": "2027-01-08", "adaptations_agreed": True,
                                                "answer": "Desk ordered."}, actor="hr1")
    assert law.instance(instance.id).state == "completed"


def test_T15_late_visit_across_christmas_is_missed_and_escalated(law, clock):
    case, _ = requested_before_christmas(law, clock)
    clock.set(at(2027, 1, 9, 0, 0, 1))
    assert law.fire_due_timers().timers_fired == 1
    assert tasks(law, case.id) == [("occupational_physician", "hold_visit"),
                                   ("occupational_physician", "plan_overdue_visit")]
    [deadline] = law.deadlines(case.id)
    assert (deadline.state, deadline.due_on) == ("missed", date(2027, 1, 8))
    assert "Christmas Day" in deadline.explanation and "art. I.4-36" in deadline.legal_source
    do(law, case.id, "hold_visit", {**VISIT, "held_on": "2027-01-09"})
    assert ("employer", "answer_recommendations") in tasks(law, case.id)


def test_when_the_worker_objects_the_employer_gets_no_task(law, clock):
    request = {**REQUEST, "employee_objects_to_informing_employer": True}
    request.pop("employer_informed_on")
    case, instance = requested_before_christmas(law, clock, request)
    do(law, case.id, "hold_visit", {**VISIT, "held_on": "2026-12-23"})
    assert tasks(law, case.id) == []
    assert law.instance(instance.id).state == "completed"


def test_a_visit_not_held_closes_without_the_employer(law, clock):
    case, instance = requested_before_christmas(law, clock)
    do(law, case.id, "hold_visit", {"visit_held": False})
    assert law.instance(instance.id).state == "completed"
    assert [d.state for d in law.deadlines(case.id)] == ["met"]


@pytest.mark.parametrize(("field", "value"), [("request_received_on", "2026-12-24"),
                                              ("request_received_on", "23/12/2026"),
                                              ("requested_by", "advisory_physician")])
def test_a_bad_request_is_refused_per_field(law, clock, field, value):
    clock.set(at(2026, 12, 23))
    case = open_case(law)
    law.start(case.id, "pre_return_visit", {}, actor="oa1")
    with pytest.raises(engine.InvalidInput) as refused:
        do(law, case.id, "record_request", {**REQUEST, field: value})
    assert field in refused.value.fields


RESUMPTION = {"resumed_on": "2026-07-13", "under_health_surveillance": True, "absent_at_least_four_weeks": True}


def test_T18_resumption_examination_is_due_on_the_tenth_working_day(law, clock):
    clock.set(at(2026, 7, 13))
    case = open_case(law, "RES-1")
    law.start(case.id, "resumption_examination", {}, actor="oa1")
    do(law, case.id, "record_resumption", RESUMPTION)
    [exam] = law.work_items(case_id=case.id)
    assert (exam.task, exam.due_on, exam.rule) == ("hold_examination", date(2026, 7, 28), "T18")
    clock.set(at(2026, 7, 29, 0, 0, 1))
    assert law.fire_due_timers().timers_fired == 1
    assert ("occupational_physician", "plan_overdue_examination") in tasks(law, case.id)
    assert [d.state for d in law.deadlines(case.id)] == ["missed"]


def test_T18_examination_in_time_meets_the_term(law, clock):
    clock.set(at(2026, 7, 13))
    case = open_case(law, "RES-2")
    instance = law.start(case.id, "resumption_examination", {}, actor="oa1")
    do(law, case.id, "record_resumption", RESUMPTION)
    clock.set(at(2026, 7, 28, 16))
    do(law, case.id, "hold_examination", {"held_on": "2026-07-28", "outcome": "fit"})
    assert law.instance(instance.id).state == "completed"
    assert [d.state for d in law.deadlines(case.id)] == ["met"]


def test_no_resumption_examination_without_health_surveillance(law, clock):
    clock.set(at(2026, 7, 13))
    case = open_case(law, "RES-3")
    instance = law.start(case.id, "resumption_examination", {}, actor="oa1")
    do(law, case.id, "record_resumption", {**RESUMPTION, "under_health_surveillance": False})
    assert law.instance(instance.id).state == "completed"
    assert law.deadlines(case.id) == []


def test_T15_a_request_recorded_after_its_term_shows_the_task_as_late_at_once(law, clock):
    clock.set(at(2027, 1, 20))
    case = open_case(law)
    law.start(case.id, "pre_return_visit", {}, actor="oa1")
    do(law, case.id, "record_request", {**REQUEST, "employer_informed_on": "2026-12-23"})
    visit = next(i for i in law.work_items(case_id=case.id) if i.task == "hold_visit")
    assert (visit.due_on, visit.rule) == (date(2027, 1, 8), "T15")
    assert ("occupational_physician", "plan_overdue_visit") in tasks(law, case.id)
    assert [d.state for d in law.deadlines(case.id)] == ["missed"]
