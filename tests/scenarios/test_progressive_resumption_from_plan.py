"""Progressive resumption started from a plan (T28, art. 100 §2 GVU-wet): an accepted re-integration plan or a
coordinator-track plan that includes part-time work during the incapacity starts it with the plan's first part-time
day, and the plan cannot be carried out before the worker's request for authorisation is recorded."""

from __future__ import annotations

from datetime import date

import pytest

import engine
from tests.scenarios.test_formal_reintegration import Trajectory, decision, plan
from tests.scenarios.test_rtw_coordination import Track

HALF_DAYS = {"part_time_during_incapacity": True, "planned_first_day": "2027-02-15",
             "adapted_or_other_work": "Half days from Monday 15 February."}
ACCEPT = {"decision": "accept", "replied_on": "2027-02-01"}


def _accepted(law: engine.Engine, clock: engine.SettableClock, reference: str = "RIT-PT", **extra: object
              ) -> Trajectory:
    """Decision A on 12 January 2027, a plan delivered and signed on 1 February 2027."""
    return _replied(Trajectory(law, clock, reference), ACCEPT, **extra)


def _plan_due(rit: Trajectory) -> Trajectory:
    """Decision A on 12 January 2027; on 1 February 2027 the plan is to be drafted."""
    rit.examined()
    rit.do("assess", decision("A"), "oa1")
    rit.until(2027, 2, 1)
    return rit


def _replied(rit: Trajectory, reply: dict, **extra: object) -> Trajectory:
    """The plan delivered on 1 February 2027 and the worker's ``reply`` to it that day."""
    _plan_due(rit).do("draft", plan("2027-02-01", **extra), "hr1")
    rit.do("reply", reply, "an")
    return rit


def _progressive(law: engine.Engine, case_id: int) -> list[engine.InstanceView]:
    return [i for i in law.instances(case_id) if i.process_id == "progressive_resumption"]


def test_T28_an_accepted_plan_with_part_time_work_starts_progressive_resumption_from_its_first_day(law, clock):
    """First part-time day Monday 15 February 2027: the request is due Friday 12 February, in the worker's inbox."""
    rit = _accepted(law, clock, **HALF_DAYS)
    [progressive] = _progressive(law, rit.case.id)
    assert progressive.state == "running"
    request = rit.item("submit_request")
    assert (request.role, request.due_on, request.rule) == ("employee", date(2027, 2, 12), "T28")
    assert rit.tasks() == [("employee", "submit_request"), ("employer", "execute_plan")]
    events = [(e.action, e.task, e.after) for e in law.trace(progressive.id).events]
    assert ("message_received", "part_time_work_planned",
            {"planned_first_day": "2027-02-15", "planned_in": "formal_reintegration"}) in events


def test_T28_the_request_counts_back_over_a_holiday_in_belgian_working_days(law, clock):
    """First part-time day Tuesday 30 March 2027: Easter Monday (29 March) is skipped, due Friday 26 March."""
    rit = _accepted(law, clock, **{**HALF_DAYS, "planned_first_day": "2027-03-30"})
    request = rit.item("submit_request")
    assert (request.due_on, request.rule) == (date(2027, 3, 26), "T28")
    assert "Easter Monday" in (request.explanation or "")


def test_T28_a_coordinator_track_plan_with_part_time_work_starts_progressive_resumption(law, clock):
    tnw = Track(law, clock, {"entry": "request", "requested_on": "2026-10-05"}, "TNW-PT", today=(2026, 10, 6))
    tnw.do("first_contact", {"contacted_on": "2026-10-06", "engaged": True})
    tnw.do("draft_plan", {"drafted_on": "2026-10-06", "objectives": "Back at Acme, half days.",
                          "direction": "current_employer", "part_time_during_incapacity": True,
                          "planned_first_day": "2026-11-02"})
    [progressive] = _progressive(law, tnw.case.id)
    request = tnw.item("submit_request")
    assert (request.role, request.due_on, request.rule) == ("employee", date(2026, 10, 30), "T28")
    assert ("rtw_coordinator", "follow_up") in tnw.tasks()
    assert progressive.state == "running"
    events = [(e.action, e.task, e.after) for e in law.trace(progressive.id).events]
    assert ("message_received", "part_time_work_planned",
            {"planned_first_day": "2026-11-02", "planned_in": "rtw_coordination"}) in events


