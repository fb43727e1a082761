"""User accounts: who may sign in, with which roles, for which organisations. Passwords hashed with argon2."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import access, views
from .errors import Conflict, InvalidInput
from .models import User

MIN_PASSWORD_LENGTH = 8
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
    errors: dict[str, list[str]] = {}
    if not username.strip():
        errors["username"] = ["required"]
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = [f"at least {MIN_PASSWORD_LENGTH} characters"]
    unknown = sorted(set(roles) - set(access.ROLES))
    if unknown or not roles:
        errors["roles"] = [f"unknown roles: {', '.join(unknown)}" if unknown else "at least one role"]
    if language not in ("nl", "fr", "en"):
        errors["language"] = ["one of nl, fr, en"]
    return errors


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
                          user.language)
