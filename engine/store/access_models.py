"""The access log table: who read which case, through which surface, and which classes of data it showed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class AccessLogEntry(Base):
    """One read of one case by one user; kept apart from the hash-chained audit trail and purged after retention.

    ``surface`` is one of ``access_log.SURFACES``; ``target`` what was read on it (a work item id, an export
    format); ``classifications`` the sorted classes of the values the read showed.
    """

    __tablename__ = "access_log"
    __table_args__ = (Index(None, "case_id", "at"), Index(None, "username", "at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    username: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int | None]
    roles: Mapped[list]
    case_id: Mapped[int]
    surface: Mapped[str] = mapped_column(String(20))
    target: Mapped[str | None] = mapped_column(String(100))
    classifications: Mapped[list]
