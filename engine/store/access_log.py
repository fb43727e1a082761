"""The access log: every read of a case, who read it, through which surface, and which classes of data it showed.

Kept apart from the hash-chained audit trail: it is large, it is purged after its retention period, and a
failed write must never break the read it records (``record`` writes in a savepoint; a failure is one error
line in the log, never silence). Medical reads are still audited in the audit trail as well
(``documents._audit_medical_read``). Rows carry no foreign key to the case, so they outlive a case erased
under the retention rules until their own period ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .access_models import AccessLogEntry
from .models import User
from .views import Document

log = logging.getLogger(__name__)

SURFACES = ("case_file", "task", "document", "api", "export", "trace", "evidence", "search")
RANK = {"case": 0, "personal": 1, "insurance": 2, "medical": 3}
"""The classes from the loosest to the strictest; a field of unknown class counts as ``case``."""
UNKNOWN = "unknown"
"""Logged as the class shown when the classes of a read could not be computed (an error line says why)."""
DEFAULT_RETENTION_DAYS = 730
"""Two years: long enough to answer a data subject's or an inspector's question about past reads."""


Classes = Iterable[str] | Callable[[], Iterable[str]]


def record(session: Session, reader: User, case_id: int, surface: str, target: object,
           classifications: Classes, *, at: datetime) -> None:
    """Add one row for ``reader`` reading ``case_id`` to the caller's transaction (the caller commits).

    ``classifications`` may be a function computing them: it runs in a savepoint, and when it fails the row says
    ``unknown``. The row is written in a savepoint too: when the write fails, the read goes on and an error line
    says what was not logged.
    """
    classifications = _computed(session, classifications, f"{surface} of case {case_id} by {reader.username}")
    _write(session, [_entry(reader, case_id, surface, target, classifications, at)])


def _entry(reader: User, case_id: int, surface: str, target: object, classifications: Iterable[str],
           at: datetime) -> AccessLogEntry:
    if surface not in SURFACES:
        raise ValueError(f"unknown access log surface '{surface}'")
    return AccessLogEntry(at=at, username=reader.username, user_id=reader.id, roles=sorted(reader.roles),
                          case_id=case_id, surface=surface, target=None if target is None else str(target)[:100],
                          classifications=sorted(set(classifications), key=lambda c: (RANK.get(c, 0), c)))


def _write(session: Session, entries: list[AccessLogEntry]) -> None:
    """Add the rows in one savepoint; when that fails, one error line names the reads not logged."""
    if not entries:
        return
    try:
        with session.begin_nested():
            session.add_all(entries)
    except Exception:
        first = entries[0]
        log.exception("access log: the read of case(s) %s by user %s on %s (%s) was not logged",
                      ", ".join(str(e.case_id) for e in entries), first.user_id, first.surface, first.target)


def _computed(session: Session, classifications: Classes, read: str) -> Iterable[str]:
    if not callable(classifications):
        return classifications
    try:
        with session.begin_nested():
            return set(classifications())
    except Exception:
        log.exception("access log: the classes shown by the read (%s) are unknown", read)
        return {UNKNOWN}


def record_each(session: Session, reader: User, case_ids: Iterable[int], surface: str, target: object,
                classifications: Iterable[str], *, at: datetime) -> None:
    """One row per case shown by a read of several cases (a search page, an export)."""
    shown = sorted(set(classifications))
    _write(session, [_entry(reader, case_id, surface, target, shown, at) for case_id in sorted(set(case_ids))])


def classes_of(schemas: Iterable[dict], names: Iterable[str]) -> set[str]:
    """The classes of the named fields in these forms (a name in several forms counts with its strictest class).

    A name that no form classifies (a fact the engine recorded itself, like a date or a reference) is ``case``.
    """
    found: dict[str, str] = {}
    for schema in schemas:
        for name, spec in (schema.get("properties") or {}).items():
            kind = spec.get("x-classification", "case")
            if RANK.get(kind, 0) >= RANK.get(found.get(name, "case"), 0):
                found[name] = kind
    return {found.get(name, "case") for name in names}


def classes_shown(documents: Iterable[Document]) -> set[str]:
    """The classes of the values these documents show (each as recorded with it), plus ``case``: the case's own
    facts are always shown."""
    return {"case"} | {f.classification for d in documents for f in d.fields}


def entries(session: Session, condition: Any, *, page: int, per_page: int) -> tuple[list[AccessLogEntry], int]:
    """The rows matching ``condition``, newest first, one page of them, and how many match in all."""
    total = session.scalar(select(func.count(AccessLogEntry.id)).where(condition)) or 0
    rows = session.scalars(select(AccessLogEntry).where(condition)
                           .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
                           .limit(per_page).offset((page - 1) * per_page))
    return list(rows), total


def purge(session: Session, before: datetime) -> int:
    """Delete the rows older than ``before``; returns how many."""
    result = session.execute(delete(AccessLogEntry).where(AccessLogEntry.at < before))
    return int(getattr(result, "rowcount", 0) or 0)


def record_documents(session: Session, reader: User, case_id: int, surface: str, target: object,
                     shown: Iterable[Document], *, at: datetime) -> None:
    """Log a read that showed these documents of a case, with the classes of their values (``classes_shown``)."""
    shown = tuple(shown)
    record(session, reader, case_id, surface, target, lambda: classes_shown(shown), at=at)
