"""Who oversees which cases: compliance officers and admins.

A compliance officer with organisations oversees the cases whose employer is one of them (an employer's
or a prevention service's own officer); one without organisations, and every admin, oversees all cases.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import true
from sqlalchemy.orm import Session

from ..errors import NotAllowed
from ..store import queries
from ..store.models import Case, User

OVERSIGHT_ROLES = frozenset({"compliance_officer", "admin"})


def require_overseer(session: Session, user_id: int) -> User:
    """The user, when a compliance officer or admin; ``NotAllowed`` otherwise."""
    user = queries.get(session, User, user_id, "user")
    if not OVERSIGHT_ROLES.intersection(user.roles):
        raise NotAllowed("only compliance officers and admins see the compliance cockpit")
    return user


def employers(user: User) -> tuple[str, ...] | None:
    """The employers whose cases ``user`` oversees, or None for all of them."""
    if "admin" in user.roles or not user.organisations:
        return None
    return tuple(user.organisations)


def case_filter(user: User) -> Any:
    """A SQL condition on ``Case`` selecting the cases ``user`` oversees."""
    scope = employers(user)
    return true() if scope is None else Case.employer.in_(scope)
