"""What pseudonymising a case does to its paper: documents lose their bytes, comments their text, notifications go.

A document keeps what says that it existed (its kind, the letter it was, its class, when, its SHA-256, which the
audit trail names) and loses its content and, for an upload, the title and file name people typed. Its bytes
leave the database at once; a documents directory keeps one file per content, removed once no other document
holds it (``unused_files``, after the commit). A comment keeps its class and date and loses its text. A case's
notifications are deleted: they only pointed people at its work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..store.paper_models import CaseComment, CaseDocument, Notification

MARK = "[pseudonymised]"
ERASED = "erased"


def erase(session: Session, case_id: int, person: Callable[[str], str]) -> set[str]:
    """Erase the paper of ``case_id`` in the session; the digests whose directory files may now be unused."""
    digests = set()
    for row in session.scalars(select(CaseDocument).where(CaseDocument.case_id == case_id)):
        if row.storage == "directory":
            digests.add(row.sha256)
        row.content, row.storage, row.created_by = None, ERASED, person(row.created_by)
        if row.kind == "upload":
            row.title, row.filename = MARK, MARK
    for comment in session.scalars(select(CaseComment).where(CaseComment.case_id == case_id)):
        comment.body, comment.created_by = MARK, person(comment.created_by)
    session.execute(delete(Notification).where(Notification.case_id == case_id))
    return digests


def unused_files(session: Session, digests: Iterable[str]) -> set[str]:
    """The digests among ``digests`` no document kept in the directory holds any more."""
    wanted = set(digests)
    if not wanted:
        return set()
    held = session.scalars(select(CaseDocument.sha256).where(CaseDocument.sha256.in_(wanted),
                                                             CaseDocument.storage == "directory"))
    return wanted - set(held)
