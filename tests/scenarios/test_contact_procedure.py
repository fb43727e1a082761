"""The 2026 contact procedure (step 2.3, art. I.4-71/2, T20): the employer keeps contact with the absent worker at
the cadence of its work regulations, records each contact, and sees a missed one overdue."""

from __future__ import annotations

from datetime import date

import pytest

import engine
from tests.scenarios.conftest import at, do

CONTACT = {"contacted_on": "2026-10-15", "means": "phone", "contacted_by": "Line manager B. Claes",
           "worker_reached": True, "notes": "Asked about the team outing; no news to share."}


def admin_sets_cadence(law: engine.Engine, employer: str, days: int | None) -> None:
    root = law.create_user(username="root", password="correct horse battery", display_name="Root", roles=["admin"],
                           actor="cli")
    org = law.administration.add_organisation(root.id, name=employer, kind="employer")
    law.administration.set_employer_policy(root.id, org.id, headcount=80, contact_every_days=days)


def opened(law: engine.Engine, first_day: date = date(2026, 10, 5), employer: str = "Acme NV") -> engine.CaseView:
    return law.open_case(reference="KC-1", employee="An Peeters", employer=employer, first_day_of_incapacity=first_day,
                         actor="hr1")


def contact_items(law: engine.Engine, case_id: int) -> list[engine.WorkItemView]:
    return [i for i in law.work_items(case_id=case_id) if i.process_id == "contact_procedure"]


def contact_instance(law: engine.Engine, case_id: int) -> engine.InstanceView:
    return next(i for i in law.instances(case_id) if i.process_id == "contact_procedure")


def test_T20_the_first_contact_is_due_the_employers_cadence_after_the_first_day(law, clock):
    """Acme NV's work regulations say every 14 days: the first contact is due 14 days after the first day."""
    clock.set(at(2026, 10, 6))
    admin_sets_cadence(law, "Acme NV", 14)
    case = opened(law)
    [item] = contact_items(law, case.id)
    assert (item.role, item.task, item.form, item.rule, item.due_on) == (
        "employer", "record_contact", "contact_record.json", "T20", date(2026, 10, 19))
    assert "art. I.4-71/2" in (item.legal_source or "")


def test_T20_without_a_cadence_in_the_work_regulations_the_default_is_28_days(law, clock):
    clock.set(at(2026, 10, 6))
    case = opened(law)
    [item] = contact_items(law, case.id)
    assert (item.rule, item.due_on) == ("T20", date(2026, 11, 2))


def test_T20_a_recorded_contact_moves_the_next_due_date(law, clock):
    clock.set(at(2026, 10, 6))
    admin_sets_cadence(law, "Acme NV", 14)
    case = opened(law)
    clock.set(at(2026, 10, 15))
    do(law, case.id, "record_contact", CONTACT, actor="hr1")
    [item] = contact_items(law, case.id)
    assert (item.task, item.due_on) == ("record_contact", date(2026, 10, 29))
    [first, second] = sorted((d for d in law.deadlines(case.id) if d.rule == "T20"), key=lambda d: d.due_on)
    assert (first.due_on, first.state, second.due_on, second.state) == (
        date(2026, 10, 19), "met", date(2026, 10, 29), "pending")
    assert contact_instance(law, case.id).state == "running"


def test_T20_a_contact_dated_before_the_previous_one_or_the_first_day_or_in_the_future_is_refused(law, clock):
    clock.set(at(2026, 10, 20))
    case = opened(law)
    for day in ("2026-10-04", "2026-10-21"):
        with pytest.raises(engine.InvalidInput) as refused:
            do(law, case.id, "record_contact", {**CONTACT, "contacted_on": day}, actor="hr1")
        assert "contacted_on" in refused.value.fields
    do(law, case.id, "record_contact", CONTACT, actor="hr1")
    with pytest.raises(engine.InvalidInput) as refused:
        do(law, case.id, "record_contact", {**CONTACT, "contacted_on": "2026-10-14"}, actor="hr1")
    assert "contacted_on" in refused.value.fields
    assert refused.value.labels["previous_contact_on"]["nl"] == "Vorig contact met de werknemer"
    do(law, case.id, "record_contact", {**CONTACT, "contacted_on": "2026-10-15"}, actor="hr1")


