"""Tables of account management: the organisations users and cases may name."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base

ORGANISATION_KINDS = ("employer", "prevention_service", "sickness_fund", "regional_service", "inspectorate", "other")


class Organisation(Base):
    """An organisation by its name, the name users' ``organisations`` and cases' parties hold; never deleted."""

    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    is_active: Mapped[bool]
    headcount: Mapped[int | None]
    """An employer's number of workers, as the employer declared it (the 2026 thresholds T05 and T35 read it)."""
    contact_every_days: Mapped[int | None]
    """The cadence of contact with absent workers the employer's work regulations set (T20); None: the default."""
