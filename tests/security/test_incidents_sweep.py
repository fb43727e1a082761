"""Issue 13.1: one poisoned instance never halts the timer sweep; its incident retries with back-off, bounded."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

import engine
from engine.runtime.incidents import BACKOFF, MAX_ATTEMPTS
from tests.engine.test_migrations import migrated_again
from tests.engine.test_runtime import DEMO, open_case

EXPIRES = datetime(2027, 1, 8, 23, 0, tzinfo=timezone.utc)  # T15 from 23 Dec 2026: 9 Jan 2027 00:00 in Brussels
POISONS = {
    "bytes": "late = b'x'",
    "generator": "late = (n for n in [1])",
    "iterator": "late = reversed([1])",
    "exception": "late = ValueError('x')",
    "complex": "late = 1j",
}


def poisoned(script: str, process_id: str = "visit_poisoned") -> str:
    """The demo visit with a script task on its timer path (after the T15 timer fires)."""
    return DEMO.read_text().replace(
        '<bpmn:sequenceFlow id="f4" sourceRef="visit_overdue" targetRef="explain_delay"/>',
        '<bpmn:sequenceFlow id="f4" sourceRef="visit_overdue" targetRef="crash"/>'
        '<bpmn:scriptTask id="crash"><bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f7</bpmn:outgoing>'
        f'<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="f7" sourceRef="crash" targetRef="explain_delay"/>',
    ).replace('id="visit_demo"', f'id="{process_id}"').replace('processRef="visit_demo"', f'processRef="{process_id}"')


def waiting(eng: engine.Engine, reference: str, process_id: str, received: str = "2026-12-23") -> int:
    """An instance of ``process_id`` on a new case, waiting on its T15 timer; returns its id."""
    case = open_case(eng, reference)
    instance = eng.start(case.id, process_id, {}, actor="e")
    eng.complete(eng.work_items(case_id=case.id)[0].id, {"request_received_on": received}, actor="e")
    return instance.id


@pytest.fixture(name="owner")
def owner_fixture(eng: engine.Engine) -> engine.UserView:
    return owner(eng)


def owner(eng: engine.Engine) -> engine.UserView:
    """The process owner, the first user of the database."""
    return eng.create_user(username="owner", password="correct horse battery", display_name="Owner",
                           roles=["process_owner"], actor="test")


def incident_of(eng: engine.Engine, owner: engine.UserView, instance_id: int) -> engine.IncidentView:
    """The one incident of an instance, as its process owner sees it."""
    found = [i for state in ("open", "resolved") for i in eng.incidents.find(user_id=owner.id, state=state)
             if i.instance_id == instance_id]
    assert len(found) == 1
    return found[0]


def test_a_poisoned_instance_among_fifty_never_stops_the_others(eng, clock, owner):
    """The poisoned timer is due first; before the fix its TypeError aborted every sweep (0 of 50 fired)."""
    eng.deploy(DEMO, actor="owner")
    eng.deploy(poisoned(POISONS["complex"]), actor="owner")
    bad = waiting(eng, "C-poisoned", "visit_poisoned", received="2026-12-22")
    healthy = [waiting(eng, f"C-{n}", "visit_demo") for n in range(50)]
    clock.set(EXPIRES + timedelta(seconds=1))
    run = eng.fire_due_timers()
    assert run.failed_instance_ids == (bad,)
    assert (run.instances_woken, run.timers_fired) == (50, 50)
    assert {eng.instance(i).state for i in healthy} == {"running"}
    assert eng.instance(bad).state == "error"
    assert eng.trace(bad).events[-1].action == "timer_failed"
    incident = incident_of(eng, owner, bad)
    assert (incident.state, incident.attempts, incident.element) == ("open", 1, "crash")
    assert "'late'" in incident.message and "complex" in incident.message
    assert eng.next_due() is not None, "the poisoned timer stays due"


@pytest.mark.parametrize("kind", sorted(POISONS))
def test_a_value_json_cannot_hold_is_a_clear_error_naming_the_variable_and_element(eng, clock, owner, kind):
    eng.deploy(poisoned(POISONS[kind]), actor="owner")
    bad = waiting(eng, "C-1", "visit_poisoned")
    clock.set(EXPIRES + timedelta(seconds=1))
    assert eng.fire_due_timers().failed_instance_ids == (bad,)
    incident = incident_of(eng, owner, bad)
    assert incident.error_class == "InvalidModel"
    assert incident.element == "crash"
    assert "'late'" in incident.message and "must be JSON data" in incident.message


def test_the_incident_retries_with_back_off_a_bounded_number_of_times_then_waits_for_a_person(eng, clock, owner,
                                                                                               caplog):
    eng.deploy(poisoned("late = 1j"), actor="owner")
    bad = waiting(eng, "C-1", "visit_poisoned")
    clock.set(EXPIRES + timedelta(seconds=1))
    caplog.set_level(logging.ERROR, logger="engine")
    assert eng.fire_due_timers().failed_instance_ids == (bad,)
    for attempt, wait in enumerate(BACKOFF, start=1):
        assert incident_of(eng, owner, bad).next_retry_at == clock.now() + wait
        clock.advance(wait - timedelta(seconds=1))
        assert eng.fire_due_timers().failed_instance_ids == (), "not retried before its time: it never spins"
        clock.advance(timedelta(seconds=1))
        assert eng.fire_due_timers().failed_instance_ids == (bad,)
        assert incident_of(eng, owner, bad).attempts == attempt + 1
    incident = incident_of(eng, owner, bad)
    assert (incident.attempts, incident.next_retry_at, incident.state) == (MAX_ATTEMPTS, None, "open")
    clock.advance(timedelta(days=30))
    assert eng.fire_due_timers().failed_instance_ids == ()
    assert incident_of(eng, owner, bad).attempts == MAX_ATTEMPTS
    failures = [r for r in caplog.records if r.name == "engine.runtime.incidents"]
    assert len(failures) == MAX_ATTEMPTS, "one log line per failure"
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in failures), "no traceback storm"
    assert [e.action for e in eng.trace(bad).events].count("timer_failed") == MAX_ATTEMPTS


def test_a_retry_that_succeeds_resolves_the_incident_and_fires_the_timer(eng, clock, owner):
    """A failure that goes away (here: the script divides by zero only on 9 January) is healed by the back-off."""
    eng.deploy(poisoned('late = 1 / days_between("2027-01-09", today())'), actor="owner")
    bad = waiting(eng, "C-1", "visit_poisoned")
    clock.set(EXPIRES + timedelta(seconds=1))
    assert eng.fire_due_timers().failed_instance_ids == (bad,)
    clock.set(EXPIRES + timedelta(days=1))
    run = eng.fire_due_timers()
    assert (run.failed_instance_ids, run.timers_fired) == ((), 1)
    incident = incident_of(eng, owner, bad)
    assert (incident.state, incident.resolution, incident.resolved_by) == ("resolved", "retried", "scheduler")
    assert eng.instance(bad).state == "running"
    assert [e.action for e in eng.trace(bad).events][-2:] == ["timers_fired", "incident_retried"]


def test_instances_stopped_before_0010_become_incidents_that_wait_for_a_person(eng, clock, owner, database_url):
    """Revision 0010: an instance already ``error`` gets an open incident with its error and no automatic retry."""
    eng.deploy(poisoned("late = 1j"), actor="owner")
    bad = waiting(eng, "C-1", "visit_poisoned")
    clock.set(EXPIRES + timedelta(seconds=1))
    assert eng.fire_due_timers().failed_instance_ids == (bad,)
    row = migrated_again(database_url, "0009", sa.text("SELECT COUNT(*) FROM process_instance WHERE state = 'error'"))
    assert tuple(row) == (1,)
    incident = incident_of(eng, owner, bad)
    assert (incident.state, incident.attempts, incident.next_retry_at) == ("open", 1, None)
    assert "'late'" in incident.message
    clock.advance(timedelta(days=1))
    assert eng.fire_due_timers().failed_instance_ids == ()
