"""Rules across procedures, enforced when a procedure is started: refusals name the rule and the date."""

from __future__ import annotations

from datetime import date

import pytest

import engine
from tests.scenarios.conftest import PROCESSES, at, certificate
from tests.scenarios.test_formal_reintegration import REQUEST, Trajectory, decision


def refusal(law: engine.Engine, case_id: int, process_id: str, data: dict, **starter: str | None) -> dict:
    """The rule that refuses the start; ``starter`` holds the requester's ``role`` and an employer's ``route``."""
    with pytest.raises(engine.NotAllowed) as refused:
        law.start(case_id, process_id, data, actor="hr1", **starter)
    return refused.value.details[0]


def test_T14_a_new_trajectory_waits_three_months_after_decision_c(law, clock):
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("C", "2027-01-12"), "oa1")
    assert refusal(law, rit.case.id, "formal_reintegration", {}, role="employee") == {
        "rule": "T14", "allowed_from": "2027-04-12"}
    clock.set(at(2027, 4, 11, 23))
    assert refusal(law, rit.case.id, "formal_reintegration", {}, role="employee")["rule"] == "T14"
    clock.set(at(2027, 4, 12, 8))
    assert law.start(rit.case.id, "formal_reintegration", {}, role="employee", actor="oa1").state == "running"


def test_T14_good_reasons_are_the_occupational_physicians_call_on_the_recorded_request(law, clock):
    """T14: a new trajectory within 3 months of decision C needs good reasons found by the occupational physician.

    A flag in the starter's data is no such finding (it is refused as start data); the physician records it with
    the request.
    """
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("C", "2027-01-12"), "oa1")
    with pytest.raises(engine.InvalidInput) as flagged:
        law.start(rit.case.id, "formal_reintegration", {"good_reasons_after_decision_c": True}, role="employee",
                  actor="an")
    assert list(flagged.value.fields) == ["good_reasons_after_decision_c"]
    assert refusal(law, rit.case.id, "formal_reintegration", {}, role="employee")["rule"] == "T14"
    clock.set(at(2027, 2, 1))
    early = law.start(rit.case.id, "formal_reintegration", {}, role="occupational_physician", actor="oa1")
    rit.do("record_request", {**REQUEST, "request_received_on": "2027-02-01"}, "oa1")
    rit.do("inform_not_admissible", {"requester_informed_on": "2027-02-01"}, "oa1")
    assert (law.instance(early.id).state, end_of(law, early.id)) == ("completed", "end_not_admissible")
    again = law.start(rit.case.id, "formal_reintegration", {}, role="occupational_physician", actor="oa1")
    rit.do("record_request", {**REQUEST, "request_received_on": "2027-02-01", "good_reasons_after_decision_c": True},
           "oa1")
    assert law.instance(again.id).state == "running" and rit.tasks() == [("occupational_physician", "send_invitation")]


def end_of(law: engine.Engine, instance_id: int) -> str | None:
    """The end event an instance reached, as a compliance officer finds it."""
    admin = law.create_user(username=f"auditor{instance_id}", password="long enough password", display_name="Au",
                            roles=["admin"], actor="test")
    return next(r.end_event for r in law.find_instances(user_id=admin.id).rows if r.id == instance_id)


def employer_case(law: engine.Engine, clock: engine.SettableClock, today: date, first_day: date) -> engine.CaseView:
    clock.set(at(today.year, today.month, today.day))
    return law.open_case(reference="EMP-1", employee="Bo", employer="Acme NV", first_day_of_incapacity=first_day,
                         actor="hr1", with_follow_up=False)


@pytest.mark.parametrize(("today", "first_day", "route", "allowed_from"), [
    (date(2027, 2, 28), date(2026, 12, 1), "three_months", "2027-03-01"),
    (date(2027, 3, 1), date(2026, 12, 1), "three_months", None),         # 3 months after 1 December 2026
    (date(2027, 1, 15), date(2026, 12, 1), "certificate", None),         # evidence follows with the request
    (date(2027, 1, 15), date(2026, 12, 1), "consent", None),             # 2026 rules
    (date(2027, 1, 15), date(2026, 12, 1), "work_potential", None),      # 2026 rules
    (date(2025, 12, 15), date(2025, 10, 1), "consent", "2026-01-01"),    # 2022 rules: consent is not enough
])
def test_T04_the_employer_starts_by_a_route_the_law_allows_on_the_day(law, clock, today, first_day, route,
                                                                       allowed_from):
    """T04, art. I.4-72 ff. and the corrections after review: 3 months, a certificate, (2026) consent or potential."""
    case = employer_case(law, clock, today, first_day)
    if allowed_from is None:
        assert law.start(case.id, "formal_reintegration", role="employer", route=route, actor="hr1").state == "running"
    else:
        refused = refusal(law, case.id, "formal_reintegration", {}, role="employer", route=route)
        assert (refused["rule"], refused["allowed_from"], refused["route"]) == ("T04", allowed_from, route)


