"""The compliance cockpit: find process instances and how they ended.

How the legal deadlines were kept (the dashboard and its drill-down) is ``deadline_dashboard``'s job;
``Compliance`` offers both to ``Engine``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from ..casework import withheld
from ..errors import InvalidInput
from ..law import calendar
from ..store import access_log, search_text
from ..store.models import AuditEvent, Case, Deadline, ProcessDefinition, ProcessInstance, User
from ..store.paging import Paged
from . import scope as oversight
from .deadline_dashboard import COUNTED_STATES, DeadlineDashboard

STATES = {"running": "running", "completed": "completed", "failed": "error", "error": "error"}
"""Instance states a search may ask for; a failed instance is stored as ``error``."""

MAX_PER_PAGE = 200


@dataclass(frozen=True)
class InstanceRow:
    """One instance found: where it runs, how far it got (the end event it reached), and how its deadlines went."""

    id: int
    case_id: int
    case_reference: str
    employer: str
    process_id: str
    version: int
    state: str
    started_at: datetime
    ended_at: datetime | None
    end_event: str | None
    end_event_name: str | None
    missed: int
    met: int
    pending: int
    last_action: str | None
    last_task: str | None
    employee: str | None = None


@dataclass(frozen=True)
class EndReached:
    """An end event completed instances of a procedure reached, and how many did."""

    process_id: str
    end_event: str
    name: str
    count: int


@dataclass(frozen=True)
class InstancePage(Paged):
    """One page of a search, newest first, with the number of instances matching it."""

    rows: tuple[InstanceRow, ...]
    total: int
    page: int
    per_page: int


class Compliance(DeadlineDashboard):
    """The compliance officers' searches, and the deadline dashboard (mixed into ``Engine``)."""

    def find_instances(self, *, user_id: int, process_id: str | None = None, version: int | None = None,
                       state: str | None = None, organisation: str | None = None, started_from: date | None = None,
                       started_to: date | None = None, has_missed_deadline: bool | None = None,
                       end_event: str | None = None, query: str | None = None, page: int = 1,
                       per_page: int = 50) -> InstancePage:
        """The instances of the cases the user oversees matching every filter given, newest first.

        ``state`` is running, completed or failed; ``end_event`` the id of the end event a completed instance
        reached (with ``process_id``, since ids repeat across procedures); ``started_from``/``started_to``
        are Brussels dates, both included; ``query`` words the case's reference, worker or employer holds, whatever
        their case and accents (``search_text``). ``NotAllowed`` for anyone but compliance officers and admins;
        ``InvalidInput`` for an unknown state, a page below 1 or more than ``MAX_PER_PAGE`` rows per page.
        """
        _check_search(state, page, per_page)
        with self.database.unit_of_work() as session:
            user = oversight.require_overseer(session, user_id)
            where = _instance_conditions(user, process_id, version, state, organisation, started_from,
                                         started_to, has_missed_deadline, end_event)
            where.append(search_text.condition(Case.search_text, query))
            total = session.scalar(_joined(select(func.count(ProcessInstance.id))).where(*where)) or 0
            rows = session.execute(_joined(select(*_INSTANCE_COLUMNS)).where(*where)
                                   .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())
                                   .limit(per_page).offset((page - 1) * per_page)).all()
            found = _instance_rows(session, rows)
            access_log.record_each(session, user, [r.case_id for r in found], "search", "instances", ["case"],
                                   at=self.clock.now())
            session.commit()
        return InstancePage(found, total, page, per_page)

    def ends_reached(self, *, user_id: int) -> tuple[EndReached, ...]:
        """How the overseen completed instances ended: each end event reached, per procedure, with a count.

        ``NotAllowed`` for anyone but compliance officers and admins.
        """
        with self.database.unit_of_work() as session:
            user = oversight.require_overseer(session, user_id)
            query = (_joined(select(ProcessDefinition.process_id, ProcessInstance.end_event,
                                    func.max(ProcessInstance.end_event_name), func.count()))
                     .where(oversight.case_filter(user), withheld.visible_condition(user),
                            ProcessInstance.end_event.is_not(None))
                     .group_by(ProcessDefinition.process_id, ProcessInstance.end_event)
                     .order_by(ProcessDefinition.process_id, ProcessInstance.end_event))
            return tuple(EndReached(*row) for row in session.execute(query))

    def require_compliance_access(self, user_id: int) -> None:
        """``NotAllowed`` unless the user is a compliance officer or an admin."""
        with self.database.unit_of_work() as session:
            oversight.require_overseer(session, user_id)