def test_T20_a_missed_contact_stays_open_overdue_and_counts_as_missed_on_the_dashboard(law, clock):
    clock.set(at(2026, 10, 6))
    admin_sets_cadence(law, "Acme NV", 14)
    case = opened(law)
    clock.set(at(2026, 10, 22))
    law.fire_due_timers()
    [item] = contact_items(law, case.id)
    assert (item.task, item.state, item.due_on, item.days_left) == ("record_contact", "ready", date(2026, 10, 19), -3)
    [missed] = [d for d in law.deadlines(case.id) if d.rule == "T20"]
    assert missed.state == "missed"
    officer = law.create_user(username="co1", password="correct horse battery", display_name="Officer",
                              roles=["compliance_officer"], organisations=["Acme NV"], actor="cli")
    board = law.deadline_dashboard(user_id=officer.id, period_from=date(2026, 10, 1), period_to=date(2026, 10, 31))
    [t20] = [r for r in board.rules if r.rule == "T20"]
    assert (t20.total.tally.due, t20.total.tally.missed) == (1, 1)
    [row] = law.dashboard_drilldown(user_id=officer.id, rule="T20", period_from=date(2026, 10, 1),
                                    period_to=date(2026, 10, 31), outcome="missed")
    assert (row.case_reference, row.process_id, row.due_on) == ("KC-1", "contact_procedure", date(2026, 10, 19))
    # the late contact, once made, is recorded and judged by its date; the next one counts from it
    do(law, case.id, "record_contact", {**CONTACT, "contacted_on": "2026-10-21"}, actor="hr1")
    assert [d.state for d in law.deadlines(case.id) if d.rule == "T20"][:1] == ["missed"]
    [item] = contact_items(law, case.id)
    assert item.due_on == date(2026, 11, 4)


def test_T20_the_contacts_stop_when_the_return_to_work_lasts(law, clock):
    clock.set(at(2026, 10, 6))
    case = opened(law)
    clock.set(at(2026, 10, 20))
    law.deliver(case.id, "work_resumed", {"resumed_on": "2026-10-20", "under_health_surveillance": False},
                actor="hr1")
    assert contact_items(law, case.id) == []
    assert [d.state for d in law.deadlines(case.id) if d.rule == "T20"] == ["cancelled"]
    clock.set(at(2026, 11, 4))
    law.fire_due_timers()
    instance = law.instance(contact_instance(law, case.id).id)
    assert (instance.state, instance.end_event) == ("completed", "end_back_at_work")


def test_T20_a_relapse_within_14_days_takes_the_contacts_up_from_the_relapse(law, clock):
    clock.set(at(2026, 10, 6))
    admin_sets_cadence(law, "Acme NV", 14)
    case = opened(law)
    clock.set(at(2026, 10, 20))
    law.deliver(case.id, "work_resumed", {"resumed_on": "2026-10-20", "under_health_surveillance": False},
                actor="hr1")
    clock.set(at(2026, 10, 26))
    law.deliver(case.id, "incapacity_relapse", {"relapsed_on": "2026-10-26"}, actor="hr1")
    [item] = contact_items(law, case.id)
    assert (item.task, item.due_on) == ("record_contact", date(2026, 11, 9))
    assert [i.process_id for i in law.instances(case.id)].count("contact_procedure") == 1


def test_T20_an_incapacity_under_the_earlier_rules_has_no_contact_procedure(law, clock):
    clock.set(at(2025, 6, 10))
    case = opened(law, first_day=date(2025, 6, 2))
    assert contact_items(law, case.id) == []
    instance = law.instance(contact_instance(law, case.id).id)
    assert (instance.state, instance.end_event) == ("completed", "end_not_2026")
    assert [d for d in law.deadlines(case.id) if d.rule == "T20"] == []


def test_T20_an_incapacity_that_began_in_2025_and_runs_in_2026_counts_its_first_contact_from_the_first_day(law, clock):
    """Corrections after review: the 2026 duties apply to incapacities running on or after 1 January 2026."""
    clock.set(at(2026, 1, 5))
    case = opened(law, first_day=date(2025, 12, 15))
    [item] = contact_items(law, case.id)
    assert (item.rule, item.due_on) == ("T20", date(2026, 1, 12))
