"""The head of each audit stream: its last event, locked by every append and exported by every checkpoint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class AuditHead(Base):
    """The number and hash of a stream's last event; one row per stream, updated with each append."""

    __tablename__ = "audit_head"
    stream: Mapped[str] = mapped_column(String(60), primary_key=True)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]