_INSTANCE_COLUMNS = (ProcessInstance.id, Case.id, Case.reference, Case.employer, ProcessDefinition.process_id,
                     ProcessDefinition.version, ProcessInstance.state, ProcessInstance.started_at,
                     ProcessInstance.ended_at, ProcessInstance.end_event, ProcessInstance.end_event_name, Case.employee)


def _joined(query: Any) -> Any:
    return (query.select_from(ProcessInstance).join(Case, ProcessInstance.case_id == Case.id)
            .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id))


def _check_search(state: str | None, page: int, per_page: int) -> None:
    problems = {}
    if state is not None and state not in STATES:
        problems["state"] = [f"one of {', '.join(STATES)}"]
    if page < 1:
        problems["page"] = ["at least 1"]
    if not 1 <= per_page <= MAX_PER_PAGE:
        problems["per_page"] = [f"between 1 and {MAX_PER_PAGE}"]
    if problems:
        raise InvalidInput("the search was refused", problems)


def _instance_conditions(user: User, process_id: str | None, version: int | None, state: str | None,
                         organisation: str | None, started_from: date | None, started_to: date | None,
                         has_missed_deadline: bool | None, end_event: str | None) -> list:
    missed = exists().where(Deadline.instance_id == ProcessInstance.id, Deadline.state == "missed")
    wanted = [
        (process_id, lambda: ProcessDefinition.process_id == process_id),
        (version, lambda: ProcessDefinition.version == version),
        (state, lambda: ProcessInstance.state == STATES[state or ""]),
        (organisation, lambda: Case.employer == organisation),
        (started_from, lambda: ProcessInstance.started_at >= calendar.day_start(started_from or date.min)),
        (started_to, lambda: ProcessInstance.started_at < calendar.day_start((started_to or date.min)
                                                                             + timedelta(days=1))),
        (has_missed_deadline, lambda: missed if has_missed_deadline else ~missed),
        (end_event, lambda: ProcessInstance.end_event == end_event),
    ]
    return [oversight.case_filter(user), withheld.visible_condition(user)] + [
        condition() for value, condition in wanted if value is not None]


def _instance_rows(session: Session, rows: Sequence[Any]) -> tuple[InstanceRow, ...]:
    ids = [row[0] for row in rows]
    counts = _deadline_counts(session, ids)
    endings = _last_events(session, [row[0] for row in rows if row[6] != "running"])
    return tuple(replace(InstanceRow(*row[:-1], *(counts.get((row[0], s), 0) for s in ("missed", "met", "pending")),
                                     *endings.get(row[0], (None, None))), employee=row[-1]) for row in rows)


def _deadline_counts(session: Session, instance_ids: list[int]) -> dict[tuple[int, str], int]:
    query = (select(Deadline.instance_id, Deadline.state, func.count())
             .where(Deadline.instance_id.in_(instance_ids), Deadline.state.in_(COUNTED_STATES))
             .group_by(Deadline.instance_id, Deadline.state))
    return {(instance_id, state): count for instance_id, state, count in session.execute(query)}


def _last_events(session: Session, instance_ids: list[int]) -> dict[int, tuple[str, str | None]]:
    """The last audit event of each ended instance: how it ended (the action and the task it was on)."""
    streams = [f"instance:{i}" for i in instance_ids]
    last = (select(AuditEvent.stream, func.max(AuditEvent.seq).label("seq"))
            .where(AuditEvent.stream.in_(streams)).group_by(AuditEvent.stream).subquery())
    query = select(AuditEvent.instance_id, AuditEvent.action, AuditEvent.task).join(
        last, and_(AuditEvent.stream == last.c.stream, AuditEvent.seq == last.c.seq))
    return {instance_id: (action, task) for instance_id, action, task in session.execute(query) if instance_id}

