"""Dated facts of a case: what became true on a date by the law alone, recorded by a diagram, kept in the audit trail.

A fact is not a task nor a deadline: after six months of primary incapacity the advisory physician assesses the
incapacity against all occupations, no longer the usual occupation (T34a). Nobody acts; the case file shows the
fact with its date. A diagram records one with the script function ``record_fact(name, on)``; the engine writes
it as a ``fact_recorded`` audit event of the instance (hash-chained like every change), and the case file and the
readable records read it back from there. Only the facts named in ``FACTS`` may be recorded, each with the rule
that makes it true, so a diagram cannot write free text into the trail.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InvalidModel, Problem
from ..store import audit
from ..store.models import AuditEvent, ProcessInstance
from ..store.views import DatedFact

ACTION = "fact_recorded"
FACTS = {"assessed_against_all_occupations": "T34a"}
"""Fact name → the rule that makes it true (``processes/deadlines.toml``)."""


@dataclass(frozen=True)
class Pending:
    """A fact a diagram recorded during an engine call, written when the instance is saved."""

    name: str
    on: str
    element: str | None


def pending(name: str, on: str | date, element: str | None) -> Pending:
    """Check a fact a diagram records: a known name and an ISO date; ``InvalidModel`` otherwise."""
    day = on.isoformat() if isinstance(on, date) else str(on)
    try:
        date.fromisoformat(day)
    except ValueError:
        raise InvalidModel("a recorded fact needs an ISO date", [Problem(element, f"not a date: {day!r}")]) from None
    if name not in FACTS:
        raise InvalidModel("the diagram records an unknown fact", [Problem(element, f"unknown fact: {name!r}")])
    return Pending(name, day, element)


def write(session: Session, row: ProcessInstance, facts: list[Pending], at: datetime) -> None:
    """One ``fact_recorded`` audit event per fact, on the instance's stream (the caller commits)."""
    for fact in facts:
        audit.append(session, f"instance:{row.id}", at=at, actor="system", action=ACTION, case_id=row.case_id,
                     instance_id=row.id, task=fact.element,
                     after={"fact": fact.name, "on": fact.on, "rule": FACTS[fact.name]})


def dated(session: Session, case_id: int, hidden: Collection[int] = ()) -> tuple[DatedFact, ...]:
    """The facts of a case in the order they became true, leaving out those of instances hidden from the reader."""
    found = []
    for event in session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.action == ACTION)
                                 .order_by(AuditEvent.at, AuditEvent.id)):
        name, on = event.after.get("fact"), event.after.get("on")
        if event.instance_id in hidden or name not in FACTS or not isinstance(on, str):
            continue  # a pseudonymised event keeps no fact
        found.append(DatedFact(name, date.fromisoformat(on), FACTS[name], event.instance_id, event.at))
    return tuple(sorted(found, key=lambda f: (f.on, f.recorded_at)))
