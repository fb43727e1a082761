"""The legal clock of an incapacity and the return to work (0.6, art. I.4-34)."""

from __future__ import annotations

from datetime import date

import pytest

import engine
from tests.scenarios.conftest import Scenario, at


@pytest.fixture
def law(follow_up_law: engine.Engine) -> engine.Engine:
    """The follow-up without the employer's duties that start with the case too (they have their own tests)."""
    return follow_up_law


class FollowUp(Scenario):
    """One incapacity that started on Monday 4 January 2027; opening the case starts its follow-up."""

    def __init__(self, law: engine.Engine, clock: engine.SettableClock) -> None:
        self.law, self.clock = law, clock
        clock.set(at(2027, 1, 4))
        self.case = law.open_case(reference="INC-1", employee="Fien", employer="Acme NV",
                                  first_day_of_incapacity=date(2027, 1, 4), actor="hr1")
        [self.instance] = law.instances(self.case.id)

    def deadlines(self) -> dict[str, tuple[date, str]]:
        return {d.rule: (d.due_on, d.state) for d in self.law.deadlines(self.case.id)}


def test_T01_T02_T03_T04_T05_T21_T34_T36_the_clock_counts_from_the_first_day_of_incapacity(law, clock):
    inc = FollowUp(law, clock)
    assert inc.deadlines() == {
        "T01": (date(2027, 2, 1), "pending"), "T02": (date(2027, 2, 1), "pending"),
        "T03": (date(2027, 3, 1), "pending"), "T21": (date(2027, 3, 15), "pending"),
        "T04": (date(2027, 4, 4), "pending"), "T36": (date(2027, 7, 4), "pending"),
        "T34a": (date(2027, 7, 4), "pending"), "T34": (date(2028, 1, 4), "pending")}
    assert inc.until(2027, 2, 2).timers_fired == 2
    assert inc.tasks() == [("employer", "notify_oa"), ("occupational_physician", "inform_options")]
    inc.do("inform_options", {"informed_on": "2027-02-02"})
    inc.do("notify_oa", {"notified_on": "2027-02-02"})
    inc.until(2027, 3, 2)
    inc.do("ask_estimate", {"asked_on": "2027-03-02"})
    assert inc.tasks() == [("advisory_physician", "record_estimate")]
    inc.do("record_estimate", {"estimated_on": "2027-03-02", "work_potential": "yes"}, actor="aa1")
    [request] = law.work_items(case_id=inc.case.id)
    assert (request.task, request.due_on, request.rule) == ("request_if_potential", date(2027, 7, 4), "T05")
    inc.until(2027, 3, 16)
    assert ("advisory_physician", "send_questionnaire") in inc.tasks()
    assert inc.deadlines()["T21"] == (date(2027, 3, 15), "met")
    inc.until(2027, 7, 5)
    assert ("employer", "explain_late_request") in inc.tasks()
    assert inc.deadlines()["T05"] == (date(2027, 7, 4), "missed")
    assert inc.deadlines()["T36"] == (date(2027, 7, 4), "met")


def test_0_6_a_return_shorter_than_14_days_keeps_the_clock_running(law, clock):
    inc = FollowUp(law, clock)
    inc.until(2027, 1, 18)
    delivery = law.deliver(inc.case.id, "work_resumed", {"resumed_on": "2027-01-18"}, actor="hr1")
    assert delivery.instance_ids == (inc.instance.id,)
    inc.until(2027, 1, 25)
    assert law.deliver(inc.case.id, "incapacity_relapse", {"relapsed_on": "2027-01-25"}, actor="hr1").is_delivered
    assert inc.until(2027, 2, 2).timers_fired == 2
    assert inc.deadlines()["C06"] == (date(2027, 1, 31), "cancelled")
    assert law.instance(inc.instance.id).state == "running"


def test_0_6_T17_T18_a_return_of_14_days_stops_the_clock_and_the_examination_opens_on_the_day_of_resumption(law, clock):
    inc = FollowUp(law, clock)
    inc.until(2027, 2, 15)
    law.deliver(inc.case.id, "work_resumed", {"resumed_on": "2027-02-15", "under_health_surveillance": True},
                actor="hr1")
    assert ("occupational_physician", "record_resumption") in inc.tasks()
    assert inc.until(2027, 3, 1, 1).timers_fired == 1
    assert inc.deadlines()["C06"] == (date(2027, 2, 28), "met")
    assert inc.deadlines()["T34"][1] == "cancelled"
    assert ("employer", "ask_estimate") not in inc.tasks()
    inc.do("record_resumption", {"resumed_on": "2027-02-15", "under_health_surveillance": True,
                                 "absent_at_least_four_weeks": True})
    [exam] = [i for i in law.work_items(case_id=inc.case.id) if i.task == "hold_examination"]
    assert (exam.due_on, exam.rule, exam.state) == (date(2027, 3, 1), "T18", "ready")


def test_a_return_without_health_surveillance_needs_no_examination(law, clock):
    inc = FollowUp(law, clock)
    inc.until(2027, 2, 15)
    law.deliver(inc.case.id, "work_resumed", {"resumed_on": "2027-02-15", "under_health_surveillance": False},
                actor="hr1")
    assert ("occupational_physician", "record_resumption") not in inc.tasks()


