"""The 2026 financial rules an employer's HR acts on (issue 16, point 5): the guaranteed-salary neutralisation after a
full return to work (T33) and the contribution of employers of 50 or more workers in months 2-3 (T35).

One instance of ``employer_obligations`` per period of incapacity (0.6): it starts with the case, and again for a new
period even while HR's records of the earlier one are still open; a relapse within 14 days starts nothing new.
"""

from __future__ import annotations

from datetime import date

import pytest

import engine
from tests.scenarios.conftest import at, do

FIRST_DAY = date(2026, 10, 5)
DECLARATION = {"declared_on": "2026-12-15", "months_concerned": "months_2_and_3", "reference": "DmfA 2026/4"}
RESUMED = {"resumed_on": "2026-11-02", "under_health_surveillance": False}
NEUTRALISATION = {"recorded_on": "2026-11-03", "basis": "full_resumption", "neutralised_from": "2026-11-03",
                  "neutralised_until": "2026-12-28", "payroll_reference": "PAY-17"}


def employer_of(law: engine.Engine, headcount: int | None, name: str = "Acme NV") -> None:
    """Acme NV declares ``headcount`` workers (None: not known), as an admin records it."""
    admin = law.create_user(username="root", password="correct horse battery", display_name="Root", roles=["admin"],
                            organisations=[], language="en", actor="test")
    organisation = law.administration.add_organisation(admin.id, name=name, kind="employer")
    law.administration.set_employer_policy(admin.id, organisation.id, headcount=headcount, contact_every_days=None)


def opened(law: engine.Engine, clock, headcount: int | None = 60, first_day: date = FIRST_DAY,  # type: ignore[no-untyped-def]
           reference: str = "EO-1") -> engine.CaseView:
    employer_of(law, headcount)
    clock.set(at(first_day.year, first_day.month, first_day.day))
    return law.open_case(reference=reference, employee="An Peeters", employer="Acme NV",
                         first_day_of_incapacity=first_day, actor="hr1")


def obligations(law: engine.Engine, case_id: int) -> list[engine.InstanceView]:
    return [i for i in law.instances(case_id) if i.process_id == "employer_obligations"]


def hr_tasks(law: engine.Engine, case_id: int) -> list[str]:
    return sorted(i.task for i in law.work_items(case_id=case_id) if i.process_id == "employer_obligations")


def item(law: engine.Engine, case_id: int, task: str) -> engine.WorkItemView:
    return next(i for i in law.work_items(case_id=case_id) if i.task == task)


def rows(law: engine.Engine, case_id: int, rule: str) -> list[tuple[date, str]]:
    return [(d.due_on, d.state) for d in law.deadlines(case_id) if d.rule == rule]


# T35: the employer's contribution in months 2 and 3


def test_T35_an_employer_of_50_or_more_declares_months_2_and_3_by_the_end_of_the_third_month(law, clock):
    """T35: the window opens after a month and ends 3 months from the day after the first day of incapacity."""
    case = opened(law, clock, headcount=60)
    [instance] = obligations(law, case.id)
    declare = item(law, case.id, "declare_contribution")
    assert (declare.role, declare.rule, declare.due_on) == ("employer", "T35", date(2027, 1, 5))
    [row] = [d for d in law.deadlines(case.id) if d.rule == "T35"]
    assert (row.start_on, row.due_on, row.state) == (FIRST_DAY, date(2027, 1, 5), "pending")
    clock.set(at(2026, 12, 16))
    do(law, case.id, "declare_contribution", DECLARATION, actor="hr1")
    assert rows(law, case.id, "T35") == [(date(2027, 1, 5), "met")]
    assert hr_tasks(law, case.id) == []
    assert law.instance(instance.id).state == "running"  # still waiting for the return to work (T33)


def test_T35_a_declaration_dated_after_the_term_is_missed_and_asks_for_an_explanation(law, clock):
    case = opened(law, clock, headcount=50)
    clock.set(at(2027, 1, 6, 0, 0, 1))
    assert law.fire_due_timers().timers_fired >= 1
    assert hr_tasks(law, case.id) == ["declare_contribution", "explain_late_contribution"]
    assert rows(law, case.id, "T35") == [(date(2027, 1, 5), "missed")]
    clock.set(at(2027, 1, 8))
    do(law, case.id, "declare_contribution", {**DECLARATION, "declared_on": "2027-01-07"}, actor="hr1")
    assert rows(law, case.id, "T35") == [(date(2027, 1, 5), "missed")]


def test_T35_a_declaration_dated_in_time_but_recorded_after_the_term_is_met(law, clock):
    """The verdict follows the date HR declared, not the order in which the server learnt it."""
    case = opened(law, clock, headcount=250)
    clock.set(at(2027, 1, 7))
    law.fire_due_timers()
    assert rows(law, case.id, "T35") == [(date(2027, 1, 5), "missed")]
    do(law, case.id, "declare_contribution", {**DECLARATION, "declared_on": "2027-01-05"}, actor="hr1")
    assert rows(law, case.id, "T35") == [(date(2027, 1, 5), "met")]


