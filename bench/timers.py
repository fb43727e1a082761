"""fire_due_timers() with 100,000 waiting instances, of which 0 or 100 are due; and 100 due, one poisoned.

One instance is created through the engine; the rest are copies made in SQL with every row derived from it
(``clones``), so the set-up is quick and every copy is a real, wakeable instance. Each run has a database of its own
(``databases``: a fresh schema on PostgreSQL, dropped afterwards), vacuumed and analysed after the load as
autovacuum would. The poisoned instance's timer path leaves a value JSON cannot hold (issue 13): it is due first,
and the 99 others must still fire in the same sweep.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
import summary
from clones import clone
from common import DEMO, FORMS, START, open_case
from databases import analyse, drop, fresh_url, kind

import engine

WAITING = int(os.environ.get("REINTEGRA_BENCH_WAITING", "100000"))
DUE = 100
SWEEPS = 5
FAR_FUTURE = datetime(2099, 1, 1)


@contextmanager
def own_engine() -> Iterator[tuple[engine.Engine, engine.SettableClock]]:
    """An engine on a fresh database of its own, dropped on leaving."""
    url = fresh_url()
    clock = engine.SettableClock(START)
    eng = engine.Engine(url, clock=clock, forms_dir=FORMS)
    try:
        yield eng, clock
    finally:
        eng.close()
        drop(url)


def populate(eng: engine.Engine) -> datetime:
    """Create one waiting instance through the engine and copy it; return its real due instant (every timer is
    moved far into the future)."""
    eng.deploy(DEMO, actor="bench")
    case = open_case(eng)
    instance = eng.start(case.id, "visit_demo", {}, actor="bench")
    item = eng.work_items(case_id=case.id)[0]
    eng.complete(item.id, {"request_received_on": "2026-12-23"}, actor="bench")
    real_due = eng.next_due()
    assert real_due is not None
    clone(eng.database.url, instance.id, WAITING - 1)
    db = sa.create_engine(eng.database.url)
    with db.begin() as conn:
        conn.execute(sa.text("UPDATE timer SET due_at = :later"), {"later": FAR_FUTURE})
    db.dispose()
    analyse(eng.database.url)
    return real_due


def make_due(eng: engine.Engine, clock: engine.SettableClock, due: datetime, count: int) -> None:
    """Give ``count`` copies their real due instant, and move the clock past it."""
    db = sa.create_engine(eng.database.url)
    with db.begin() as conn:
        conn.execute(sa.text("UPDATE timer SET due_at = :due WHERE instance_id IN "
                             "(SELECT id FROM process_instance ORDER BY id DESC LIMIT :n)"),
                     {"due": due.replace(tzinfo=None), "n": count})
    db.dispose()
    clock.set(due + timedelta(seconds=1))


def poisoned_demo() -> str:
    """The demo visit as ``visit_poisoned``, with a script on its timer path that leaves a complex number."""
    return DEMO.read_text().replace(
        '<bpmn:sequenceFlow id="f4" sourceRef="visit_overdue" targetRef="explain_delay"/>',
        '<bpmn:sequenceFlow id="f4" sourceRef="visit_overdue" targetRef="crash"/>'
        '<bpmn:scriptTask id="crash"><bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f7</bpmn:outgoing>'
        '<bpmn:script>late = 1j</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="f7" sourceRef="crash" targetRef="explain_delay"/>',
    ).replace('"visit_demo"', '"visit_poisoned"')


def waiting(eng: engine.Engine, process_id: str, received: str) -> int:
    case = open_case(eng)
    instance = eng.start(case.id, process_id, {}, actor="bench")
    eng.complete(eng.work_items(case_id=case.id)[0].id, {"request_received_on": received}, actor="bench")
    return int(instance.id)


def poisoned() -> None:
    """100 due timers, of which the first due is poisoned: how many fire in the first sweep, and how fast."""
    with own_engine() as (eng, clock):
        eng.deploy(DEMO, actor="bench")
        eng.deploy(poisoned_demo(), actor="bench")
        healthy = waiting(eng, "visit_demo", "2026-12-23")
        bad = waiting(eng, "visit_poisoned", "2026-12-22")
        clone(eng.database.url, healthy, DUE - 2)
        analyse(eng.database.url)
        clock.set(datetime(2027, 1, 9, tzinfo=timezone.utc))
        began = time.perf_counter()
        run = eng.fire_due_timers()
        elapsed = time.perf_counter() - began
        print(f"fire_due_timers() with {DUE} due timers, one poisoned ({kind(eng.database.url)}):")
        print(f"  first sweep: {run.timers_fired} fired, failed {list(run.failed_instance_ids)} (poisoned {bad}), "
              f"{1000 * elapsed:.1f} ms")


def idle_sweeps(eng: engine.Engine) -> tuple[float, float, engine.TimerRun]:
    """A worker's first sweep (statements still to compile), then the median of SWEEPS more, in ms."""
    times, run = [], None
    for _ in range(SWEEPS + 1):
        began = time.perf_counter()
        run = eng.fire_due_timers()
        times.append(1000 * (time.perf_counter() - began))
    assert run is not None
    return times[0], statistics.median(times[1:]), run


def main() -> None:
    with own_engine() as (eng, clock):
        began = time.perf_counter()
        due = populate(eng)
        print(f"fire_due_timers() with {WAITING} waiting instances (set-up {time.perf_counter() - began:.1f} s "
              f"including VACUUM ANALYZE, {kind(eng.database.url)}):")
        first, idle, run = idle_sweeps(eng)
        print(f"  0 due   : {idle:8.1f} ms median of {SWEEPS} sweeps (the process's first: {first:.1f} ms; woken "
              f"{run.instances_woken})")
        bench = f"timers ({kind(eng.database.url)}, {WAITING:,} waiting)"
        summary.figure(bench, "a sweep with nothing due", idle, "ms", "< 5 ms", idle < 5)
        make_due(eng, clock, due, DUE)
        began = time.perf_counter()
        run = eng.fire_due_timers()
        elapsed = time.perf_counter() - began
        print(f"  {DUE} due : {1000 * elapsed:8.1f} ms  (woken {run.instances_woken}, fired {run.timers_fired}; "
              f"{1000 * elapsed / max(run.instances_woken, 1):.1f} ms per instance)")
        summary.figure(bench, f"a sweep with {DUE} due, per instance", 1000 * elapsed / max(run.instances_woken, 1),
                       "ms")
    poisoned()


if __name__ == "__main__":
    main()
