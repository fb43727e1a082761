"""Medical force majeure (art. 34 Arbeidsovereenkomstenwet, art. I.4-82/1), driven on the engine's clock."""

from __future__ import annotations

from datetime import date

import pytest

import engine
from tests.scenarios.conftest import Scenario, at

NOTIFICATION = {"notified_on": "2027-03-01", "notified_by": "employer", "mandatory_content_included": True,
                "adapted_work_requested": False}
FINDING = {"definitively_unfit": True, "decided_on": "2027-03-22", "worker_received_on": "2027-03-23",
           "employer_received_on": "2027-03-23", "medical_justification": "(medical)"}


PLAN = {"kind": "plan", "consulted_on": "2027-05-13", "valid_from": "2027-06-01", "valid_until": "2027-12-31",
        "measures": [{"measure": "Office work, four hours a day."}]}


class ForceMajeure(Scenario):
    """Plays one case's force-majeure procedure."""

    def __init__(self, law: engine.Engine, clock: engine.SettableClock, reference: str = "MFM-1") -> None:
        self.law, self.clock = law, clock
        clock.set(at(2027, 3, 1))
        self.case = law.open_case(reference=reference, employee="Cas", employer="Acme NV",
                                  first_day_of_incapacity=date(2026, 6, 1), actor="hr1", with_follow_up=False)
        self.instance = law.start(self.case.id, "medical_force_majeure", {}, actor="hr1")

    def tasks(self) -> list[str]:
        return sorted(i.task for i in self.law.work_items(case_id=self.case.id))

    def found_unfit(self, notification: dict = NOTIFICATION) -> None:
        self.do("record_notification", notification)
        assert self.tasks() == []
        assert self.until(2027, 3, 11, 23, 59, 59).timers_fired == 0
        assert self.until(2027, 3, 12, 0).timers_fired == 1
        self.do("send_first_invitation", {"invited_on": "2027-03-12", "appointment_on": "2027-03-22"})
        self.until(2027, 3, 22)
        self.do("record_attendance", {"attended": True})
        self.do("finding", FINDING)
        self.do("inform_advisory_physician", {"advisory_physician_informed_on": "2027-03-22"})

    def finding_final(self) -> None:
        """The appeal window (T41, worker's receipt 23 March) closes on 13 April; the employer confirms."""
        assert self.until(2027, 4, 14, 1).timers_fired == 1
        assert self.tasks() == ["confirm_appeal"]
        self.do("confirm_appeal", {"appeal_arrived": False})

    def terminated(self) -> None:
        """No adapted work asked, no late request, no appeal: the employer terminates on 15 April."""
        self.found_unfit()
        self.until(2027, 3, 31, 1)
        self.do("confirm_late_request", {"request_arrived": False})
        self.finding_final()
        self.until(2027, 4, 15)
        self.do("terminate", {"terminate": True, "terminated_on": "2027-04-15"})

    def conditions_described(self) -> None:
        """Adapted work asked in the notification, no appeal, the OA's conditions on 13 May (T44's last day)."""
        self.found_unfit({**NOTIFICATION, "adapted_work_requested": True})
        self.do("decide_appeal", {"appeal": False})
        self.finding_final()
        self.until(2027, 5, 13)
        self.do("describe_adapted_work", {"delivered_on": "2027-05-13", "conditions": "Office work, 4 hours."})

    def deadline_states(self) -> dict[str, str]:
        return {d.rule: d.state for d in self.law.deadlines(self.case.id)}

    def end(self) -> str:
        trace = self.law.trace(self.instance.id)
        return trace.instance.state


def test_T37_T41_T43_no_adapted_work_request_then_termination_and_T47(law, clock):
    mfm = ForceMajeure(law, clock)
    mfm.found_unfit()
    assert mfm.tasks() == ["ask_adapted_work"]
    assert mfm.until(2027, 3, 31, 1).timers_fired == 1
    assert mfm.tasks() == ["confirm_late_request"]
    mfm.do("confirm_late_request", {"request_arrived": False})
    assert mfm.tasks() == ["decide_appeal"]
    mfm.finding_final()
    assert mfm.tasks() == ["terminate"]
    mfm.until(2027, 4, 15)
    mfm.do("terminate", {"terminate": True, "terminated_on": "2027-04-15"})
    [fund] = law.work_items(case_id=mfm.case.id)
    assert (fund.task, fund.due_on, fund.rule) == ("notify_fund", date(2027, 5, 30), "T47")
    mfm.until(2027, 4, 20)
    mfm.do("notify_fund", {"notified_on": "2027-04-20", "contribution_paid": True})
    assert mfm.end() == "completed"
    assert mfm.deadline_states() == {"T37": "met", "T39": "met", "T40": "met", "T43": "met", "T41": "met",
                                     "T47": "met"}


