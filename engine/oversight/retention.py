"""How long a closed case is kept, and pseudonymising the cases kept long enough (``pseudonymisation``).

A case has no closed state of its own: it counts as closed when it has instances and all of them ended
(completed or cancelled), on the Brussels date the last one ended. Its retention is the longest of the
``retention_years`` of the procedures it ran (``processes/catalogue.toml``, or the engine's
``retention_years`` override, from the app config ``RETENTION_YEARS`` / env ``REINTEGRA_RETENTION_YEARS``);
it is due on the same calendar date that many years after closing (28 February for 29 February).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from ..errors import Unavailable
from ..law import calendar
from ..law.catalogue import DEFAULT_RETENTION_YEARS
from ..store.models import Case, ProcessDefinition, ProcessInstance, User
from . import pseudonymisation
from . import scope as oversight

if TYPE_CHECKING:
    from ..wiring import Wiring


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionDue:
    """A closed case, not yet pseudonymised: when it closed, how long it is kept, and whether that is over."""

    case_id: int
    reference: str
    employer: str
    closed_on: date
    years: int
    due_on: date
    is_due: bool


class Retention:
    """Retention periods and pseudonymisation. Composed into the facade as ``retention``."""

    def __init__(self, wiring: Wiring) -> None:
        self._wiring = wiring

    def retention_years(self) -> dict[str, int]:
        """Years each procedure is kept after its case closed: the catalogue's, then the configured override."""
        years = {pid: procedure.retention_years for pid, procedure in self._wiring.catalogue.items()}
        return {**years, **self._wiring.retention_overrides}

    def retention_schedule(self, *, user_id: int | None = None, due_only: bool = False) -> tuple[RetentionDue, ...]:
        """The closed cases not yet pseudonymised, soonest due first (those a user oversees, when named).

        ``NotAllowed`` for a user who is no compliance officer or admin.
        """
        with self._wiring.database.unit_of_work() as session:
            user = oversight.require_overseer(session, user_id) if user_id is not None else None
            found = _schedule(session, user, self.retention_years(), calendar.legal_date(self._wiring.clock.now()))
        return tuple(due for due in found if due.is_due or not due_only)

    def pseudonymise_expired(self, actor: str) -> tuple[RetentionDue, ...]:
        """Pseudonymise every closed case past its retention, one transaction and one audit event per case.

        A case that fails is logged and left for the next run; the others go on.
        """
        done = []
        for due in self.retention_schedule(due_only=True):
            try:
                if self._pseudonymise(due, actor):
                    done.append(due)
            except Unavailable:
                raise
            except Exception:  # noqa: BLE001 - one broken case must not keep the others past their retention
                log.exception("retention: case %s could not be pseudonymised", due.case_id)
        return tuple(done)

    def _pseudonymise(self, due: RetentionDue, actor: str) -> bool:
        with self._wiring.database.unit_of_work() as session:
            case = session.get(Case, due.case_id, with_for_update=True)
            if case is None or case.pseudonymised_at is not None:
                return False
            unused = pseudonymisation.pseudonymise(
                session, case, partial(self._forms_of, session), at=self._wiring.clock.now(), actor=actor,
                facts={"closed_on": due.closed_on.isoformat(), "retention_years": due.years,
                       "due_on": due.due_on.isoformat()})
            session.commit()
        self._wiring.files.forget(unused)
        return True

    def _forms_of(self, session: Session, row: ProcessInstance) -> dict[str, dict]:
        return self._wiring._loaded(session, row).forms


def _schedule(session: Session, user: User | None, years: dict[str, int], today: date) -> list[RetentionDue]:
    closed = (select(Case.id, Case.reference, Case.employer, func.max(ProcessInstance.ended_at))
              .join(ProcessInstance, ProcessInstance.case_id == Case.id)
              .where(Case.pseudonymised_at.is_(None), oversight.case_filter(user) if user else true())
              .group_by(Case.id, Case.reference, Case.employer)
              .having(func.count(ProcessInstance.id) == func.count(ProcessInstance.ended_at)))
    rows = session.execute(closed).all()
    procedures = _procedures(session, [row[0] for row in rows])
    result = []
    for case_id, reference, employer, ended_at in rows:
        assert ended_at is not None
        kept = max((years.get(p, DEFAULT_RETENTION_YEARS) for p in procedures.get(case_id, ())),
                   default=DEFAULT_RETENTION_YEARS)
        closed_on = calendar.legal_date(ended_at)
        due_on = add_years(closed_on, kept)
        result.append(RetentionDue(case_id, reference, employer, closed_on, kept, due_on, today >= due_on))
    return sorted(result, key=lambda due: (due.due_on, due.case_id))


def _procedures(session: Session, case_ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for start in range(0, len(case_ids), 500):
        query = (select(ProcessInstance.case_id, ProcessDefinition.process_id).distinct()
                 .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
                 .where(ProcessInstance.case_id.in_(case_ids[start:start + 500])))
        for case_id, process_id in session.execute(query):
            found.setdefault(case_id, set()).add(process_id)
    return found


def add_years(day: date, years: int) -> date:
    """The same calendar date ``years`` later (28 February for a 29 February that year lacks)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
