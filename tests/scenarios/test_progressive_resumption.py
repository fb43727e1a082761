"""Progressive (part-time) resumption during incapacity: art. 100 §2 GVU-wet, KB 3 July 1996 art. 230 (T28–T32)."""

from __future__ import annotations

from datetime import date

import pytest

import engine
from tests.scenarios.conftest import Scenario, at

PLAN = {"planned_first_day": "2026-03-02", "regime": "fewer_hours_per_day", "work_fraction_percent": 50,
        "employer_agreed_on": "2026-02-16"}
DECISION = {"decided_on": "2026-03-20", "authorised": True, "authorised_fraction_percent": 50,
            "capacity_reduction_maintained": True, "reasons": "(medical)"}
AUTHORISATION = {"sent_on": "2026-03-24", "valid_from": "2026-03-02", "valid_until": "2028-03-01"}


class PartTime(Scenario):
    """Plays one worker's progressive resumption: incapacity since 5 January 2026, half-time work planned from
    Monday 2 March 2026, agreed with the employer on 16 February."""

    def __init__(self, law: engine.Engine, clock: engine.SettableClock, plan: dict = PLAN,
                 reference: str = "PR-1") -> None:
        self.law, self.clock = law, clock
        clock.set(at(2026, 2, 16))
        self.case = law.open_case(reference=reference, employee="Lies Wouters", employer="Acme NV",
                                  first_day_of_incapacity=date(2026, 1, 5), actor="hr1", with_follow_up=False)
        self.instance = law.start(self.case.id, "progressive_resumption", {}, actor="worker1")
        self.do("plan_resumption", plan)

    def verdicts(self) -> list[tuple[str, date, str]]:
        return sorted((d.rule, d.due_on, d.state) for d in self.law.deadlines(self.case.id))

    def requested(self, day: date) -> PartTime:
        """The request dated ``day``, recorded on that day or, for a late one, at the end of March."""
        self.until(2026, 3, 31) if day > date(2026, 3, 2) else self.until(day.year, day.month, day.day)
        self.do("submit_request", {"requested_on": day.isoformat()})
        return self

    def decided(self) -> PartTime:
        self.requested(date(2026, 2, 26))
        self.clock.set(at(2026, 3, 20, 11))
        self.do("decide", DECISION)
        return self

    def authorised(self) -> PartTime:
        self.decided()
        self.clock.set(at(2026, 3, 24))
        self.do("send_authorisation", AUTHORISATION)
        return self

    def reminded(self) -> PartTime:
        self.authorised()
        self.until(2028, 2, 2, 9)
        return self


def test_T28_the_request_is_due_the_working_day_before_the_first_part_time_day_and_shows_in_the_worker_inbox(
        law, clock):
    """T28: at the latest the working day before the first day (Monday 2 March → Friday 27 February)."""
    work = PartTime(law, clock)
    request = work.item("submit_request")
    assert (request.role, request.due_on, request.rule) == ("employee", date(2026, 2, 27), "T28")
    assert work.until(2026, 2, 27, 23).timers_fired == 0
    work.do("submit_request", {"requested_on": "2026-02-27"})
    assert work.tasks() == [("advisory_physician", "decide")]
    assert ("T28", date(2026, 2, 27), "met") in work.verdicts()


def test_T28_the_working_day_before_skips_easter_monday(law, clock):
    """T28: a first day on Tuesday 7 April 2026 needs the request by Friday 3 April (Easter Monday skipped)."""
    request = PartTime(law, clock, {**PLAN, "planned_first_day": "2026-04-07"}).item("submit_request")
    assert (request.due_on, request.rule) == (date(2026, 4, 3), "T28")
    assert "Easter Monday" in (request.explanation or "")


