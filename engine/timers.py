"""Which instances have due timers, claimed so that several workers never wake the same one twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, queries
from .models import ProcessInstance, Timer


def claim_due_instance(session: Session, now: datetime, skip: set[int]) -> ProcessInstance | None:
    """Lock the running instance with the earliest due timer that no other worker holds (SKIP LOCKED).

    Candidates come from the timer index, so idle instances are never read. Every instance looked at is
    added to ``skip``, so one call never wakes an instance twice.
    """
    while True:
        candidates = select(Timer.instance_id).where(Timer.due_at < now).order_by(Timer.due_at).limit(20)
        if skip:
            candidates = candidates.where(Timer.instance_id.not_in(skip))
        ids = list(dict.fromkeys(session.scalars(candidates)))
        if not ids:
            return None
        for instance_id in ids:
            skip.add(instance_id)
            lock = (select(ProcessInstance).where(ProcessInstance.id == instance_id, ProcessInstance.state == "running")
                    .with_for_update(skip_locked=True))
            row = session.scalars(lock).first()
            if row is not None and still_due(session, instance_id, now):
                return row


def still_due(session: Session, instance_id: int, now: datetime) -> bool:
    """Re-read after taking the lock: another worker may have fired the timer just before."""
    query = select(Timer.id).where(Timer.instance_id == instance_id, Timer.due_at < now).limit(1)
    return session.scalar(query) is not None


def record_failure(session: Session, instance_id: int, message: str, now: datetime) -> None:
    """Mark an instance whose timer path failed as ``error`` and audit it (the caller commits)."""
    row = queries.get(session, ProcessInstance, instance_id, "instance")
    row.state, row.error = "error", message
    audit.append(session, f"instance:{instance_id}", at=now, actor="scheduler", action="timer_failed",
                 case_id=row.case_id, instance_id=instance_id, after={"error": message})
