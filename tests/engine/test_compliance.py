"""The compliance cockpit: finding instances, the deadline dashboard and its drill-down, scoped per officer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

import engine
from engine.oversight.deadline_dashboard import Term, bucket, is_near_miss, month_periods, outcomes
from tests.scenarios.conftest import PROCESSES, at

YEAR_2027 = {"period_from": date(2027, 1, 1), "period_to": date(2027, 12, 31)}


@pytest.mark.parametrize(("days", "label"), [(-1, "0"), (0, "0"), (1, "1–2"), (2, "1–2"), (3, "3–7"), (7, "3–7"),
                                             (8, "8–14"), (14, "8–14"), (15, "15–30"), (30, "15–30"), (31, ">30")])
def test_margins_fall_in_their_bucket(days, label):
    assert bucket(days) == label


@pytest.mark.parametrize(("closed", "near"), [(date(2027, 1, 8), True), (date(2027, 1, 7), True),
                                              (date(2027, 1, 6), False)])
def test_a_near_miss_is_kept_within_the_last_tenth_of_the_term(closed, near):
    """T15 received 23 December, due 8 January: 16 days, so a margin of 1.6 days or less is a near miss."""
    assert is_near_miss(date(2026, 12, 23), date(2027, 1, 8), closed) is near


def term(state: str, due_on: date, closed_on: date | None = None) -> Term:
    return Term(1, "T15", "art. I.4-36", "Acme NV", "R", 1, "pre_return_visit", date(2026, 12, 23), due_on,
                state, closed_on)


@pytest.mark.parametrize(("row", "expected"), [
    (term("pending", date(2027, 1, 8)), {"pending"}),
    (term("pending", date(2027, 1, 7)), {"pending", "due"}),
    (term("missed", date(2027, 1, 7), date(2027, 1, 8)), {"due", "missed"}),
    (term("met", date(2027, 1, 8), date(2027, 1, 8)), {"due", "met", "near_miss"}),
    (term("met", date(2027, 1, 8), date(2026, 12, 28)), {"due", "met"}),
])
def test_a_deadline_counts_as_due_once_met_missed_or_its_due_day_is_over(row, expected):
    assert outcomes(row, today=date(2027, 1, 8)) == expected


def test_months_of_a_period_are_clipped_to_it():
    assert month_periods(date(2027, 1, 15), date(2027, 3, 2)) == [
        (date(2027, 1, 1), date(2027, 1, 15), date(2027, 1, 31)),
        (date(2027, 2, 1), date(2027, 2, 1), date(2027, 2, 28)),
        (date(2027, 3, 1), date(2027, 3, 1), date(2027, 3, 2))]


REQUEST = {"request_received_on": "2026-12-23", "requested_by": "employee",
           "employee_objects_to_informing_employer": False, "employer_informed_on": "2026-12-23"}
VISIT = {"visit_held": True, "workstation_examined": True, "employer_consulted": True,
         "recommendations": "Standing desk.", "medical_findings": "(medical)"}


@dataclass
class Played:
    """Four pre-return visits: Acme NV on time early (A1, completed) and on the last day (A2);
    Other NV late by four days (O1) and still pending (O2)."""

    law: engine.Engine
    ids: dict[str, int]
    users: dict[str, int]


@pytest.fixture
def played(database_url: str, clock: engine.SettableClock) -> Iterator[Played]:
    law = engine.Engine(database_url, clock=clock)
    law.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    ids = {}
    for name, employer, hour in (("A1", "Acme NV", 10), ("A2", "Acme NV", 11), ("O1", "Other NV", 12)):
        clock.set(at(2026, 12, 23, hour))
        ids[name] = request_visit(law, name, employer, REQUEST)
    clock.set(at(2026, 12, 28))
    do(law, ids["A1"], "hold_visit", {**VISIT, "held_on": "2026-12-28"})
    do(law, ids["A1"], "answer_recommendations", {"answered_on": "2026-12-28", "adaptations_agreed": True,
                                                  "answer": "Desk ordered."})
    clock.set(at(2027, 1, 5))
    ids["O2"] = request_visit(law, "O2", "Other NV", {**REQUEST, "request_received_on": "2027-01-05",
                                                      "employer_informed_on": "2027-01-05"})
    clock.set(at(2027, 1, 8, 15))
    do(law, ids["A2"], "hold_visit", {**VISIT, "held_on": "2027-01-08"})
    clock.set(at(2027, 1, 12))
    assert law.fire_due_timers().timers_fired == 1
    yield Played(law, ids, users(law))
    law.close()


def request_visit(law: engine.Engine, reference: str, employer: str, request: dict) -> int:
    case = law.open_case(reference=reference, employee="An", employer=employer,
                         first_day_of_incapacity=date(2026, 10, 5), actor="hr1", with_follow_up=False)
    instance = law.start(case.id, "pre_return_visit", {}, actor="oa1")
    do(law, instance.id, "record_request", request)
    return instance.id


def do(law: engine.Engine, instance_id: int, task: str, data: dict) -> None:
    item = next(i for i in law.work_items(state="ready") if i.instance_id == instance_id and i.task == task)
    law.complete(item.id, data, actor="oa1")


def users(law: engine.Engine) -> dict[str, int]:
    accounts = {"admin": (["admin"], []), "acme_officer": (["compliance_officer"], ["Acme NV"]),
                "officer": (["compliance_officer"], []), "hr": (["employer"], ["Acme NV"])}
    return {name: law.create_user(username=name, password="correct horse battery", display_name=name,
                                  roles=roles, organisations=orgs, actor="test").id
            for name, (roles, orgs) in accounts.items()}


def found(played: Played, user: str = "admin", **filters) -> list[str]:  # type: ignore[no-untyped-def]
    page = played.law.find_instances(user_id=played.users[user], **filters)
    names = {v: k for k, v in played.ids.items()}
    return [names[row.id] for row in page.rows]


def test_find_instances_lists_every_overseen_instance_newest_first_with_its_deadlines(played):
    page = played.law.find_instances(user_id=played.users["admin"])
    assert (page.total, page.page, page.per_page) == (4, 1, 50)
    assert found(played) == ["O2", "O1", "A2", "A1"]
    counts = {row.case_reference: (row.missed, row.met, row.pending) for row in page.rows}
    assert counts == {"O2": (0, 0, 1), "O1": (1, 0, 0), "A2": (0, 1, 0), "A1": (0, 1, 0)}
    a1 = page.rows[-1]
    assert (a1.employer, a1.process_id, a1.version, a1.state) == ("Acme NV", "pre_return_visit", 1, "completed")
    assert (a1.last_action, a1.last_task, a1.ended_at) == ("task_completed", "answer_recommendations",
                                                           at(2026, 12, 28))
    assert page.rows[0].last_action is None


@pytest.mark.parametrize(("filters", "expected"), [
    ({"state": "completed"}, ["A1"]),
    ({"state": "running"}, ["O2", "O1", "A2"]),
    ({"state": "failed"}, []),
    ({"organisation": "Other NV"}, ["O2", "O1"]),
    ({"has_missed_deadline": True}, ["O1"]),
    ({"has_missed_deadline": False}, ["O2", "A2", "A1"]),
    ({"started_from": date(2027, 1, 1)}, ["O2"]),
    ({"started_to": date(2026, 12, 31)}, ["O1", "A2", "A1"]),
    ({"started_from": date(2026, 12, 23), "started_to": date(2026, 12, 23)}, ["O1", "A2", "A1"]),
    ({"process_id": "pre_return_visit", "version": 1}, ["O2", "O1", "A2", "A1"]),
    ({"process_id": "formal_reintegration"}, []),
    ({"version": 2}, []),
    ({"organisation": "Other NV", "has_missed_deadline": False}, ["O2"]),
    ({"organisation": "Acme NV", "state": "running", "started_to": date(2026, 12, 31)}, ["A2"]),
])
def test_find_instances_filters(played, filters, expected):
    assert found(played, **filters) == expected


def test_a_completed_instance_keeps_the_end_event_it_reached(played):
    """A1's employer answered the recommendations: the visit ended at ``end_answered``."""
    [a1] = played.law.find_instances(user_id=played.users["admin"], state="completed").rows
    assert (a1.end_event, a1.end_event_name) == ("end_answered", "Employer answered")
    running = played.law.find_instances(user_id=played.users["admin"], state="running").rows
    assert {(row.end_event, row.end_event_name) for row in running} == {(None, None)}


