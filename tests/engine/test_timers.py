"""Timers by due time: moving the engine's clock fires exactly the due timers, once."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone

import pytest

import engine
from engine.runtime import projection
from tests.conftest import FIXTURES
from tests.engine.test_runtime import DEMO, open_case, start_demo

EXPIRES = datetime(2027, 1, 8, 23, 0, tzinfo=timezone.utc)  # 9 Jan 2027 00:00 in Brussels


def requested(eng):
    case, instance = start_demo(eng)
    item = eng.work_items(role="employee")[0]
    eng.complete(item.id, {"request_received_on": "2026-12-23"}, actor="employee1")
    return case, instance


def test_the_timer_is_stored_with_its_due_instant(eng):
    requested(eng)
    assert eng.next_due() == EXPIRES


def test_nothing_fires_one_second_before_the_term_expires(eng, clock):
    case, _ = requested(eng)
    clock.set(EXPIRES - timedelta(seconds=1))
    run = eng.fire_due_timers()
    assert (run.instances_woken, run.timers_fired) == (0, 0)
    assert [i.task for i in eng.work_items(role="occupational_physician")] == ["hold_visit"]


def test_the_timer_fires_at_the_very_instant_the_term_expires_and_not_a_microsecond_before(eng, clock):
    """The term ends with 8 January; from the first instant of 9 January (Brussels) it is missed."""
    case, _ = requested(eng)
    clock.set(EXPIRES - timedelta(microseconds=1))
    assert eng.fire_due_timers().timers_fired == 0
    clock.set(EXPIRES)
    assert eng.fire_due_timers().timers_fired == 1
    assert [i.task for i in eng.work_items(role="occupational_physician")] == ["explain_delay"]
    [deadline] = eng.deadlines(case.id)
    assert (deadline.state, deadline.due_on) == ("missed", date(2027, 1, 8))


def test_past_the_term_exactly_one_escalation_appears_with_its_legal_basis(eng, clock):
    """T15: art. I.4-36, the visit takes place within 10 working days following the day of receipt."""
    case, instance = requested(eng)
    clock.set(EXPIRES + timedelta(seconds=1))
    run = eng.fire_due_timers()
    assert (run.instances_woken, run.timers_fired) == (1, 1)
    assert [i.task for i in eng.work_items(role="occupational_physician")] == ["explain_delay"]
    [deadline] = eng.deadlines(case.id)
    assert (deadline.state, deadline.due_on, deadline.rule) == ("missed", date(2027, 1, 8), "T15")
    assert "art. I.4-36" in deadline.legal_source
    actions = [e.action for e in eng.trace(instance.id).events]
    assert actions == ["started", "task_completed", "timers_fired"]
    assert eng.fire_due_timers().timers_fired == 0
    assert eng.next_due() is None


def test_forty_nine_days_pass_in_one_call(eng, clock):
    requested(eng)
    clock.advance(timedelta(days=49))
    assert eng.fire_due_timers().timers_fired == 1


def test_a_task_done_in_time_marks_its_deadline_met_and_removes_the_timer(eng, clock):
    case, _ = requested(eng)
    clock.set(EXPIRES - timedelta(hours=1))
    [visit] = eng.work_items(role="occupational_physician")
    eng.complete(visit.id, {"held_on": "2027-01-08"}, actor="oa1")
    assert eng.next_due() is None
    assert [d.state for d in eng.deadlines(case.id)] == ["met"]


def test_two_workers_on_one_database_fire_each_due_timer_exactly_once(eng, database_url, clock):
    instances = []
    for n in range(6):
        case = open_case(eng, f"W-{n}") if n else None
        if case is None:
            _, first = requested(eng)
            instances.append(first.id)
            continue
        instance = eng.start(case.id, "visit_demo", {}, actor="e")
        item = eng.work_items(case_id=case.id)[0]
        eng.complete(item.id, {"request_received_on": "2026-12-23"}, actor="e")
        instances.append(instance.id)
    clock.set(EXPIRES + timedelta(seconds=1))
    workers = [engine.Engine(database_url, clock=clock, forms_dir=FIXTURES / "forms") for _ in range(2)]
    barrier, runs = threading.Barrier(2), []

    def work(worker: engine.Engine) -> None:
        barrier.wait()
        runs.append(worker.fire_due_timers())

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for w in workers:
        w.close()
    assert sum(r.timers_fired for r in runs) == 6
    for instance_id in instances:
        assert [e.action for e in eng.trace(instance_id).events].count("timers_fired") == 1


class WorkerDied(BaseException):
    """The process going away mid-step (like ``SystemExit`` or ``KeyboardInterrupt``), not an error of the instance."""


def test_a_worker_dying_mid_way_leaves_the_timer_due_for_the_next_one(eng, clock, monkeypatch):
    """Fault injection: the worker dies after stepping the workflow but before its writes commit.

    Any ``Exception`` of one instance now becomes an incident and the sweep goes on (tests/security/
    test_incidents_sweep.py); only the worker's own death escapes the sweep, so it is simulated by a
    ``BaseException``. Either way nothing was committed and the timer stays due. A real ``kill -9`` is in
    tests/security/test_incidents_kill.py.
    """
    _, instance = requested(eng)
    clock.set(EXPIRES + timedelta(seconds=1))

    def crash(*args: object, **kwargs: object) -> None:
        raise WorkerDied("worker died")

    monkeypatch.setattr(projection, "project", crash)
    with pytest.raises(WorkerDied):
        eng.fire_due_timers()
    monkeypatch.undo()
    assert eng.next_due() == EXPIRES
    assert [e.action for e in eng.trace(instance.id).events] == ["started", "task_completed"]
    assert eng.fire_due_timers().timers_fired == 1
    assert [e.action for e in eng.trace(instance.id).events].count("timers_fired") == 1


def test_a_diagram_failing_on_a_timer_path_is_marked_and_the_others_still_fire(eng, clock):
    broken = DEMO.read_text().replace(
        '<bpmn:sequenceFlow id="f4" sourceRef="visit_overdue" targetRef="explain_delay"/>',
        '<bpmn:sequenceFlow id="f4" sourceRef="visit_overdue" targetRef="crash"/>'
        '<bpmn:scriptTask id="crash"><bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f7</bpmn:outgoing>'
        '<bpmn:script>late = 1 / 0</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="f7" sourceRef="crash" targetRef="explain_delay"/>',
    ).replace('id="visit_demo"', 'id="visit_broken"').replace('processRef="visit_demo"', 'processRef="visit_broken"')
    eng.deploy(broken, actor="owner")
    _, healthy = requested(eng)
    case = open_case(eng, "C-broken")
    failing = eng.start(case.id, "visit_broken", {}, actor="e")
    eng.complete(eng.work_items(case_id=case.id)[0].id, {"request_received_on": "2026-12-23"}, actor="e")
    clock.set(EXPIRES + timedelta(seconds=1))
    run = eng.fire_due_timers()
    assert run.failed_instance_ids == (failing.id,)
    assert (run.instances_woken, run.timers_fired) == (1, 1)
    assert eng.instance(failing.id).state == "error"
    assert eng.instance(healthy.id).state == "running"
    assert eng.trace(failing.id).events[-1].action == "timer_failed"
    assert eng.fire_due_timers().instances_woken == 0
