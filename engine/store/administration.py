"""Accounts and organisations managed in the application by admins: every change audited, never a password.

Decisions (issue 14):
- An account made here needs organisations that exist and are active in ``organisation``; its password passes
  ``passwords.problems``; its user must choose a new password at the next sign-in (the admin knew this one).
- Disabling an account deletes its server-side sessions and revokes its API tokens at once, and releases the
  ready work items it claimed (colleagues could not take them otherwise); enabling it gives none back.
- A password reset deletes the sessions (API tokens stay: they are separate credentials).
- The last active admin can be neither disabled nor stripped of the admin role.
- An e-mail address (issue 17) is one plain ASCII address (``MAIL_ADDRESS``: no name part, no comma, no line
  break, at most 200 characters), so it can never add a recipient or a header to a mail; empty means none. The
  person sets it on their account page, an admin on the account's page; the preference (each, digest, none)
  only the person themself.
- Organisations are never renamed or deleted: users and cases hold their names, so a rename would silently cut
  those relations. An organisation is deactivated instead (no new accounts name it; existing ones keep it).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from ..errors import Conflict, InvalidInput, NotAllowed
from . import accounts, audit, employer_policy, passwords
from .account_models import ORGANISATION_KINDS, Organisation
from .models import User, WorkItem
from .session_models import UserSession

MAIL_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
MAIL_PREFERENCES = ("each", "digest", "none")
GENERATED_WORDS = 5
"""A generated password: ``GENERATED_WORDS`` random URL-safe chunks, far above ``passwords.MIN_SCORE``."""


@dataclass(frozen=True)
class AccountView:
    """An account as an admin sees it (never the password hash)."""

    id: int
    username: str
    display_name: str
    roles: tuple[str, ...]
    organisations: tuple[str, ...]
    language: str
    is_active: bool
    must_change_password: bool
    email: str | None = None


@dataclass(frozen=True)
class OrganisationView:
    """An organisation: its unique name, its kind and whether new accounts may name it."""

    id: int
    name: str
    kind: str
    is_active: bool
    headcount: int | None = None
    contact_every_days: int | None = None
    """The cadence the employer set; None: ``employer_policy.DEFAULT_CONTACT_EVERY_DAYS`` applies."""


def account_view(user: User) -> AccountView:
    """The admin's view of an account row."""
    return AccountView(user.id, user.username, user.display_name, tuple(user.roles), tuple(user.organisations),
                       user.language, bool(user.is_active), bool(user.must_change_password), user.email)


def organisation_view(row: Organisation) -> OrganisationView:
    """The view of an organisation row."""
    return OrganisationView(row.id, row.name, row.kind, bool(row.is_active), row.headcount, row.contact_every_days)


def find_accounts(session: Session, text: str = "") -> list[User]:
    """Accounts whose username or display name contains ``text`` (any case), by username."""
    query = select(User).order_by(User.username)
    if text.strip():
        wanted = text.strip().lower()
        query = query.where(or_(func.lower(User.username).contains(wanted, autoescape=True),
                                func.lower(User.display_name).contains(wanted, autoescape=True)))
    return list(session.scalars(query))


def add(session: Session, *, username: str, password: str, display_name: str, roles: list[str],
        organisations: list[str], language: str) -> User:
    """Create an account as an admin does: known organisations, a strong password, changed at first sign-in."""
    errors = _organisation_problems(session, organisations)
    errors |= _password_problems(password, username, display_name)
    if not display_name.strip():
        errors["display_name"] = ["required"]
    try:
        user = accounts.create(session, username=username.strip(), password=password,
                               display_name=display_name.strip(), roles=roles, organisations=organisations,
                               language=language)
    except InvalidInput as err:
        raise InvalidInput("the account has errors", {**err.fields, **errors}) from None
    if errors:
        raise InvalidInput("the account has errors", errors)
    user.must_change_password = True
    return user


def change(session: Session, user: User, changes: dict) -> dict:
    """Apply ``changes`` (display_name, roles, organisations, language, email); return {field: [before, after]}."""
    unknown = sorted(set(changes) - {"display_name", "roles", "organisations", "language", "email"})
    errors = {name: ["not a field that can be changed"] for name in unknown}
    roles = sorted(set(changes.get("roles", user.roles)))
    organisations = sorted(set(changes.get("organisations", user.organisations)))
    added = sorted(set(organisations) - set(user.organisations))
    errors |= _organisation_problems(session, added)
    display_name = str(changes.get("display_name", user.display_name)).strip()
    if not display_name:
        errors["display_name"] = ["required"]
    errors |= {k: v for k, v in accounts.problems(user.username, roles, changes.get("language", user.language)).items()}
    email = str(changes.get("email") or "").strip() or None if "email" in changes else user.email
    if email is not None and not is_mail_address(email):
        errors["email"] = ["not_an_address"]
    if errors:
        raise InvalidInput("the change has errors", errors)
    if "admin" in user.roles and "admin" not in roles:
        _require_another_admin(session, user)
    after = {"display_name": display_name, "roles": roles, "organisations": organisations,
             "language": changes.get("language", user.language), "email": email}
    changed = {name: [getattr(user, name), value] for name, value in after.items() if getattr(user, name) != value}
    for name, (_, value) in changed.items():
        setattr(user, name, value)
    return changed


def is_mail_address(text: str) -> bool:
    """Whether ``text`` is one plain address (``MAIL_ADDRESS``) of at most 200 characters."""
    return len(text) <= 200 and MAIL_ADDRESS.fullmatch(text) is not None