@pytest.mark.parametrize(("filters", "expected"), [
    ({"end_event": "end_answered"}, ["A1"]),
    ({"process_id": "pre_return_visit", "end_event": "end_answered"}, ["A1"]),
    ({"process_id": "formal_reintegration", "end_event": "end_answered"}, []),
    ({"end_event": "end_closed"}, []),
])
def test_find_instances_by_how_they_ended(played, filters, expected):
    assert found(played, **filters) == expected


def test_the_ends_reached_are_listed_per_procedure_with_their_count(played):
    ended = engine.EndReached("pre_return_visit", "end_answered", "Employer answered", 1)
    assert played.law.ends_reached(user_id=played.users["admin"]) == (ended,)
    assert played.law.ends_reached(user_id=played.users["acme_officer"]) == (ended,)
    other = played.law.create_user(username="other_officer", password="correct horse battery", display_name="O",
                                   roles=["compliance_officer"], organisations=["Other NV"], actor="test")
    assert played.law.ends_reached(user_id=other.id) == ()
    with pytest.raises(engine.NotAllowed):
        played.law.ends_reached(user_id=played.users["hr"])


def test_find_instances_pages_in_the_database(played):
    second = played.law.find_instances(user_id=played.users["admin"], per_page=3, page=2)
    assert (second.total, [r.case_reference for r in second.rows]) == (4, ["A1"])
    assert (second.pages, second.has_previous, second.has_next) == (2, True, False)
    assert played.law.find_instances(user_id=played.users["admin"], per_page=3, page=5).rows == ()


