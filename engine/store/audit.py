"""The audit trail: append-only, hash-chained events, one chain per stream.

A stream is ``instance:<id>``, ``case:<id>``, ``repository``, ``audit`` or ``compliance``. Each event's hash covers its
content and the previous hash of its stream, so an edited, deleted or reordered row breaks the chain.
Each stream has a head row (``audit_head``): an append locks it, so concurrent appends to one stream wait for
each other instead of colliding, and checkpoints (``anchors``) export it. An event with an instance also
records the content hashes of the rows it saved (``row_hashes``).

Since migration 0016 an event's hash covers a digest of its actor and data (``payload_digest``) instead of
the data itself: a pseudonymisation may replace the data of a case's events (``redacted_at``) and list them
in its own ``case_pseudonymised`` event; verification accepts a payload that differs from its digest only
for an event so redacted. ``legacy_hash`` is the hash an event had before 0016 re-chained it (what older
checkpoints hold; the new hash covers it). Events still in the first format (streams the migration found
broken) are checked as before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from . import row_hashes, write_batch
from .audit_models import AuditHead
from .models import AuditEvent, WorkItem

GENESIS = "0" * 64


@dataclass(frozen=True)
class Verification:
    """The result of checking hash chains, heads and saved rows: ``broken`` names the first problem, if any."""

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
    saved_rows: dict[str, str] | None = None,
    work_item: WorkItem | None = None,
) -> None:
    """Write the next event of ``stream`` in the session's transaction (the caller commits).

    ``work_item``: the work item the event completed or whose completion it changed (its row hash is saved with the
    instance's); ``saved_rows`` adds row hashes to those (a change to rows of several tasks).
    Locks the stream's head until the commit, so keep what follows an append short.
    """
    opened = _opened(session)
    head = opened.get(stream) or _Head(*_locked_head(session, stream, at), "move")
    saved = row_hashes.touched(session, instance_id, work_item) if instance_id is not None else None
    if saved_rows:
        saved = {**(saved or {}), **saved_rows}
    event = {"stream": stream, "seq": head.seq + 1, "at": at, "actor": actor, "action": action, "case_id": case_id,
             "instance_id": instance_id, "task": task, "before": _plain(before or {}), "after": _plain(after or {}),
             "prev_hash": head.hash, "row_hashes": saved, "legacy_hash": None}
    event["payload_digest"] = payload_digest(actor, event["before"], event["after"])
    event["hash"] = _digest(event)
    moved = {"of_stream": stream, "new_seq": event["seq"], "new_hash": event["hash"], "moved_at": at}
    if head.how == "swap":  # plain statements (an append loads no ORM object), sent with the step's other writes
        write_batch.execute(session, _SWAP_HEAD, {**moved, "old_seq": head.seq},
                            stale=f"the audit stream {stream} moved on since its head was read")
    else:
        write_batch.execute(session, _NEW_HEAD if head.how == "insert" else _MOVE_HEAD, moved)
    write_batch.execute(session, _INSERT_EVENT, event)
    opened[stream] = _Head(event["seq"], event["hash"], "move")  # this transaction holds the head until it ends
    session.info.setdefault(APPENDED, []).append(stream)


def open_stream(session: Session, stream: str) -> None:
    """Begin a stream that has no event yet (a new instance's): its first append in this transaction inserts the
    head instead of reading it (and fails, on the head's key, for a stream that exists already)."""
    _opened(session)[stream] = _Head(0, GENESIS, "insert")


def known_head(session: Session, stream: str, seq: int, hash_: str) -> None:
    """The head of ``stream`` as this transaction read it without a lock (with the instance it claimed): the next
    append moves it only if it is still that one (compare and set), instead of reading it again under a lock; if
    another writer moved it meanwhile, the append fails as a lost race (``StaleDataError``)."""
    _opened(session)[stream] = _Head(seq, hash_, "swap")


@dataclass(frozen=True)
class _Head:
    """A stream's head as this transaction knows it (the number and hash of its last event), and how the next append
    writes it: ``insert`` (a new stream, no head row yet), ``swap`` (read unlocked: moved only if still the one read)
    or ``move`` (this transaction holds it)."""

    seq: int
    hash: str
    how: str


def _opened(session: Session) -> dict[str, _Head]:
    """The streams whose head this transaction knows without reading it (``open_stream``, ``known_head``, or its own
    appends: their writes may still wait in a ``write_batch``), with their head as it stands after its appends."""
    transaction, held = session.get_transaction(), session.info.get(_OPENED)
    if held is None or held[0] is not transaction:
        held = session.info[_OPENED] = (transaction, {})
    return held[1]


_OPENED = "audit_opened_streams"
APPENDED = "audit_appended_streams"
"""``session.info``: the streams of the events appended since the last commit or rollback (what telemetry counts)."""


def _locked_head(session: Session, stream: str, at: datetime) -> tuple[int, str]:
    """The number and hash of the stream's last event, its head locked (``FOR UPDATE``; SQLite serializes writers
    anyway); the head is created when new."""
    connection = session.connection()
    head = connection.execute(_HEAD, {"of_stream": stream}).first()
    if head is not None:
        return head.seq, head.hash
    last = session.scalars(select(AuditEvent).where(AuditEvent.stream == stream)
                           .order_by(AuditEvent.seq.desc()).limit(1)).first()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    connection.execute(dialect.insert(AuditHead).values(stream=stream, seq=last.seq if last else 0,
                                                        hash=last.hash if last else GENESIS, updated_at=at)
                       .on_conflict_do_nothing())
    head = connection.execute(_HEAD, {"of_stream": stream}).one()
    return head.seq, head.hash


_HEAD = select(AuditHead.seq, AuditHead.hash).where(AuditHead.stream == bindparam("of_stream")).with_for_update()
_MOVE_HEAD = update(AuditHead).where(AuditHead.stream == bindparam("of_stream")).values(
    seq=bindparam("new_seq"), hash=bindparam("new_hash"), updated_at=bindparam("moved_at"))
_SWAP_HEAD = _MOVE_HEAD.where(AuditHead.seq == bindparam("old_seq"))
_NEW_HEAD = insert(AuditHead).values(stream=bindparam("of_stream"), seq=bindparam("new_seq"),
                                     hash=bindparam("new_hash"), updated_at=bindparam("moved_at"))
_INSERT_EVENT = insert(AuditEvent).inline()


def payload_digest(actor: str, before: dict, after: dict) -> str:
    """The SHA-256 of what a pseudonymisation may redact: who acted and the data."""
    content = {"actor": actor, "before": before, "after": after}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def digest(event: AuditEvent) -> str:
    """The SHA-256 of an event's content (its payload by digest) and its predecessor's hash."""
    if event.payload_digest is None:
        return legacy_digest(event)
    return _digest({key: getattr(event, key) for key in _HASHED})


def _digest(event: dict[str, Any]) -> str:
    """``digest`` of an event given as its column values."""
    content = {
        "stream": event["stream"], "seq": event["seq"], "at": event["at"].isoformat(), "action": event["action"],
        "case_id": event["case_id"], "instance_id": event["instance_id"], "task": event["task"],
        "payload": event["payload_digest"], "prev_hash": event["prev_hash"],
    }
    if event["legacy_hash"]:
        content["legacy_hash"] = event["legacy_hash"]
    if event["row_hashes"]:
        content["row_hashes"] = event["row_hashes"]
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


_HASHED = ("stream", "seq", "at", "action", "case_id", "instance_id", "task", "payload_digest", "prev_hash",
           "legacy_hash", "row_hashes")


def legacy_digest(event: AuditEvent) -> str:
    """The first format (before migration 0016): the hash covers the data itself."""
    content = {
        "stream": event.stream, "seq": event.seq, "at": event.at.isoformat(), "actor": event.actor,
        "action": event.action, "case_id": event.case_id, "instance_id": event.instance_id,
        "task": event.task, "before": event.before, "after": event.after, "prev_hash": event.prev_hash,
    }
    if event.row_hashes:
        content["row_hashes"] = event.row_hashes
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def verify(session: Session, stream: str | None = None) -> Verification:
    """Check the chain of one stream, or of every stream, its head, and the rows its events saved.

    Stops at the first problem: a broken link, a head that is not the stream's last event (events or a
    whole stream deleted), or an instance or work item that differs from the last event that saved it.
    """
    query = select(AuditEvent).order_by(AuditEvent.stream, AuditEvent.seq)
    if stream is not None:
        query = query.where(AuditEvent.stream == stream)
    checked, previous, lasts = 0, None, {}
    redacted = redacted_events(session)
    for event in session.scalars(query):
        problem = _link_problem(previous, event) or _payload_problem(event, redacted)
        if problem:
            return Verification(False, checked, f"{event.stream} #{event.seq} (id {event.id}): {problem}")
        checked, previous, lasts[event.stream] = checked + 1, event, (event.seq, event.hash)
    problem = _head_problem(session, stream, lasts) or row_hashes.first_mismatch(session, _instances_of(stream))
    return Verification(problem is None, checked, problem)


def _head_problem(session: Session, stream: str | None, lasts: dict[str, tuple[int, str]]) -> str | None:
    """The first stream whose head and last event disagree (or that has one without the other)."""
    query = select(AuditHead).order_by(AuditHead.stream)
    if stream is not None:
        query = query.where(AuditHead.stream == stream)
    for head in session.scalars(query):
        last = lasts.pop(head.stream, None)
        if last is None:
            return f"{head.stream}: the stream has no event left, its head says {head.seq} (stream deleted)"
        if last[0] != head.seq:
            return f"{head.stream}: its head says {head.seq} events, the stream has {last[0]} (events deleted)"
        if last[1] != head.hash:
            return f"{head.stream} #{head.seq}: the last event is not the one its head recorded (events rewritten)"
    return f"{min(lasts)}: the stream has no head (head deleted)" if lasts else None


def _instances_of(stream: str | None) -> set[int] | None:
    """Whose rows a check covers: every instance, one instance, or none (another stream)."""
    if stream is None:
        return None
    kind, _, ident = stream.partition(":")
    return {int(ident)} if kind == "instance" and ident.isdigit() else set()


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


def _payload_problem(event: AuditEvent, redacted: set[int]) -> str | None:
    if event.payload_digest is None or payload_digest(event.actor, event.before, event.after) == event.payload_digest:
        return None
    if event.redacted_at is not None and event.id in redacted:
        return None
    return "data does not match its digest (row edited)"


def redacted_events(session: Session) -> set[int]:
    """The ids of the events whose data a pseudonymisation replaced, as its own (chained) events list them."""
    query = select(AuditEvent.after).where(AuditEvent.action == PSEUDONYMISED)
    return {int(i) for after in session.scalars(query) for i in (after or {}).get("redacted_events", [])}


PSEUDONYMISED = "case_pseudonymised"


def _plain(value: Any) -> Any:
    """JSON-safe copy of audit data (dates become ISO strings)."""
    return json.loads(json.dumps(value, default=str, sort_keys=True))
