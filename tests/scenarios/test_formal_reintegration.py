"""The formal re-integration trajectory (art. I.4-72 ff.), driven on the engine's clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import engine
from tests.scenarios.conftest import Scenario, at
from tests.webui.conftest import LAW_PARTIES

REQUEST = {"request_received_on": "2027-01-04", "requested_by": "employee", "employer_informed_on": "2027-01-04",
           "advisory_physician_informed_on": "2027-01-04"}
INVITATION = {"invited_on": "2027-01-05", "appointment_on": "2027-01-12"}


def plan(delivered: str, **extra: str) -> dict:
    return {"kind": "plan", "delivered_on": delivered, "consulted_on": delivered, "valid_from": delivered,
            "valid_until": "2027-12-31", "measures": [{"measure": "Mornings only, no lifting."}], **extra}


def report(delivered: str) -> dict:
    return {"kind": "report", "delivered_on": delivered, "report_reasons": "No adapted work.",
            "consulted_on": delivered, "consulted": "Worker, occupational physician"}


def decision(letter: str, on: str = "2027-01-12") -> dict:
    return {"decision": letter, "decided_on": on, "conditions": "Half days, no lifting.",
            "medical_justification": "(medical)", "employer_received_on": on, "employee_received_on": on}


class Trajectory(Scenario):
    """Plays one case's trajectory as the people involved would."""

    def __init__(self, law: engine.Engine, clock: engine.SettableClock, reference: str = "RIT-1") -> None:
        self.law, self.clock = law, clock
        clock.set(at(2027, 1, 4))
        self.case = law.open_case(reference=reference, employee="An Peeters", employer="Acme NV",
                                  first_day_of_incapacity=date(2026, 9, 1), actor="hr1", with_follow_up=False,
                                  parties={**LAW_PARTIES, "employee_account": "an"})
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
    rit.do("draft", plan("2027-02-01", adapted_or_other_work="Mornings only."), "hr1")
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
    rit.do("draft", report("2027-03-01"), "hr1")
    assert rit.tasks() == [("occupational_physician", "consider_referral")]
    rit.do("consider_referral", {"service": "VDAB", "referred_on": "2027-03-01"}, "oa1")
    assert rit.state() == "completed"
    assert ("T11", date(2027, 8, 26), "met") in rit.deadlines()
    assert ("T10", date(2027, 3, 3), "met") in rit.deadlines()
    assert ("T09", date(2027, 2, 2), "cancelled") in rit.deadlines()


def test_T13_T13b_silence_on_a_plan_is_a_refusal_only_after_a_new_invitation(law, clock):
    """T13 (art. I.4-72 ff.) and T13b (Corrections after review, unverified): after 14 days without an answer
    the employer confirms that nothing arrived and invites the worker again; only continued silence, confirmed
    once more, counts as refusal. Decision B with no appeal: the decision is final only once the employer
    confirmed that no appeal arrived (T09)."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("B"), "oa1")
    assert rit.until(2027, 2, 3).timers_fired == 1
    assert rit.tasks() == [("employer", "confirm_appeal")]
    rit.do("confirm_appeal", {"appeal_arrived": False}, "hr1")
    [draft] = law.work_items(case_id=rit.case.id)
    assert (draft.task, draft.due_on, draft.rule) == ("draft", date(2027, 7, 12), "T11")
    rit.do("draft", plan("2027-02-03"), "hr1")
    assert rit.until(2027, 2, 17, 23).timers_fired == 0
    assert rit.until(2027, 2, 18, 1).timers_fired == 1
    assert rit.tasks() == [("employer", "confirm_reply")]
    rit.do("confirm_reply", {"reply_arrived": False}, "hr1")
    rit.until(2027, 2, 19)
    rit.do("reinvite", {"reinvited_on": "2027-02-18", "reinvitation_received_on": "2027-02-19"}, "hr1")
    [again] = law.work_items(case_id=rit.case.id)
    assert (again.role, again.task, again.due_on, again.rule) == ("employee", "reply_again", date(2027, 3, 5), "T13b")
    assert rit.until(2027, 3, 6, 1).timers_fired == 1
    assert rit.tasks() == [("employer", "confirm_silence")]
    rit.do("confirm_silence", {"reply_arrived": False}, "hr1")
    assert rit.tasks() == [("occupational_physician", "consider_referral")]
    rit.do("consider_referral", {"service": "VDAB", "referred_on": "2027-03-06"}, "oa1")
    assert rit.tasks() == [] and rit.state() == "completed"
    assert law.instance(rit.instance.id).end_event == "end_refused"
    assert ("T13", date(2027, 2, 17), "missed") in rit.deadlines()
    assert ("T13b", date(2027, 3, 5), "missed") in rit.deadlines()
    assert ("T09", date(2027, 2, 2), "met") in rit.deadlines()


def test_T13_a_reply_posted_in_time_and_recorded_after_the_window_takes_the_timely_path(law, clock):
    """T13: the date that counts is the day the reply was posted; the employer records it when it arrives."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("A"), "oa1")
    rit.until(2027, 2, 1)
    rit.do("draft", plan("2027-02-01"), "hr1")
    assert rit.until(2027, 2, 16, 1).timers_fired == 1
    rit.do("confirm_reply", {"reply_arrived": True, "decision": "accept", "replied_on": "2027-02-15"}, "hr1")
    assert rit.tasks() == [("employer", "execute_plan")]
    [reply_term] = [d for d in law.deadlines(rit.case.id) if d.rule == "T13"]
    assert (reply_term.state, reply_term.first_state, reply_term.act_on) == ("met", "missed", date(2027, 2, 15))


