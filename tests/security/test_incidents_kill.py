"""Issue 13.1: with incidents catching every error, a real kill -9 mid-sweep still leaves the timer due."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from tests.engine.test_timers import EXPIRES, requested

ROOT = Path(__file__).resolve().parents[2]
WORKER = """
import os, signal, sys
from datetime import datetime
import engine
from engine.runtime import projection
from tests.conftest import FIXTURES

clock = engine.SettableClock(datetime.fromisoformat(sys.argv[2]))
worker = engine.Engine(sys.argv[1], clock=clock, forms_dir=FIXTURES / "forms")
projection.project = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
worker.fire_due_timers()
"""


def test_a_worker_killed_mid_step_leaves_the_timer_due_and_opens_no_incident(eng, database_url, clock):
    """The worker process dies (SIGKILL) after stepping the workflow, before its transaction commits."""
    _, instance = requested(eng)
    clock.set(EXPIRES + timedelta(seconds=1))
    died = subprocess.run([sys.executable, "-c", WORKER, database_url, clock.now().isoformat()], cwd=ROOT,
                          timeout=120, capture_output=True)
    assert died.returncode == -signal.SIGKILL
    assert eng.next_due() == EXPIRES
    assert eng.instance(instance.id).state == "running"
    assert [e.action for e in eng.trace(instance.id).events] == ["started", "task_completed"]
    run = eng.fire_due_timers()
    assert (run.timers_fired, run.failed_instance_ids) == (1, ())
    assert [e.action for e in eng.trace(instance.id).events].count("timers_fired") == 1
