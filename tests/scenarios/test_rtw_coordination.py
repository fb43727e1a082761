"""The back-to-work coordinator track of the sickness insurance, driven on the engine's clock."""

from __future__ import annotations

from datetime import date

import pytest

import engine
from tests.scenarios.conftest import Scenario, at


class Track(Scenario):
    """Plays one person's coordinator track; by default incapacity since Monday 5 October 2026."""

    def __init__(self, law: engine.Engine, clock: engine.SettableClock, data: dict, reference: str = "TNW-1", *,
                 first_day: date = date(2026, 10, 5), today: tuple[int, int, int] = (2026, 12, 14)):
        self.law, self.clock = law, clock
        clock.set(at(*today))
        self.case = law.open_case(reference=reference, employee="Dina", employer="Acme NV",
                                  first_day_of_incapacity=first_day, actor="aa1", with_follow_up=False)
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


def test_T27_route_c_counts_from_the_regional_services_question_to_the_mutuality(law, clock):
    """T27, step 3.3 route C: the mutuality confirms within 5 working days of the regional service's question."""
    tnw = Track(law, clock, {"entry": "invalidity", "asked_on": "2026-12-23"}, "TNW-C",
                first_day=date(2025, 10, 6), today=(2026, 12, 23))
    confirm = tnw.item("confirm_status")
    assert (confirm.role, confirm.due_on, confirm.rule) == ("advisory_physician", date(2026, 12, 31), "T27")
    assert tnw.until(2027, 1, 1, 1).timers_fired == 1  # 25 December skipped
    assert ("advisory_physician", "explain_late_status") in tnw.tasks()


def test_T34_route_c_before_a_year_of_incapacity_is_refused_with_the_day_invalidity_begins(law, clock):
    """T34, step 3.3 route C: only for persons in invalidity (more than a year), judged on the question's date."""
    clock.set(at(2027, 10, 10))
    case = law.open_case(reference="TNW-C1", employee="Dina", employer="Acme NV",
                         first_day_of_incapacity=date(2026, 10, 5), actor="aa1", with_follow_up=False)
    with pytest.raises(engine.NotAllowed) as refused:
        law.start(case.id, "rtw_coordination", {"entry": "invalidity", "asked_on": "2027-10-05"}, actor="aa1")
    assert refused.value.details == [{"rule": "T34", "allowed_from": "2027-10-06"}]
    started = law.start(case.id, "rtw_coordination", {"entry": "invalidity", "asked_on": "2027-10-06"}, actor="aa1")
    assert started.state == "running"


def test_T24_route_a_advisory_physicians_referral_counts_from_the_referral_date(law, clock):
    """T24, step 3.3 route A: the advisory physician refers after the quickscan; first contact within a month."""
    tnw = Track(law, clock, {"entry": "advisory_physician_referral", "referred_on": "2027-01-29"}, "TNW-A",
                today=(2027, 2, 2))
    contact = tnw.item("first_contact")
    assert (contact.role, contact.due_on, contact.rule) == ("rtw_coordinator", date(2027, 2, 28), "T24")
    tnw.do("first_contact", {"contacted_on": "2027-02-02", "engaged": False})
    assert [(d.rule, d.state) for d in law.deadlines(tnw.case.id)] == [("T24", "met")]


def test_T24_route_b_worker_request_counts_from_the_request_date(law, clock):
    """T24, step 3.3 route B: the person's own request, possible from the first day; a month from the request."""
    tnw = Track(law, clock, {"entry": "request", "requested_on": "2026-10-05"}, "TNW-B", today=(2026, 10, 6))
    contact = tnw.item("first_contact")
    assert (contact.role, contact.due_on, contact.rule) == ("rtw_coordinator", date(2026, 11, 5), "T24")
    assert tnw.until(2026, 11, 6, 1).timers_fired == 1
    assert ("rtw_coordinator", "explain_late_contact") in tnw.tasks()
    tnw.do("first_contact", {"contacted_on": "2026-11-06", "engaged": False, "refused_without_reason": True})
    assert [(d.rule, d.state) for d in law.deadlines(tnw.case.id)] == [("T24", "missed")]
    started = law.audit_trail(f"instance:{tnw.instance.id}")[0]
    assert (started.action, started.actor, started.after["data"]) == (
        "started", "aa1", {"entry": "request", "requested_on": "2026-10-05"})


def test_T24_route_d_occupational_physicians_referral_counts_from_the_referral_date(law, clock):
    """T24, step 3.3 route D: the occupational physician refers to the coordinator; a month from the referral."""
    tnw = Track(law, clock, {"entry": "occupational_physician_referral", "referred_on": "2026-12-10"}, "TNW-D")
    contact = tnw.item("first_contact")
    assert (contact.role, contact.due_on, contact.rule) == ("rtw_coordinator", date(2027, 1, 10), "T24")


@pytest.mark.parametrize(("route", "field"), [("advisory_physician_referral", "referred_on"),
                                              ("request", "requested_on"), ("invalidity", "asked_on"),
                                              ("occupational_physician_referral", "referred_on")])
def test_T24_T27_a_route_started_without_its_date_is_refused_naming_the_field(law, clock, route, field):
    """T24/T27, step 3.3: each route's term counts from its recorded date, so a start without it is refused."""
    clock.set(at(2027, 12, 1))
    case = law.open_case(reference="TNW-X", employee="Dina", employer="Acme NV",
                         first_day_of_incapacity=date(2026, 10, 5), actor="aa1", with_follow_up=False)
    with pytest.raises(engine.InvalidInput) as refused:
        law.start(case.id, "rtw_coordination", {"entry": route}, actor="aa1")
    assert list(refused.value.fields) == [field]
    assert law.instances(case.id) == []


def test_T24_a_start_without_a_route_or_before_the_incapacity_is_refused_naming_the_field(law, clock):
    """T24, step 3.3: the track starts on a route the law names, dated within the incapacity (route B from day 1)."""
    clock.set(at(2026, 12, 1))
    case = law.open_case(reference="TNW-Y", employee="Dina", employer="Acme NV",
                         first_day_of_incapacity=date(2026, 10, 5), actor="aa1", with_follow_up=False)
    with pytest.raises(engine.InvalidInput) as no_route:
        law.start(case.id, "rtw_coordination", {}, actor="aa1")
    assert list(no_route.value.fields) == ["route"]
    with pytest.raises(engine.InvalidInput) as too_early:
        law.start(case.id, "rtw_coordination", {"entry": "request", "requested_on": "2026-10-04"}, actor="aa1")
    assert list(too_early.value.fields) == ["requested_on"]