def test_T13_a_refusal_states_its_reasons_and_a_plan_its_measures_and_validity(law, clock):
    """T13 (S8: a refusal is motivated); step 1.6: a plan lists its measures and period of validity, a motivated
    report its reasons, and both the date of the consultation with the worker and the occupational physician."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("A"), "oa1")
    with pytest.raises(engine.InvalidInput) as bare_plan:
        rit.do("draft", {"kind": "plan", "delivered_on": "2027-01-12"}, "hr1")
    assert {"measures", "valid_from", "valid_until", "consulted_on"} <= set(bare_plan.value.fields)
    with pytest.raises(engine.InvalidInput) as bare_report:
        rit.do("draft", {"kind": "report", "delivered_on": "2027-01-12", "report_reasons": " "}, "hr1")
    assert {"report_reasons", "consulted_on"} <= set(bare_report.value.fields)
    rit.do("draft", plan("2027-01-12"), "hr1")
    with pytest.raises(engine.InvalidInput) as unmotivated:
        rit.do("reply", {"decision": "refuse", "replied_on": "2027-01-12"}, "an")
    assert set(unmotivated.value.fields) == {"reasons"}


def test_T12_the_employer_term_ends_when_the_plan_is_handed_over(law, clock):
    """T12: 63 days for the plan; the worker's reply has its own term (T13) and its own row, and the worker's
    inbox shows the worker's term."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("A"), "oa1")
    rit.until(2027, 3, 10)
    rit.do("draft", plan("2027-03-10"), "hr1")
    assert ("T12", date(2027, 3, 16), "met") in rit.deadlines()
    [reply] = law.work_items(case_id=rit.case.id)
    assert (reply.task, reply.due_on, reply.rule) == ("reply", date(2027, 3, 24), "T13")
    assert rit.until(2027, 3, 17, 1).timers_fired == 0
    assert rit.tasks() == [("employee", "reply")]


def test_1_8_a_referral_is_required_after_decision_b_without_an_accepted_plan(law, clock):
    """Step 1.8 (Corrections after review): definitively unfit (B) and a refused plan: the occupational physician
    must refer the worker to the regional employment service. The plan reply's own "decision" does not replace
    the trajectory's decision B (call-activity outputs are mapped explicitly)."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("B"), "oa1")
    rit.do("decide_appeal", {"appeal": True, "lodged_on": "2027-01-12"}, "an")
    rit.until(2027, 1, 21)
    rit.do("decide", {"outcome": "confirmed", "decided_on": "2027-01-20", "parties_received_on": "2027-01-21"},
           "inspector1")
    rit.do("draft", plan("2027-01-21"), "hr1")
    rit.do("reply", {"decision": "refuse", "replied_on": "2027-01-21", "reasons": "Too far from home."}, "an")
    assert rit.tasks() == [("occupational_physician", "consider_referral")]
    with pytest.raises(engine.InvalidInput) as empty:
        rit.do("consider_referral", {}, "oa1")
    assert set(empty.value.fields) == {"service", "referred_on"}


def test_T12_the_plan_term_shows_the_assessment_date_beside_the_receipt(law, clock):
    """T12 (Corrections after review): the term follows the employer's receipt of form A (12 January → 16 March);
    its explanation also says what counting from the assessment (8 January) would give. The examination is on
    7 January: a decision cannot come before it (forms/DATE_RULES.md)."""
    rit = Trajectory(law, clock)
    rit.do("record_request", REQUEST, "oa1")
    rit.until(2027, 1, 5)
    rit.do("send_invitation", {**INVITATION, "appointment_on": "2027-01-07"}, "oa1")
    rit.until(2027, 1, 12)
    rit.do("record_attendance", {"attended": True}, "oa1")
    rit.do("assess", {**decision("A"), "decided_on": "2027-01-08"}, "oa1")
    [term] = [d for d in law.deadlines(rit.case.id) if d.rule == "T12"]
    assert term.due_on == date(2027, 3, 16) and "assessment" in term.explanation and "2027-03-12" in term.explanation


def test_1_8_no_referral_is_offered_after_decision_a(law, clock):
    """Step 1.8: after decision A (temporarily unfit) a refused plan ends the trajectory without a referral."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("A"), "oa1")
    rit.do("draft", plan("2027-01-12"), "hr1")
    rit.do("reply", {"decision": "refuse", "replied_on": "2027-01-12", "reasons": "Too far from home."}, "an")
    assert rit.tasks() == [] and rit.state() == "completed"
    assert law.instance(rit.instance.id).end_event == "end_refused"