def test_an_officer_of_one_employer_finds_only_its_instances(played):
    assert found(played, "acme_officer") == ["A2", "A1"]
    assert found(played, "acme_officer", organisation="Other NV") == []
    assert found(played, "officer") == ["O2", "O1", "A2", "A1"]


@pytest.mark.parametrize("filters", [{"state": "stuck"}, {"page": 0}, {"per_page": 0}, {"per_page": 1000}])
def test_a_bad_search_is_refused(played, filters):
    with pytest.raises(engine.InvalidInput):
        played.law.find_instances(user_id=played.users["admin"], **filters)


def test_only_overseers_may_search_or_see_the_dashboard(played):
    hr = played.users["hr"]
    with pytest.raises(engine.NotAllowed):
        played.law.find_instances(user_id=hr)
    with pytest.raises(engine.NotAllowed):
        played.law.deadline_dashboard(user_id=hr, **YEAR_2027)
    with pytest.raises(engine.NotAllowed):
        played.law.dashboard_drilldown(user_id=hr, rule="T15", outcome="due", **YEAR_2027)


def test_the_dashboard_counts_each_rule_per_organisation_and_month(played):
    """T15 (art. I.4-36): two visits met (one on the last day), one missed by four days, one pending."""
    board = played.law.deadline_dashboard(user_id=played.users["admin"], **YEAR_2027)
    assert board.today == date(2027, 1, 12)
    [t15] = board.rules
    assert (t15.rule, "I.4-36" in t15.legal_source) == ("T15", True)
    assert t15.total.tally == engine.Tally(due=3, met=2, missed=1, near_miss=1, pending=1)
    assert [(line.organisation, line.tally) for line in t15.organisations] == [
        ("Acme NV", engine.Tally(due=2, met=2, near_miss=1)),
        ("Other NV", engine.Tally(due=1, missed=1, pending=1))]
    assert [(line.month, line.period_from, line.period_to) for line in t15.months] == [
        (date(2027, 1, 1), date(2027, 1, 1), date(2027, 1, 31))]
    assert dict(t15.margins) == {"0": 1, "1–2": 0, "3–7": 0, "8–14": 1, "15–30": 0, ">30": 0}
    assert dict(t15.late_by)["3–7"] == 1


