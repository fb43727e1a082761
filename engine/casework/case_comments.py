"""Comments on a case and on its tasks: short remarks with a class, read by the same rules as the case's documents.

Decisions (issue 17):

- **Who comments.** Only a party to the case (a role with a relation to it, ``visibility``): overseers (compliance
  officers, admins) read but never add, as for documents. On a task only who may act on it (holds its role with a
  relation to the case, the instance not withheld from them) and only while it is open: a remark on a finished
  task goes on the case. The task page is shown only to who may act on the task, so "may see it" is the same set.
- **Who reads.** Exactly as a document of the same class at the same place (``classified_reads``): at a task the
  rules of that task's procedure, on the case ``CASE_LEVEL``; who wrote a comment always reads it back; the worker
  reads all of their case. A refused comment is simply not listed (there is no way to name one).
- **Order.** Oldest first (newest last): a conversation reads from top to bottom.
- **Body.** 1 to ``MAX_LENGTH`` characters once stripped of surrounding white space, no NUL character.
- **Audit.** ``comment_added`` on the case's stream with the comment's id, class, task, length and the SHA-256 of
  its body, never the body itself, whatever its class: the audit trail is append-only and hash-chained, so a text
  in it could be neither pseudonymised (``paper_erasure`` erases the comments' text) nor kept from the overseers
  who read the trail (they read ``case`` values only). The comment's row holds the text.
- **Reads.** A list that shows a medical comment is logged in the access log with the classes it showed and audited
  as ``medical_data_read`` (the comments' ids), as medical fields and documents are.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InvalidInput, NotFound
from ..store import access_log, audit
from ..store.models import Case, User, WorkItem
from ..store.paper_models import CaseComment
from . import disclosure
from .classified_reads import ClassifiedReads, require_may_add
from .problem_codes import problem

if TYPE_CHECKING:
    from ..api import Engine

MAX_LENGTH = 5000
"""The longest comment, in characters: a remark, not a report (a report is a document)."""


@dataclass(frozen=True)
class CommentView:
    """One comment as a reader sees it."""

    id: int
    case_id: int
    work_item_id: int | None
    classification: str
    body: str
    created_at: datetime
    created_by: str
    task_name: str | None = None
    """The name of the task it was written at (its diagram's English name), None on the case itself."""


@dataclass(frozen=True)
class CaseCommentList:
    """The comments of a case (or of one task) one reader may read, oldest first, and whether they may add one."""

    comments: tuple[CommentView, ...]
    may_comment: bool


class CaseComments:
    """Add and list the comments of a case (composed into ``Engine.case_comments``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def list(self, case_id: int, *, user_id: int, work_item_id: int | None = None,
             surface: str = "case_file") -> CaseCommentList:
        """The comments of a case, or of one of its tasks, the user may read, oldest first, and whether the user may
        add one here (a party to the case; at a task, who may act on it while it is open).

        ``NotFound`` when the user may not see the case. A list showing a medical comment is logged in the access
        log on ``surface`` (``case_file``, ``task``, ``api``) and audited; that is committed.
        """
        now = self._engine.clock.now()
        with self._engine.database.unit_of_work() as session:
            case, user = self._engine._visible_case(session, case_id, user_id)
            query = select(CaseComment).where(CaseComment.case_id == case_id)
            if work_item_id is not None:
                query = query.where(CaseComment.work_item_id == work_item_id)
            reads = ClassifiedReads(session, case, user, self._engine._loaded)
            rows = [row for row in session.scalars(query.order_by(CaseComment.created_at, CaseComment.id))
                    if reads.may_read(row.created_by, row.work_item_id, row.classification)]
            medical = [row.id for row in rows if row.classification == "medical"]
            if medical:
                access_log.record(session, user, case_id, surface, "comments", {r.classification for r in rows},
                                  at=now)
                audit.append(session, f"case:{case_id}", at=now, actor=user.username, action="medical_data_read",
                             case_id=case_id, after={"comments": medical})
            result = CaseCommentList(tuple(view(row, session) for row in rows),
                                     self._may_comment(session, case, user, work_item_id))
            session.commit()
        return result

    def _may_comment(self, session: Session, case: Case, user: User, work_item_id: int | None) -> bool:
        try:
            require_may_add(self._engine, session, case, user, work_item_id)
        except NotFound:
            return False
        return True

    def add(self, case_id: int, *, body: str, classification: str, user_id: int,
            work_item_id: int | None = None) -> CommentView:
        """Add a comment to a case, or to one of its open tasks the user may act on.

        ``InvalidInput`` (per field: ``body``, ``classification``) for an empty, too long or NUL-holding body or an
        unknown class; ``NotFound`` when the user may not see the case, is no party to it, or may not act on the
        task. Audited as ``comment_added`` with the SHA-256 of the body, never the body.
        """
        text = checked_body(body)
        if classification not in disclosure.CLASSIFICATIONS:
            wrong = problem("document.classification", classifications=", ".join(disclosure.CLASSIFICATIONS))
            raise InvalidInput(wrong, {"classification": [wrong]})
        now = self._engine.clock.now()
        with self._engine.database.unit_of_work() as session:
            case, user = self._engine._visible_case(session, case_id, user_id)
            require_may_add(self._engine, session, case, user, work_item_id)
            row = CaseComment(case_id=case_id, work_item_id=work_item_id, classification=classification, body=text,
                              created_at=now, created_by=user.username)
            session.add(row)
            session.flush()
            audit.append(session, f"case:{case_id}", at=now, actor=user.username, action="comment_added",
                         case_id=case_id, after={"comment": row.id, "classification": classification,
                                                 "work_item": work_item_id, "length": len(text),
                                                 "sha256": hashlib.sha256(text.encode()).hexdigest()})
            result = view(row)
            session.commit()
        return result


def checked_body(body: str) -> str:
    """The comment's text without surrounding white space; ``InvalidInput`` at ``body`` when it is empty, longer than
    ``MAX_LENGTH`` or holds a NUL character."""
    text = body.strip() if isinstance(body, str) else ""
    if not text:
        wrong = problem("comment.empty")
    elif len(text) > MAX_LENGTH:
        wrong = problem("comment.too_long", limit=MAX_LENGTH)
    elif "\x00" in text:
        wrong = problem("comment.nul")
    else:
        return text
    raise InvalidInput(wrong, {"body": [wrong]})


def view(row: CaseComment, session: Session | None = None) -> CommentView:
    """What a list shows of a comment row (with the name of its task when a ``session`` is given)."""
    item = session.get(WorkItem, row.work_item_id) if session is not None and row.work_item_id else None
    return CommentView(row.id, row.case_id, row.work_item_id, row.classification, row.body, row.created_at,
                       row.created_by, item.name if item else None)