def test_T35_an_employer_below_50_workers_owes_no_contribution(law, clock):
    case = opened(law, clock, headcount=49)
    assert hr_tasks(law, case.id) == []
    assert rows(law, case.id, "T35") == []


def test_T35_an_unknown_headcount_is_asked_of_HR_and_decides_the_contribution(law, clock):
    case = opened(law, clock, headcount=None)
    assert hr_tasks(law, case.id) == ["record_headcount"]
    assert rows(law, case.id, "T35") == []
    do(law, case.id, "record_headcount", {"employer_headcount": 80}, actor="hr1")
    assert hr_tasks(law, case.id) == ["declare_contribution"]
    assert rows(law, case.id, "T35") == [(date(2027, 1, 5), "pending")]


def test_T35_an_unknown_headcount_recorded_below_50_ends_without_contribution(law, clock):
    case = opened(law, clock, headcount=None)
    with pytest.raises(engine.InvalidInput) as refused:
        do(law, case.id, "record_headcount", {"employer_headcount": -1}, actor="hr1")
    assert "employer_headcount" in refused.value.fields
    do(law, case.id, "record_headcount", {"employer_headcount": 12}, actor="hr1")
    assert hr_tasks(law, case.id) == [] and rows(law, case.id, "T35") == []


def test_T35_the_declaration_is_not_dated_before_the_first_day_of_incapacity(law, clock):
    case = opened(law, clock, headcount=60)
    with pytest.raises(engine.InvalidInput) as refused:
        do(law, case.id, "declare_contribution", {**DECLARATION, "declared_on": "2026-10-04"}, actor="hr1")
    assert "declared_on" in refused.value.fields


def test_T35_and_T33_an_incapacity_and_a_return_before_2026_are_not_concerned(law, clock):
    """The 2026 rules: T35 for incapacities from 1 January 2026, T33 for full returns from that day."""
    case = opened(law, clock, headcount=60, first_day=date(2025, 11, 3))
    [instance] = obligations(law, case.id)
    assert hr_tasks(law, case.id) == [] and rows(law, case.id, "T35") == []
    clock.set(at(2025, 12, 1))
    law.deliver(case.id, "work_resumed", {"resumed_on": "2025-12-01", "under_health_surveillance": False},
                actor="hr1")
    assert hr_tasks(law, case.id) == [] and rows(law, case.id, "T33") == []
    clock.set(at(2025, 12, 16))
    law.fire_due_timers()
    assert law.instance(instance.id).end_event == "end_period_ended"


# T33: the guaranteed-salary neutralisation after a full return


def test_T33_after_a_full_return_HR_records_the_neutralisation_within_8_weeks(law, clock):
    """T33: 8 weeks from the day after the effective full resumption: 2 November -> 28 December."""
    case = opened(law, clock, headcount=10)
    clock.set(at(2026, 11, 2))
    law.deliver(case.id, "work_resumed", RESUMED, actor="hr1")
    record = item(law, case.id, "record_neutralisation")
    assert (record.role, record.rule, record.due_on) == ("employer", "T33", date(2026, 12, 28))
    clock.set(at(2026, 11, 3))
    with pytest.raises(engine.InvalidInput) as refused:
        do(law, case.id, "record_neutralisation", {**NEUTRALISATION, "recorded_on": "2026-11-01"}, actor="hr1")
    assert "recorded_on" in refused.value.fields
    do(law, case.id, "record_neutralisation", NEUTRALISATION, actor="hr1")
    assert rows(law, case.id, "T33") == [(date(2026, 12, 28), "met")]
    clock.set(at(2026, 11, 17))
    law.fire_due_timers()
    [instance] = obligations(law, case.id)
    assert law.instance(instance.id).end_event == "end_period_ended"


def test_T33_a_record_after_the_8_weeks_is_missed_and_one_dated_in_time_is_met(law, clock):
    case = opened(law, clock, headcount=10)
    clock.set(at(2026, 11, 2))
    law.deliver(case.id, "work_resumed", RESUMED, actor="hr1")
    clock.set(at(2026, 12, 29, 0, 0, 1))
    law.fire_due_timers()
    assert hr_tasks(law, case.id) == ["explain_late_neutralisation", "record_neutralisation"]
    assert rows(law, case.id, "T33") == [(date(2026, 12, 28), "missed")]
    do(law, case.id, "record_neutralisation", {**NEUTRALISATION, "recorded_on": "2026-12-28"}, actor="hr1")
    assert rows(law, case.id, "T33") == [(date(2026, 12, 28), "met")]


