"""Tables of four-eyes deploys: which processes need a second process owner's approval, who edited each draft,
and the approvals given (each of one revision of one draft). ``modelling.approvals`` says how they are used."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class ApprovalSetting(Base):
    """An admin's choice for one process id; a process without a row needs approval (the safe default)."""

    __tablename__ = "approval_setting"
    process_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    is_required: Mapped[bool]
    changed_at: Mapped[datetime]
    changed_by: Mapped[str] = mapped_column(String(100))


class DraftEditor(Base):
    """Someone who created or saved a draft: an author of it, who may therefore not approve it."""

    __tablename__ = "draft_editor"
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id"), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), primary_key=True)


class DraftApproval(Base):
    """A second process owner's approval of one revision of a draft, after its review; a later save of the draft
    leaves it standing for the record but no longer valid (its ``revision`` is not the draft's any more)."""

    __tablename__ = "draft_approval"
    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id"), index=True)
    revision: Mapped[int]
    approved_by: Mapped[str] = mapped_column(String(100))
    approved_at: Mapped[datetime]
    comment: Mapped[str] = mapped_column(Text)