def test_T28_a_missing_request_is_missed_and_one_recorded_late_but_dated_in_time_is_met(law, clock):
    """T28: the timer marks the request late; the verdict follows the request's date, not the recording order."""
    work = PartTime(law, clock)
    clock.set(at(2026, 2, 28, 0, 0, 1))
    assert law.fire_due_timers().timers_fired == 1
    assert ("T28", date(2026, 2, 27), "missed") in work.verdicts()
    work.until(2026, 3, 3)
    work.do("submit_request", {"requested_on": "2026-02-27"})  # posted in time, recorded later
    assert ("T28", date(2026, 2, 27), "met") in work.verdicts()
    assert work.tasks() == [("advisory_physician", "decide")]


def test_T29_a_request_at_most_14_days_late_reduces_the_benefit_by_10_percent_until_the_request(law, clock):
    """T29: requested on 16 March for a first day on 2 March: 14 days late, the benefit is reduced."""
    work = PartTime(law, clock).requested(date(2026, 3, 16))
    assert ("T28", date(2026, 2, 27), "missed") in work.verdicts()
    assert work.tasks() == [("advisory_physician", "record_benefit_reduction")]
    reduction = {"period_from": "2026-03-02", "period_until": "2026-03-16", "notified_on": "2026-03-20"}
    work.do("record_benefit_reduction", reduction, actor="aa1")
    recorded = [e for e in law.trace(work.instance.id).events if e.task == "record_benefit_reduction"]
    assert [e.after for e in recorded] == [reduction]
    assert work.tasks() == [("advisory_physician", "decide")]


def test_T29_a_request_more_than_14_days_late_has_the_benefits_of_the_unauthorised_period_recovered(law, clock):
    """T29: requested on 17 March for a first day on 2 March: beyond the grace, benefits are recovered."""
    work = PartTime(law, clock).requested(date(2026, 3, 17))
    assert work.tasks() == [("advisory_physician", "record_recovery")]
    assert ("T29", date(2026, 3, 16), "met") in work.verdicts()


def test_T29_the_consequence_follows_the_request_date_not_the_day_it_was_recorded(law, clock):
    """T29: a request dated 10 March but recorded on 31 March, after the grace ran out, only reduces the benefit."""
    work = PartTime(law, clock).requested(date(2026, 3, 10))
    assert work.tasks() == [("advisory_physician", "record_benefit_reduction")]


def test_T29_a_request_in_time_has_no_consequence(law, clock):
    assert PartTime(law, clock).requested(date(2026, 2, 25)).tasks() == [("advisory_physician", "decide")]


def test_T30_the_advisory_physician_decides_by_the_30th_working_day_from_the_first_day(law, clock):
    """T30: counted from Monday 2 March itself, Easter Monday skipped: due Monday 13 April 2026."""
    work = PartTime(law, clock).requested(date(2026, 2, 26))
    decision = work.item("decide")
    assert (decision.role, decision.due_on, decision.rule) == ("advisory_physician", date(2026, 4, 13), "T30")
    assert work.until(2026, 4, 13, 23).timers_fired == 0
    work.do("decide", {**DECISION, "decided_on": "2026-04-13"}, actor="aa1")
    assert ("T30", date(2026, 4, 13), "met") in work.verdicts()
    assert work.tasks() == [("advisory_physician", "send_authorisation")]


def test_T30_a_late_advisory_physician_is_escalated_and_the_decision_is_missed(law, clock):
    work = PartTime(law, clock).requested(date(2026, 2, 26))
    clock.set(at(2026, 4, 14, 0, 0, 1))
    assert law.fire_due_timers().timers_fired == 1
    assert work.tasks() == [("advisory_physician", "decide"), ("advisory_physician", "explain_late_decision")]
    [late] = [d for d in law.deadlines(work.case.id) if d.rule == "T30"]
    assert (late.state, late.due_on) == ("missed", date(2026, 4, 13))
    assert "art. 100 §2" in late.legal_source
    work.do("decide", {**DECISION, "decided_on": "2026-04-14"}, actor="aa1")
    assert ("T30", date(2026, 4, 13), "missed") in work.verdicts()


def test_T30_a_refusal_ends_the_procedure(law, clock):
    work = PartTime(law, clock).requested(date(2026, 2, 26))
    work.until(2026, 3, 20)
    work.do("decide", {"decided_on": "2026-03-20", "authorised": False, "reasons": "(medical)"}, actor="aa1")
    assert law.instance(work.instance.id).end_event == "end_refused"