def test_T44_T45_T46_adapted_work_requested_and_the_plan_accepted_keeps_the_contract(law, clock):
    mfm = ForceMajeure(law, clock)
    mfm.found_unfit({**NOTIFICATION, "adapted_work_requested": True})
    assert mfm.tasks() == ["decide_appeal"]
    mfm.do("decide_appeal", {"appeal": False})
    mfm.finding_final()
    [conditions] = law.work_items(case_id=mfm.case.id)
    assert (conditions.task, conditions.due_on, conditions.rule) == ("describe_adapted_work", date(2027, 5, 13),
                                                                     "T44")
    mfm.until(2027, 5, 13)
    mfm.do("describe_adapted_work", {"delivered_on": "2027-05-13", "conditions": "Office work, 4 hours."})
    [draft] = law.work_items(case_id=mfm.case.id)
    assert (draft.task, draft.due_on, draft.rule) == ("draft", date(2028, 5, 13), "T45")
    mfm.do("draft", {**PLAN, "delivered_on": "2027-05-13"})
    [reply] = law.work_items(case_id=mfm.case.id)
    assert (reply.task, reply.due_on, reply.rule) == ("reply", date(2027, 5, 27), "T46")
    mfm.do("reply", {"decision": "accept", "replied_on": "2027-05-13"})
    assert mfm.end() == "completed" and mfm.tasks() == []


def test_T42_an_appeal_that_overturns_the_finding_ends_the_procedure(law, clock):
    mfm = ForceMajeure(law, clock)
    mfm.found_unfit({**NOTIFICATION, "adapted_work_requested": True})
    mfm.do("decide_appeal", {"appeal": True, "lodged_on": "2027-03-22"})
    [inspector] = law.work_items(case_id=mfm.case.id)
    assert (inspector.role, inspector.due_on, inspector.rule) == ("medical_inspector", date(2027, 5, 3), "T42")
    mfm.do("decide", {"outcome": "reversed", "decided_on": "2027-03-22", "parties_received_on": "2027-03-23"})
    assert mfm.end() == "completed" and mfm.tasks() == []
    assert mfm.deadline_states()["T42"] == "met"


def test_a_late_adapted_work_request_and_a_refused_plan_allow_termination(law, clock):
    mfm = ForceMajeure(law, clock)
    mfm.found_unfit()
    mfm.until(2027, 3, 25)
    mfm.do("ask_adapted_work", {"late_request": True, "requested_on": "2027-03-25"})
    mfm.do("decide_appeal", {"appeal": False})
    mfm.finding_final()
    [conditions] = law.work_items(case_id=mfm.case.id)
    assert conditions.due_on == date(2027, 5, 13)
    mfm.until(2027, 5, 13)
    mfm.do("describe_adapted_work", {"delivered_on": "2027-05-13", "conditions": "None possible."})
    mfm.do("draft", {**PLAN, "delivered_on": "2027-05-13"})
    mfm.do("reply", {"decision": "refuse", "replied_on": "2027-05-13", "reasons": "Too far."})
    assert mfm.tasks() == ["terminate"]
    mfm.do("terminate", {"terminate": False})
    assert mfm.end() == "completed"


def test_an_employer_notification_without_the_mandatory_content_is_defective(law, clock):
    mfm = ForceMajeure(law, clock)
    mfm.do("record_notification", {**NOTIFICATION, "mandatory_content_included": False})
    assert mfm.end() == "completed" and law.next_due() is None


def test_no_force_majeure_while_a_trajectory_runs_and_no_trajectory_while_force_majeure_runs(law, clock):
    mfm = ForceMajeure(law, clock)
    with pytest.raises(engine.NotAllowed) as refused:
        law.start(mfm.case.id, "formal_reintegration", {}, role="employee", actor="an")
    assert refused.value.details[0]["rule"] == "0.7"
    other = law.open_case(reference="MFM-2", employee="Dirk", employer="Acme NV",
                          first_day_of_incapacity=date(2026, 6, 1), actor="hr1", with_follow_up=False)
    law.start(other.id, "formal_reintegration", {}, role="employee", actor="dirk")
    with pytest.raises(engine.NotAllowed) as reverse:
        law.start(other.id, "medical_force_majeure", {}, actor="hr1")
    assert reverse.value.details[0]["rule"] == "0.7"