def test_the_dashboard_leaves_out_other_periods_procedures_and_organisations(played):
    admin = played.users["admin"]
    assert played.law.deadline_dashboard(user_id=admin, period_from=date(2026, 1, 1),
                                         period_to=date(2026, 12, 31)).rules == ()
    assert played.law.deadline_dashboard(user_id=admin, process_id="formal_reintegration", **YEAR_2027).rules == ()
    [t15] = played.law.deadline_dashboard(user_id=admin, organisation="Other NV", **YEAR_2027).rules
    assert t15.total.tally == engine.Tally(due=1, missed=1, pending=1)
    with pytest.raises(engine.InvalidInput):
        played.law.deadline_dashboard(user_id=admin, period_from=date(2027, 2, 1), period_to=date(2027, 1, 1))


def test_an_officer_of_one_employer_sees_only_its_numbers(played):
    [t15] = played.law.deadline_dashboard(user_id=played.users["acme_officer"], **YEAR_2027).rules
    assert t15.total.tally == engine.Tally(due=2, met=2, near_miss=1)
    assert [line.organisation for line in t15.organisations] == ["Acme NV"]
    assert played.law.dashboard_drilldown(user_id=played.users["acme_officer"], rule="T15", outcome="missed",
                                          **YEAR_2027) == []


def test_the_drilldown_lists_the_deadlines_behind_each_number(played):
    def drill(outcome: str, **extra) -> list:  # type: ignore[no-untyped-def]
        return played.law.dashboard_drilldown(user_id=played.users["admin"], rule="T15", outcome=outcome,
                                              **{**YEAR_2027, **extra})
    [near] = drill("near_miss")
    assert (near.case_reference, near.due_on, near.closed_on, near.margin_days, near.state) == (
        "A2", date(2027, 1, 8), date(2027, 1, 8), 0, "met")
    [late] = drill("missed")
    assert (late.case_reference, late.instance_id, late.closed_on, late.late_days) == (
        "O1", played.ids["O1"], date(2027, 1, 12), 4)
    assert sorted(r.case_reference for r in drill("due")) == ["A1", "A2", "O1"]
    assert [(r.case_reference, r.due_on) for r in drill("pending")] == [("O2", date(2027, 1, 19))]
    assert [r.case_reference for r in drill("met", organisation="Acme NV")] == ["A1", "A2"]
    with pytest.raises(engine.InvalidInput):
        drill("late")


def test_a_margin_counts_in_brussels_days_even_just_after_midnight_there(database_url, clock):
    """T15 due 8 January: a visit held at 00:30 in Brussels on the 8th (23:30 UTC on the 7th) had no day to spare."""
    law = engine.Engine(database_url, clock=clock)
    law.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    clock.set(at(2026, 12, 23))
    visit = request_visit(law, "N1", "Acme NV", REQUEST)
    clock.set(at(2027, 1, 8, 0, 30))
    do(law, visit, "hold_visit", {**VISIT, "held_on": "2027-01-08"})
    admin = users(law)["admin"]
    [t15] = law.deadline_dashboard(user_id=admin, **YEAR_2027).rules
    [kept] = law.dashboard_drilldown(user_id=admin, rule="T15", outcome="met", **YEAR_2027)
    law.close()
    assert dict(t15.margins) == {"0": 1, "1–2": 0, "3–7": 0, "8–14": 0, "15–30": 0, ">30": 0}
    assert (kept.closed_on, kept.margin_days) == (date(2027, 1, 8), 0)
