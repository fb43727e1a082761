"""What firing a due timer costs in SQL statements: a few per instance, each kind of row read and written at most
once, never one statement per row (issue 19: firing within 2x a bare load-fire-save loop)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from engine.runtime import timers
from engine.store import audit
from engine.store.audit_models import AuditHead
from engine.store.models import Deadline, ProcessInstance
from tests.engine.test_runtime import DEMO, open_case
from tests.engine.test_timers import EXPIRES

INSTANCES = 3
BUDGET = 10
"""Statements per woken instance: the claim (with the head of its audit stream), the deadlines read, the timer,
correlation and work item writes, the audit head moved, the event, the deadline's verdict and the instance itself."""


@contextmanager
def statements(eng) -> Iterator[Counter]:  # type: ignore[no-untyped-def]
    """Each statement sent while the block runs, as its verb and table (transaction control left out)."""
    seen: Counter = Counter()

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        verb = statement.split(None, 1)[0].upper()
        if verb not in ("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK"):
            table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)", statement, re.IGNORECASE)
            seen[(verb, table.group(1) if table else "")] += 1

    sa.event.listen(eng.database.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(eng.database.engine, "before_cursor_execute", count)


def waiting_visits(eng) -> None:  # type: ignore[no-untyped-def]
    eng.deploy(DEMO, actor="owner")
    for n in range(INSTANCES):
        case = open_case(eng, f"C-{n}")
        eng.start(case.id, "visit_demo", {}, actor="employee1")
        [item] = eng.work_items(case_id=case.id)
        eng.complete(item.id, {"request_received_on": "2026-12-23"}, actor="employee1")


def test_firing_reads_and_writes_each_kind_of_row_once_per_instance(eng, clock):
    waiting_visits(eng)
    clock.set(EXPIRES)
    with statements(eng) as seen:
        run = eng.fire_due_timers()
    assert (run.instances_woken, run.timers_fired) == (INSTANCES, INSTANCES)
    sweep = {key: n for key, n in seen.items() if n < INSTANCES}  # the look-ups of the timer index
    per_instance = {key: n for key, n in seen.items() if n >= INSTANCES}
    assert all(n == INSTANCES for n in per_instance.values()), per_instance
    assert len(per_instance) <= BUDGET, sorted(per_instance)
    assert sum(sweep.values()) <= 3, sweep
    assert ("SELECT", "timer") not in per_instance, "the rows of the timers are known from the state they mirror"
    assert ("SELECT", "audit_head") not in per_instance, "the claim reads the head of the instance's audit stream"
    assert ("SELECT", "process_definition") not in per_instance, "the claim reads the instance's version with it"
    assert ("SELECT", "work_item") not in per_instance, "the open items are the ready tasks of the state as saved"


def test_a_firing_gives_each_deadline_its_verdict_and_keeps_how_its_term_was_counted(eng, clock):
    waiting_visits(eng)
    explaining = (Deadline.legal_source, Deadline.start_event, Deadline.explanation, Deadline.explanation_parts,
                  Deadline.created_at)

    def deadlines() -> list:
        with eng.database.unit_of_work(is_read_only=True) as session:
            return list(session.execute(sa.select(Deadline.state, *explaining).order_by(Deadline.id)))

    before = deadlines()
    clock.set(EXPIRES)
    assert eng.fire_due_timers().timers_fired == INSTANCES
    after = deadlines()
    assert [row.state for row in before] == ["pending"] * INSTANCES
    assert [row.state for row in after] == ["missed"] * INSTANCES
    assert [tuple(row)[1:] for row in after] == [tuple(row)[1:] for row in before]
    assert all(row.explanation and row.explanation_parts for row in after)


def claimed(session, clock) -> ProcessInstance:  # type: ignore[no-untyped-def]
    """The instance a sweep claims first, once the visits' terms expired."""
    clock.set(EXPIRES)
    row = timers.claim_due_instance(session, clock.now(), set())
    assert row is not None
    return row


def test_an_audit_head_moved_since_the_claim_read_it_fails_the_firing_as_a_lost_race(eng, clock):
    waiting_visits(eng)
    with eng.database.unit_of_work() as session:
        row = claimed(session, clock)
        stream = f"instance:{row.id}"
        session.execute(sa.update(AuditHead).where(AuditHead.stream == stream).values(seq=AuditHead.seq + 1))
        with pytest.raises(StaleDataError):
            audit.append(session, stream, at=clock.now(), actor="scheduler", action="timers_fired")
    assert eng.fire_due_timers().instances_woken == INSTANCES
    with eng.database.unit_of_work(is_read_only=True) as session:
        assert audit.verify(session).is_intact


def test_a_firing_writes_of_its_instance_only_the_columns_it_changed(eng, clock):
    waiting_visits(eng)
    clock.set(EXPIRES)
    saved: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.startswith("UPDATE process_instance"):
            saved.append(statement.split(" WHERE ")[0])

    sa.event.listen(eng.database.engine, "before_cursor_execute", note)
    try:
        assert eng.fire_due_timers().timers_fired == INSTANCES
    finally:
        sa.event.remove(eng.database.engine, "before_cursor_execute", note)
    assert len(saved) == INSTANCES
    assert all("state_json=" in s and "version=" in s for s in saved), saved
    assert not any(column in s for s in saved for column in ("state=", "end_event", "ended_at", "withheld")), saved


def test_a_claimed_instance_is_the_sessions_object_as_a_query_would_load_it(eng, clock):
    waiting_visits(eng)
    columns = [c.key for c in ProcessInstance.__table__.c]
    with eng.database.unit_of_work() as session:
        row = claimed(session, clock)
        assert session.get(ProcessInstance, row.id) is row
        read, version = {key: getattr(row, key) for key in columns}, row.definition
        row.error = "noted by the test"  # a column no step saves: the ORM's flush writes it, with the lock
        session.commit()
    with eng.database.unit_of_work(is_read_only=True) as session:
        queried = session.get(ProcessInstance, read["id"])
        assert {key: getattr(queried, key) for key in columns} == {
            **read, "error": "noted by the test", "version": read["version"] + 1}
        assert (version.id, version.process_id, version.version) == (
            queried.definition.id, "visit_demo", queried.definition.version)


def test_a_claim_in_a_session_that_holds_the_instance_gives_that_object_as_it_is_now(eng, clock):
    waiting_visits(eng)
    with eng.database.unit_of_work() as session:
        instance_id = claimed(session, clock).id
    table = ProcessInstance.__table__
    with eng.database.unit_of_work() as session:
        held = session.get(ProcessInstance, instance_id)
        session.execute(sa.update(table).where(table.c.id == instance_id).values(error="written behind its back"))
        assert held.error is None
        row = timers.claim_due_instance(session, clock.now(), set())
        assert row is held and row.error == "written behind its back"
