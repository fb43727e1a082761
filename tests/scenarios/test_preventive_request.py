"""The 2026 preventive request for an adaptation of the workstation or the work (step 2.2, art. I.4-36, T19)."""

from __future__ import annotations

from datetime import date

import pytest

import engine
from tests.scenarios.conftest import at, do, open_case, tasks

REQUEST = {"request_made_on": "2026-12-21", "requested_adaptation": "A standing desk and no night shifts.",
           "consult_occupational_physician": False}
ANSWER = {"informed_on": "2027-01-04", "decision": "accepted", "follow_up": "Desk ordered; day shifts from 11 January."}


def requested(law, clock, request=REQUEST):  # type: ignore[no-untyped-def]
    clock.set(at(2026, 12, 21))
    case = open_case(law, "PR-1")
    instance = law.start(case.id, "preventive_request", {}, role="employee", actor="worker1")
    do(law, case.id, "record_request", request, actor="hr1")
    return case, instance


def test_T19_the_employer_informs_the_worker_within_the_suggested_14_days(law, clock):
    """T19 (suggested default, no legal number): 14 calendar days from the day after the worker's request."""
    case, instance = requested(law, clock)
    [answer] = law.work_items(case_id=case.id)
    assert (answer.role, answer.task, answer.due_on, answer.rule) == ("employer", "inform_worker",
                                                                      date(2027, 1, 4), "T19")
    clock.set(at(2027, 1, 4, 23, 59, 59))
    assert law.fire_due_timers().timers_fired == 0
    do(law, case.id, "inform_worker", ANSWER, actor="hr1")
    assert law.instance(instance.id).end_event == "end_informed"
    [deadline] = law.deadlines(case.id)
    assert (deadline.rule, deadline.due_on, deadline.state) == ("T19", date(2027, 1, 4), "met")
    assert "art. I.4-36" in deadline.legal_source


def test_T19_a_late_answer_reminds_the_employer_and_is_missed(law, clock):
    case, _ = requested(law, clock)
    clock.set(at(2027, 1, 5, 0, 0, 1))
    assert law.fire_due_timers().timers_fired == 1
    assert tasks(law, case.id) == [("employer", "explain_late_answer"), ("employer", "inform_worker")]
    clock.set(at(2027, 1, 7))
    do(law, case.id, "inform_worker", {**ANSWER, "informed_on": "2027-01-06"}, actor="hr1")
    assert [(d.rule, d.state) for d in law.deadlines(case.id)] == [("T19", "missed")]


def test_T19_an_answer_given_in_time_but_recorded_after_the_reminder_is_met(law, clock):
    """The verdict follows the day the worker was informed, not the order in which it was recorded."""
    case, _ = requested(law, clock)
    clock.set(at(2027, 1, 6))
    assert law.fire_due_timers().timers_fired == 1
    assert [d.state for d in law.deadlines(case.id)] == ["missed"]
    do(law, case.id, "inform_worker", {**ANSWER, "informed_on": "2027-01-04"}, actor="hr1")
    assert [(d.rule, d.state) for d in law.deadlines(case.id)] == [("T19", "met")]


def test_T19_the_employer_may_consult_the_occupational_physician_within_the_same_term(law, clock):
    case, instance = requested(law, clock, {**REQUEST, "consult_occupational_physician": True})
    [advice] = law.work_items(case_id=case.id)
    assert (advice.role, advice.task, advice.rule, advice.due_on, advice.of_procedure) == (
        "occupational_physician", "advise_employer", "T19", date(2027, 1, 4), True)
    clock.set(at(2026, 12, 29))
    do(law, case.id, "advise_employer", {"advised_on": "2026-12-29", "advice": "A sit-stand desk helps."})
    with pytest.raises(engine.InvalidInput) as refused:
        do(law, case.id, "inform_worker", {**ANSWER, "informed_on": "2026-12-28"}, actor="hr1")
    assert "informed_on" in refused.value.fields
    do(law, case.id, "inform_worker", {**ANSWER, "informed_on": "2026-12-29", "consulted": "Ergonomist"},
       actor="hr1")
    assert law.instance(instance.id).end_event == "end_informed"
    assert [d.state for d in law.deadlines(case.id)] == ["met"]


@pytest.mark.parametrize("decision", ["refused", "partly_accepted"])
def test_T19_the_employer_need_not_accept_but_gives_its_reasons(law, clock, decision):
    case, instance = requested(law, clock)
    clock.set(at(2026, 12, 28))
    refusal = {**ANSWER, "informed_on": "2026-12-28", "decision": decision, "follow_up": "No change now."}
    with pytest.raises(engine.InvalidInput) as refused:
        do(law, case.id, "inform_worker", refusal, actor="hr1")
    assert "reasons" in refused.value.fields
    do(law, case.id, "inform_worker", {**refusal, "reasons": "The line cannot run without night shifts."}, actor="hr1")
    assert law.instance(instance.id).state == "completed"
    assert [d.state for d in law.deadlines(case.id)] == ["met"]


@pytest.mark.parametrize(("request_fields", "field"), [
    ({"request_made_on": "2025-12-30"}, "request_made_on"),
    ({"request_made_on": "2026-12-22"}, "request_made_on"),
    ({"requested_adaptation": " "}, "requested_adaptation"),
])
def test_T19_a_bad_request_is_refused_per_field(law, clock, request_fields, field):
    """The preventive request exists from 1 January 2026; a request cannot be dated in the future."""
    clock.set(at(2026, 12, 21))
    case = open_case(law, "PR-2")
    law.start(case.id, "preventive_request", {}, role="employee", actor="worker1")
    with pytest.raises(engine.InvalidInput) as refused:
        do(law, case.id, "record_request", {**REQUEST, **request_fields}, actor="hr1")
    assert field in refused.value.fields
