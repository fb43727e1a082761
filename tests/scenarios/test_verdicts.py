"""Verdicts follow the legal date of the act, never the order in which the server processed things (issue 12).

T08: the occupational physician assesses within 49 calendar days of receiving the request (art. I.4-73 §2).
The request is received on 4 January 2027, so the term ends on 22 February; the timer fires at midnight.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import engine
from tests.scenarios.test_formal_reintegration import Trajectory, decision, plan

YEAR_2027 = {"period_from": date(2027, 1, 1), "period_to": date(2027, 12, 31)}


def officer(law: engine.Engine) -> int:
    return law.create_user(username="co1", password="correct horse battery", display_name="Officer",
                           roles=["compliance_officer"], organisations=[], actor="test").id


def t08(law: engine.Engine, case_id: int) -> engine.DeadlineView:
    return next(d for d in law.deadlines(case_id) if d.rule == "T08")


def everywhere(law: engine.Engine, rit: Trajectory) -> dict[str, object]:
    """The T08 verdict as the case file, the dashboard, the evidence pack, the trace and the annual evaluation
    show it."""
    reader = officer(law)
    [rule] = [r for r in law.deadline_dashboard(user_id=reader, **YEAR_2027).rules if r.rule == "T08"]
    pack = json.loads(law.evidence_json(law.evidence_pack(rit.case.id, user_id=reader))[0])
    [packed] = [d for d in pack["deadlines"] if d["rule"] == "T08"]
    [traced] = [v for v in law.instance_trace(rit.instance.id, user_id=reader).deadlines if v.deadline.rule == "T08"]
    missed = law.annual_evaluation("Acme NV", 2027, user_id=reader).missed
    tally = rule.total.tally
    return {"case": t08(law, rit.case.id).state, "dashboard": (tally.met, tally.missed, tally.corrected),
            "evidence": (packed["state"], packed["first_state"], packed["act_on"]), "trace": traced.verdict,
            "annual": missed}


def test_T08_an_assessment_recorded_after_the_timer_fired_but_dated_in_time_is_met_everywhere(law, clock):
    """T08: the timer fired on 23 February (escalation, first verdict missed); the assessment decided on
    20 February and recorded on the 24th corrects the verdict to met, with its history kept."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.until(2027, 2, 23)
    assert t08(law, rit.case.id).state == "missed"
    assert ("occupational_physician", "explain_late_assessment") in rit.tasks()
    rit.until(2027, 2, 24)
    rit.do("assess", decision("C", on="2027-02-20"), "oa1")
    row = t08(law, rit.case.id)
    assert (row.state, row.first_state, row.act_on, row.closed_on) == (
        "met", "missed", date(2027, 2, 20), date(2027, 2, 20))
    assert row.corrected_by == "oa1" and row.corrected_at is not None
    assert everywhere(law, rit) == {"case": "met", "dashboard": (1, 0, 1),
                                    "evidence": ("met", "missed", "2027-02-20"), "trace": "met",
                                    "annual": Counter()}
    [event] = [e for e in law.audit_trail(f"instance:{rit.instance.id}") if e.action == "deadline_verdict_corrected"]
    assert (event.actor, event.after["first_verdict"], event.after["verdict"]) == ("oa1", "missed", "met")
    assert event.after["reason"].startswith("act dated 2027-02-20 recorded on 2027-02-24")


def test_T08_an_assessment_recorded_before_the_sweep_but_dated_after_the_due_date_is_missed_everywhere(law, clock):
    """T08: the clock is past the due date and no timer has fired yet; the assessment recorded now is dated
    23 February, a day late, so the term is missed whatever the server did first."""
    rit = Trajectory(law, clock)
    rit.examined()
    clock.set(clock.now().replace(year=2027, month=2, day=23, hour=10))
    rit.do("assess", decision("C", on="2027-02-23"), "oa1")
    row = t08(law, rit.case.id)
    assert (row.state, row.first_state, row.act_on, row.closed_on) == ("missed", None, date(2027, 2, 23),
                                                                        date(2027, 2, 23))
    assert everywhere(law, rit) == {"case": "missed", "dashboard": (0, 1, 0),
                                    "evidence": ("missed", None, "2027-02-23"), "trace": "missed",
                                    "annual": Counter({"T08": 1})}


def test_T08_an_assessment_recorded_late_and_dated_late_stays_missed_without_correction(law, clock):
    """T08: recorded after the timer fired and dated after the due date: missed, counted to the act's date."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.until(2027, 2, 25)
    rit.do("assess", decision("C", on="2027-02-25"), "oa1")
    row = t08(law, rit.case.id)
    assert (row.state, row.first_state, row.act_on, row.closed_on) == ("missed", None, date(2027, 2, 25),
                                                                        date(2027, 2, 25))
    assert not [e for e in law.audit_trail(f"instance:{rit.instance.id}") if e.action == "deadline_verdict_corrected"]


def test_T12_a_plan_handed_over_in_time_but_recorded_after_the_timer_is_met_at_hand_over(law, clock):
    """T12: plan or report within 63 days of the employer's receipt of form A (12 January → 16 March). The timer
    guards the employer's own task in the called process; its act date is the plan's ``delivered_on``. T13: a reply
    recorded by the employer after its window closed, dated in time, corrects the worker's term to met."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("A"), "oa1")
    rit.until(2027, 3, 17)
    assert {d.rule: d.state for d in law.deadlines(rit.case.id)}["T12"] == "missed"
    rit.until(2027, 3, 18)
    rit.do("draft", plan("2027-03-15"), "hr1")
    rows = {d.rule: d for d in law.deadlines(rit.case.id)}
    assert (rows["T12"].state, rows["T12"].first_state, rows["T12"].act_on) == ("met", "missed", date(2027, 3, 15))
    rit.do("reply", {"decision": "accept", "replied_on": "2027-03-18"}, "an")
    rows = {d.rule: d for d in law.deadlines(rit.case.id)}
    assert (rows["T13"].state, rows["T13"].act_on) == ("met", date(2027, 3, 18))
