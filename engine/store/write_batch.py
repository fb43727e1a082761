"""The writes of one step of an instance, sent together at its end: on PostgreSQL in one round trip (pipeline mode).

Saving a step writes up to a dozen rows (its work items, timers, deadline verdicts, correlations, audit event, the
instance), none of whose answers the step needs. Inside ``batched`` a write made with ``execute`` waits in a queue
and the queue is sent when the block ends, in order; on PostgreSQL without waiting for each answer, so that the
writes cost one round trip rather than one each. Reads are not queued: they run at once, so a step reads what it
reads before any of its own writes is sent (every caller reads first, then writes). A write that must change one
row (``stale``: a compare and set) is checked once the answers are in; a write that returns rows is no write to
queue. Outside ``batched``, ``execute`` runs the write at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from . import prepared

_QUEUE = "write_batch_queue"


@dataclass(frozen=True)
class _Write:
    statement: Executable
    params: Any
    stale: str | None
    """The error's message when the write does not change exactly one row; None: any count."""


def execute(session: Session, statement: Executable, params: Any = None, *, stale: str | None = None) -> None:
    """Write with ``statement`` now, or when the open ``batched`` block ends; ``stale``: it must change exactly one
    row, else ``StaleDataError`` with that message (when the batch is sent, for a queued write)."""
    write = _Write(statement, params, stale)
    queue = session.info.get(_QUEUE)
    if queue is None:
        _check(write, session.connection().execute(statement, params).context.cursor)
    else:
        queue.append(write)


@contextmanager
def batched(session: Session) -> Iterator[None]:
    """Queue the writes made with ``execute`` in the block and send them together when it ends without error (on an
    error they are dropped: the caller rolls back). The session does not autoflush in the block, so an object it
    flushes never comes before a queued write."""
    if _QUEUE in session.info:  # a batch is open already: its end sends these writes too
        yield
        return
    queue: list[_Write] = []
    session.info[_QUEUE] = queue
    try:
        with session.no_autoflush:
            yield
    finally:
        del session.info[_QUEUE]
    if queue:
        _send(session.connection(), queue)


def _send(connection: Connection, queue: list[_Write]) -> None:
    driver = connection.connection.driver_connection
    pipelined = connection.dialect.driver == "psycopg" and len(queue) > 1
    quiet, sent = prepared.is_quiet(connection), []
    with prepared.as_sqlalchemy_errors(connection, "(the queued writes)"):  # the pipeline's, raised as it ends
        with driver.pipeline() if pipelined else nullcontext():  # type: ignore[union-attr]
            for write in queue:
                sent.append((write, prepared.execute(connection, write.statement, write.params, quiet=quiet)))
    for write, cursor in sent:
        _check(write, cursor)
        cursor.close()


def _check(write: _Write, cursor: Any) -> None:
    """A compare and set that changed no row lost its race (the count is read from the driver's cursor, which holds
    it once the pipeline's answers are in)."""
    if write.stale is not None and cursor.rowcount != 1:
        raise StaleDataError(write.stale)