@pytest.mark.parametrize(("today", "first_day", "allowed_from"), [
    (date(2027, 3, 1), date(2026, 10, 1), "2027-04-01"),   # 6 months since 2026
    (date(2025, 9, 1), date(2025, 1, 1), "2025-10-01"),    # 9 months before 2026
    (date(2025, 12, 1), date(2025, 5, 1), "2026-01-01"),   # 9 months would end in 2026, when 6 months apply
])
def test_T36_force_majeure_needs_six_months_of_incapacity_nine_before_2026(law, clock, today, first_day,
                                                                           allowed_from):
    """T36: art. 34 Arbeidsovereenkomstenwet; 9 months until 31 Dec 2025, 6 months since 1 Jan 2026."""
    clock.set(at(today.year, today.month, today.day))
    case = law.open_case(reference="MFM-3", employee="Eva", employer="Acme NV", first_day_of_incapacity=first_day,
                         actor="hr1", with_follow_up=False)
    with pytest.raises(engine.NotAllowed) as refused:
        law.start(case.id, "medical_force_majeure", {}, actor="hr1")
    assert refused.value.details[0] == {"rule": "T36", "allowed_from": allowed_from}


def test_T38_T40_a_missed_invitation_waits_14_days_and_a_late_finding_is_escalated(law, clock):
    mfm = ForceMajeure(law, clock)
    mfm.do("record_notification", NOTIFICATION)
    mfm.until(2027, 3, 12, 1)
    mfm.do("send_first_invitation", {"invited_on": "2027-03-12", "appointment_on": "2027-03-19"})
    mfm.do("record_attendance", {"attended": False, "absence_justified": True})
    assert mfm.tasks() == []
    assert mfm.until(2027, 3, 26, 23, 59, 59).timers_fired == 0
    assert mfm.until(2027, 3, 27, 0).timers_fired == 1
    mfm.do("send_invitation", {"invited_on": "2027-03-27", "appointment_on": "2027-04-02"})
    mfm.do("record_attendance", {"attended": True})
    [finding] = law.work_items(case_id=mfm.case.id)
    assert (finding.task, finding.due_on, finding.rule) == ("finding", date(2027, 6, 1), "T40")
    assert mfm.until(2027, 6, 2).timers_fired == 1
    assert mfm.tasks() == ["explain_late_finding", "finding"]
    assert mfm.deadline_states()["T40"] == "missed"
    assert mfm.deadline_states()["T38"] == "met"
    assert mfm.deadline_states()["T39"] == "met"


def test_T39_no_response_within_three_months_of_the_first_invitation_abandons_the_procedure(law, clock):
    mfm = ForceMajeure(law, clock)
    mfm.do("record_notification", NOTIFICATION)
    mfm.until(2027, 3, 12, 1)
    mfm.do("send_first_invitation", {"invited_on": "2027-03-12", "appointment_on": "2027-03-19"})
    [attendance] = law.work_items(case_id=mfm.case.id)
    assert (attendance.due_on, attendance.rule) == (date(2027, 6, 12), "T39")
    mfm.do("record_attendance", {"attended": False, "absence_justified": False})
    assert mfm.until(2027, 3, 27, 1).timers_fired == 1
    assert mfm.tasks() == ["send_invitation"]
    assert mfm.until(2027, 6, 13, 1).timers_fired == 1
    assert mfm.end() == "completed" and mfm.tasks() == []
    assert mfm.deadline_states()["T39"] == "missed"


def test_T46_T46b_termination_opens_only_after_silence_confirmed_twice(law, clock):
    """T46 and T46b (Corrections after review, unverified): silence on the plan is a refusal only after a new
    invitation and a second confirmed silence; only then may the employer terminate (step 4.7)."""
    mfm = ForceMajeure(law, clock)
    mfm.conditions_described()
    mfm.do("draft", {**PLAN, "delivered_on": "2027-05-13"})
    assert mfm.until(2027, 5, 28, 1).timers_fired == 1
    assert mfm.tasks() == ["confirm_reply"]
    mfm.do("confirm_reply", {"reply_arrived": False})
    mfm.do("reinvite", {"reinvited_on": "2027-05-28", "reinvitation_received_on": "2027-05-28"})
    [again] = law.work_items(case_id=mfm.case.id)
    assert (again.task, again.due_on, again.rule) == ("reply_again", date(2027, 6, 11), "T46b")
    assert mfm.until(2027, 6, 12, 1).timers_fired == 1
    assert mfm.tasks() == ["confirm_silence"]
    mfm.do("confirm_silence", {"reply_arrived": False})
    assert mfm.tasks() == ["terminate"]