def test_T04_consent_or_a_certificate_flagged_in_the_start_data_is_no_evidence(law, clock):
    """T04: consent and certificates are evidence recorded with a date, never a flag in the start data."""
    case = employer_case(law, clock, date(2027, 1, 15), date(2026, 12, 1))
    for flag in ("employee_consent", "definitive_unfitness_certificate"):
        with pytest.raises(engine.InvalidInput) as flagged:
            law.start(case.id, "formal_reintegration", {flag: True}, role="employer", actor="hr1")
        assert list(flagged.value.fields) == [flag]
    refused = refusal(law, case.id, "formal_reintegration", {}, role="employer")
    assert (refused["rule"], refused["allowed_from"]) == ("T04", "2027-03-01")


@pytest.mark.parametrize(("evidence", "admissible"), [
    ({}, False),
    ({"certificate_received_on": "2027-01-09"}, True),
    ({"certificate_received_on": "2027-01-12"}, False),   # handed over after the request: not evidence on its date
    ({"employee_consent_on": "2027-01-10"}, True),
    ({"work_potential_estimated_on": "2027-01-08"}, True),
])
def test_T04_the_requester_recorded_by_the_occupational_physician_counts_on_the_requests_date(law, clock, evidence,
                                                                                              admissible):
    """T04: whoever types the request in, an employer's request before 3 months needs dated evidence.

    A request that was not allowed on its date still arrived: the trajectory ends at "Request not admissible".
    """
    case = employer_case(law, clock, date(2027, 1, 15), date(2026, 12, 1))
    started = law.start(case.id, "formal_reintegration", {}, role="occupational_physician", actor="oa1")
    [record] = law.work_items(case_id=case.id)
    if "certificate_received_on" in evidence:
        evidence = {**evidence, **certificate(law, case.id)}
    law.complete(record.id, {"request_received_on": "2027-01-10", "requested_by": "employer", **evidence},
                 actor="oa1")
    tasks = [i.task for i in law.work_items(case_id=case.id)]
    if admissible:
        assert tasks == ["send_invitation"]
    else:
        assert tasks == ["inform_not_admissible"]
        [notice] = law.work_items(case_id=case.id)
        law.complete(notice.id, {"requester_informed_on": "2027-01-15", "employee_informed_on": "2027-01-15"},
                     actor="oa1")
        assert law.instance(started.id).state == "completed"
        assert end_of(law, started.id) == "end_not_admissible"


NOTIFIED = {"notified_by": "employer", "mandatory_content_included": True, "adapted_work_requested": False}


def test_0_7_refusal_names_the_running_procedure(law, clock):
    """0.7: no trajectory while a force-majeure procedure runs; the refusal says which procedure blocks it."""
    case = employer_case(law, clock, date(2027, 3, 1), date(2026, 6, 1))
    running = law.start(case.id, "medical_force_majeure", {}, actor="hr1")
    with pytest.raises(engine.NotAllowed) as refused:
        law.start(case.id, "formal_reintegration", {}, role="employee", actor="an")
    assert refused.value.details[0] == {"rule": "0.7", "allowed_from": None,
                                        "blocking_process": "medical_force_majeure", "blocking_instance": running.id}
    blocking = f"medical_force_majeure (instance {running.id}, started on 2027-03-01) is running"
    assert blocking in str(refused.value)


@pytest.mark.parametrize(("notified_on", "accepted"), [("2026-03-31", False), ("2026-04-01", True)])
def test_T36_threshold_follows_the_notification_date(law, clock, notified_on, accepted):
    """T36: the threshold (6 months since 2026, 9 before) is judged on the notification's recorded date.

    The procedure is started on 10 April 2026 for an incapacity since 1 October 2025; a notification
    received on 31 March 2026 came before the 6 months were over and is refused at its date.
    """
    case = employer_case(law, clock, date(2026, 4, 10), date(2025, 10, 1))
    law.start(case.id, "medical_force_majeure", {}, actor="hr1")
    [record] = law.work_items(case_id=case.id)
    notification = {**NOTIFIED, "notified_on": notified_on}
    if accepted:
        law.complete(record.id, notification, actor="hr1")
        assert [i.task for i in law.work_items(case_id=case.id)] == []
    else:
        with pytest.raises(engine.InvalidInput) as refused:
            law.complete(record.id, notification, actor="hr1")
        assert list(refused.value.fields) == ["notified_on"]
        assert "allowed from 2026-04-01" in refused.value.fields["notified_on"][0]


