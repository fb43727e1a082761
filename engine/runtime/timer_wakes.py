"""Tell the timer schedulers, as soon as it commits, that a unit of work created or moved a timer.

The projection ``announce``s the due instant of every timer it adds or moves. When the unit of work commits, the
earliest one reaches the schedulers of this process (``TimerWakes``, the embedded SQLite default) and, on
PostgreSQL, those of every process: the commit carries ``NOTIFY reintegra_timers`` with its schema and the instant,
which each worker's ``Listener`` hears on a connection of its own (a notification goes to the whole database, so a
listener ignores those of other schemas). A rolled-back unit of work announces nothing. A scheduler
that misses a notification (its connection was down) still has its sweep.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy import text
from sqlalchemy.orm import Session

from ..store.database import libpq_uri

log = logging.getLogger(__name__)
CHANNEL = "reintegra_timers"
_EARLIEST = "reintegra_timer_due"
Hearer = Callable[[datetime], None]


def announce(session: Session, due: datetime) -> None:
    """Note that ``session``'s unit of work creates or moves a timer due at ``due``."""
    earliest = session.info.get(_EARLIEST)
    if earliest is None or due < earliest:
        session.info[_EARLIEST] = due


class TimerWakes:
    """The schedulers of this process that hear of the timers its units of work commit."""

    def __init__(self) -> None:
        self._hearers: list[Hearer] = []
        self._lock = threading.Lock()

    def subscribe(self, hearer: Hearer) -> None:
        with self._lock:
            self._hearers.append(hearer)

    def unsubscribe(self, hearer: Hearer) -> None:
        with self._lock:
            if hearer in self._hearers:
                self._hearers.remove(hearer)

    def listeners(self) -> dict[str, Callable[..., Any]]:
        """Session event listeners: notify other processes in the commit (PostgreSQL), tell this one after it."""

        def committing(session: Session) -> None:
            due = session.info.get(_EARLIEST)
            if due is not None and session.get_bind().dialect.name == "postgresql":
                session.execute(text("SELECT pg_notify(:channel, current_schema() || ' ' || :due)"),
                                {"channel": CHANNEL, "due": due.isoformat()})

        def committed(session: Session) -> None:
            due = session.info.pop(_EARLIEST, None)
            if due is None:
                return
            with self._lock:
                hearers = list(self._hearers)
            for hearer in hearers:
                hearer(due)

        def rolled_back(session: Session) -> None:
            session.info.pop(_EARLIEST, None)

        return {"before_commit": committing, "after_commit": committed, "after_rollback": rolled_back}


class Listener:
    """A thread that LISTENs on PostgreSQL for the timers other processes commit, and hands each instant on.

    ``on_connect`` runs after every reconnection, since notifications sent while it was away are lost. Losing the
    connection is logged at info level only: the scheduler itself says once that the database is away.
    """

    def __init__(self, database_url: str, hear: Hearer, on_connect: Callable[[], None], *,
                 poll_seconds: float = 1.0) -> None:
        self._conninfo = libpq_uri(database_url)
        self._hear, self._on_connect, self._poll_seconds = hear, on_connect, poll_seconds
        self._stopping = threading.Event()
        self._connection: psycopg.Connection | None = None
        self._schema = ""
        self._thread = threading.Thread(target=self._run, name="reintegra-timer-listener", daemon=True)

    def start(self) -> None:
        """LISTEN before returning (so a timer committed from now on is heard), then listen in the thread."""
        try:
            self._connection = self._connect()
        except psycopg.Error as err:
            log.info("timers: not listening for new timers yet (%s); the sweep covers them", err)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=10)
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _connect(self) -> psycopg.Connection:
        connection = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5)
        connection.execute(f"LISTEN {CHANNEL}")
        row = connection.execute("SELECT current_schema()").fetchone()
        self._schema = row[0] if row else ""
        return connection

    def _run(self) -> None:
        is_down = False
        while not self._stopping.is_set():
            try:
                if self._connection is None:
                    self._connection = self._connect()
                    self._on_connect()
                for note in self._connection.notifies(timeout=self._poll_seconds):
                    self._heard(note.payload)
                is_down = False
            except psycopg.Error as err:
                if not is_down:
                    log.info("timers: listening for new timers failed (%s); reconnecting", err)
                is_down = True
                self._drop()
                self._stopping.wait(self._poll_seconds)

    def _heard(self, payload: str) -> None:
        schema, _, instant = payload.rpartition(" ")
        if schema != self._schema:
            return
        try:
            due = datetime.fromisoformat(instant)
        except ValueError:
            log.warning("timers: ignored a notification that is no instant: %r", payload[:100])
            return
        self._hear(due)

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except psycopg.Error:
                pass
            self._connection = None
