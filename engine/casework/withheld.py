"""Instances the worker keeps from the employer (art. I.4-36: a pre-return visit the worker asked to keep quiet).

The catalogue names the rule as data: ``withheld_from_employer_when = "<boolean variable>"`` on a procedure.
The runtime sets ``process_instance.withheld_from_employer`` on every save from the instance's data: true while
the variable is true; until it is recorded, true unless the employer asked for the instance (``requested_by``
in the data, or the starter's role at the start): privacy by default. For the employer side of a case
(``visibility.Reader.employer_side``) such an instance does not exist: every surface filters it out with
``hidden_instances`` (one case) or ``visible_condition`` (a query over many cases).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from ..law import catalogue
from ..store.models import ProcessDefinition, ProcessInstance
from . import disclosure, visibility

EMPLOYER = "employer"


@functools.cache
def rules() -> dict[str, str]:
    """Per procedure id, the variable that withholds its instances from the employer side."""
    return {pid: p.withheld_when for pid, p in catalogue.load().items() if p.withheld_when}


def withheld(process_id: str, data: Mapping[str, Any], current: bool) -> bool:
    """Whether an instance of ``process_id`` with ``data`` is withheld; ``current`` is its flag until now (the
    start's: withheld unless the employer started it) and stands while the data says nothing yet."""
    variable = rules().get(process_id)
    if variable is None:
        return False
    if data.get(variable) is not None:
        return bool(data[variable])
    if data.get("requested_by") is not None:
        return data["requested_by"] != EMPLOYER
    return current


def at_start(process_id: str, requester: str | None) -> bool:
    """The flag of a new instance: withheld (if its procedure has the rule) unless the employer asked for it."""
    return process_id in rules() and requester != EMPLOYER


def hides_from(reader: visibility.Reader) -> bool:
    """Whether withheld instances are kept from this reader of a case: the employer side."""
    return reader.employer_side


def hidden_instances(session: Session, case_id: int, reader: visibility.Reader) -> set[int]:
    """The ids of the case's instances that do not exist for ``reader`` (none unless on the employer side)."""
    if not hides_from(reader):
        return set()
    return set(session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.case_id == case_id, ProcessInstance.withheld_from_employer.is_(True))))


def steps_hidden(session: Session, case_id: int, reader: visibility.Reader) -> set[int]:
    """The ids of the case's instances whose steps (deadlines, open tasks) the employer side does not see: those
    of procedures it is no party to (``disclosure.EMPLOYER_EXCLUDED``, the coordinator track). The law gives the
    employer that the track exists (the instance stays listed) and the plan measures it must carry out (the
    fields marked ``x-employer``), not how the fund's procedure goes."""
    if not hides_from(reader):
        return set()
    return set(session.scalars(select(ProcessInstance.id).join(
        ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id).where(
        ProcessInstance.case_id == case_id, ProcessDefinition.process_id.in_(disclosure.EMPLOYER_EXCLUDED))))


def employer_side_overseer(roles: Iterable[str], organisations: Iterable[str]) -> bool:
    """A compliance officer scoped to organisations (an employer's own officer) and no admin: on the employer
    side of every case they oversee."""
    roles = tuple(roles)
    return "compliance_officer" in roles and "admin" not in roles and bool(tuple(organisations))


def hidden_to_overseer(session: Session, case_id: int, user: Any) -> set[int]:
    """The ids of the case's withheld instances when ``user`` is an employer's own compliance officer."""
    if not employer_side_overseer(user.roles, user.organisations):
        return set()
    return set(session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.case_id == case_id, ProcessInstance.withheld_from_employer.is_(True))))


def visible_condition(user: Any) -> ColumnElement[bool]:
    """A condition on ``ProcessInstance`` for a query over the cases a user oversees: withheld instances are
    left out for an employer's own compliance officer."""
    if employer_side_overseer(user.roles, user.organisations):
        return ProcessInstance.withheld_from_employer.is_(False)
    return true()
