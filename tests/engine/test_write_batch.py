"""The writes of a step are sent together at its end (``engine.store.write_batch``): on PostgreSQL in one round trip,
with a lost compare-and-set or a refused row failing the step as a whole, on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import ConcurrentUpdate
from engine.store import write_batch
from engine.store.audit_models import AuditHead
from tests.engine.test_firing_cost import INSTANCES, waiting_visits
from tests.engine.test_timers import EXPIRES

WRITES = ("INSERT", "UPDATE", "DELETE")


def heads(eng) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with eng.database.unit_of_work(is_read_only=True) as session:
        return {stream: seq for stream, seq in session.execute(sa.select(AuditHead.stream, AuditHead.seq))}


def test_a_write_queued_in_a_batch_is_sent_at_its_end_after_the_reads_of_the_block(eng, clock):
    waiting_visits(eng)
    [stream, *_] = sorted(heads(eng))
    moved = sa.update(AuditHead).where(AuditHead.stream == stream).values(seq=AuditHead.seq + 100)
    with eng.database.unit_of_work() as session:
        with write_batch.batched(session):
            write_batch.execute(session, moved)
            seen_in_block = session.scalar(sa.select(AuditHead.seq).where(AuditHead.stream == stream))
        seen_after = session.scalar(sa.select(AuditHead.seq).where(AuditHead.stream == stream))
        session.commit()
    assert seen_after == seen_in_block + 100
    assert heads(eng)[stream] == seen_after


def test_a_compare_and_set_that_finds_its_row_changed_fails_the_batch_and_nothing_of_it_is_kept(eng, clock):
    waiting_visits(eng)
    before = heads(eng)
    first, second = sorted(before)[:2]
    with eng.database.unit_of_work() as session, pytest.raises(StaleDataError, match="moved on"):
        with write_batch.batched(session):
            write_batch.execute(session, sa.update(AuditHead).where(AuditHead.stream == first).values(seq=0))
            write_batch.execute(session, sa.update(AuditHead).where(AuditHead.stream == second,
                                                                    AuditHead.seq == -1).values(seq=0),
                                stale="the head moved on")
    assert heads(eng) == before


def test_a_row_the_database_refuses_in_a_batch_fails_the_unit_of_work_as_a_lost_race(eng, clock):
    waiting_visits(eng)
    [stream, *_] = sorted(heads(eng))
    again = sa.insert(AuditHead).values(stream=stream, seq=1, hash="0" * 64, updated_at=clock.now())
    with pytest.raises(ConcurrentUpdate), eng.database.unit_of_work() as session:
        with write_batch.batched(session):
            write_batch.execute(session, sa.update(AuditHead).where(AuditHead.stream == stream).values(seq=0))
            write_batch.execute(session, again)
    assert heads(eng)[stream] != 0


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_on_postgresql_a_firing_sends_every_write_of_an_instance_in_one_pipeline(eng, clock):
    waiting_visits(eng)
    clock.set(EXPIRES)
    sent: list[tuple[str, bool]] = []

    def note(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        verb = statement.split(None, 1)[0].upper()
        if verb in WRITES:
            sent.append((verb, conn.connection.driver_connection.pgconn.pipeline_status != 0))

    sa.event.listen(eng.database.engine, "before_cursor_execute", note)
    try:
        run = eng.fire_due_timers()
    finally:
        sa.event.remove(eng.database.engine, "before_cursor_execute", note)
    assert run.timers_fired == INSTANCES
    assert len(sent) >= 5 * INSTANCES
    assert all(pipelined for _, pipelined in sent), sent
