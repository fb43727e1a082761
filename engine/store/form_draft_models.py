"""The table of task form drafts: what one person typed into a task's form and saved to finish later."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class FormDraft(Base):
    """One person's draft of one work item's form, as typed (field -> text); private to its author.

    A draft records nothing: the task stays open, no deadline is met, nothing is audited as done. Completing the
    work item deletes every draft of it."""

    __tablename__ = "form_draft"
    __table_args__ = (UniqueConstraint("work_item_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    values: Mapped[dict]
    saved_at: Mapped[datetime]
