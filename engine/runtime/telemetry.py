"""What the engine reports about its own work, for whoever watches it (Prometheus, in the web layer).

The engine calls a ``Telemetry`` at a few points: a task completion (how long the call took, how it ended), each
timer fired (how late), each incident opened, and each committed audit event (by the kind of its stream). The base
class reports nowhere; the web layer plugs in a subclass that feeds its metrics, so the engine never imports a
metrics library. Nothing handed over names a person, a case or an instance: only process ids, outcomes, durations
and stream kinds (``instance``, ``case``, ``accounts``, ...), never a stream's id.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import Conflict, EngineError, InvalidInput, NotAllowed, NotFound
from ..store import audit
from ..store.models import Timer
from .incident_models import Incident

T = TypeVar("T")
OUTCOMES: tuple[tuple[type[EngineError], str], ...] = (
    (InvalidInput, "invalid_input"), (Conflict, "conflict"), (NotFound, "not_found"), (NotAllowed, "not_allowed"))


class Telemetry:
    """The engine's reports; every method here does nothing, a subclass decides where the figures go.

    Methods are called after the work they report was committed (a completion, a fired timer, an incident, an
    audit event), from whichever thread did it, and must neither raise nor block.
    """

    def task_completed(self, process_id: str | None, outcome: str, seconds: float) -> None:
        """A call to complete a work item took ``seconds`` and ended in ``outcome`` (``completed``,
        ``invalid_input``, ``conflict``, ``not_found``, ``not_allowed`` or ``error``); ``process_id`` only when
        it completed."""

    def timer_fired(self, lateness_seconds: float) -> None:
        """A timer fired ``lateness_seconds`` after its due instant (on the engine's clock)."""

    def incident_opened(self) -> None:
        """An instance failed and a new incident was opened for it (a failed retry opens none)."""

    def audit_appended(self, stream_kind: str, count: int) -> None:
        """``count`` audit events of streams of ``stream_kind`` were committed."""


@dataclass(frozen=True)
class Backlog:
    """What waits on the engine right now: timers past their due instant and not fired, incidents still open."""

    timers_due: int
    incidents_open: int


def backlog(session: Session, now: datetime) -> Backlog:
    """Count the backlog: two counts over indexed columns, cheap enough for every scrape."""
    due = session.scalar(select(func.count()).select_from(Timer).where(Timer.due_at <= now))
    open_ = session.scalar(select(func.count()).select_from(Incident).where(Incident.state == "open"))
    return Backlog(int(due or 0), int(open_ or 0))


def stream_kind(stream: str) -> str:
    """The kind of an audit stream, without its id: ``instance:12`` is ``instance``."""
    return stream.split(":", 1)[0]


def timed_completion(telemetry: Telemetry, call: Callable[[], T], process_id: Callable[[T], str]) -> T:
    """Run a completion ``call`` and report its duration and outcome; errors are reported, then raised."""
    started = time.perf_counter()
    try:
        result = call()
    except EngineError as err:
        telemetry.task_completed(None, _outcome(err), time.perf_counter() - started)
        raise
    except Exception:
        telemetry.task_completed(None, "error", time.perf_counter() - started)
        raise
    telemetry.task_completed(process_id(result), "completed", time.perf_counter() - started)
    return result


def _outcome(err: EngineError) -> str:
    return next((name for kind, name in OUTCOMES if isinstance(err, kind)), "error")


def count_audit_appends(telemetry: Telemetry) -> dict[str, Callable[..., Any]]:
    """Session event listeners that report the audit events each unit of work commits (none when it rolls back)."""

    def committed(session: Session) -> None:
        for kind, count in Counter(stream_kind(s) for s in session.info.pop(audit.APPENDED, ())).items():
            telemetry.audit_appended(kind, count)

    def rolled_back(session: Session) -> None:
        session.info.pop(audit.APPENDED, None)

    return {"after_commit": committed, "after_rollback": rolled_back}
