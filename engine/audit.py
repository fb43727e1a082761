"""The audit trail: append-only, hash-chained events, one chain per stream.

A stream is ``instance:<id>``, ``case:<id>``, ``repository``, ``audit`` or ``compliance``. Each event's hash covers its
content and the previous hash of its stream, so an edited, deleted or reordered row breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AuditEvent

GENESIS = "0" * 64


@dataclass(frozen=True)
class Verification:
    """The result of checking hash chains: ``broken`` names the first bad link, if any."""

    is_intact: bool
    events_checked: int
    broken: str | None = None


def append(
    session: Session,
    stream: str,
    *,
    at: datetime,
    actor: str,
    action: str,
    case_id: int | None = None,
    instance_id: int | None = None,
    task: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Add the next event of ``stream`` to the session (the caller commits)."""
    last = session.scalars(
        select(AuditEvent).where(AuditEvent.stream == stream).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    event = AuditEvent(
        stream=stream, seq=(last.seq + 1) if last else 1, at=at, actor=actor, action=action,
        case_id=case_id, instance_id=instance_id, task=task,
        before=_plain(before or {}), after=_plain(after or {}),
        prev_hash=last.hash if last else GENESIS,
    )
    event.hash = digest(event)
    session.add(event)
    return event


def digest(event: AuditEvent) -> str:
    """The SHA-256 of an event's content and its predecessor's hash."""
    content = {
        "stream": event.stream, "seq": event.seq, "at": event.at.isoformat(), "actor": event.actor,
        "action": event.action, "case_id": event.case_id, "instance_id": event.instance_id,
        "task": event.task, "before": event.before, "after": event.after, "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def verify(session: Session, stream: str | None = None) -> Verification:
    """Check the chain of one stream, or of every stream; stop at the first broken link."""
    query = select(AuditEvent).order_by(AuditEvent.stream, AuditEvent.seq)
    if stream is not None:
        query = query.where(AuditEvent.stream == stream)
    checked, previous = 0, None
    for event in session.scalars(query):
        problem = _link_problem(previous, event)
        if problem:
            return Verification(False, checked, f"{event.stream} #{event.seq} (id {event.id}): {problem}")
        checked, previous = checked + 1, event
    return Verification(True, checked)


def verify_streams(session: Session, streams: Iterable[str]) -> Verification:
    """Check several streams in turn (a case and its instances); stop at the first broken link."""
    checked = 0
    for stream in streams:
        result = verify(session, stream)
        checked += result.events_checked
        if not result.is_intact:
            return Verification(False, checked, result.broken)
    return Verification(True, checked)


def _link_problem(previous: AuditEvent | None, event: AuditEvent) -> str | None:
    is_first = previous is None or previous.stream != event.stream
    expected_seq = 1 if is_first else previous.seq + 1  # type: ignore[union-attr]
    expected_prev = GENESIS if is_first else previous.hash  # type: ignore[union-attr]
    if event.seq != expected_seq:
        return f"sequence jumps to {event.seq}, expected {expected_seq} (an event is missing)"
    if event.prev_hash != expected_prev:
        return "previous-hash link does not match (rows deleted or reordered)"
    if digest(event) != event.hash:
        return "content does not match its hash (row edited)"
    return None


def _plain(value: Any) -> Any:
    """JSON-safe copy of audit data (dates become ISO strings)."""
    return json.loads(json.dumps(value, default=str, sort_keys=True))