def test_T36_the_case_file_row_and_the_start_check_agree(law, clock):
    """T36 and point 8: the regime follows the legal facts, never the day the case was opened.

    An incapacity since 1 October 2025, its case opened on 15 December 2025: 6 months (the regime in force
    on the day the threshold is reached) give 1 April 2026 in the clock's row and in the start check alike.
    """
    clock.set(at(2025, 12, 15))
    case = law.open_case(reference="LATE-1", employee="Lien", employer="Acme NV",
                         first_day_of_incapacity=date(2025, 10, 1), actor="hr1")
    [row] = [d for d in law.deadlines(case.id) if d.rule == "T36"]
    clock.set(at(2026, 2, 1))
    refused = refusal(law, case.id, "medical_force_majeure", {})
    assert (row.due_on.isoformat(), refused["rule"], refused["allowed_from"]) == ("2026-04-01", "T36", "2026-04-01")


def test_T02_T03_T05_a_late_case_counts_its_duties_from_the_first_day_not_the_opening_day(law, clock):
    """Point 8 and the Corrections after review: the 2026 duties (T02, T03, T05) count from the first day of
    incapacity, not from the day the case was opened, and apply to every incapacity running in 2026.

    An incapacity that began on 1 December 2025 and still runs in 2026 gets the 2026 duties counted from its first
    day (the estimate of T03 was due on 26 January 2026); one that began on 5 January 2026 and was opened on
    1 April 2026 shows T02 and T03 already due, and they fire at once.
    """
    clock.set(at(2026, 4, 1))
    old = law.open_case(reference="LATE-2", employee="Mo", employer="Acme NV",
                        first_day_of_incapacity=date(2025, 12, 1), actor="hr1")
    old_rows = {d.rule: d.due_on for d in law.deadlines(old.id)}
    assert (old_rows["T02"], old_rows["T03"]) == (date(2025, 12, 29), date(2026, 1, 26))
    new = law.open_case(reference="LATE-3", employee="Noor", employer="Acme NV",
                        first_day_of_incapacity=date(2026, 1, 5), actor="hr1")
    rows = {d.rule: d for d in law.deadlines(new.id)}
    assert (rows["T02"].due_on, rows["T03"].due_on) == (date(2026, 2, 2), date(2026, 3, 2))
    assert "Already elapsed when computed on 2026-04-01" in rows["T02"].explanation
    law.fire_due_timers()
    assert {"notify_oa", "ask_estimate"} <= {i.task for i in law.work_items(case_id=new.id)}
    assert "ask_estimate" in {i.task for i in law.work_items(case_id=old.id)}


def test_T39_new_force_majeure_needs_a_new_period(law, clock):
    """T39 and the corrections on medical force majeure: after a procedure abandoned for no response, a new one
    needs a new period of incapacity; the refusal names the rule and what would allow it."""
    case = employer_case(law, clock, date(2027, 3, 1), date(2026, 6, 1))
    first = law.start(case.id, "medical_force_majeure", {}, actor="hr1")
    [record] = law.work_items(case_id=case.id)
    law.complete(record.id, {**NOTIFIED, "notified_on": "2027-03-01"}, actor="hr1")
    clock.set(at(2027, 3, 12, 1))
    law.fire_due_timers()
    [invite] = law.work_items(case_id=case.id)
    law.complete(invite.id, {"invited_on": "2027-03-12", "appointment_on": "2027-03-19"}, actor="oa1")
    clock.set(at(2027, 6, 13, 1))
    law.fire_due_timers()
    assert law.instance(first.id).state == "completed" and end_of(law, first.id) in ("end_abandoned",
                                                                                     "end_window_closed")
    with pytest.raises(engine.NotAllowed) as refused:
        law.start(case.id, "medical_force_majeure", {}, actor="hr1")
    assert refused.value.details[0] == {"rule": "T39", "allowed_from": None, "abandoned_instance": first.id}
    assert "a new period of incapacity has begun" in str(refused.value)
    law.deliver(case.id, "work_resumed", {"resumed_on": "2027-06-14"}, actor="hr1")
    clock.set(at(2027, 7, 1))
    law.deliver(case.id, "incapacity_relapse", {"relapsed_on": "2027-07-01"}, actor="hr1")
    assert refusal(law, case.id, "medical_force_majeure", {}) == {"rule": "T36", "allowed_from": "2028-01-01"}
    clock.set(at(2028, 1, 1))
    assert law.start(case.id, "medical_force_majeure", {}, actor="hr1").state == "running"


@pytest.mark.parametrize(("is_on", "refused"), [(True, None), (False, {"rule": "T04", "allowed_from": None,
                                                                      "route": "three_months"})])
def test_T04_the_employers_three_month_route_in_2026_is_a_setting(database_url, clock, is_on, refused):
    """T04, corrections after review: whether the 3-month route survives in 2026 is unsettled; on by default."""
    law = engine.Engine(database_url, clock=clock, policy=engine.Policy(employer_three_month_route_2026=is_on))
    law.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    try:
        case = employer_case(law, clock, date(2027, 3, 1), date(2026, 12, 1))
        starter = {"role": "employer", "route": "three_months"}
        if refused is None:
            assert law.start(case.id, "formal_reintegration", actor="hr1", **starter).state == "running"
        else:
            assert refusal(law, case.id, "formal_reintegration", {}, **starter) == refused
    finally:
        law.close()