def test_T30_the_decision_cannot_be_dated_before_the_request(law, clock):
    work = PartTime(law, clock).requested(date(2026, 2, 26))
    work.until(2026, 3, 20)
    with pytest.raises(engine.InvalidInput) as refused:
        work.do("decide", {**DECISION, "decided_on": "2026-02-25"}, actor="aa1")
    assert "decided_on" in refused.value.fields


def test_T31_the_authorisation_is_sent_within_7_days_of_the_decision(law, clock):
    """T31: decided Friday 20 March, sent by Friday 27 March."""
    work = PartTime(law, clock).decided()
    mailing = work.item("send_authorisation")
    assert (mailing.due_on, mailing.rule) == (date(2026, 3, 27), "T31")
    work.until(2026, 3, 24)
    work.do("send_authorisation", AUTHORISATION, actor="aa1")
    assert ("T31", date(2026, 3, 27), "met") in work.verdicts()
    assert work.tasks() == []


def test_T31_a_late_mailing_is_escalated_and_missed(law, clock):
    work = PartTime(law, clock).decided()
    clock.set(at(2026, 3, 28, 0, 0, 1))
    assert law.fire_due_timers().timers_fired == 1
    assert ("advisory_physician", "explain_late_mailing") in work.tasks()
    work.until(2026, 3, 30)
    work.do("send_authorisation", {**AUTHORISATION, "sent_on": "2026-03-30"}, actor="aa1")
    assert ("T31", date(2026, 3, 27), "missed") in work.verdicts()


def test_T32_the_worker_is_reminded_a_month_before_the_authorisation_ends(law, clock):
    """T32b: valid until 1 March 2028, the renewal task opens on 2 February 2028 (reminder due 1 February)."""
    work = PartTime(law, clock).authorised()
    assert work.until(2028, 2, 1, 23).timers_fired == 0
    assert work.tasks() == []
    clock.set(at(2028, 2, 2, 0, 0, 1))
    assert law.fire_due_timers().timers_fired == 1
    assert work.tasks() == [("employee", "request_renewal")]


def test_T32_without_renewal_the_authorisation_runs_out_after_two_years(law, clock):
    """T32: from 2 March 2026, at most 2 years: the authorisation runs out after 2 March 2028."""
    work = PartTime(law, clock).reminded()
    clock.set(at(2028, 3, 3, 0, 0, 1))
    assert law.fire_due_timers().timers_fired == 1
    assert law.instance(work.instance.id).end_event == "end_lapsed"
    assert ("T32", date(2028, 3, 2), "met") in work.verdicts()


def test_T32_a_renewal_is_a_new_request_with_its_own_terms(law, clock):
    """T32: renewable; the renewed period from 2 March 2028 needs a request by Wednesday 1 March 2028 (T28)."""
    work = PartTime(law, clock).reminded()
    work.do("request_renewal", {"renewal_wanted": True, "renewal_first_day": "2028-03-02"})
    request = work.item("submit_request")
    assert (request.due_on, request.rule) == (date(2028, 3, 1), "T28")
    work.do("submit_request", {"requested_on": "2028-02-02"})
    assert (work.item("decide").rule, work.item("decide").due_on) == ("T30", date(2028, 4, 12))
    assert [d.state for d in law.deadlines(work.case.id) if d.rule == "T28"] == ["met", "met"]


def test_T32_a_worker_who_does_not_renew_ends_the_procedure(law, clock):
    work = PartTime(law, clock).reminded()
    work.do("request_renewal", {"renewal_wanted": False})
    assert law.instance(work.instance.id).end_event == "end_not_renewed"


def test_a_renewal_without_its_first_day_is_refused(law, clock):
    work = PartTime(law, clock).reminded()
    with pytest.raises(engine.InvalidInput) as refused:
        work.do("request_renewal", {"renewal_wanted": True})
    assert "renewal_first_day" in refused.value.fields
