"""Who has a case, said in SQL: the rules of ``visibility`` as conditions on a query over many cases.

``visibility`` decides for one user and one case in Python; a list (the inbox, the case list) cannot load every
case of a role to ask it, so the same rules are written here as conditions on ``Case`` (and on ``WorkItem`` and
``ProcessInstance`` for the inbox). The two must agree for every user and case: ``tests/engine/test_case_scope.py``
compares them on a varied set of users and cases. Each condition carries one bind parameter per organisation of
the user, never one per case.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, false, not_, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute

from ..store.models import Case, ProcessInstance, WorkItem, case_party
from .access import LANE_STAFF_ROLES
from .visibility import ORGANISATION_PARTIES, PERSON_PARTIES

Employer = InstrumentedAttribute[str] | ColumnElement[Any]
"""A case's employer as a query reads it: ``Case.employer``, or ``WorkItem.employer`` (the same value), or an
expression of either."""


def related(role: str, username: str, organisations: Iterable[str],
            employer: Employer = Case.employer) -> ColumnElement[bool]:
    """The cases to which ``role`` held by the user relates them (``visibility.related``); ``employer`` is the
    case's employer as the query holds it (on the case, or on a work item)."""
    if role in PERSON_PARTIES:
        return case_party(PERSON_PARTIES[role]) == username if username else false()
    mine = sorted(set(organisations))
    if not mine:
        return false()
    through_employer = role in ("employer", "occupational_physician")
    conditions: list[ColumnElement[bool]] = [employer.in_(mine)] if through_employer else []
    conditions += [and_(case_party(key).in_(mine), case_party(key) != "") for key in ORGANISATION_PARTIES.get(role, ())]
    return or_(false(), *conditions)


def is_through_parties(user: Any) -> bool:
    """Whether one of the user's roles relates them to cases through a party of the case (``Case.parties``)."""
    return any(role in PERSON_PARTIES or role in ORGANISATION_PARTIES for role in user.roles)


def overseen(roles: Iterable[str], organisations: Iterable[str],
             employer: Employer = Case.employer) -> ColumnElement[bool]:
    """The cases the user oversees: every case for an admin or an officer of no organisation, else the cases of
    the officer's employers."""
    roles, mine = tuple(roles), sorted(set(organisations))
    if "admin" in roles or ("compliance_officer" in roles and not mine):
        return true()
    return employer.in_(mine) if "compliance_officer" in roles else false()


def has_case(user: Any) -> ColumnElement[bool]:
    """The cases the user may see: a relation through one of their roles, or oversight (``Reader.has_case``)."""
    return or_(overseen(user.roles, user.organisations),
               *(related(role, user.username, user.organisations) for role in user.roles))


def employer_side(user: Any, employer: Employer = Case.employer) -> ColumnElement[bool]:
    """The cases the user sees only as the employer does (``Reader.employer_side``)."""
    roles, mine = tuple(user.roles), tuple(user.organisations)
    others = or_(false(), *(related(r, user.username, mine, employer) for r in roles if r != "employer"))
    as_employer = related("employer", user.username, mine, employer) if "employer" in roles else false()
    is_scoped = "compliance_officer" in roles and "admin" not in roles and bool(mine)
    scoped = employer.in_(sorted(set(mine))) if is_scoped else false()
    return and_(not_(others), or_(as_employer, scoped))


def acting_as(user: Any, role: str, employer: Employer = Case.employer) -> ColumnElement[bool]:
    """The cases on which ``role`` is one of the user's acting roles (``visibility.acting_roles``)."""
    through = related(role, user.username, user.organisations, employer)
    if role in LANE_STAFF_ROLES:
        through = or_(through, overseen(user.roles, user.organisations, employer))
    return through


def acting(user: Any, roles: Iterable[str]) -> ColumnElement[bool]:
    """The cases on which one of ``roles`` is an acting role of the user: those of every item ``actionable``
    lets through (and perhaps a few more, whose items are all withheld)."""
    return or_(false(), *(acting_as(user, role) for role in dict.fromkeys(roles)))


def actionable(user: Any, roles: Iterable[str], employer: Employer = WorkItem.employer) -> ColumnElement[bool]:
    """The work items (joined to their ``Case``) of ``roles`` that the user may act on: the item's role is one of
    their acting roles for its case (``visibility.acting_roles``), and its instance is not withheld from them
    (``withheld.hidden_instances``).

    The case's employer is read from the item (``employer``), where an index serves it. Withheld instances are few:
    the database gathers their ids once (a hashed set on PostgreSQL) rather than reading the instance of every item
    it considers.
    """
    acting_roles = [and_(WorkItem.role == role, acting_as(user, role, employer)) for role in dict.fromkeys(roles)]
    withheld = WorkItem.instance_id.in_(select(ProcessInstance.id).where(ProcessInstance.withheld_from_employer))
    return and_(or_(false(), *acting_roles), not_(and_(employer_side(user, employer), withheld)))
