"""SQLite as the embedded default: write-ahead logging, reads that never wait for a writer, writers that take
turns, and sweeps that commit instance by instance."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

import engine
from engine.errors import Conflict
from engine.runtime import incidents
from engine.store import database
from engine.store.models import Case, Timer
from engine.store.write_turns import WriteTurns
from tests.engine.test_runtime import open_case
from tests.engine.test_timers import EXPIRES, requested


def test_the_engine_opens_an_sqlite_database_in_write_ahead_log_mode(tmp_path: Path):
    path = tmp_path / "fresh.sqlite"
    eng = engine.Engine(f"sqlite:///{path}")
    eng.upgrade_schema()
    eng.close()
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_case_is_read_while_another_connection_holds_an_uncommitted_change(eng, database_url):
    """Before WAL reads, every read took the write lock: this read waited for the busy timeout, then failed."""
    case = open_case(eng)
    writer = engine.Engine(database_url)
    try:
        with writer.database.unit_of_work() as session:
            session.execute(sa.update(Case).where(Case.id == case.id).values(reference="C-changed"))
            assert eng.case(case.id).reference == "C-1"  # the last committed state, at once
            assert eng.definitions() == []
            session.commit()
    finally:
        writer.close()
    assert eng.case(case.id).reference == "C-changed"


def test_a_write_in_a_read_only_unit_of_work_is_refused_and_the_next_writer_is_not_affected(eng):
    case = open_case(eng)
    with pytest.raises(sa.exc.DBAPIError, match="(?i)read.?only"):
        with eng.database.unit_of_work(is_read_only=True) as session:
            session.execute(sa.update(Case).where(Case.id == case.id).values(reference="C-changed"))
    assert eng.case(case.id).reference == "C-1"
    assert open_case(eng, "C-2").reference == "C-2"  # the same pooled connection writes again


def test_a_writer_kept_waiting_past_the_busy_timeout_is_told_the_database_is_busy_then_writes_once_it_is_free(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.2)
    path = tmp_path / "busy.sqlite"
    eng = engine.Engine(f"sqlite:///{path}")
    eng.upgrade_schema()
    try:
        with closing(sqlite3.connect(path, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
            with pytest.raises(Conflict, match="busy"):
                open_case(eng)
            other.execute("ROLLBACK")
        assert open_case(eng).reference == "C-1"
    finally:
        eng.close()


class WorkerDied(BaseException):
    """The worker process going away in the middle of a sweep."""


def test_a_sweep_commits_each_instance_so_dying_at_the_third_keeps_the_first_two_fired(eng, clock, monkeypatch):
    _, first = requested(eng)
    others = []
    for reference in ("C-2", "C-3"):
        case = open_case(eng, reference)
        others.append(eng.start(case.id, "visit_demo", {}, actor="e"))
        eng.complete(eng.work_items(case_id=case.id)[0].id, {"request_received_on": "2026-12-23"}, actor="e")
    clock.set(EXPIRES + timedelta(seconds=1))
    real_wake, woken = incidents._wake, []

    def wake_then_die_at_the_third(*args: object) -> list[str]:
        fired = real_wake(*args)  # type: ignore[arg-type]
        woken.append(fired)
        if len(woken) == 3:
            raise WorkerDied("killed after stepping the third instance, before its commit")
        return fired

    monkeypatch.setattr(incidents, "_wake", wake_then_die_at_the_third)
    with pytest.raises(WorkerDied):
        eng.fire_due_timers()
    monkeypatch.undo()
    ids = [first.id] + [i.id for i in others]
    fired = [i for i in ids if "timers_fired" in [e.action for e in eng.trace(i).events]]
    assert len(fired) == 2
    with eng.database.unit_of_work(is_read_only=True) as session:
        still_due = session.scalars(sa.select(Timer.instance_id).where(Timer.due_at < clock.now())).all()
    assert still_due == [i for i in ids if i not in fired]
    assert eng.fire_due_timers().timers_fired == 1


def test_a_writer_that_asked_first_goes_before_one_that_just_gave_the_lock_back():
    """A sweep gives its turn back after each instance and asks again at once: a page waiting meanwhile goes first."""
    turns, order = WriteTurns(patience=30), []
    assert turns.take()

    def page() -> None:
        turns.take()
        order.append("page")
        turns.give_back()

    waiting = threading.Thread(target=page)
    waiting.start()
    while turns.waiting == 0:
        threading.Event().wait(0.001)
    turns.give_back()
    turns.take()
    order.append("sweep")
    turns.give_back()
    waiting.join()
    assert order == ["page", "sweep"]


def test_a_writer_that_runs_out_of_patience_goes_ahead_and_the_queue_moves_on():
    turns = WriteTurns(patience=0.01)
    assert turns.take()
    assert not turns.take()  # nested on one thread: waits no longer than patience
    turns.give_back()
    assert turns.take()
    turns.give_back()
