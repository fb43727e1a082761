"""The formal re-integration trajectory (art. I.4-72 ff.), driven on the engine's clock."""

from __future__ import annotations

from datetime import date

import engine
from tests.scenarios.conftest import Scenario, at

REQUEST = {"request_received_on": "2027-01-04", "requested_by": "employee", "employer_informed_on": "2027-01-04",
           "advisory_physician_informed_on": "2027-01-04"}
INVITATION = {"invited_on": "2027-01-05", "appointment_on": "2027-01-12"}


def decision(letter: str, on: str = "2027-01-12") -> dict:
    return {"decision": letter, "decided_on": on, "conditions": "Half days, no lifting.",
            "medical_justification": "(medical)", "employer_received_on": on, "employee_received_on": on}


class Trajectory(Scenario):
    """Plays one case's trajectory as the people involved would."""

    def __init__(self, law: engine.Engine, clock: engine.SettableClock, reference: str = "RIT-1") -> None:
        self.law, self.clock = law, clock
        clock.set(at(2027, 1, 4))
        self.case = law.open_case(reference=reference, employee="An Peeters", employer="Acme NV",
                                  first_day_of_incapacity=date(2026, 9, 1), actor="hr1", with_follow_up=False)
        self.instance = law.start(self.case.id, "formal_reintegration", {}, actor="oa1")

    def examined(self) -> None:
        self.do("record_request", REQUEST, "oa1")
        self.until(2027, 1, 5)
        self.do("send_invitation", INVITATION, "oa1")
        self.until(2027, 1, 12)
        self.do("record_attendance", {"attended": True}, "oa1")

    def deadlines(self) -> list[tuple[str, date, str]]:
        return [(d.rule, d.due_on, d.state) for d in self.law.deadlines(self.case.id)]



def test_T08_T12_T13_decision_a_then_a_plan_accepted_in_time(law, clock):
    rit = Trajectory(law, clock)
    rit.examined()
    [assess] = law.work_items(case_id=rit.case.id)
    assert (assess.role, assess.task, assess.due_on, assess.rule) == (
        "occupational_physician", "assess", date(2027, 2, 22), "T08")
    rit.do("assess", decision("A"), "oa1")
    [draft] = law.work_items(case_id=rit.case.id)
    assert (draft.role, draft.task, draft.due_on, draft.rule) == ("employer", "draft", date(2027, 3, 16), "T12")
    rit.until(2027, 2, 1)
    rit.do("draft", {"kind": "plan", "delivered_on": "2027-02-01", "valid_from": "2027-02-15",
                     "valid_until": "2027-08-15", "adapted_or_other_work": "Mornings only."}, "hr1")
    [reply] = law.work_items(case_id=rit.case.id)
    assert (reply.role, reply.task, reply.due_on, reply.rule) == ("employee", "reply", date(2027, 2, 15), "T13")
    rit.do("reply", {"decision": "accept", "replied_on": "2027-02-01"}, "an")
    assert rit.tasks() == [("employer", "execute_plan")]
    rit.do("execute_plan", {"resumed_on": "2027-02-01"}, "hr1")
    assert rit.state() == "completed"
    assert sorted(rit.deadlines()) == [("T08", date(2027, 2, 22), "met"), ("T12", date(2027, 3, 16), "met"),
                                       ("T13", date(2027, 2, 15), "met")]


