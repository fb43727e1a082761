"""The content hashes of the business rows an audit event saves, so that editing them in the database is found.

Every event appended with an instance records the SHA-256 of that instance as saved (its process version, state,
serialized workflow) and, when it completed a work item or changed a completed one, of that work item (data, who,
state): not of the task's earlier completions, which their own events recorded, so an event stays the same size
however often its task looped.
Verification recomputes the hash of each current row and compares it with the latest event that recorded it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AuditEvent, ProcessInstance, WorkItem

INSTANCE, WORK_ITEM = "process_instance", "work_item"


def touched(session: Session, instance_id: int, work_item: WorkItem | None) -> dict[str, str]:
    """The hashes of the instance and of ``work_item`` when it is completed, as they are in the session."""
    row = session.get(ProcessInstance, instance_id)
    hashes = {f"{INSTANCE}:{instance_id}": of_instance(row)} if row is not None else {}
    if work_item is not None and work_item.state == "completed":
        hashes[f"{WORK_ITEM}:{work_item.id}"] = of_work_item(work_item)
    return hashes


def of_instance(row: ProcessInstance) -> str:
    """The SHA-256 of what an instance is: its process version, state and serialized workflow."""
    return _sha256({"definition_id": row.definition_id, "state": row.state, "state_json": row.state_json})


def of_work_item(item: WorkItem) -> str:
    """The SHA-256 of what a completed work item recorded: its data, who completed it, its state."""
    return _sha256({"data": item.data, "completed_by": item.completed_by, "state": item.state})


def first_mismatch(session: Session, instance_ids: set[int] | None = None) -> str | None:
    """The first row (of these instances, or of all) that differs from the latest event that saved it."""
    if instance_ids is not None and not instance_ids:
        return None
    query = select(AuditEvent.row_hashes).where(AuditEvent.instance_id.is_not(None)).order_by(AuditEvent.id)
    if instance_ids is not None:
        query = query.where(AuditEvent.instance_id.in_(instance_ids))
    recorded: dict[str, str] = {}
    for hashes in session.scalars(query):
        recorded.update(hashes or {})
    current = _current(session, recorded)
    for key in sorted(recorded, key=_natural):
        if key not in current:
            return f"{key.replace(':', ' ')}: the row was deleted after its last audit event"
        if current[key] != recorded[key]:
            return f"{key.replace(':', ' ')}: the row differs from its last audit event (row edited)"
    return None


def _current(session: Session, recorded: dict[str, str]) -> dict[str, str]:
    ids = {kind: [int(key.split(":")[1]) for key in recorded if key.startswith(f"{kind}:")]
           for kind in (INSTANCE, WORK_ITEM)}
    rows = {f"{INSTANCE}:{r.id}": of_instance(r)
            for r in _chunked(session, ProcessInstance, ids[INSTANCE])}
    rows.update({f"{WORK_ITEM}:{i.id}": of_work_item(i) for i in _chunked(session, WorkItem, ids[WORK_ITEM])})
    return rows


def _chunked(session: Session, model: Any, ids: list[int], size: int = 500) -> list[Any]:
    return [row for start in range(0, len(ids), size)
            for row in session.scalars(select(model).where(model.id.in_(ids[start:start + size])))]


def _natural(key: str) -> tuple[str, int]:
    kind, ident = key.split(":")
    return kind, int(ident)


def _sha256(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