def test_0_6_return_of_14_days_starts_a_new_period(law, clock):
    """0.6: a return that lasted 14 days or more ends the incapacity; the next incapacity is a new period, and
    every rule counted from the first day (here T01, T04, T36) counts from the new period's first day."""
    inc = FollowUp(law, clock)
    inc.until(2027, 2, 15)
    law.deliver(inc.case.id, "work_resumed", {"resumed_on": "2027-02-15"}, actor="hr1")
    inc.until(2027, 4, 1)
    assert law.instance(inc.instance.id).state == "completed"  # the return lasted: the clock stopped
    law.deliver(inc.case.id, "incapacity_relapse", {"relapsed_on": "2027-04-01"}, actor="hr1")
    follow_ups = [i for i in law.instances(inc.case.id) if i.process_id == "incapacity_follow_up"]
    assert len(follow_ups) == 2 and follow_ups[1].state == "running"
    due = {d.rule: d.due_on for d in law.deadlines(inc.case.id) if d.instance_id != inc.instance.id}
    assert (due["T01"], due["T04"], due["T36"]) == (date(2027, 4, 29), date(2027, 7, 1), date(2027, 10, 1))
    inc.until(2027, 7, 5)
    with pytest.raises(engine.NotAllowed) as refused:
        law.start(inc.case.id, "medical_force_majeure", {}, actor="hr1")
    assert refused.value.details[0] == {"rule": "T36", "allowed_from": "2027-10-01"}


@pytest.mark.parametrize(("relapsed_on", "counted_from", "threshold"), [
    ("2027-02-25", date(2027, 1, 4), date(2027, 7, 4)),   # within the 14 days, though recorded after them
    ("2027-03-01", date(2027, 3, 1), date(2027, 9, 1)),   # 14 days worked (15 to 28 February): a new period
])
def test_0_6_a_relapse_is_judged_by_its_own_date_not_the_day_it_is_recorded(law, clock, relapsed_on, counted_from,
                                                                             threshold):
    """0.6: whether a relapse interrupts the incapacity follows its own date (``relapsed_on``).

    Recorded on 10 March, after the clock stopped on 1 March: the clock starts again, counted from the
    period the relapse belongs to, and force majeure is judged from that period's first day.
    """
    inc = FollowUp(law, clock)
    inc.until(2027, 2, 15)
    law.deliver(inc.case.id, "work_resumed", {"resumed_on": "2027-02-15"}, actor="hr1")
    inc.until(2027, 3, 10)
    law.deliver(inc.case.id, "incapacity_relapse", {"relapsed_on": relapsed_on}, actor="hr1")
    [_, again] = [i for i in law.instances(inc.case.id) if i.process_id == "incapacity_follow_up"]
    [row] = [d for d in law.deadlines(inc.case.id) if d.instance_id == again.id and d.rule == "T36"]
    assert (row.start_on, row.due_on) == (counted_from, threshold)
    inc.until(2027, 7, 5)
    if threshold > date(2027, 7, 5):
        assert refusal_rule(law, inc.case.id) == "T36"
    else:
        assert law.start(inc.case.id, "medical_force_majeure", {}, actor="hr1").state == "running"


def refusal_rule(law: engine.Engine, case_id: int) -> str:
    with pytest.raises(engine.NotAllowed) as refused:
        law.start(case_id, "medical_force_majeure", {}, actor="hr1")
    return refused.value.details[0]["rule"]


def test_0_6_a_relapse_dated_before_the_return_is_refused_at_its_date(law, clock):
    """0.6: a relapse follows the return it interrupts; one dated before it is refused with a clear error."""
    inc = FollowUp(law, clock)
    inc.until(2027, 2, 15)
    law.deliver(inc.case.id, "work_resumed", {"resumed_on": "2027-02-15"}, actor="hr1")
    inc.until(2027, 2, 20)
    with pytest.raises(engine.InvalidInput) as refused:
        law.deliver(inc.case.id, "incapacity_relapse", {"relapsed_on": "2027-02-10"}, actor="hr1")
    assert list(refused.value.fields) == ["relapsed_on"]
    assert "dated before the return to work on 2027-02-15" in refused.value.fields["relapsed_on"][0]
    assert law.deliver(inc.case.id, "incapacity_relapse", {"relapsed_on": "2027-02-20"}, actor="hr1").is_delivered


def test_I_4_34_the_resumption_examination_starts_at_every_return_not_only_the_first(law, clock):
    """Art. I.4-34 (T17, T18): each resumption after 4 weeks' absence under health surveillance is examined.

    A first return on 15 February 2027 is examined, the worker relapses on 20 February, and returns again
    on 29 March after more than 4 weeks: that return is examined too.
    """
    inc = FollowUp(law, clock)
    inc.until(2027, 2, 15)
    law.deliver(inc.case.id, "work_resumed", {"resumed_on": "2027-02-15", "under_health_surveillance": True},
                actor="hr1")
    inc.do("record_resumption", {"resumed_on": "2027-02-15", "under_health_surveillance": True,
                                 "absent_at_least_four_weeks": True})
    inc.do("hold_examination", exam_held("2027-02-15"))
    inc.until(2027, 2, 20)
    law.deliver(inc.case.id, "incapacity_relapse", {"relapsed_on": "2027-02-20"}, actor="hr1")
    inc.until(2027, 3, 29)
    law.deliver(inc.case.id, "work_resumed", {"resumed_on": "2027-03-29", "under_health_surveillance": True},
                actor="hr1")
    assert ("occupational_physician", "record_resumption") in inc.tasks()


def exam_held(on: str) -> dict:
    return {"held_on": on, "outcome": "fit"}