def test_C47_a_termination_never_follows_on_the_day_the_motivated_report_is_handed_over(law, clock):
    """Step 4.7: after a motivated report the termination opens the day after it was handed over."""
    mfm = ForceMajeure(law, clock)
    mfm.conditions_described()
    mfm.do("draft", {"kind": "report", "delivered_on": "2027-05-13", "consulted_on": "2027-05-12",
                     "report_reasons": "No adapted work exists in a two-person bakery."})
    assert mfm.tasks() == []
    assert mfm.until(2027, 5, 13, 23).timers_fired == 0
    assert mfm.until(2027, 5, 14, 1).timers_fired == 1
    assert mfm.tasks() == ["terminate"]


def test_T41_an_appeal_posted_in_time_and_recorded_after_the_window_reopens_the_appeal(law, clock):
    """T41: no termination opens on the window's expiry; the employer records an appeal posted on the last day
    (13 April) and the medical inspector decides (T42)."""
    mfm = ForceMajeure(law, clock)
    mfm.found_unfit({**NOTIFICATION, "adapted_work_requested": True})
    assert mfm.until(2027, 4, 14, 1).timers_fired == 1
    assert mfm.tasks() == ["confirm_appeal"]
    mfm.do("confirm_appeal", {"appeal_arrived": True, "lodged_on": "2027-04-13"})
    assert mfm.tasks() == ["decide"]


def test_T43_a_late_request_posted_in_time_and_recorded_after_the_window_counts(law, clock):
    """T43: a request for adapted work posted within 7 days of receipt of the finding is examined even when the
    occupational physician records it after the window closed; T44 then counts from the finding becoming final."""
    mfm = ForceMajeure(law, clock)
    mfm.found_unfit()
    assert mfm.until(2027, 3, 31, 1).timers_fired == 1
    mfm.do("confirm_late_request", {"request_arrived": True, "requested_on": "2027-03-30"})
    mfm.finding_final()
    [conditions] = law.work_items(case_id=mfm.case.id)
    assert (conditions.task, conditions.due_on, conditions.rule) == ("describe_adapted_work", date(2027, 5, 13),
                                                                     "T44")


def test_T43_a_request_recorded_before_the_sweep_but_posted_late_does_not_count(law, clock):
    """T43: posted on 31 March, the day after the window (30 March): the worker made no request in time."""
    mfm = ForceMajeure(law, clock)
    mfm.found_unfit()
    clock.set(at(2027, 3, 31, 8))
    mfm.do("ask_adapted_work", {"late_request": True, "requested_on": "2027-03-31"})
    mfm.finding_final()
    assert mfm.tasks() == ["terminate"]


def test_art_34_the_worker_may_invoke_force_majeure_and_end_the_contract(law, clock):
    """Corrections after review: either party may invoke medical force majeure; a worker who notified decides on
    ending the contract, and no Return-to-Work Fund contribution (T47) follows."""
    mfm = ForceMajeure(law, clock)
    mfm.found_unfit({**NOTIFICATION, "notified_by": "employee", "mandatory_content_included": False})
    assert mfm.until(2027, 3, 31, 1).timers_fired == 1
    mfm.do("confirm_late_request", {"request_arrived": False})
    mfm.finding_final()
    [decide] = law.work_items(case_id=mfm.case.id)
    assert (decide.role, decide.task) == ("employee", "terminate_by_worker")
    mfm.until(2027, 4, 15)
    mfm.do("terminate_by_worker", {"terminate": True, "terminated_on": "2027-04-15"})
    assert mfm.end() == "completed" and mfm.tasks() == []
    assert law.instance(mfm.instance.id).end_event == "end_terminated"
    assert "T47" not in mfm.deadline_states()


def test_step_4_3_the_occupational_physician_informs_the_advisory_physician_of_definitive_unfitness(law, clock):
    """Step 4.3 (Corrections after review): a finding of definitive unfitness is passed to the advisory physician."""
    mfm = ForceMajeure(law, clock)
    mfm.do("record_notification", NOTIFICATION)
    mfm.until(2027, 3, 12, 1)
    mfm.do("send_first_invitation", {"invited_on": "2027-03-12", "appointment_on": "2027-03-22"})
    mfm.until(2027, 3, 22)
    mfm.do("record_attendance", {"attended": True})
    mfm.do("finding", FINDING)
    items = {i.task: i.role for i in law.work_items(case_id=mfm.case.id)}
    assert items == {"inform_advisory_physician": "occupational_physician", "ask_adapted_work": "employee"}
