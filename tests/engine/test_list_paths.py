"""Issue 19: the inbox reads a page either from the few cases a user acts on or by walking the order's index, and
both ways find the same pages with the same cursors.

The cases of ``test_case_scope`` (every shape of parties, withheld instances, an item of every lane role) get
spread due dates and creation times, so each order has ties to break; Hypothesis draws users and each order is
paged forwards to its end and back again, once forced down each path.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engine.casework import case_list, inbox
from engine.store import estimates
from engine.store.models import Case, WorkItem
from tests.engine.test_case_scope import AT, EDGES, users
from tests.engine.test_case_scope import world as world  # noqa: F401  (the fixture)

FEW, WALK = 10**6, 0
"""``few_cases`` bounds that force each path: every user acts on fewer cases than a million, and on more than 0."""
TODAY = date(2026, 12, 1)
LIMIT = 7


@pytest.fixture
def spread(world):  # noqa: F811
    """The world's items with due dates (some without a term) and creation times that repeat, a
    third claimed; its cases found by reference, opened at times that repeat."""
    with world.database.unit_of_work() as session:
        for item in session.scalars(select(WorkItem)):
            item.risk_due_on = date.max if item.id % 4 == 0 else TODAY + timedelta(days=item.id * 5 % 11 - 5)
            item.created_at = AT + timedelta(hours=item.id * 7 % 13)
            item.assignee = "ann" if item.id % 3 == 0 else None
        for case in session.scalars(select(Case)):
            case.search_text = case.reference.lower()
            case.opened_at = AT + timedelta(hours=case.id * 5 % 7)
        session.commit()
    return world


def pages(eng, user, filters: inbox.Filters, few_cases: int) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Every page from the first to the last and back to the first: ids and cursors. Cursors that go round in
    circles fail the test rather than hang it."""
    seen, cursor, backwards = [], None, False
    with eng.database.unit_of_work() as session:
        most = 2 * (session.scalar(select(func.count(WorkItem.id))) // LIMIT + 2)
        while len(seen) <= most:
            page = inbox.page(session, user, filters, today=TODAY, rules=eng.rules, cursor=cursor, limit=LIMIT,
                              few_cases=few_cases)
            seen.append((tuple(item.id for item in page.rows), page.previous_cursor, page.next_cursor))
            cursor = page.previous_cursor if backwards else page.next_cursor
            if cursor is None and backwards:
                return seen
            if cursor is None:
                backwards, cursor = True, page.previous_cursor
                if cursor is None:
                    return seen
    pytest.fail(f"paging {filters} read more than {most} pages without coming back to the first")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(user=users, sort=st.sampled_from(sorted(inbox.orders("sqlite"))))
@example(EDGES[1], "case")
@example(EDGES[3], "newest")
@example(EDGES[4], "risk")
@example(EDGES[5], "risk")
@example(EDGES[5], "newest")
@example(EDGES[5], "case")
def test_the_inbox_read_from_the_users_cases_pages_as_the_index_walk_does(spread, user, sort):
    filters = inbox.Filters(sort=sort)
    assert pages(spread, user, filters, FEW) == pages(spread, user, filters, WALK)


@pytest.mark.parametrize("filters", [inbox.Filters(sort="case", query="c-1"), inbox.Filters(role="employer"),
                                     inbox.Filters(sort="newest", claimed="unclaimed")])
@pytest.mark.parametrize("user", [EDGES[1], EDGES[5]], ids=["employers-officer", "hr-of-several-employers"])
def test_both_paths_keep_to_the_filters(spread, filters, user):
    """Withheld instances stay out for both users: an employer's own officer, and HR (whose few cases are read one
    employer at a time)."""
    few = pages(spread, user, filters, FEW)
    assert few == pages(spread, user, filters, WALK)
    assert sum(len(ids) for ids, _, _ in few) > 0


def case_pages(eng, user, few_cases: int) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Every page of the case list from the first to the last and back to the first: ids and cursors."""
    seen, cursor, backwards = [], None, False
    with eng.database.unit_of_work() as session:
        while len(seen) <= 2 * (session.scalar(select(func.count(Case.id))) // LIMIT + 2):
            shown = case_list.visible_cases(session, user, None, cursor, LIMIT, few_cases=few_cases)
            before, after = case_list.cursors(shown)
            seen.append((tuple(case.id for case in shown.rows), before, after))
            cursor = before if backwards else after
            if cursor is None and (backwards or before is None):
                return seen
            if cursor is None:
                backwards, cursor = True, before
    pytest.fail("paging the case list read more pages than it has without coming back to the first")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(user=users)
@example(EDGES[0])
@example(EDGES[3])
@example(EDGES[4])
def test_the_case_list_read_from_the_users_cases_pages_as_the_walk_does_on_sqlite(spread, user):
    """PostgreSQL's planner chooses between the two itself."""
    assert case_pages(spread, user, FEW) == case_pages(spread, user, WALK)


def test_a_count_of_few_rows_stops_one_past_the_bound(spread):
    with spread.database.unit_of_work() as session:
        cases = select(Case.id).where(Case.employer == "Acme")
        acme = len(list(session.scalars(cases)))
        assert estimates.at_most(session, cases, acme) and not estimates.at_most(session, cases, acme - 1)
        assert estimates.planned_rows(session, cases) > 0 if session.get_bind().dialect.name == "postgresql" else True



def gathering_plans(eng, user) -> list:  # type: ignore[no-untyped-def]
    """What the database plans for each statement that gathers the items of the user's cases (the few cases path):
    SQLite's steps as text, PostgreSQL's plan as JSON."""
    gathers: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().startswith("WITH found") and "work_item" in statement:
            gathers.append((statement, parameters))

    sa.event.listen(eng.database.engine, "before_cursor_execute", keep)
    try:
        pages(eng, user, inbox.Filters(), FEW)
    finally:
        sa.event.remove(eng.database.engine, "before_cursor_execute", keep)
    on_sqlite = eng.database.url.startswith("sqlite")
    with eng.database.engine.connect() as connection:
        if on_sqlite:
            return [[row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
                    for statement, parameters in gathers]
        return [connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar_one()[0]["Plan"]
                for statement, parameters in gathers]


def instance_reads(node: dict, in_subplan: bool = False) -> list[bool]:
    """For each read of ``process_instance`` below a PostgreSQL plan node: whether it is a subplan's (run once)."""
    in_subplan = in_subplan or node.get("Parent Relationship") == "SubPlan"
    own = [in_subplan] if node.get("Relation Name") == "process_instance" else []
    return own + [read for child in node.get("Plans", ()) for read in instance_reads(child, in_subplan)]


def gathered(plan: dict) -> dict:
    """The plan of the CTE that gathers the items."""
    return next(node for node in plan["Plans"] if node.get("Subplan Name") == "CTE found")


@pytest.mark.parametrize("user", [EDGES[1], EDGES[3]], ids=["employers-officer", "employer"])
def test_an_employers_inbox_gathers_the_withheld_instances_once_rather_than_reading_the_instance_of_every_item(
        spread, user):
    """Reading each item's instance to know whether it is withheld made a mid-sized employer's first page twice as
    slow at a million items on PostgreSQL (issue 19)."""
    plans = gathering_plans(spread, user)
    assert plans
    for plan in plans:
        if isinstance(plan, list):
            assert any("ix_process_instance_withheld_from_employer" in step for step in plan), plan
        else:
            reads = instance_reads(gathered(plan))
            assert reads and all(reads), plan



def walk_plans(eng, user, sort: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """SQLite's plan (its steps) of each walk that pages ``user``'s inbox in ``sort`` order."""
    walks: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().startswith("SELECT work_item.id") and "LIMIT" in statement:
            walks.append((statement, parameters))

    sa.event.listen(eng.database.engine, "before_cursor_execute", keep)
    try:
        assert sum(len(ids) for ids, _, _ in pages(eng, user, inbox.Filters(sort=sort), WALK)) > 0
    finally:
        sa.event.remove(eng.database.engine, "before_cursor_execute", keep)
    assert walks
    with eng.database.engine.connect() as connection:
        return [[row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
                for statement, parameters in walks]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_hr_of_one_employer_walks_that_employers_ready_items_in_the_order_of_legal_risk(spread):
    """The walk of a user of many cases (issue 19): HR of one big employer read the ready items of every employer in
    the order of legal risk, keeping their employer's. The items carry their case's employer (revision 0030), so the
    walk reads only theirs, in an index already in that order. On SQLite, whose plan does not depend on the
    tables' size; PostgreSQL walks the same index at a million items (``bench/inbox.py``)."""
    hr = SimpleNamespace(roles=["employer"], organisations=["Acme"], username="x")
    for steps in walk_plans(spread, hr, "risk"):
        assert any("USING INDEX ix_work_item_role_employer_risk_due_on_id" in step for step in steps), steps
        assert not any("TEMP B-TREE" in step for step in steps), steps


A_MILLION_ITEMS = [  # SQLite's statistics of the database of bench/inbox.py at a million items, after ANALYZE
    ("case_file", "ix_case_file_employer_opened_at_id", "1000000 1108 1 1"),
    ("case_file", "ix_case_file_opened_at_id", "1000000 1 1"),
    ("case_file", "ix_case_file_party_prevention_service", "1000000 47620"),
    ("case_file", "ix_case_file_reference_c", "1000000 1"),
    ("case_file", "sqlite_autoindex_case_file_1", "1000000 1"),
    ("process_instance", "ix_process_instance_withheld_from_employer", "1000000 1000000"),
    ("work_item", "ix_work_item_case_id_state_role", "1000001 1 1 1"),
    ("work_item", "ix_work_item_role_employer_risk_due_on_id", "1000000 500000 555 10 1"),
    ("work_item", "ix_work_item_state_role_created_at_id", "1000001 500001 333334 1 1"),
    ("work_item", "ix_work_item_state_role_risk_due_on_id", "1000001 500001 333334 8131 1"),
    ("work_item", "sqlite_autoindex_work_item_1", "1000001 1 1")]


def planned_as_at_a_million(eng, statistics: bool) -> None:  # type: ignore[no-untyped-def]
    """Have SQLite plan as at a million items: with the statistics ANALYZE gathered there, or with none (the
    embedded database never analyses). SQLite's plans depend on its statistics, not on the tables' size."""
    with eng.database.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.exec_driver_sql("DELETE FROM sqlite_stat1")
        if statistics:
            connection.exec_driver_sql("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", A_MILLION_ITEMS)
        connection.exec_driver_sql("ANALYZE sqlite_schema")
    eng.database.engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("statistics", [True, False], ids=["analysed", "unanalysed"])
@pytest.mark.parametrize(("user", "sort", "walked"), [
    (SimpleNamespace(roles=["employer"], organisations=["Acme"], username="x"), "newest",
     "ix_work_item_state_role_created_at_id"),
    (SimpleNamespace(roles=["employer"], organisations=["Acme", "Beta"], username="x"), "risk",
     "ix_work_item_state_role_risk_due_on_id"),
    (SimpleNamespace(roles=["occupational_physician"], organisations=["Acme", "Mensura"], username="x"), "case",
     "SEARCH case_file USING INDEX"),
], ids=["hr-newest", "hr-of-two-risk", "physician-case"])
def test_on_sqlite_a_walk_follows_the_index_of_its_order_rather_than_sorting_what_another_index_gathers(
        spread, user, sort, walked, statistics):
    """At a million items on SQLite, gathering the items of a big employer through the employer's index and sorting
    them took 480 ms a page; sorting every item of the physician's role for the order of cases took 12 s, where
    walking the cases by reference takes a few ms (issue 19)."""
    planned_as_at_a_million(spread, statistics)
    for steps in walk_plans(spread, user, sort):
        assert walked in steps[0], steps
        assert not any(step.endswith("TEMP B-TREE FOR ORDER BY") for step in steps), steps
        if sort == "case":  # each case's items looked up, not the role's items scanned once per case
            assert "work_item USING INDEX ix_work_item_case_id_state_role (case_id=?" in steps[1], steps
