"""The worker heartbeat table: each timer scheduler says, on the wall clock, that it is still alive."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class WorkerHeartbeat(Base):
    """One running timer scheduler (a ``reintegra worker`` or the one inside ``reintegra run``), by its name.

    ``beat_at`` is real time, never the legal clock: liveness is measured in the seconds that pass on the machines,
    while a demo or a test may move the legal clock by weeks. ``interval_seconds`` is how often this worker beats;
    its heartbeat is fresh while it is younger than three intervals. A worker deletes its row when it stops
    cleanly; a killed one leaves it behind, stale, until a worker with the same name starts again.
    """

    __tablename__ = "worker_heartbeat"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    interval_seconds: Mapped[int]
    started_at: Mapped[datetime]
    beat_at: Mapped[datetime]
