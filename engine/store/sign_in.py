"""Signing in: attempts counted atomically in the database, and one revocable server-side session per sign-in.

The count is shared by every web process on the database; it is taken before the password is checked,
in one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``, so simultaneous guesses cannot slip past it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..wiring import Wiring
from . import accounts, views
from .models import User
from .session_models import SignInAttempt, UserSession

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the user and the new session's token, or nothing, or too many attempts."""

    user: views.UserView | None
    session_token: str | None
    is_blocked: bool = False


def attempt(session: Session, username: str, password: str, address: str, now: datetime) -> SignIn:
    """Count the attempt, then check the password unless ``MAX_FAILURES`` attempts already came in the window.

    On success the count is cleared and a new session is stored (the caller commits)."""
    key = _digest(f"{username.lower()}\n{address}")
    if _count(session, key, now) > MAX_FAILURES:
        return SignIn(None, None, is_blocked=True)
    user = accounts.authenticate(session, username, password)
    if user is None:
        return SignIn(None, None)
    session.execute(delete(SignInAttempt).where(SignInAttempt.key == key))
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=_digest(token), user_id=user.id, created_at=now))
    return SignIn(accounts.user_view(user), token)


def _count(session: Session, key: str, now: datetime) -> int:
    """Add one attempt to ``key`` (a new window when the last one is over) and return the window's count."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(SignInAttempt).values(key=key, attempts=1, window_start=now)
    is_over = SignInAttempt.window_start <= now - WINDOW
    upsert = insert.on_conflict_do_update(index_elements=[SignInAttempt.key], set_={
        "attempts": case((is_over, 1), else_=SignInAttempt.attempts + 1),
        "window_start": case((is_over, insert.excluded.window_start), else_=SignInAttempt.window_start)})
    return session.execute(upsert.returning(SignInAttempt.attempts)).scalar_one()


def session_user(session: Session, token: str) -> User | None:
    """The active user of a session that was not signed out, or None."""
    row = session.get(UserSession, _digest(token))
    user = session.get(User, row.user_id) if row else None
    return user if user is not None and user.is_active else None


def end(session: Session, token: str) -> None:
    """Delete a session, so its cookie no longer signs anyone in (the caller commits)."""
    session.execute(delete(UserSession).where(UserSession.token_hash == _digest(token)))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class SignIns(Wiring):
    """The engine's sign-in operations (mixed into ``Engine``)."""

    def sign_in(self, username: str, password: str, *, address: str) -> SignIn:
        """Sign in from ``address``: after ``MAX_FAILURES`` attempts in ``WINDOW`` the answer is ``is_blocked``."""
        with self.database.unit_of_work() as session:
            result = attempt(session, username, password, address, self.clock.now())
            session.commit()
        return result

    def session_user(self, token: str) -> views.UserView | None:
        """The user a browser session belongs to, or None once it was signed out."""
        with self.database.unit_of_work(is_read_only=True) as session:
            user = session_user(session, token)
            return accounts.user_view(user) if user else None

    def end_session(self, token: str) -> None:
        """Sign a browser session out on the server: its cookie stops working, wherever it was copied to."""
        with self.database.unit_of_work() as session:
            end(session, token)
            session.commit()
