"""Drafts of task forms: a person saves what they typed so far and comes back to it; nobody else sees it.

A draft is no completion: the task stays open, its term runs on, nothing is recorded in the case. It keeps the
text as typed (also what does not validate yet), only for the person who may fill the form, and only while the
task is open: completing the task deletes its drafts, and so does pseudonymising the case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..store.form_draft_models import FormDraft
from ..store.models import WorkItem

if TYPE_CHECKING:
    from .worklist import WorkList

MAX_FIELDS = 500
MAX_CHARACTERS = 200_000
"""What one draft may hold: a form's fields and rows, as typed."""


@dataclass(frozen=True)
class FormDraftView:
    """What the person typed (field -> text) and when they saved it."""

    values: dict[str, str]
    saved_at: datetime


class FormDrafts:
    """Save, read and discard one's own draft of a task form (composed into ``Engine.form_drafts``)."""

    def __init__(self, work: WorkList) -> None:
        self._work = work

    def save(self, work_item_id: int, values: Mapping[str, str], *, user_id: int) -> FormDraftView:
        """Keep ``values`` as the user's draft of the open task (replacing an earlier one); ``NotFound`` when the
        user may not act on the task, ``InvalidInput`` when the draft is too large or the task is no longer open."""
        kept = {str(k): str(v) for k, v in values.items()}
        if len(kept) > MAX_FIELDS or sum(len(k) + len(v) for k, v in kept.items()) > MAX_CHARACTERS:
            raise InvalidInput("the draft is too large", {"draft": [f"at most {MAX_CHARACTERS} characters"]})
        now = self._work.clock.now()
        with self._work.database.unit_of_work() as session:
            item, _, user = self._work._visible_item(session, work_item_id, user_id)
            if item.state != "ready":
                raise InvalidInput("the task is no longer open", {"draft": [f"the task is {item.state}"]})
            draft = _draft(session, work_item_id, user.id)
            if draft is None:
                draft = FormDraft(work_item_id=work_item_id, user_id=user.id, values=kept, saved_at=now)
                session.add(draft)
            else:
                draft.values, draft.saved_at = kept, now
            session.commit()
        return FormDraftView(kept, now)

    def get(self, work_item_id: int, *, user_id: int) -> FormDraftView | None:
        """The user's own draft of the task, if they saved one and the task is still open."""
        with self._work.database.unit_of_work() as session:
            item, _, user = self._work._visible_item(session, work_item_id, user_id)
            draft = _draft(session, work_item_id, user.id) if item.state == "ready" else None
            return FormDraftView(dict(draft.values), draft.saved_at) if draft else None

    def discard(self, work_item_id: int, *, user_id: int) -> None:
        """Delete the user's own draft of the task (nothing when there is none)."""
        with self._work.database.unit_of_work() as session:
            self._work._visible_item(session, work_item_id, user_id)
            session.execute(delete(FormDraft).where(FormDraft.work_item_id == work_item_id,
                                                    FormDraft.user_id == user_id))
            session.commit()


def _draft(session: Session, work_item_id: int, user_id: int) -> FormDraft | None:
    query = select(FormDraft).where(FormDraft.work_item_id == work_item_id, FormDraft.user_id == user_id)
    return session.scalars(query).first()


def discard_all(session: Session, work_item_id: int) -> None:
    """Delete every draft of a work item (it was completed)."""
    session.execute(delete(FormDraft).where(FormDraft.work_item_id == work_item_id))


def discard_of_case(session: Session, case_id: int) -> None:
    """Delete every draft of the case's work items (the case is pseudonymised)."""
    items = select(WorkItem.id).where(WorkItem.case_id == case_id)
    session.execute(delete(FormDraft).where(FormDraft.work_item_id.in_(items)))
