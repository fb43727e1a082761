"""The scheduler wakes the engine at the next due timer; its job is one engine call plus re-arming."""

from __future__ import annotations

from datetime import timedelta

import engine
from tests.engine.test_timers import EXPIRES, requested


def test_the_scheduler_arms_itself_just_after_the_next_due_timer(eng, clock):
    requested(eng)
    scheduler = engine.TimerScheduler(eng, sweep_seconds=60)
    scheduler.start(paused=True)
    try:
        real_now = engine.SystemClock().now()
        expected = real_now + (EXPIRES - clock.now()) + timedelta(seconds=1)
        assert abs(scheduler.next_wake() - expected) < timedelta(seconds=5)
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
