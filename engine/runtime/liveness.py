"""Worker heartbeats and readiness: is the database reachable, its schema current, and is some worker alive?

Liveness is measured on the wall clock (``wall_clock``, real UTC time by default), never on the engine's legal
clock: a demo or a test moves the legal clock by weeks, while a worker is dead when real seconds pass without a
beat. Machines that run workers and web processes must keep their clocks synchronised (NTP), as usual.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from ..clock import Clock, SystemClock
from ..errors import Unavailable
from ..store import schema_state
from ..store.database import Database
from ..store.heartbeat_models import WorkerHeartbeat

FRESH_BEATS = 3
"""A heartbeat is fresh while it is younger than this many of its worker's intervals."""
FORGET_AFTER = timedelta(hours=24)
"""A heartbeat stale for this long is deleted by the next live worker: a dead worker is reported for a day."""


def default_worker_name() -> str:
    """``host:pid``: unique, but a restarted worker gets a new name (give stable names with ``--name``)."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class WorkerBeat:
    """One worker's last heartbeat, as ``/readyz`` reports it."""

    name: str
    seconds_since_beat: float
    interval_seconds: int

    @property
    def is_fresh(self) -> bool:
        return self.seconds_since_beat < FRESH_BEATS * self.interval_seconds


@dataclass(frozen=True)
class Readiness:
    """The checks of ``/readyz``: ``database_error`` (None when reachable), the schema's migration against the
    code's, and every worker's heartbeat."""

    database_error: str | None
    schema_revision: str | None
    head_revision: str | None
    workers: tuple[WorkerBeat, ...]

    @property
    def failing(self) -> list[str]:
        """The names of the failing checks: ``database``, ``migrations``, ``workers``."""
        if self.database_error is not None:
            return ["database", "migrations", "workers"]
        checks = {"migrations": self.schema_revision == self.head_revision,
                  "workers": bool(self.workers) and all(w.is_fresh for w in self.workers)}
        return [name for name, ok in checks.items() if not ok]

    @property
    def is_ready(self) -> bool:
        return not self.failing


class Liveness:
    """The heartbeats of one database's workers, on ``wall_clock``."""

    def __init__(self, database: Database, wall_clock: Clock | None = None) -> None:
        self.database = database
        self.wall_clock = wall_clock or SystemClock()

    def beat(self, name: str, *, interval_seconds: int, started_at: datetime) -> None:
        """Record that worker ``name`` (this process) is alive now, and forget heartbeats stale for a day."""
        now = self.wall_clock.now()
        with self.database.unit_of_work() as session:
            row = session.get(WorkerHeartbeat, name)
            if row is None:
                row = WorkerHeartbeat(name=name)
                session.add(row)
            row.host, row.pid, row.interval_seconds = socket.gethostname(), os.getpid(), interval_seconds
            row.started_at, row.beat_at = started_at, now
            session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < now - FORGET_AFTER))
            session.commit()

    def leave(self, name: str) -> None:
        """Delete worker ``name``'s heartbeat: it stops cleanly, so it is not reported as dead."""
        with self.database.unit_of_work() as session:
            session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.name == name))
            session.commit()

    def readiness(self) -> Readiness:
        """Check the database, its migration and the heartbeats; never raises for an unreachable database."""
        head = schema_state.head_revision()
        try:
            with self.database.unit_of_work() as session:
                current = schema_state.current_revision(session.connection())
                rows = session.execute(select(WorkerHeartbeat.name, WorkerHeartbeat.beat_at,
                                              WorkerHeartbeat.interval_seconds).order_by(WorkerHeartbeat.name)
                                       ).all() if current == head else []
        except Unavailable as err:
            return Readiness(err.message, None, head, ())
        now = self.wall_clock.now()
        beats = tuple(WorkerBeat(name, round((now - beat_at).total_seconds(), 1), interval)
                      for name, beat_at, interval in rows)
        return Readiness(None, current, head, beats)
