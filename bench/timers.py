"""fire_due_timers() with 100,000 waiting instances, of which 0 or 100 are due; and 100 due, one poisoned.

One instance is created through the engine; the rest are copies made in SQL, so the set-up is quick
and every copy is a real, wakeable instance. The poisoned instance's timer path leaves a value JSON cannot
hold (issue 13): it is due first, and the 99 others must still fire in the same sweep.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from common import DEMO, new_engine, open_case

WAITING = int(os.environ.get("REINTEGRA_BENCH_WAITING", "100000"))
DUE = 100
FAR_FUTURE = datetime(2099, 1, 1)


def populate(eng, clock):  # type: ignore[no-untyped-def]
    """Create one waiting instance through the engine and copy it; return its real due instant."""
    eng.deploy(DEMO, actor="bench")
    case = open_case(eng)
    eng.start(case.id, "visit_demo", {}, actor="bench")
    item = eng.work_items(role="employee")[0]
    eng.complete(item.id, {"request_received_on": "2026-12-23"}, actor="bench")
    real_due = eng.next_due()
    db = sa.create_engine(eng.database.url)
    with db.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO process_instance (case_id, definition_id, state, state_json, library_version, version, "
            "started_at, started_by) SELECT case_id, definition_id, state, state_json, library_version, version, "
            "started_at, started_by FROM process_instance p, "
            f"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {WAITING - 1}) "
            "SELECT i FROM n) s WHERE p.id = 1"))
        conn.execute(sa.text(
            "INSERT INTO timer (instance_id, task_id, bpmn_id, due_at) SELECT p.id, t.task_id, t.bpmn_id, :later "
            "FROM process_instance p, timer t WHERE t.instance_id = 1 AND p.id > 1"), {"later": FAR_FUTURE})
        conn.execute(sa.text("UPDATE timer SET due_at = :later WHERE instance_id = 1"), {"later": FAR_FUTURE})
    db.dispose()
    return real_due


def make_due(eng, clock, due, count: int) -> None:  # type: ignore[no-untyped-def]
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


def waiting(eng, process_id: str, received: str) -> int:  # type: ignore[no-untyped-def]
    case = open_case(eng)
    instance = eng.start(case.id, process_id, {}, actor="bench")
    eng.complete(eng.work_items(case_id=case.id)[0].id, {"request_received_on": received}, actor="bench")
    return int(instance.id)


def copy_instance(eng, instance_id: int, copies: int) -> None:  # type: ignore[no-untyped-def]
    """Copy one waiting instance and its timers ``copies`` times, in SQL."""
    db = sa.create_engine(eng.database.url)
    with db.begin() as conn:
        last = conn.execute(sa.text("SELECT MAX(id) FROM process_instance")).scalar_one()
        conn.execute(sa.text(
            "INSERT INTO process_instance (case_id, definition_id, state, state_json, library_version, version, "
            "started_at, started_by) SELECT case_id, definition_id, state, state_json, library_version, version, "
            "started_at, started_by FROM process_instance p, "
            f"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {copies}) "
            "SELECT i FROM n) s WHERE p.id = :id"), {"id": instance_id})
        conn.execute(sa.text(
            "INSERT INTO timer (instance_id, task_id, bpmn_id, due_at) SELECT p.id, t.task_id, t.bpmn_id, t.due_at "
            "FROM process_instance p, timer t WHERE t.instance_id = :id AND p.id > :last"),
            {"id": instance_id, "last": last})
    db.dispose()


def poisoned() -> None:
    """100 due timers, of which the first due is poisoned: how many fire in the first sweep, and how fast."""
    eng, clock = new_engine()
    eng.deploy(DEMO, actor="bench")
    eng.deploy(poisoned_demo(), actor="bench")
    healthy = waiting(eng, "visit_demo", "2026-12-23")
    bad = waiting(eng, "visit_poisoned", "2026-12-22")
    copy_instance(eng, healthy, DUE - 2)
    clock.set(datetime(2027, 1, 9, tzinfo=timezone.utc))
    began = time.perf_counter()
    run = eng.fire_due_timers()
    elapsed = time.perf_counter() - began
    print(f"fire_due_timers() with {DUE} due timers, one poisoned ({eng.database.url.split(':')[0]}):")
    print(f"  first sweep: {run.timers_fired} fired, failed {list(run.failed_instance_ids)} (poisoned {bad}), "
          f"{1000 * elapsed:.1f} ms")
    eng.close()


def main() -> None:
    eng, clock = new_engine()
    began = time.perf_counter()
    due = populate(eng, clock)
    print(f"fire_due_timers() with {WAITING} waiting instances (set-up {time.perf_counter() - began:.1f} s, "
          f"{eng.database.url.split(':')[0]}):")
    began = time.perf_counter()
    run = eng.fire_due_timers()
    print(f"  0 due   : {1000 * (time.perf_counter() - began):8.1f} ms  (woken {run.instances_woken})")
    make_due(eng, clock, due, DUE)
    began = time.perf_counter()
    run = eng.fire_due_timers()
    elapsed = time.perf_counter() - began
    print(f"  {DUE} due : {1000 * elapsed:8.1f} ms  (woken {run.instances_woken}, fired {run.timers_fired}; "
          f"{1000 * elapsed / max(run.instances_woken, 1):.1f} ms per instance)")
    eng.close()
    poisoned()


if __name__ == "__main__":
    main()
