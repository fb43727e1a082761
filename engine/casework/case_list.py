"""The case list: the cases a user may see, found by reference, worker or employer, a page at a time.

Each case comes with what a case worker looks for first: its status, the procedures running for it and its next
legal date (the earliest pending deadline, or procedure term of an open task), as the user may see them:
instances withheld from the employer side (``withheld``) are neither running procedures nor dates for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..store import access_log, queries, search_text
from ..store.models import Case, Deadline, ProcessDefinition, ProcessInstance, User, WorkItem
from ..store.paging import PER_PAGE, Paged, check_page
from ..wiring import Wiring
from . import visibility, withheld

OPEN_STATES = ("running", "error")
"""Instance states of a procedure that has not ended: running, or stopped on an error until it is repaired."""


@dataclass(frozen=True)
class CaseRow:
    """One case in the list.

    ``status`` is ``pseudonymised``, ``failed`` (a procedure stopped on an error), ``running``, ``closed`` (every
    procedure ended) or ``no_procedure``; ``procedures`` the process ids running, oldest first.
    """

    id: int
    reference: str
    employee: str
    employer: str
    first_day_of_incapacity: date
    status: str
    procedures: tuple[str, ...]
    next_due_on: date | None


@dataclass(frozen=True)
class CasePage(Paged):
    """One page of the cases found, newest first, with how many were found in all."""

    rows: tuple[CaseRow, ...]
    total: int
    page: int
    per_page: int


class CaseList(Wiring):
    """Finding cases (mixed into ``Engine``)."""

    def find_cases(self, user_id: int, *, query: str | None = None, page: int = 1,
                   per_page: int = PER_PAGE) -> CasePage:
        """The cases the user may see whose reference, worker or employer holds every word of ``query``.

        Case and accents do not matter ("eva peeters" finds Éva Peeters). Newest first; each case shown is
        logged in the access log as read by a search. ``InvalidInput`` for a page below 1 or more than
        ``paging.MAX_PER_PAGE`` rows per page.
        """
        check_page(page, per_page)
        with self.database.unit_of_work() as session:
            user = queries.get(session, User, user_id, "user")
            found = session.scalars(select(Case).where(search_text.condition(Case.search_text, query))
                                    .order_by(Case.opened_at.desc(), Case.id.desc()))
            visible = [case for case in found if visibility.of_user(user, case).has_case]
            shown = visible[(page - 1) * per_page:page * per_page]
            rows = _rows(session, user, shown)
            access_log.record_each(session, user, [c.id for c in shown], "search", "cases", ["case"],
                                   at=self.clock.now())
            session.commit()
        return CasePage(rows, len(visible), page, per_page)


def _rows(session: Session, user: User, cases: Sequence[Case]) -> tuple[CaseRow, ...]:
    ids = [case.id for case in cases]
    instances = session.execute(
        select(ProcessInstance.case_id, ProcessInstance.id, ProcessDefinition.process_id, ProcessInstance.state)
        .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
        .where(ProcessInstance.case_id.in_(ids)).order_by(ProcessInstance.id)).all()
    pending = _open_terms(session, ids)
    rows = []
    for case in cases:
        reader = visibility.of_user(user, case)
        hidden = withheld.hidden_instances(session, case.id, reader)
        quiet = hidden | withheld.steps_hidden(session, case.id, reader)
        own = [(pid, state) for case_id, iid, pid, state in instances if case_id == case.id and iid not in hidden]
        dates = [due for case_id, iid, due in pending if case_id == case.id and iid not in quiet]
        rows.append(CaseRow(case.id, case.reference, case.employee, case.employer, case.first_day_of_incapacity,
                            _status(case, [state for _, state in own]),
                            tuple(pid for pid, state in own if state in OPEN_STATES), min(dates, default=None)))
    return tuple(rows)


def _open_terms(session: Session, case_ids: list[int]) -> list[tuple[int, int, date]]:
    """Per case and instance, the earliest due date of a pending deadline or of the procedure term an open task
    lives under (a task with no term of its own: ``procedure_terms``)."""
    deadlines = (select(Deadline.case_id, Deadline.instance_id, func.min(Deadline.due_on))
                 .where(Deadline.case_id.in_(case_ids), Deadline.state == "pending")
                 .group_by(Deadline.case_id, Deadline.instance_id))
    tasks = (select(WorkItem.case_id, WorkItem.instance_id, func.min(WorkItem.procedure_due_on))
             .where(WorkItem.case_id.in_(case_ids), WorkItem.state == "ready", WorkItem.procedure_due_on.is_not(None))
             .group_by(WorkItem.case_id, WorkItem.instance_id))
    return [(case_id, instance_id, due) for query in (deadlines, tasks)
            for case_id, instance_id, due in session.execute(query) if due is not None]


def _status(case: Case, states: list[str]) -> str:
    if case.pseudonymised_at is not None:
        return "pseudonymised"
    if "error" in states:
        return "failed"
    if "running" in states:
        return "running"
    return "closed" if states else "no_procedure"
