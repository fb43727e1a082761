"""Tables of signing in: attempts counted per username and address, and one server-side session per sign-in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class SignInAttempt(Base):
    """Sign-in attempts of one (username, address) in the current window; the key is their SHA-256."""

    __tablename__ = "sign_in_attempt"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int]
    window_start: Mapped[datetime]


class UserSession(Base):
    """One signed-in browser session; the cookie carries the token, the table its SHA-256. Sign-out deletes it."""

    __tablename__ = "user_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime]
