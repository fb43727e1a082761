"""Checkpoints of the audit chains kept outside the database: every stream's head, signed with HMAC-SHA256.

A checkpoint names, for each stream, how many events it had and the hash of its last event. Compared with the
database later, it finds a stream that disappeared, events deleted from a stream's end, and events rewritten
with their hashes recomputed (the anchored hash fixes every event before it, since each hash covers its
predecessor's). The key is configuration, never stored in the database, so whoever can write the database
cannot forge a checkpoint; keep copies of the files where the database's administrators cannot write.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from .audit_models import AuditHead
from .models import AuditEvent

FORMAT = "reintegra-audit-anchor/1"
MIN_KEY_BYTES = 32
PREFIX = "audit-anchor-"


@dataclass(frozen=True)
class AnchorStore:
    """Where checkpoints are written and the key that signs them (from configuration, never the database)."""

    directory: Path
    key: bytes

    def key_problem(self) -> str | None:
        """Why the key cannot sign checkpoints, or None."""
        return None if len(self.key) >= MIN_KEY_BYTES else f"the anchor key must be at least {MIN_KEY_BYTES} bytes"

    def latest(self) -> Path | None:
        """The newest checkpoint file in the directory, or None."""
        files = sorted(self.directory.glob(f"{PREFIX}*.json")) if self.directory.is_dir() else []
        return files[-1] if files else None


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint written to ``path``: when, how many streams, and the SHA-256 of the file."""

    path: Path
    taken_at: datetime
    streams: int
    sha256: str


@dataclass(frozen=True)
class AnchorCheck:
    """The database compared with a checkpoint file; ``broken`` names the first difference or the file's fault."""

    anchor: str
    taken_at: datetime | None
    is_intact: bool
    streams_checked: int
    broken: str | None = None


def write(session: Session, store: AnchorStore, now: datetime) -> Checkpoint:
    """Sign every stream's head as committed now and write it to a new file in the store's directory."""
    heads = {h.stream: {"seq": h.seq, "hash": h.hash} for h in session.scalars(select(AuditHead))}
    body = {"format": FORMAT, "taken_at": now.isoformat(), "streams": heads}
    text = json.dumps({**body, "hmac_sha256": _signature(store.key, body)}, sort_keys=True, indent=1)
    store.directory.mkdir(parents=True, exist_ok=True)
    path = store.directory / f"{PREFIX}{now.strftime('%Y%m%dT%H%M%S%fZ')}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return Checkpoint(path, now, len(heads), hashlib.sha256(text.encode()).hexdigest())


def check(session: Session, path: Path, key: bytes, streams: Iterable[str] | None = None) -> AnchorCheck:
    """Compare the database with the checkpoint in ``path`` (only ``streams`` when given)."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        signature = body.pop("hmac_sha256")
        anchored, taken_at = dict(body["streams"]), datetime.fromisoformat(body["taken_at"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return AnchorCheck(path.name, None, False, 0, "the file is not a readable audit checkpoint")
    if body.get("format") != FORMAT or not hmac.compare_digest(str(signature), _signature(key, body)):
        return AnchorCheck(path.name, taken_at, False, 0, "the signature does not match: the file was altered "
                                                           "or signed with another key")
    if streams is not None:
        wanted = set(streams)
        anchored = {name: head for name, head in anchored.items() if name in wanted}
    problem = _difference(session, anchored)
    return AnchorCheck(path.name, taken_at, problem is None, len(anchored), problem)


def _difference(session: Session, anchored: dict[str, dict]) -> str | None:
    names = sorted(anchored)
    counts: dict[str, int] = {}
    hashes: dict[tuple[str, int], tuple[str, str | None]] = {}
    for start in range(0, len(names), 500):
        chunk = names[start:start + 500]
        counts.update({name: seq for name, seq in session.execute(
            select(AuditEvent.stream, func.max(AuditEvent.seq)).where(AuditEvent.stream.in_(chunk))
            .group_by(AuditEvent.stream))})
        pairs = [(name, anchored[name]["seq"]) for name in chunk]
        hashes.update({(s, q): (h, legacy) for s, q, h, legacy in session.execute(
            select(AuditEvent.stream, AuditEvent.seq, AuditEvent.hash, AuditEvent.legacy_hash)
            .where(tuple_(AuditEvent.stream, AuditEvent.seq).in_(pairs)))})
    for name in names:
        seq, digest = anchored[name]["seq"], anchored[name]["hash"]
        if name not in counts:
            return f"{name}: the checkpoint holds {seq} event(s), the database none (stream deleted)"
        if counts[name] < seq:
            return f"{name}: the checkpoint holds {seq} event(s), the database {counts[name]} (events deleted)"
        if digest not in hashes.get((name, seq), ()):  # a checkpoint older than 0016 holds the legacy hash
            return f"{name} #{seq}: the event differs from the checkpoint (events rewritten)"
    return None


def _signature(key: bytes, body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()
