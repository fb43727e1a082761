"""The back-to-work coordinator track of the sickness insurance, driven on the engine's clock."""

from __future__ import annotations

from datetime import date

import engine
from tests.scenarios.conftest import Scenario, at


class Track(Scenario):
    """Plays one person's coordinator track; incapacity since Monday 5 October 2026."""

    def __init__(self, law: engine.Engine, clock: engine.SettableClock, data: dict, reference: str = "TNW-1"):
        self.law, self.clock = law, clock
        clock.set(at(2026, 12, 14))
        self.case = law.open_case(reference=reference, employee="Dina", employer="Acme NV",
                                  first_day_of_incapacity=date(2026, 10, 5), actor="aa1", with_follow_up=False)
        self.instance = law.start(self.case.id, "rtw_coordination", data, actor="aa1")



def test_T22_T23_T24_T25_T26_route_a_from_questionnaire_to_a_referral_to_the_occupational_physician(law, clock):
    tnw = Track(law, clock, {"entry": "questionnaire"})
    tnw.do("send_questionnaire", {"sent_on": "2026-12-14"})
    returned = tnw.item("return_questionnaire")
    assert (returned.role, returned.due_on, returned.rule) == ("employee", date(2026, 12, 28), "T22")
    tnw.do("return_questionnaire", {"returned_on": "2026-12-14", "expects_to_return": True, "wants_support": True})
    quickscan = tnw.item("quickscan")
    assert (quickscan.role, quickscan.due_on, quickscan.rule) == ("advisory_physician", date(2027, 2, 4), "T23")
    tnw.until(2027, 1, 20)
    tnw.do("quickscan", {"category": "4", "decided_on": "2027-01-20"})
    contact = tnw.item("first_contact")
    assert (contact.role, contact.due_on, contact.rule) == ("rtw_coordinator", date(2027, 2, 20), "T24")
    tnw.until(2027, 2, 1)
    tnw.do("first_contact", {"contacted_on": "2027-02-01", "engaged": True})
    plan = tnw.item("draft_plan")
    assert (plan.due_on, plan.rule) == (date(2027, 3, 1), "T25")
    tnw.do("draft_plan", {"drafted_on": "2027-02-01", "objectives": "Back at Acme, part time.",
                          "direction": "current_employer"})
    assert (tnw.item("follow_up").due_on, tnw.item("follow_up").rule) == (date(2027, 5, 1), "T26")
    tnw.until(2027, 4, 20)
    tnw.do("follow_up", {"met_on": "2027-04-20", "outcome": "continue"})
    assert tnw.item("follow_up").due_on == date(2027, 7, 20)
    tnw.do("follow_up", {"met_on": "2027-04-20", "outcome": "referral_occupational_physician"})
    assert tnw.state() == "completed"
    states = {(d.rule, d.state) for d in law.deadlines(tnw.case.id)}
    assert states == {("T22", "met"), ("T23", "met"), ("T24", "met"), ("T25", "met"), ("T26", "met")}


def test_T22_questionnaire_not_returned_flags_a_reduction_and_calls_in_the_coordinator(law, clock):
    tnw = Track(law, clock, {"entry": "questionnaire"})
    tnw.do("send_questionnaire", {"sent_on": "2026-12-14"})
    assert tnw.until(2026, 12, 29, 1).timers_fired == 1
    assert tnw.tasks() == [("rtw_coordinator", "contact_non_responder")]
    tnw.do("contact_non_responder", {"contacted_on": "2026-12-29", "valid_reason": False})
    assert tnw.tasks() == [("advisory_physician", "quickscan")]
    assert [(d.rule, d.state) for d in law.deadlines(tnw.case.id)] == [("T22", "missed"), ("T23", "pending")]
    tnw.do("quickscan", {"category": "1", "decided_on": "2026-12-29"})
    assert tnw.state() == "completed"


def test_T27_route_c_status_confirmation_within_five_working_days(law, clock):
    tnw = Track(law, clock, {"entry": "invalidity", "referred_on": "2026-12-23"}, "TNW-C")
    confirm = tnw.item("confirm_status")
    assert (confirm.due_on, confirm.rule) == (date(2026, 12, 31), "T27")  # 25 Dec skipped
    assert tnw.until(2027, 1, 1, 1).timers_fired == 1
    assert ("advisory_physician", "explain_late_status") in tnw.tasks()


def test_T24_route_b_first_contact_late_is_escalated(law, clock):
    tnw = Track(law, clock, {"entry": "request", "referred_on": "2026-12-14"}, "TNW-B")
    assert tnw.item("first_contact").due_on == date(2027, 1, 14)
    assert tnw.until(2027, 1, 15, 1).timers_fired == 1
    assert ("rtw_coordinator", "explain_late_contact") in tnw.tasks()
    tnw.do("first_contact", {"contacted_on": "2027-01-15", "engaged": False, "refused_without_reason": True})
    assert [(d.rule, d.state) for d in law.deadlines(tnw.case.id)] == [("T24", "missed")]