def set_mail(user: User, email: str, preference: str) -> None:
    """Give ``user`` an e-mail address (empty: none) and a mail preference; ``InvalidInput`` per field."""
    address = email.strip() or None
    errors = {"email": ["not_an_address"]} if address is not None and not is_mail_address(address) else {}
    if preference not in MAIL_PREFERENCES:
        errors["mail_preference"] = [f"one of {', '.join(MAIL_PREFERENCES)}"]
    if errors:
        raise InvalidInput("the mail settings have errors", errors)
    user.email, user.mail_preference = address, preference


def disable(session: Session, user: User, now: datetime, actor: str) -> dict:
    """Disable ``user``: end every session and API token of theirs now, and give back the ready work items they
    claimed (each release audited on its instance, so colleagues can take them); returns what was revoked."""
    if "admin" in user.roles:
        _require_another_admin(session, user)
    user.is_active = False
    claimed = session.scalars(select(WorkItem).where(WorkItem.assignee == user.username, WorkItem.state == "ready"))
    released = 0
    for item in claimed:
        item.assignee, released = None, released + 1
        audit.append(session, f"instance:{item.instance_id}", at=now, actor=actor, action="work_item_released",
                     case_id=item.case_id, instance_id=item.instance_id, task=item.bpmn_id,
                     after={"released_from": user.username, "reason": "account_disabled"})
    return {"sessions": _end_sessions(session, user), "tokens": accounts.revoke_tokens(session, user, now),
            "released_work_items": released}


def reset_password(session: Session, user: User, password: str | None) -> str | None:
    """Set ``password`` (or a generated one, returned once); the user must change it; their sessions end."""
    chosen = password if password is not None else "-".join(secrets.token_urlsafe(6) for _ in range(GENERATED_WORDS))
    errors = _password_problems(chosen, user.username, user.display_name)
    if errors:
        raise InvalidInput("the password is too weak", errors)
    user.password_hash = accounts.hashed(chosen)
    user.must_change_password = True
    _end_sessions(session, user)
    return chosen if password is None else None


def change_own_password(session: Session, user: User, current: str, new: str, keep_session: str) -> None:
    """Replace the user's password after checking the current one; every other session of theirs ends."""
    if not accounts.is_password(user, current):
        raise InvalidInput("the current password is wrong", {"current_password": ["wrong_password"]})
    errors = _password_problems(new, user.username, user.display_name, field="new_password")
    if new == current:
        errors.setdefault("new_password", []).append("same_password: choose a password you did not use now")
    if errors:
        raise InvalidInput("the new password is refused", errors)
    user.password_hash = accounts.hashed(new)
    user.must_change_password = False
    session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                              UserSession.token_hash != accounts.digest(keep_session)))


def _end_sessions(session: Session, user: User) -> int:
    ended = session.scalars(select(UserSession.token_hash).where(UserSession.user_id == user.id)).all()
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    return len(ended)


def _require_another_admin(session: Session, user: User) -> None:
    """``NotAllowed`` unless another active admin remains; the active accounts stay locked (PostgreSQL) until the
    commit, in id order, so two admins disabling each other at once cannot both succeed."""
    active = session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.id).with_for_update())
    others = [u for u in active if u.id != user.id and "admin" in u.roles]
    if not others:
        raise NotAllowed("the last active admin can be neither disabled nor lose the admin role",
                         [{"reason": "last_admin"}])


def require_strong(password: str, username: str, display_name: str) -> None:
    """``InvalidInput`` on the field ``password`` unless ``password`` passes ``passwords.problems``."""
    errors = _password_problems(password, username, display_name)
    if errors:
        raise InvalidInput("the password is too weak", errors)


def _password_problems(password: str, username: str, display_name: str, field: str = "password") -> dict:
    found = passwords.problems(password, known_words=(username, *display_name.split()))
    return {field: found} if found else {}


def _organisation_problems(session: Session, names: list[str]) -> dict[str, list[str]]:
    known = set(session.scalars(select(Organisation.name).where(Organisation.is_active.is_(True))))
    missing = sorted(set(names) - known)
    return {"organisations": [f"unknown_organisation: {', '.join(missing)}"]} if missing else {}


def organisations(session: Session) -> list[Organisation]:
    """Every organisation, by name."""
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def add_organisation(session: Session, name: str, kind: str) -> Organisation:
    """A new active organisation; ``InvalidInput`` per field, ``Conflict`` for a name in use."""
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name or len(name) > 200:
        errors["name"] = ["required, at most 200 characters"]
    if kind not in ORGANISATION_KINDS:
        errors["kind"] = [f"one of {', '.join(ORGANISATION_KINDS)}"]
    if errors:
        raise InvalidInput("the organisation has errors", errors)
    if session.scalar(select(Organisation.id).where(func.lower(Organisation.name) == name.lower())) is not None:
        raise Conflict(f"the organisation '{name}' exists")
    row = Organisation(name=name, kind=kind, is_active=True)
    session.add(row)
    session.flush()
    return row


def set_employer_policy(row: Organisation, headcount: int | None, contact_every_days: int | None) -> dict:
    """Record an employer's headcount and contact cadence; ``InvalidInput`` per field; what changed, before."""
    errors = employer_policy.problems(headcount, contact_every_days)
    if row.kind != "employer":
        errors["kind"] = ["not_an_employer"]
    if errors:
        raise InvalidInput("the employer's policy has errors", errors)
    before = {"headcount": row.headcount, "contact_every_days": row.contact_every_days}
    row.headcount, row.contact_every_days = headcount, contact_every_days
    return before


def register_named(session: Session, names: list[str]) -> None:
    """Add the organisations ``names`` mentions that do not exist yet, of kind other (accounts made by the CLI)."""
    known = set(session.scalars(select(Organisation.name)))
    for name in sorted(set(names) - known):
        if name.strip():
            session.add(Organisation(name=name, kind="other", is_active=True))
    session.flush()
