"""Two writers on one instance: exactly one wins, the other gets Conflict, nothing is lost."""

from __future__ import annotations

import threading

import engine
from tests.engine.test_runtime import start_demo


def race(eng: engine.Engine, work_item_id: int, writers: int) -> list[str]:
    barrier = threading.Barrier(writers)
    outcomes: list[str] = []

    def write(n: int) -> None:
        barrier.wait()
        try:
            eng.complete(work_item_id, {"request_received_on": "2026-12-23"}, actor=f"user{n}")
            outcomes.append("won")
        except engine.Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_racing_completions_of_one_task_have_exactly_one_winner(eng):
    _, instance = start_demo(eng)
    item = eng.work_items(role="employee")[0]
    outcomes = race(eng, item.id, writers=4)
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "won"]
    trace = eng.trace(instance.id)
    assert [e.action for e in trace.events] == ["started", "task_completed"]
    assert trace.instance.row_version == instance.row_version + 1
    assert [i.task for i in eng.work_items(role="occupational_physician")] == ["hold_visit"]
    assert eng.verify_audit().is_intact