def test_T09_T10_T11_decision_b_appealed_confirmed_then_a_motivated_report(law, clock):
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("B"), "oa1")
    [appeal] = law.work_items(case_id=rit.case.id)
    assert (appeal.role, appeal.task, appeal.due_on, appeal.rule) == (
        "employee", "decide_appeal", date(2027, 2, 2), "T09")
    rit.until(2027, 1, 20)
    rit.do("decide_appeal", {"appeal": True, "lodged_on": "2027-01-20"}, "an")
    [inspector] = law.work_items(case_id=rit.case.id)
    assert (inspector.role, inspector.due_on, inspector.rule) == ("medical_inspector", date(2027, 3, 3), "T10")
    rit.until(2027, 2, 25)
    rit.do("decide", {"outcome": "confirmed", "decided_on": "2027-02-25", "parties_received_on": "2027-02-26"},
           "inspector1")
    [draft] = law.work_items(case_id=rit.case.id)
    assert (draft.task, draft.due_on, draft.rule) == ("draft", date(2027, 8, 26), "T11")
    rit.until(2027, 3, 1)
    rit.do("draft", {"kind": "report", "delivered_on": "2027-03-01", "report_reasons": "No adapted work.",
                     "consulted_on": "2027-02-26", "consulted": "Worker, occupational physician"}, "hr1")
    assert rit.tasks() == [("occupational_physician", "consider_referral")]
    rit.do("consider_referral", {"referred": True, "service": "VDAB", "referred_on": "2027-03-01"}, "oa1")
    assert rit.state() == "completed"
    assert ("T11", date(2027, 8, 26), "met") in rit.deadlines()
    assert ("T10", date(2027, 3, 3), "met") in rit.deadlines()
    assert ("T09", date(2027, 2, 2), "cancelled") in rit.deadlines()


def test_T13_decision_b_without_appeal_and_silence_counts_as_refusal(law, clock):
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("B"), "oa1")
    assert rit.until(2027, 2, 3).timers_fired == 1
    [draft] = law.work_items(case_id=rit.case.id)
    assert (draft.task, draft.due_on, draft.rule) == ("draft", date(2027, 7, 12), "T11")
    rit.do("draft", {"kind": "plan", "delivered_on": "2027-02-03", "valid_from": "2027-02-15",
                     "valid_until": "2027-06-30"}, "hr1")
    assert rit.until(2027, 2, 17, 23).timers_fired == 0
    assert rit.until(2027, 2, 18, 1).timers_fired == 1
    assert rit.tasks() == [("occupational_physician", "consider_referral")]
    rit.do("consider_referral", {"referred": False}, "oa1")
    assert rit.tasks() == [] and rit.state() == "completed"
    assert ("T13", date(2027, 2, 17), "missed") in rit.deadlines()
    assert ("T09", date(2027, 2, 2), "met") in rit.deadlines()


def test_T08_a_late_assessment_is_missed_and_escalated(law, clock):
    rit = Trajectory(law, clock)
    rit.examined()
    assert rit.until(2027, 2, 23).timers_fired == 1
    assert rit.tasks() == [("occupational_physician", "assess"),
                           ("occupational_physician", "explain_late_assessment")]
    assert rit.deadlines() == [("T08", date(2027, 2, 22), "missed")]


def test_decision_c_ends_the_trajectory(law, clock):
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("C"), "oa1")
    assert rit.state() == "completed" and rit.tasks() == []


def test_T06_three_missed_invitations_end_the_trajectory_and_the_second_is_reported(law, clock):
    rit = Trajectory(law, clock)
    rit.do("record_request", REQUEST, "oa1")
    rit.until(2027, 1, 5)
    for n, (invited, next_allowed) in enumerate([("2027-01-05", (2027, 1, 20)), ("2027-01-20", (2027, 2, 4)),
                                                 ("2027-02-04", None)], start=1):
        rit.do("send_invitation", {"invited_on": invited, "appointment_on": invited}, "oa1")
        rit.do("record_attendance", {"attended": False, "absence_justified": False}, "oa1")
        if n == 2:
            assert ("advisory_physician", "note_absence") in rit.tasks()
            rit.do("note_absence", {"noted_on": "2027-01-20"}, "aa1")
        if next_allowed:
            assert rit.until(*next_allowed, hour=0).timers_fired == 0
            assert rit.until(*next_allowed, hour=1).timers_fired == 1
    assert rit.state() == "completed" and rit.tasks() == []
    assert [(r, s) for r, _, s in rit.deadlines()] == [("T06", "met"), ("T06", "met")]
