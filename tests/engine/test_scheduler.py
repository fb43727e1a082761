"""The scheduler wakes the engine at the next due timer; its job is one engine call plus re-arming."""

from __future__ import annotations

import threading
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


def test_a_shutdown_during_a_sweep_stops_once_the_sweep_is_over(eng, clock):
    """The sweep re-arms the scheduler as it ends, while the scheduler's shutdown holds its job stores and waits for
    the running jobs: a worker stopped (SIGTERM) in the middle of a sweep stopped for ever."""
    requested(eng)
    scheduler = engine.TimerScheduler(eng, sweep_seconds=3600)
    sweeping, go_on = threading.Event(), threading.Event()
    fire = eng.fire_due_timers

    def held_sweep(*args, **kwargs):  # type: ignore[no-untyped-def]
        sweeping.set()
        go_on.wait(30)
        return fire(*args, **kwargs)

    eng.fire_due_timers = held_sweep
    clock.set(EXPIRES + timedelta(minutes=1))
    scheduler.start()  # a timer is due: it arms its wake-up at once, which runs as the scheduler's job
    assert sweeping.wait(30)
    job_stores = scheduler._scheduler._jobstores_lock
    with job_stores:  # the scheduler handed the sweep over (a shutdown begun before meets a race of APScheduler's)
        pass
    stopping = threading.Thread(target=scheduler.shutdown, daemon=True)
    stopping.start()
    wait_for(lambda: _held_by_another_thread(job_stores), "the shutdown to hold the job stores")
    go_on.set()
    stopping.join(30)  # a guard against the hang, not a measurement
    assert not stopping.is_alive(), "the shutdown still waits on the sweep, which waits on the shutdown"


def _held_by_another_thread(lock) -> bool:  # type: ignore[no-untyped-def]
    if lock.acquire(blocking=False):
        lock.release()
        return False
    return True


def wait_for(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    give_up = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < give_up, f"still waiting for {what}"
        time.sleep(0.01)
