"""The scheduler wakes the engine at the next due timer; its job is one engine call plus re-arming."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import engine
from tests.conftest import BRUSSELS, FIXTURES
from tests.engine.test_runtime import open_case, start_demo
from tests.engine.test_timers import EXPIRES, requested


def test_the_scheduler_arms_itself_at_the_next_due_timer(eng, clock):
    requested(eng)
    scheduler = engine.TimerScheduler(eng, sweep_seconds=60)
    scheduler.start(paused=True)
    try:
        real_now = engine.SystemClock().now()
        expected = real_now + (EXPIRES - clock.now())
        assert abs(scheduler.next_wake() - expected) < timedelta(milliseconds=500)
    finally:
        scheduler.shutdown()


def test_a_wake_up_fires_the_due_timers_and_disarms_when_nothing_waits(eng, clock):
    requested(eng)
    scheduler = engine.TimerScheduler(eng, sweep_seconds=60)
    scheduler.start(paused=True)
    try:
        clock.set(EXPIRES + timedelta(minutes=1))
        run = scheduler.wake()
        assert (run.instances_woken, run.timers_fired) == (1, 1)
        assert scheduler.next_wake() is None
    finally:
        scheduler.shutdown()


def test_a_timer_committed_earlier_than_the_armed_one_fires_without_waiting_for_the_sweep(database_url):
    """On PostgreSQL the timer comes from another engine (as another process would: its own connections), heard
    through LISTEN/NOTIFY; SQLite is the embedded default, one process, so there the worker's own engine commits it.
    The sweep runs once an hour: only the wake-up can fire the timer within the test's bound for a hang."""
    clock = engine.SettableClock(datetime(2026, 12, 21, 9, 0, tzinfo=BRUSSELS), tick=True)
    worker = engine.Engine(database_url, clock=clock, forms_dir=FIXTURES / "forms")
    other = (engine.Engine(database_url, clock=clock, forms_dir=FIXTURES / "forms")
             if database_url.startswith("postgresql") else worker)
    scheduler = engine.TimerScheduler(worker, sweep_seconds=3600)
    try:
        _, later = start_demo(worker)
        [item] = worker.work_items(role="employee")
        worker.complete(item.id, {"request_received_on": "2026-12-30"}, actor="employee1")
        scheduler.start()
        assert scheduler.next_wake() is not None
        clock.set(EXPIRES - timedelta(seconds=1))
        case = open_case(other, "C-2")
        sooner = other.start(case.id, "visit_demo", {}, actor="employee1")
        [item] = other.work_items(case_id=case.id)
        other.complete(item.id, {"request_received_on": "2026-12-23"}, actor="employee1")
        assert _fired(other, sooner.id, bound_seconds=60), "the timer did not fire"
        assert not _fired(other, later.id, bound_seconds=0)
    finally:
        scheduler.shutdown()
        if other is not worker:
            other.close()
        worker.close()


def _fired(eng, instance_id, *, bound_seconds):
    """Whether the instance's timer fired, looking until ``bound_seconds`` have passed (a bound for a hang)."""
    give_up = time.monotonic() + bound_seconds
    while True:
        if "timers_fired" in [e.action for e in eng.trace(instance_id).events]:
            return True
        if time.monotonic() >= give_up:
            return False
        time.sleep(0.05)
