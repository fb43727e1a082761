"""User accounts: who may sign in, with which roles, for which organisations. Passwords hashed with argon2."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..casework import access
from ..errors import Conflict, InvalidInput
from . import views
from .models import ApiToken, User

MIN_PASSWORD_LENGTH = 8
LANGUAGES = ("nl", "fr", "en")
TOKEN_PREFIX = "rtg_"
_HASHER = PasswordHasher()


def create(session: Session, *, username: str, password: str, display_name: str, roles: list[str],
           organisations: list[str], language: str) -> User:
    """Add a user (the caller commits); ``InvalidInput`` per field, ``Conflict`` for a taken username."""
    errors = _problems(username, password, roles, language)
    if errors:
        raise InvalidInput("the account has errors", errors)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"the username '{username}' is taken")
    user = User(username=username, display_name=display_name, password_hash=_HASHER.hash(password),
                roles=sorted(set(roles)), organisations=sorted(set(organisations)), language=language,
                is_active=True)
    session.add(user)
    session.flush()
    return user


def _problems(username: str, password: str, roles: list[str], language: str) -> dict[str, list[str]]:
    errors = problems(username, roles, language)
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = [f"at least {MIN_PASSWORD_LENGTH} characters"]
    return errors


def problems(username: str, roles: list[str], language: str) -> dict[str, list[str]]:
    """What is wrong with an account's username, roles and language (the password is checked apart)."""
    errors: dict[str, list[str]] = {}
    if not username.strip() or len(username) > 100:
        errors["username"] = ["required, at most 100 characters"]
    unknown = sorted(set(roles) - set(access.ROLES))
    if unknown or not roles:
        errors["roles"] = [f"unknown roles: {', '.join(unknown)}" if unknown else "at least one role"]
    if language not in LANGUAGES:
        errors["language"] = ["one of nl, fr, en"]
    return errors


def hashed(password: str) -> str:
    """The argon2 hash stored for ``password``."""
    return _HASHER.hash(password)


def is_password(user: User, password: str) -> bool:
    """Whether ``password`` is the user's."""
    try:
        return _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None (same answer for a wrong name or password)."""
    user = session.scalars(select(User).where(User.username == username, User.is_active.is_(True))).first()
    if user is None:
        _HASHER.hash(password)  # spend the same time as a real check
        return None
    try:
        _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user


def user_view(user: User) -> views.UserView:
    return views.UserView(user.id, user.username, user.display_name, tuple(user.roles), tuple(user.organisations),
                          user.language, bool(set(user.roles) & set(access.CASE_OPENERS)),
                          bool(user.must_change_password), user.email, user.mail_preference or "each")


def set_language(user: User, language: str) -> None:
    """Change the user's language; ``InvalidInput`` unless it is nl, fr or en."""
    if language not in LANGUAGES:
        raise InvalidInput("unknown language", {"language": ["one of nl, fr, en"]})
    user.language = language


def issue_token(session: Session, user: User, label: str, now: datetime) -> str:
    """A new API token for ``user``: returned once, stored only as its SHA-256 hash."""
    if not label.strip():
        raise InvalidInput("the token needs a label", {"label": ["required"]})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token), label=label.strip()[:100], created_at=now))
    return token


def token_user(session: Session, token: str) -> User | None:
    """The active user an unrevoked token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == _digest(token),
                                                 ApiToken.revoked_at.is_(None))).first()
    user = session.get(User, row.user_id) if row else None
    return user if user is not None and user.is_active else None


def revoke_tokens(session: Session, user: User, now: datetime) -> int:
    """Revoke every token of ``user``; returns how many were revoked."""
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
    count = 0
    for row in rows:
        row.revoked_at, count = now, count + 1
    return count


def digest(token: str) -> str:
    """The SHA-256 under which a session or API token is stored."""
    return _digest(token)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
