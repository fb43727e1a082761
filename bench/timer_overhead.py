"""Firing due timers: ``fire_due_timers`` against a bare prototype, per instance, on the same diagram, in one run.

The bare prototype is the least firing can cost: one transaction per instance that loads the instance row,
restores the workflow with SpiffWorkflow, fires its timers and runs on to the next wait, serializes and saves it;
nothing derived (no work items, timer or deadline rows, no audit). Goal: the engine within 2× of it.
Both fire copies of one real instance of the demo visit (``clones``), REINTEGRA_BENCH_DUE of them (100), in alternating
rounds. Beside the wall-clock ratio it prints the ratio of this process's CPU time, which a busy machine disturbs less
(on PostgreSQL it leaves out the server's work).
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

import sqlalchemy as sa
import summary
from clones import clone
from common import DEMO, FORMS, START, open_case
from databases import drop, fresh_url, kind
from SpiffWorkflow.util.task import TaskState

import engine
from engine.runtime import run, serialization
from engine.store.models import ProcessInstance

COUNT = int(os.environ.get("REINTEGRA_BENCH_DUE", "100"))
GOAL = 2.0
ROUNDS = 5


def waiting_instance(eng: engine.Engine) -> int:
    """One instance of the demo visit waiting on its term (T15), made through the engine."""
    eng.deploy(DEMO, actor="bench")
    case = open_case(eng)
    instance = eng.start(case.id, "visit_demo", {}, actor="bench")
    eng.complete(eng.work_items(case_id=case.id)[0].id, {"request_received_on": "2026-12-23"}, actor="bench")
    return int(instance.id)


def bare(eng: engine.Engine, ids: list[int]) -> tuple[float, float, int]:
    """Fire the timers of ``ids`` the bare way; the seconds it took (wall, this process's CPU) and how many
    instances moved on."""
    with eng.database.unit_of_work(is_read_only=True) as session:
        loaded = eng._loaded(session, session.get(ProcessInstance, ids[0]))
    lock = " FOR UPDATE" if eng.database.url.startswith("postgresql") else ""
    db, fired = sa.create_engine(eng.database.url), 0
    began, cpu = time.perf_counter(), time.process_time()
    with run._engine_time(eng.clock):  # SpiffWorkflow reads the bench's clock, as in the engine
        for instance_id in ids:
            with db.begin() as conn:
                text = conn.execute(sa.text(f"SELECT state_json FROM process_instance WHERE id = :id{lock}"),
                                    {"id": instance_id}).scalar_one()
                workflow = serialization.load(text, loaded.spec, loaded.subprocess_specs)
                workflow.refresh_timers()
                workflow.do_engine_steps()
                ready = workflow.get_tasks(state=TaskState.READY, manual=True)
                fired += any(t.task_spec.bpmn_id == "explain_delay" for t in ready)
                conn.execute(sa.text("UPDATE process_instance SET state_json = :s, version = version + 1 "
                                     "WHERE id = :id"), {"s": serialization.dump(workflow), "id": instance_id})
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    db.dispose()
    return elapsed, cpu, fired


def report(database: str, bare_run: tuple[float, float, int], engine_run: tuple[float, float, int, int]) -> None:
    (bare_wall, bare_cpu, moved), (engine_wall, engine_cpu, woken, fired) = bare_run, engine_run
    per_bare, per_engine = 1000 * bare_wall / COUNT, 1000 * engine_wall / COUNT
    ratio, cpu_ratio = engine_wall / bare_wall, engine_cpu / bare_cpu
    print(f"firing due timers, engine against a bare prototype ({database}, {COUNT} instances of visit_demo, "
          f"{ROUNDS} alternating rounds):")
    print(f"  bare prototype  : {per_bare:6.2f} ms per instance (moved on {moved}); "
          f"CPU {1000 * bare_cpu / COUNT:.2f} ms")
    print(f"  fire_due_timers : {per_engine:6.2f} ms per instance (woken {woken}, fired {fired}); "
          f"CPU {1000 * engine_cpu / COUNT:.2f} ms")
    print(f"  ratio           : {ratio:6.2f}×  (goal ≤ {GOAL:.0f}×); this process's CPU alone {cpu_ratio:.2f}×")
    bench = f"timer_overhead ({database})"
    summary.figure(bench, "bare prototype, per instance", per_bare, "ms")
    summary.figure(bench, "fire_due_timers, per instance", per_engine, "ms", f"<= {GOAL:.0f}x bare", ratio <= GOAL,
                   f"{ratio:.2f}x bare")
    summary.figure(bench, "fire_due_timers, CPU of this process", 1000 * engine_cpu / COUNT, "ms",
                   f"<= {GOAL:.0f}x bare", cpu_ratio <= GOAL, f"{cpu_ratio:.2f}x bare")


def main() -> None:
    url = fresh_url()
    clock = engine.SettableClock(START)
    eng = engine.Engine(url, clock=clock, forms_dir=FORMS)
    try:
        first = waiting_instance(eng)
        copies = clone(url, first, 2 * COUNT - 1)
        bare_ids = copies[COUNT - 1:]  # the engine fires the first instance and the COUNT - 1 copies before these
        db = sa.create_engine(url)
        with db.begin() as conn:  # the bare set is fired by id, never by the engine's sweep
            conn.execute(sa.text(f"DELETE FROM timer WHERE instance_id >= {bare_ids[0]}"))
        db.dispose()
        due = eng.next_due()
        assert due is not None
        clock.set(due + timedelta(seconds=1))
        bare_wall = bare_cpu = engine_wall = engine_cpu = 0.0
        bare_fired = woken = fired = 0
        step = max(1, COUNT // ROUNDS)
        for start in range(0, COUNT, step):  # alternate, so that a busy machine weighs on both alike
            wall, cpu, moved = bare(eng, bare_ids[start:start + step])
            bare_wall, bare_cpu, bare_fired = bare_wall + wall, bare_cpu + cpu, bare_fired + moved
            began, cpu_began = time.perf_counter(), time.process_time()
            done = eng.fire_due_timers(limit=len(bare_ids[start:start + step]))
            engine_wall += time.perf_counter() - began
            engine_cpu += time.process_time() - cpu_began
            woken, fired = woken + done.instances_woken, fired + done.timers_fired
        report(kind(url), (bare_wall, bare_cpu, bare_fired), (engine_wall, engine_cpu, woken, fired))
    finally:
        eng.close()
        drop(url)


if __name__ == "__main__":
    main()
