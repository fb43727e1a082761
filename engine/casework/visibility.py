"""Who has a case at all: a role counts only through its relation to the case.

The worker of the case and the treating physician they named are people named in the case's parties
(``employee_account``, ``treating_physician_account``: usernames). The other case roles reach a case
through the organisation the case names for them: the employer's HR through the employer, the
occupational physician through the prevention service (or the employer: an internal prevention
service), the advisory physician and the back-to-work coordinator through the sickness fund, the
regional counsellor through the regional service, the medical inspector through the inspectorate.
Compliance officers oversee the cases of their organisations' employers (all cases without
organisations); admins oversee every case. Process owners model; they have no case.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInput
from .access import CASE_OPENERS, LANE_STAFF_ROLES, MEDICAL_ROLES

PERSON_PARTIES = {"employee": "employee_account", "treating_physician": "treating_physician_account"}
ORGANISATION_PARTIES = {
    "occupational_physician": ("prevention_service",),
    "advisory_physician": ("sickness_fund",),
    "rtw_coordinator": ("sickness_fund",),
    "regional_counsellor": ("regional_service",),
    "medical_inspector": ("inspectorate",),
}
"""For each case role reached through an organisation: the parties keys naming that organisation."""
PARTY_KEYS = (*PERSON_PARTIES.values(), *{k for keys in ORGANISATION_PARTIES.values() for k in keys})


@dataclass(frozen=True)
class Reader:
    """One user as one case sees them."""

    username: str
    relation_roles: frozenset[str]
    """The user's case roles that have a relation to this case."""
    overseer: bool
    """A compliance officer or admin overseeing this case."""
    scoped_overseer: bool
    """An overseer limited to some employers: the employer's own compliance officer."""

    @property
    def is_subject(self) -> bool:
        """The worker the case is about."""
        return "employee" in self.relation_roles

    @property
    def is_named_physician(self) -> bool:
        """The treating physician the worker named."""
        return "treating_physician" in self.relation_roles

    @property
    def employer_side(self) -> bool:
        """Sees the case only as the employer does: through the employer, or as the employer's own officer."""
        others = self.relation_roles - {"employer"}
        return not others and ("employer" in self.relation_roles or self.scoped_overseer)

    @property
    def medical_roles(self) -> frozenset[str]:
        return self.relation_roles & MEDICAL_ROLES

    @property
    def has_case(self) -> bool:
        return bool(self.relation_roles) or self.overseer


def related(role: str, username: str, organisations: Iterable[str], employer: str, parties: Mapping) -> bool:
    """Whether ``role`` held by a user relates them to a case of ``employer`` with ``parties``."""
    if role in PERSON_PARTIES:
        return bool(username) and parties.get(PERSON_PARTIES[role]) == username
    mine = set(organisations)
    if role == "employer":
        return employer in mine
    if role == "occupational_physician" and employer in mine:
        return True
    return any(parties.get(key) in mine for key in ORGANISATION_PARTIES.get(role, ()) if parties.get(key))


def reader(roles: Iterable[str], organisations: Iterable[str], username: str, employer: str,
           parties: Mapping) -> Reader:
    """The user with ``roles`` and ``organisations`` as the case of ``employer`` with ``parties`` sees them."""
    roles, organisations = tuple(roles), tuple(organisations)
    relation = frozenset(r for r in roles if related(r, username, organisations, employer, parties))
    admin = "admin" in roles
    officer = "compliance_officer" in roles and (not organisations or employer in organisations)
    return Reader(username, relation, admin or officer,
                  not admin and officer and bool(organisations))


def may_see_case(roles: Iterable[str], organisations: Iterable[str], username: str, employer: str,
                 parties: Mapping) -> bool:
    """Whether the user has a relation to the case, or oversees it."""
    return reader(roles, organisations, username, employer, parties).has_case


def of_user(user: Any, case: Any) -> Reader:
    """``reader`` for a user (roles, organisations, username) and a case (employer, parties)."""
    return reader(user.roles, user.organisations, user.username, case.employer, case.parties or {})


def acting_roles(user: Any, case: Any) -> frozenset[str]:
    """The user's roles that may act on the case (fill its tasks, start its procedures, record its events).

    A case role acts only through its relation to the case; a compliance officer acts on the cases they
    oversee (the review lane). Holding a role elsewhere is not enough: an HR user who is also some other
    case's worker never fills this worker's tasks.
    """
    seen = of_user(user, case)
    staff = frozenset(r for r in user.roles if r in LANE_STAFF_ROLES) if seen.overseer else frozenset()
    return seen.relation_roles | staff


def may_open(roles: Iterable[str], organisations: Iterable[str], username: str, employer: str,
             parties: Mapping) -> bool:
    """Whether a user may open the case: an admin any; otherwise one of the user's opener roles relates
    them to the new case (an employer for its own organisations, a prevention service or fund it names)."""
    roles = tuple(roles)
    if "admin" in roles:
        return True
    openers = [r for r in roles if r in CASE_OPENERS]
    return any(related(r, username, tuple(organisations), employer, parties) for r in openers)


def check_parties(parties: Mapping) -> None:
    """Refuse parties whose known keys do not name an organisation or a username as a non-empty string."""
    bad = {key: ["a name (text)"] for key in PARTY_KEYS
           if key in parties and (not isinstance(parties[key], str) or not parties[key].strip())}
    if bad:
        raise InvalidInput("case parties name organisations and usernames as text", bad)
