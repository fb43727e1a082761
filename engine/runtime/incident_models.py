"""The incident table: an instance whose timer path failed, set aside with its error and retries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..store.models import Base


class Incident(Base):
    """One failure of one instance, open until it is retried successfully or a person moves on.

    ``attempts`` counts failed tries; ``next_retry_at`` is when the sweep tries again (None: it waits for a
    person). A resolved incident keeps who resolved it (``resolved_by``), how (``resolution``: ``retried``
    or ``moved_on``) and why (``reason``).
    """

    __tablename__ = "incident"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    element: Mapped[str | None] = mapped_column(String(100))
    error_class: Mapped[str] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text)
    first_at: Mapped[datetime]
    last_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer)
    next_retry_at: Mapped[datetime | None] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolution: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
