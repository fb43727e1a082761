"""The case list: the cases a user may see, found by reference, worker or employer, a page at a time.

Each case comes with what a case worker looks for first: its status, the procedures running for it and its next
legal date (the earliest pending deadline, or procedure term of an open task), as the user may see them:
instances withheld from the employer side (``withheld``) are neither running procedures nor dates for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ..store import access_log, estimates, json_text, keyset, queries, search_text, views
from ..store.id_sets import id_set
from ..store.models import Case, Deadline, ProcessDefinition, ProcessInstance, User, WorkItem
from ..wiring import Wiring
from . import case_scope, disclosure, visibility, withheld

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
class CasePage(keyset.Page[CaseRow]):
    """One page of the cases found, newest first, with the cursors of the pages before and after it (None at either
    end)."""


@dataclass(frozen=True)
class CaseViewPage(keyset.Page[views.CaseView]):
    """One page of cases as the API lists them, newest first, with the cursors before and after it."""


NEWEST = keyset.Order("newest", (keyset.Key(Case.opened_at, datetime, is_descending=True),
                                 keyset.Key(Case.id, int, is_descending=True)))
"""The case list's order: newest first."""


class CaseList(Wiring):
    """Finding cases (mixed into ``Engine``)."""

    def find_cases(self, user_id: int, *, query: str | None = None, cursor: str | None = None,
                   limit: int = keyset.PER_PAGE) -> CasePage:
        """The cases the user may see whose reference, worker or employer holds every word of ``query``, a page from
        ``cursor`` (a page's ``next_cursor`` or ``previous_cursor``; the first page without one).

        Case and accents do not matter ("eva peeters" finds Éva Peeters). Newest first; the database filters
        (``case_scope``) and pages (``keyset``). Each case shown is logged in the access log as read by a search.
        ``InvalidInput`` for a refused cursor, or fewer than 1 or more than ``keyset.MAX_PER_PAGE`` rows per page.
        """
        with self.database.unit_of_work() as session:
            user = queries.get(session, User, user_id, "user")
            shown = visible_cases(session, user, query, cursor, limit)
            rows = _rows(session, user, shown.rows)
            access_log.record_each(session, user, [c.id for c in shown.rows], "search", "cases", ["case"],
                                   at=self.clock.now())
            session.commit()
        return CasePage(rows, *cursors(shown), limit)

    def cases_page(self, user_id: int, *, cursor: str | None = None, limit: int = keyset.PER_PAGE,
                   surface: str = "search") -> CaseViewPage:
        """A page of the cases the user may see, newest first, from ``cursor``; each case listed is logged as read on
        ``surface``. ``InvalidInput`` as for ``find_cases``."""
        with self.database.unit_of_work() as session:
            user = queries.get(session, User, user_id, "user")
            shown = visible_cases(session, user, None, cursor, limit)
            access_log.record_each(session, user, [c.id for c in shown.rows], surface, "cases", ["case"],
                                   at=self.clock.now())
            session.commit()
            return CaseViewPage(tuple(queries.case_view(c) for c in shown.rows), *cursors(shown), limit)

    def cases(self, user_id: int, *, surface: str = "search") -> list[views.CaseView]:
        """Every case the user may see, newest first: the pages of ``cases_page`` one after the other."""
        found: list[views.CaseView] = []
        cursor = None
        while True:
            page = self.cases_page(user_id, cursor=cursor, limit=keyset.MAX_PER_PAGE, surface=surface)
            found += page.rows
            if page.next_cursor is None:
                return found
            cursor = page.next_cursor


def visible_cases(session: Session, user: User, query: str | None, cursor: str | None, limit: int,
                  few_cases: int | None = None) -> keyset.Window:
    """A window of the cases the user may see that match ``query``, newest first, from ``cursor``."""
    keyset.check_limit(limit)
    start = keyset.cursor(cursor, NEWEST)
    found = select(Case).where(case_scope.has_case(user), search_text.condition(Case.search_text, query))
    return keyset.window(list(session.scalars(_paged(session, user, found, start, limit, few_cases))), start, limit)


def _paged(session: Session, user: User, found: Select, start: keyset.Cursor | None, limit: int,
           few_cases: int | None) -> Select:
    """A page of ``found`` as ``inbox.page`` reads one when the user reaches cases through their parties on SQLite,
    whose planner cannot tell a party naming few cases from one naming many: gathered through the parties' indexes
    when at most ``few_cases``, else by walking the newest (PostgreSQL's planner tells them apart itself)."""
    if session.get_bind().dialect.name != "sqlite" or not case_scope.is_through_parties(user):
        return keyset.paged(found, NEWEST, start, limit)
    if estimates.at_most(session, found.with_only_columns(Case.id), few_cases, through_parties=True):
        return keyset.paged_few(found, NEWEST, start, limit, row_id=Case.id)
    return keyset.paged(json_text.unindexed(found), NEWEST, start, limit)


def cursors(shown: keyset.Window) -> tuple[str | None, str | None]:
    """The cursors of the pages before and after a window of cases (None at either end)."""
    if not shown.rows:
        return None, None
    first, last = shown.rows[0], shown.rows[-1]
    return (keyset.Cursor(NEWEST.name, (first.opened_at, first.id), True).token() if shown.has_before else None,
            keyset.Cursor(NEWEST.name, (last.opened_at, last.id)).token() if shown.has_after else None)


def _rows(session: Session, user: User, cases: Sequence[Case]) -> tuple[CaseRow, ...]:
    ids = id_set(session, [case.id for case in cases])
    instances = session.execute(
        select(ProcessInstance.case_id, ProcessInstance.id, ProcessDefinition.process_id, ProcessInstance.state,
               ProcessInstance.withheld_from_employer)
        .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
        .where(ProcessInstance.case_id.in_(ids)).order_by(ProcessInstance.id)).all()
    pending = _open_terms(session, ids)
    rows = []
    for case in cases:
        hides = withheld.hides_from(visibility.of_user(user, case))
        mine = [row for row in instances if row.case_id == case.id]
        hidden = {row.id for row in mine if hides and row.withheld_from_employer}
        quiet = hidden | {row.id for row in mine if hides and row.process_id in disclosure.EMPLOYER_EXCLUDED}
        own = [(row.process_id, row.state) for row in mine if row.id not in hidden]
        dates = [due for case_id, iid, due in pending if case_id == case.id and iid not in quiet]
        rows.append(CaseRow(case.id, case.reference, case.employee, case.employer, case.first_day_of_incapacity,
                            _status(case, [state for _, state in own]),
                            tuple(pid for pid, state in own if state in OPEN_STATES), min(dates, default=None)))
    return tuple(rows)


def _open_terms(session: Session, case_ids: Select) -> list[tuple[int, int, date]]:
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
