"""Firing due timers: ``fire_due_timers`` against a bare prototype, per instance, on the same diagram, in one run.

The bare prototype is the least firing can cost: one transaction per instance that loads the instance row,
restores the workflow with SpiffWorkflow, fires its timers and runs on to the next wait, serializes and saves it;
nothing derived (no work items, timer or deadline rows, no audit). Goal: the engine within 2× of it.
The floor is the bare prototype that also writes what a firing of this diagram must write beside the state, as
plain SQL with nothing worked out: the deadline's verdict, the interrupted and the new work item, the timer and
correlation rows gone, the audit event and the head of its stream. No engine that keeps those rows fires faster
than it, so it shows how much of the ratio the rows cost and how much the engine adds.
All three fire copies of one real instance of the demo visit (``clones``), REINTEGRA_BENCH_DUE of them (100), in
alternating rounds. Beside the wall-clock ratio it prints the ratio of this process's CPU time, which a busy machine
disturbs less (on PostgreSQL it leaves out the server's work).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

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


def bare(eng: engine.Engine, ids: list[int], *, with_rows: bool = False) -> tuple[float, float, int]:
    """Fire the timers of ``ids`` the bare way (``with_rows``: the floor's); the seconds it took (wall, this
    process's CPU) and how many instances moved on."""
    with eng.database.unit_of_work(is_read_only=True) as session:
        loaded = eng._loaded(session, session.get(ProcessInstance, ids[0]))
    lock = " FOR UPDATE OF i" if eng.database.url.startswith("postgresql") else ""
    db, fired = sa.create_engine(eng.database.url), 0
    began, cpu = time.perf_counter(), time.process_time()
    with run._engine_time(eng.clock):  # SpiffWorkflow reads the bench's clock, as in the engine
        for instance_id in ids:
            with db.begin() as conn:
                claim = _CLAIM_WITH_HEAD if with_rows else "SELECT state_json FROM process_instance i WHERE id = :id"
                found = conn.execute(sa.text(claim + lock), {"id": instance_id}).one()
                pending = conn.execute(_PENDING, {"id": instance_id}).all() if with_rows else []
                workflow = serialization.load(found.state_json, loaded.spec, loaded.subprocess_specs)
                workflow.refresh_timers()
                workflow.do_engine_steps()
                ready = workflow.get_tasks(state=TaskState.READY, manual=True)
                fired += any(t.task_spec.bpmn_id == "explain_delay" for t in ready)
                if with_rows:
                    _write_rows(conn, instance_id, found, [row.id for row in pending], eng.clock.now())
                conn.execute(sa.text("UPDATE process_instance SET state_json = :s, version = version + 1 "
                                     "WHERE id = :id"), {"s": serialization.dump(workflow), "id": instance_id})
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    db.dispose()
    return elapsed, cpu, fired


_CLAIM_WITH_HEAD = ("SELECT i.state_json, i.case_id, h.seq, h.hash FROM process_instance i LEFT JOIN audit_head h "
                    "ON h.stream = 'instance:' || CAST(i.id AS VARCHAR) WHERE i.id = :id")
_PENDING = sa.text("SELECT id FROM deadline WHERE instance_id = :id AND state = 'pending'")
_ROWS = [sa.text(statement) for statement in (
    "UPDATE deadline SET state = 'missed', closed_at = :now, closed_on = :today WHERE id = :deadline",
    "UPDATE work_item SET state = 'interrupted', ended_at = :now WHERE instance_id = :id AND state = 'ready'",
    "INSERT INTO work_item (instance_id, case_id, employer, task_id, bpmn_id, name, role, form, state, created_at, "
    "risk_due_on) VALUES (:id, :case, (SELECT employer FROM case_file WHERE id = :case), :task, 'explain_delay', "
    "'Explain the delay', 'occupational_physician', 'explain_delay', 'ready', :now, :today)",
    "DELETE FROM timer WHERE instance_id = :id",
    "DELETE FROM correlation WHERE instance_id = :id",
    "UPDATE audit_head SET seq = :seq, hash = :hash, updated_at = :now WHERE stream = :stream AND seq = :seq - 1",
    "INSERT INTO audit_event (stream, seq, at, actor, action, case_id, instance_id, \"before\", \"after\", prev_hash, "
    "hash) VALUES (:stream, :seq, :now, 'scheduler', 'timers_fired', :case, :id, '{}', :after, :prev, :hash)")]
"""What a firing of the demo visit writes beside the state, each row once, its values given rather than worked out."""


def _write_rows(conn: sa.Connection, instance_id: int, found: sa.Row, deadlines: list[int], now: datetime) -> None:
    after = json.dumps({"fired": ["term_expired"]})
    values = {"id": instance_id, "case": found.case_id, "task": f"floor-{instance_id}", "now": now,
              "today": now.date(), "after": after, "stream": f"instance:{instance_id}", "seq": (found.seq or 0) + 1,
              "prev": found.hash or "", "hash": hashlib.sha256(f"{found.hash}{after}".encode()).hexdigest()}
    for deadline in deadlines:
        conn.execute(_ROWS[0], {**values, "deadline": deadline})
    for statement in _ROWS[1:]:
        conn.execute(statement, values)


@dataclass
class Tally:
    """What one contender took over the rounds: wall and CPU seconds, and how many timers it fired."""

    wall: float = 0.0
    cpu: float = 0.0
    fired: int = 0

    def add(self, wall: float, cpu: float, fired: int) -> None:
        self.wall, self.cpu, self.fired = self.wall + wall, self.cpu + cpu, self.fired + fired


def report(database: str, bare_run: Tally, floor_run: Tally, engine_run: Tally) -> None:
    per = {name: 1000 * run.wall / COUNT for name, run in (("bare", bare_run), ("floor", floor_run),
                                                           ("engine", engine_run))}
    ratio, cpu_ratio = engine_run.wall / bare_run.wall, engine_run.cpu / bare_run.cpu
    floor_ratio = floor_run.wall / bare_run.wall
    print(f"firing due timers, engine against a bare prototype ({database}, {COUNT} instances of visit_demo, "
          f"{ROUNDS} alternating rounds):")
    print(f"  bare prototype  : {per['bare']:6.2f} ms per instance (fired {bare_run.fired}); "
          f"CPU {1000 * bare_run.cpu / COUNT:.2f} ms")
    print(f"  floor (+ rows)  : {per['floor']:6.2f} ms per instance (fired {floor_run.fired}); "
          f"{floor_ratio:.2f}× bare: what the rows a firing keeps cost alone")
    print(f"  fire_due_timers : {per['engine']:6.2f} ms per instance (fired {engine_run.fired}); "
          f"CPU {1000 * engine_run.cpu / COUNT:.2f} ms; {engine_run.wall / floor_run.wall:.2f}× the floor")
    print(f"  ratio           : {ratio:6.2f}×  (goal ≤ {GOAL:.0f}×); this process's CPU alone {cpu_ratio:.2f}×")
    bench = f"timer_overhead ({database})"
    summary.figure(bench, "bare prototype, per instance", per["bare"], "ms")
    summary.figure(bench, "floor: bare + the rows a firing writes", per["floor"], "ms",
                   ratio=f"{floor_ratio:.2f}x bare")
    summary.figure(bench, "fire_due_timers, per instance", per["engine"], "ms", f"<= {GOAL:.0f}x bare", ratio <= GOAL,
                   f"{ratio:.2f}x bare, {engine_run.wall / floor_run.wall:.2f}x floor")
    summary.figure(bench, "fire_due_timers, CPU of this process", 1000 * engine_run.cpu / COUNT, "ms",
                   f"<= {GOAL:.0f}x bare", cpu_ratio <= GOAL, f"{cpu_ratio:.2f}x bare")


def main() -> None:
    url = fresh_url()
    clock = engine.SettableClock(START)
    eng = engine.Engine(url, clock=clock, forms_dir=FORMS)
    try:
        first = waiting_instance(eng)
        copies = clone(url, first, 3 * COUNT - 1)
        bare_ids, floor_ids = copies[COUNT - 1:2 * COUNT - 1], copies[2 * COUNT - 1:]  # the engine fires the others
        db = sa.create_engine(url)
        with db.begin() as conn:  # the bare and floor sets are fired by id, never by the engine's sweep
            conn.execute(sa.text(f"DELETE FROM timer WHERE instance_id >= {bare_ids[0]}"))
        db.dispose()
        due = eng.next_due()
        assert due is not None
        clock.set(due + timedelta(seconds=1))
        bare_run, floor_run, engine_run = Tally(), Tally(), Tally()
        step = max(1, COUNT // ROUNDS)
        for start in range(0, COUNT, step):  # alternate, so that a busy machine weighs on all alike
            bare_run.add(*bare(eng, bare_ids[start:start + step]))
            floor_run.add(*bare(eng, floor_ids[start:start + step], with_rows=True))
            began, cpu_began = time.perf_counter(), time.process_time()
            done = eng.fire_due_timers(limit=len(bare_ids[start:start + step]))
            engine_run.add(time.perf_counter() - began, time.process_time() - cpu_began, done.timers_fired)
        report(kind(url), bare_run, floor_run, engine_run)
    finally:
        eng.close()
        drop(url)


if __name__ == "__main__":
    main()
