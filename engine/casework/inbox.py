"""The inbox as one query: the ready work items a user may act on, filtered and ordered by the database, a keyset
page at a time.

Which items a user sees is ``case_scope.actionable`` (the rules of ``visibility`` in SQL); the orders are those the
inbox offers (legal risk, newest, case), each ending with the item's id so every item has one place. Only the
urgency filters count days the way each rule counts them (working days or calendar days): the database narrows the
items to a window of due dates around today and Python keeps those the rule's count puts inside.

A page is read one of two ways, which find the same items and cursors (``tests/engine/test_list_paths.py``): for a
user who acts on few cases (``estimates.FEW``), from those cases' items, gathered and then ordered; for the others,
by walking the order's index and keeping the items the user may act on until the page is full (SQLite, which cannot
tell a party naming few cases from one naming many, is kept from the parties' indexes: ``json_text.unindexed``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, UnaryExpression, false, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.operators import custom_op

from ..law import deadlines as rules_module
from ..store import estimates, json_text, keyset, queries, search_text, views
from ..store.models import Case, ProcessDefinition, User, WorkItem
from . import case_scope

DUE_SOON_DAYS = 3
"""A work item is due soon when at most this many days (in its rule's count) are left."""
URGENCY_WINDOW = {"overdue": (None, timedelta(0)), "due_soon": (timedelta(days=-10), timedelta(days=15))}
"""Due dates (from today; end excluded) that may hold an item of each urgency however its rule counts: no run of
non-working days is longer than ten, nor do three working days span fifteen calendar days."""


@dataclass(frozen=True)
class InboxPage(keyset.Page[views.WorkItemView]):
    """One page of an inbox in its order, with the cursors of the pages before and after it (None at either end)."""


@dataclass(frozen=True)
class Filters:
    """What the reader narrowed the inbox to (``WorkList.inbox``)."""

    role: str | None = None
    process_id: str | None = None
    claimed: str | None = None
    urgency: str | None = None
    sort: str = "risk"
    query: str | None = None


def orders(dialect: str) -> dict[str, keyset.Order]:
    """The inbox's orders; ``risk`` puts the most overdue first and items without a legal term last, ``newest`` the
    items created last first."""
    reference = Case.reference.collate("C") if dialect == "postgresql" else Case.reference
    item = keyset.Key(WorkItem.id, int)
    return {
        "risk": keyset.Order("risk", (keyset.Key(WorkItem.risk_due_on, date), item)),
        "newest": keyset.Order("newest", (keyset.Key(WorkItem.created_at, datetime, is_descending=True),
                                          keyset.Key(WorkItem.id, int, is_descending=True))),
        "case": keyset.Order("case", (keyset.Key(reference, str), keyset.Key(WorkItem.risk_due_on, date), item)),
    }


def walked_employer(dialect: str, order: keyset.Order, user: User) -> case_scope.Employer:
    """The item's employer as a walk in ``order`` reads it. On SQLite the employer's index serves a walk only in the
    order of legal risk for one employer, which it holds in that order; with statistics (``ANALYZE``) SQLite's
    planner would otherwise gather the items of the user's employers through it and sort them (at a million items:
    480 ms for the newest items of an employer with a tenth of them, 510 ms for HR of 100 employers). There the walk
    reads it as ``+employer``, which no index serves."""
    if dialect != "sqlite" or (order.name == "risk" and len(set(user.organisations)) == 1):
        return WorkItem.employer
    return UnaryExpression(WorkItem.employer.expression, operator=custom_op("+"), type_=WorkItem.employer.type)


def select_items(user: User, filters: Filters, today: date, employer: case_scope.Employer = WorkItem.employer, *,
                 cases_first: bool = False) -> Select:
    """The ready items the user may act on that pass ``filters`` (urgency only roughly: see ``URGENCY_WINDOW``),
    reading the item's employer as ``employer``; ``cases_first``: see ``queries.work_item_select``."""
    query = queries.work_item_select(cases_first=cases_first).where(
        WorkItem.state == "ready", case_scope.actionable(user, _roles(user, filters), employer),
        search_text.condition(Case.search_text, filters.query))
    if filters.process_id is not None:
        query = query.where(ProcessDefinition.process_id == filters.process_id)
    if filters.claimed is not None:
        claims = {"mine": WorkItem.assignee == user.username, "unclaimed": WorkItem.assignee.is_(None)}
        query = query.where(claims.get(filters.claimed, false()))
    if filters.urgency is not None:
        low, high = URGENCY_WINDOW.get(filters.urgency, URGENCY_WINDOW["due_soon"])
        due = WorkItem.risk_due_on
        query = query.where(due < today + high, due >= today + low if low is not None else true())
    return query


def _roles(user: User, filters: Filters) -> list[str]:
    return [r for r in user.roles if filters.role in (None, r)]


def page(session: Session, user: User, filters: Filters, *, today: date, rules: Mapping[str, rules_module.Rule],
         cursor: str | None, limit: int, few_cases: int | None = None) -> InboxPage:
    """One page of the user's inbox from ``cursor``; ``InvalidInput`` for a refused cursor or limit.

    When the user acts on at most ``few_cases`` cases (that match the search), the page is read from those cases'
    items; otherwise by walking the items of the order's index, keeping those the user may act on. Either way
    finds the same page."""
    keyset.check_limit(limit)
    dialect = session.get_bind().dialect.name
    known = orders(dialect)
    order = known.get(filters.sort, known["risk"])
    start = keyset.cursor(cursor, order)
    cases = select(Case.id).where(case_scope.acting(user, _roles(user, filters)),
                                  search_text.condition(Case.search_text, filters.query))
    if estimates.at_most(session, cases, few_cases, through_parties=case_scope.is_through_parties(user)):
        mine = select_items(user, filters, today).where(WorkItem.case_id.in_(cases))
        read = functools.partial(keyset.paged_few, mine, order, limit=limit, row_id=WorkItem.id)
    else:
        query = select_items(user, filters, today, walked_employer(dialect, order, user),
                             cases_first=order.name == "case")  # walked in the order of the cases' references
        walked = json_text.unindexed(query).add_columns(*(key.expression for key in order.keys))
        read = functools.partial(keyset.paged, walked, order, limit=limit)
    kept = _urgency_kept(filters.urgency)
    found: list[tuple[tuple, views.WorkItemView]] = []
    position = start
    while True:
        rows = session.execute(read(start=position)).all()
        items = queries.with_days_left(queries.work_item_views(session, (row[:5] for row in rows)), rules, today)
        found += [(tuple(row[5:]), item) for row, item in zip(rows, items, strict=True) if kept(item)]
        if len(found) > limit or len(rows) <= limit:
            break
        position = keyset.Cursor(order.name, tuple(rows[-1][5:]), start is not None and start.is_before)
    shown = keyset.window(found, start, limit)
    return InboxPage(tuple(item for _, item in shown.rows),
                     keyset.Cursor(order.name, shown.rows[0][0], True).token() if shown.has_before and shown.rows
                     else None,
                     keyset.Cursor(order.name, shown.rows[-1][0]).token() if shown.has_after and shown.rows else None,
                     limit)


def _urgency_kept(urgency: str | None) -> Callable[[views.WorkItemView], bool]:
    if urgency is None:
        return lambda item: True
    if urgency == "overdue":
        return lambda item: item.days_left is not None and item.days_left < 0
    return lambda item: item.days_left is not None and 0 <= item.days_left <= DUE_SOON_DAYS
