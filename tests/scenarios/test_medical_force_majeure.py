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
        assert self.until(2027, 3, 12, 0).timers_fired == 0
        assert self.until(2027, 3, 12, 1).timers_fired == 1
        self.do("send_first_invitation", {"invited_on": "2027-03-12", "appointment_on": "2027-03-22"})
        self.until(2027, 3, 22)
        self.do("record_attendance", {"attended": True})
        self.do("finding", FINDING)

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
    assert mfm.tasks() == ["decide_appeal"]
    assert mfm.until(2027, 4, 14, 1).timers_fired == 1
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
    [conditions] = law.work_items(case_id=mfm.case.id)
    assert (conditions.task, conditions.due_on, conditions.rule) == ("describe_adapted_work", date(2027, 3, 31),
                                                                     "T44")
    mfm.do("describe_adapted_work", {"delivered_on": "2027-03-22", "conditions": "Office work, 4 hours."})
    [draft] = law.work_items(case_id=mfm.case.id)
    assert (draft.task, draft.due_on, draft.rule) == ("draft", date(2028, 3, 22), "T45")
    mfm.do("draft", {"kind": "plan", "delivered_on": "2027-03-22"})
    [reply] = law.work_items(case_id=mfm.case.id)
    assert (reply.task, reply.due_on, reply.rule) == ("reply", date(2027, 4, 5), "T46")
    mfm.do("reply", {"decision": "accept"})
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
    [conditions] = law.work_items(case_id=mfm.case.id)
    assert conditions.due_on == date(2027, 4, 24)
    mfm.do("describe_adapted_work", {"delivered_on": "2027-03-25", "conditions": "None possible."})
    mfm.do("draft", {"kind": "plan", "delivered_on": "2027-03-25"})
    mfm.do("reply", {"decision": "refuse", "reasons": "Too far."})
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
        law.start(mfm.case.id, "formal_reintegration", {"requested_by": "employee"}, actor="an")
    assert refused.value.details[0]["rule"] == "0.7"
    other = law.open_case(reference="MFM-2", employee="Dirk", employer="Acme NV",
                          first_day_of_incapacity=date(2026, 6, 1), actor="hr1", with_follow_up=False)
    law.start(other.id, "formal_reintegration", {"requested_by": "employee"}, actor="dirk")
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
    assert mfm.until(2027, 3, 27, 0).timers_fired == 0
    assert mfm.until(2027, 3, 27, 1).timers_fired == 1
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