def test_T09_an_appeal_posted_in_time_and_recorded_after_the_window_is_heard(law, clock):
    """T09 (art. I.4-80): the employer, who receives a copy, records an appeal posted on the last day."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("B"), "oa1")
    assert rit.until(2027, 2, 3).timers_fired == 1
    rit.do("confirm_appeal", {"appeal_arrived": True, "lodged_on": "2027-02-02"}, "hr1")
    [inspector] = law.work_items(case_id=rit.case.id)
    assert (inspector.role, inspector.task, inspector.due_on, inspector.rule) == (
        "medical_inspector", "decide", date(2027, 3, 16), "T10")


def test_T09_an_appeal_recorded_before_the_sweep_but_posted_late_is_out_of_time(law, clock):
    """T09: recorded before the server fired the timer, but posted the day after the window: decision B final."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("B"), "oa1")
    clock.set(at(2027, 2, 3, 8))
    rit.do("decide_appeal", {"appeal": True, "lodged_on": "2027-02-03"}, "an")
    assert rit.tasks() == [("employer", "draft")]


def test_T09_a_worker_who_waives_the_appeal_keeps_the_window_until_it_closes(law, clock):
    """T09: "no appeal" does not shorten the window; the decision is final when it closes and the employer
    confirmed that nothing arrived (step 1.5: the plan term of decision B starts after the window)."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("B"), "oa1")
    rit.do("decide_appeal", {"appeal": False}, "an")
    assert rit.tasks() == []
    assert rit.until(2027, 2, 2, 23).timers_fired == 0
    assert rit.until(2027, 2, 3, 1).timers_fired == 1
    assert rit.tasks() == [("employer", "confirm_appeal")]


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


def test_T07_a_justified_absence_does_not_count_towards_the_three_invitations(law, clock):
    """T06/T07 (Corrections after review, step 1.3): three unanswered invitations end the trajectory; an
    invitation missed with a justified absence is not one of them. At the end the occupational physician informs
    the employer and the advisory physician."""
    rit = Trajectory(law, clock)
    rit.do("record_request", REQUEST, "oa1")
    rit.until(2027, 1, 5)
    days = [(2027, 1, 5), (2027, 1, 20), (2027, 2, 4), (2027, 2, 19)]
    for n, day in enumerate(days):
        rit.until(*day, hour=1)
        invited = date(*day).isoformat()
        rit.do("send_invitation", {"invited_on": invited, "appointment_on": invited}, "oa1")
        rit.do("record_attendance", {"attended": False, "absence_justified": n == 1}, "oa1")
        if n == 2:
            rit.do("note_absence", {"noted_on": invited}, "aa1")
    assert rit.tasks() == [("occupational_physician", "inform_no_response")]
    rit.do("inform_no_response", {"employer_informed_on": "2027-02-19", "advisory_physician_informed_on":
                                  "2027-02-19"}, "oa1")
    assert rit.state() == "completed"
    assert law.instance(rit.instance.id).end_event == "end_no_response"


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
            day_before = date(*next_allowed) - timedelta(days=1)
            assert rit.until(day_before.year, day_before.month, day_before.day, 23, 59, 59).timers_fired == 0
            assert rit.until(*next_allowed, hour=0).timers_fired == 1
    rit.do("inform_no_response", {"employer_informed_on": "2027-02-04", "advisory_physician_informed_on":
                                  "2027-02-04"}, "oa1")
    assert rit.state() == "completed" and rit.tasks() == []
    assert [(r, s) for r, _, s in rit.deadlines()] == [("T06", "met"), ("T06", "met")]