def test_T33_a_late_record_stays_missed(law, clock):
    case = opened(law, clock, headcount=10)
    clock.set(at(2026, 11, 2))
    law.deliver(case.id, "work_resumed", RESUMED, actor="hr1")
    clock.set(at(2027, 1, 4))
    law.fire_due_timers()
    do(law, case.id, "record_neutralisation", {**NEUTRALISATION, "recorded_on": "2027-01-04"}, actor="hr1")
    assert rows(law, case.id, "T33") == [(date(2026, 12, 28), "missed")]


def test_T33_a_return_in_2026_after_an_incapacity_of_2025_is_neutralised(law, clock):
    """T33 follows the date it counts from, the return (Corrections: the regime follows the date of the fact)."""
    case = opened(law, clock, headcount=60, first_day=date(2025, 12, 1))
    clock.set(at(2026, 1, 12))
    law.deliver(case.id, "work_resumed", {"resumed_on": "2026-01-12", "under_health_surveillance": False},
                actor="hr1")
    assert hr_tasks(law, case.id) == ["record_neutralisation"]
    assert rows(law, case.id, "T33") == [(date(2026, 3, 9), "pending")] and rows(law, case.id, "T35") == []


# A new period of incapacity


def test_T33_T35_a_new_incapacity_period_gets_its_own_obligations_once(law, clock):
    """0.6: a relapse 14 days or more after the return starts a new period, with its own T35 window, even while HR
    has not yet recorded the earlier period's duties; a relapse within 14 days starts nothing new."""
    case = opened(law, clock, headcount=60)
    [first] = obligations(law, case.id)
    clock.set(at(2026, 11, 2))
    law.deliver(case.id, "work_resumed", RESUMED, actor="hr1")
    clock.set(at(2026, 11, 20))
    law.fire_due_timers()
    law.deliver(case.id, "incapacity_relapse", {"relapsed_on": "2026-11-20"}, actor="hr1")
    first_run, second = obligations(law, case.id)
    assert first_run.id == first.id and first_run.state == "running"
    assert [(i.task, i.instance_id) for i in law.work_items(case_id=case.id) if i.task == "declare_contribution"] == [
        ("declare_contribution", first.id), ("declare_contribution", second.id)]
    assert sorted(rows(law, case.id, "T35")) == [(date(2027, 1, 5), "pending"), (date(2027, 2, 20), "pending")]
    # a return and a relapse within 14 days: the same period, no new instance, a neutralisation for that return
    clock.set(at(2026, 12, 1))
    law.deliver(case.id, "work_resumed", {"resumed_on": "2026-12-01", "under_health_surveillance": False},
                actor="hr1")
    clock.set(at(2026, 12, 5))
    law.deliver(case.id, "incapacity_relapse", {"relapsed_on": "2026-12-05"}, actor="hr1")
    assert [i.id for i in obligations(law, case.id)] == [first.id, second.id]
    assert sorted(rows(law, case.id, "T33")) == [(date(2026, 12, 28), "pending"), (date(2027, 1, 26), "pending")]
    assert len(rows(law, case.id, "T35")) == 2
    # HR records the earlier period's duties: its instance ends, the current one goes on
    do_in(law, first.id, "record_neutralisation", NEUTRALISATION)
    do_in(law, first.id, "declare_contribution", {**DECLARATION, "declared_on": "2026-12-05",
                                                  "months_concerned": "month_2"})
    assert law.instance(first.id).end_event is not None
    assert law.instance(second.id).state == "running"
    clock.set(at(2026, 12, 21))
    law.deliver(case.id, "work_resumed", {"resumed_on": "2026-12-21", "under_health_surveillance": False},
                actor="hr1")
    clock.set(at(2027, 1, 4))
    law.fire_due_timers()
    assert len(obligations(law, case.id)) == 2


def do_in(law: engine.Engine, instance_id: int, task: str, data: dict) -> None:
    """Complete ``task`` of one instance."""
    found = next(i for i in law.work_items() if i.instance_id == instance_id and i.task == task)
    law.complete(found.id, data, actor="hr1")


def test_T35_a_relapse_within_14_days_recorded_after_the_return_lasted_starts_nothing_new(law, clock):
    """The period follows the dates recorded: a relapse dated within 14 days of the return is the same period, even
    when it is recorded after the 14 days ran out."""
    case = opened(law, clock, headcount=60)
    clock.set(at(2026, 11, 2))
    law.deliver(case.id, "work_resumed", RESUMED, actor="hr1")
    clock.set(at(2026, 11, 25))
    law.fire_due_timers()
    law.deliver(case.id, "incapacity_relapse", {"relapsed_on": "2026-11-10"}, actor="hr1")
    assert len(obligations(law, case.id)) == 1
    assert len(rows(law, case.id, "T35")) == 1
