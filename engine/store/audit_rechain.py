"""Migration 0016: re-chain the audit streams so each event's hash covers a digest of its payload.

The formulas are frozen here (they must not follow later changes of ``audit``). A stream is re-chained only
when its first-format chain is intact: each event keeps its old hash (``legacy_hash``, which the new hash
covers, so older checkpoints still match) and gets the digest of its actor and data. A broken stream is left
in the first format, so it stays broken for ``audit verify``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .models import UTCDateTime

GENESIS = "0" * 64
EVENTS = sa.table(
    "audit_event", sa.column("id", sa.Integer), sa.column("stream", sa.String), sa.column("seq", sa.Integer),
    sa.column("at", UTCDateTime), sa.column("actor", sa.String), sa.column("action", sa.String),
    sa.column("case_id", sa.Integer), sa.column("instance_id", sa.Integer), sa.column("task", sa.String),
    sa.column("before", sa.JSON), sa.column("after", sa.JSON), sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String), sa.column("row_hashes", sa.JSON), sa.column("payload_digest", sa.String),
    sa.column("legacy_hash", sa.String),
)
HEADS = sa.table("audit_head", sa.column("stream", sa.String), sa.column("hash", sa.String))


def rechain(connection: Connection) -> list[str]:
    """Re-chain every intact first-format stream; returns the streams left as they were (broken)."""
    streams = connection.scalars(sa.select(EVENTS.c.stream).where(EVENTS.c.payload_digest.is_(None))
                                 .distinct().order_by(EVENTS.c.stream)).all()
    return [stream for stream in streams if not _rechain_stream(connection, stream)]


def _rechain_stream(connection: Connection, stream: str) -> bool:
    rows = _rows(connection, stream)
    if not _is_intact(rows):
        return False
    previous = GENESIS
    for row in rows:
        payload = _payload(row)
        new_hash = _sha256(_content(row, payload, previous, row["hash"]))
        connection.execute(sa.update(EVENTS).where(EVENTS.c.id == row["id"]).values(
            payload_digest=payload, legacy_hash=row["hash"], prev_hash=previous, hash=new_hash))
        previous = new_hash
    connection.execute(sa.update(HEADS).where(HEADS.c.stream == stream).values(hash=previous))
    return True


def to_first_format(connection: Connection) -> list[str]:
    """Downgrade: chain every intact stream in the first format again; returns the streams left (broken or
    redacted: their data no longer gives their first-format hashes)."""
    streams = connection.scalars(sa.select(EVENTS.c.stream).where(EVENTS.c.payload_digest.is_not(None))
                                 .distinct().order_by(EVENTS.c.stream)).all()
    return [stream for stream in streams if not _unchain_stream(connection, stream)]


def _unchain_stream(connection: Connection, stream: str) -> bool:
    rows = _rows(connection, stream)
    previous = GENESIS
    for number, row in enumerate(rows, start=1):
        payload = row["payload_digest"]
        if (row["seq"] != number or row["prev_hash"] != previous or payload is None or _payload(row) != payload
                or _sha256(_content(row, payload, previous, row["legacy_hash"])) != row["hash"]):
            return False
        previous = row["hash"]
    previous = GENESIS
    for row in rows:
        old_hash = legacy_hash({**row, "prev_hash": previous})
        connection.execute(sa.update(EVENTS).where(EVENTS.c.id == row["id"]).values(
            payload_digest=None, legacy_hash=None, prev_hash=previous, hash=old_hash))
        previous = old_hash
    connection.execute(sa.update(HEADS).where(HEADS.c.stream == stream).values(hash=previous))
    return True


def _rows(connection: Connection, stream: str) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in connection.execute(
        sa.select(EVENTS).where(EVENTS.c.stream == stream).order_by(EVENTS.c.seq))]


def _payload(row: dict[str, Any]) -> str:
    return _sha256({"actor": row["actor"], "before": row["before"], "after": row["after"]})


def _content(row: dict[str, Any], payload: str, previous: str, legacy: str | None) -> dict[str, Any]:
    """What the second format hashes (``engine.store.audit.digest`` as of 0016)."""
    content = {"stream": row["stream"], "seq": row["seq"], "at": _iso(row["at"]), "action": row["action"],
               "case_id": row["case_id"], "instance_id": row["instance_id"], "task": row["task"],
               "payload": payload, "prev_hash": previous}
    if legacy:
        content["legacy_hash"] = legacy
    if row["row_hashes"]:
        content["row_hashes"] = row["row_hashes"]
    return content


def _is_intact(rows: list[dict[str, Any]]) -> bool:
    previous = GENESIS
    for number, row in enumerate(rows, start=1):
        if row["seq"] != number or row["prev_hash"] != previous or row["payload_digest"] is not None:
            return False
        if legacy_hash(row) != row["hash"]:
            return False
        previous = row["hash"]
    return True


def legacy_hash(row: dict[str, Any]) -> str:
    """The first format's hash of an event row (a mapping of its columns)."""
    content = {"stream": row["stream"], "seq": row["seq"], "at": _iso(row["at"]), "actor": row["actor"],
               "action": row["action"], "case_id": row["case_id"], "instance_id": row["instance_id"],
               "task": row["task"], "before": row["before"], "after": row["after"], "prev_hash": row["prev_hash"]}
    if row["row_hashes"]:
        content["row_hashes"] = row["row_hashes"]
    return _sha256(content)


def _iso(at: datetime) -> str:
    return at.isoformat()


def _sha256(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
