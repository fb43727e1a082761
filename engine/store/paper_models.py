"""Tables of a case's paper and messages: its documents (letters it generated, files people uploaded), its
comments, and the notifications people receive (in the application's bell and by e-mail)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class CaseDocument(Base):
    """A file held with a case: a letter the application generated (``letter`` names its template) or an upload.

    The bytes are in ``content`` (database storage) or in the configured documents directory under ``sha256``
    (``file_store``); either way never under the web root. ``classification`` decides who may read it, as for a
    form field (``disclosure``). ``addressed_to`` names the party a letter is for (a role, or ``worker``).
    """

    __tablename__ = "case_document"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    work_item_id: Mapped[int | None] = mapped_column(ForeignKey("work_item.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    """``letter`` (generated) or ``upload``."""
    letter: Mapped[str | None] = mapped_column(String(60))
    language: Mapped[str | None] = mapped_column(String(5))
    addressed_to: Mapped[str | None] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    classification: Mapped[str] = mapped_column(String(20))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage: Mapped[str] = mapped_column(String(10))
    """``database`` (bytes in ``content``) or ``directory`` (bytes in the documents directory)."""
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))


class CaseComment(Base):
    """A remark on a case, or on one of its tasks, readable by the roles its classification allows."""

    __tablename__ = "case_comment"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    work_item_id: Mapped[int | None] = mapped_column(ForeignKey("work_item.id"), index=True)
    classification: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))


class Notification(Base):
    """Something one person is told: a task arrived, a term is near or expired. Shown in their bell; mailed.

    ``key`` makes each notification happen once (e.g. ``near:<deadline>:<user>``). ``params`` holds what the
    text is made from (never a medical or insurance value); the text is written in the recipient's language
    when it is shown or sent. ``mail_state``: ``pending`` (to send), ``sent``, ``digest`` (waits for the
    person's daily digest), ``none`` (no mail: no address, or the person wants none).
    """

    __tablename__ = "notification"
    __table_args__ = (Index(None, "mail_state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    work_item_id: Mapped[int | None] = mapped_column(ForeignKey("work_item.id"))
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadline.id"))
    params: Mapped[dict]
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    mail_state: Mapped[str] = mapped_column(String(10))
    mail_attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    mail_sent_at: Mapped[datetime | None]
    mail_error: Mapped[str | None] = mapped_column(Text)