def test_T28_the_plan_cannot_be_carried_out_before_the_request_for_authorisation(law, clock):
    rit = _accepted(law, clock, **HALF_DAYS)
    with pytest.raises(engine.InvalidInput) as refused:
        rit.do("execute_plan", {"resumed_on": "2027-02-01"}, "hr1")
    [message] = refused.value.fields["resumed_on"]
    assert isinstance(message, engine.Coded) and message.code == "plan.part_time_not_requested"
    assert message.params["first_day"] == date(2027, 2, 15)
    assert ("employer", "execute_plan") in rit.tasks()
    rit.until(2027, 2, 10)
    rit.do("submit_request", {"requested_on": "2027-02-10"}, "an")
    rit.until(2027, 2, 15)
    rit.do("execute_plan", {"resumed_on": "2027-02-15"}, "hr1")
    assert rit.state() == "completed"
    assert ("T28", date(2027, 2, 12), "met") in rit.deadlines()


def test_T28_a_plan_without_part_time_work_is_carried_out_as_before(law, clock):
    rit = _accepted(law, clock)
    assert _progressive(law, rit.case.id) == []
    assert rit.tasks() == [("employer", "execute_plan")]
    rit.do("execute_plan", {"resumed_on": "2027-02-01"}, "hr1")
    assert rit.state() == "completed"


def test_T28_a_refused_plan_with_part_time_work_starts_nothing(law, clock):
    rit = Trajectory(law, clock, "RIT-NO")
    _replied(rit, {"decision": "refuse", "replied_on": "2027-02-01", "reasons": "Not half days."}, **HALF_DAYS)
    assert _progressive(law, rit.case.id) == []


def test_T28_no_second_progressive_resumption_the_running_one_takes_the_plans_first_day(law, clock):
    rit = Trajectory(law, clock, "RIT-RUN")
    started = law.start(rit.case.id, "progressive_resumption", {}, actor="an")
    _replied(rit, ACCEPT, **HALF_DAYS)
    assert [i.id for i in _progressive(law, rit.case.id)] == [started.id]
    request = rit.item("submit_request")
    assert (request.instance_id, request.due_on, request.rule) == (started.id, date(2027, 2, 12), "T28")
    assert ("employee", "plan_resumption") not in rit.tasks()


def test_T28_a_running_request_moves_to_the_plans_first_day_and_a_later_plan_starts_nothing_new(law, clock):
    """The worker had planned 1 March on their own; the plan says 15 February: the request is due 12 February."""
    rit = Trajectory(law, clock, "RIT-MOVE")
    started = law.start(rit.case.id, "progressive_resumption", {}, actor="an")
    rit.do("plan_resumption", {"planned_first_day": "2027-03-01", "regime": "fewer_hours_per_day",
                               "work_fraction_percent": 50}, "an")
    assert rit.item("submit_request").due_on == date(2027, 2, 26)
    _replied(rit, ACCEPT, **HALF_DAYS)
    assert [i.id for i in _progressive(law, rit.case.id)] == [started.id]
    assert [(i.task, i.due_on) for i in law.work_items(case_id=rit.case.id) if i.task == "submit_request"] == [
        ("submit_request", date(2027, 2, 12))]


def test_T28_the_first_part_time_day_is_required_and_not_before_the_plan(law, clock):
    rit = Trajectory(law, clock, "RIT-DAY")
    _plan_due(rit)
    with pytest.raises(engine.InvalidInput) as missing:
        rit.do("draft", plan("2027-02-01", part_time_during_incapacity=True), "hr1")
    assert "planned_first_day" in missing.value.fields
    with pytest.raises(engine.InvalidInput) as early:
        rit.do("draft", plan("2027-02-01", part_time_during_incapacity=True, planned_first_day="2027-01-29"), "hr1")
    assert "planned_first_day" in early.value.fields
