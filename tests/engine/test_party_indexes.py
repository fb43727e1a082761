"""Issue 19 on SQLite: a user who reaches a few cases through a party of the case (their own account, their
physician's, a service, a fund, an inspectorate) has their inbox and case list found through that party's index,
not by reading every case.

SQLite uses an index on an expression only for a query that spells the very same expression: with the party's key
bound (``JSON_EXTRACT(parties, ?)``) it read every case whatever the index, for a party naming 20 cases as for one
naming 50,000. A user who reaches many cases keeps having their pages walked in the list's order.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from engine.casework import case_list, inbox
from engine.casework.visibility import ORGANISATION_PARTIES, PERSON_PARTIES
from engine.store.models import Case
from tests.engine.test_case_search import user

CASES = 400
AT = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
REACHED_BY = {**PERSON_PARTIES, **{role: keys[0] for role, keys in ORGANISATION_PARTIES.items()
                                   if role != "rtw_coordinator"}}
"""A role for each party key, and the key it reaches a case by."""


def open_cases(eng, key: str) -> None:  # type: ignore[no-untyped-def]
    """``CASES`` cases of 40 employers that name a party of 40 under every key; the last one names "few" under
    ``key``. Then the planner's statistics, as ``ANALYZE`` gives them after a load."""
    rows = [{"reference": f"C-{n}", "employee": "W", "employer": f"Emp-{n % 40}", "first_day_of_incapacity":
             date(2026, 9, 1), "opened_at": AT, "opened_by": "test", "search_text": f"c-{n}",
             "parties": {k: "few" if (k, n) == (key, CASES - 1) else f"{k}-{n % 40}" for k in REACHED_BY.values()}}
            for n in range(CASES)]
    with eng.database.engine.begin() as connection:
        connection.execute(sa.insert(Case), rows)
        connection.exec_driver_sql("ANALYZE")


def case_file_plans(eng, read) -> list[tuple[str, list[str]]]:  # type: ignore[no-untyped-def]
    """Each statement over ``case_file`` that ``read`` runs, with what SQLite plans for it."""
    statements: list[tuple[str, tuple]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "case_file" in statement and statement.lstrip().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    sa.event.listen(eng.database.engine, "before_cursor_execute", keep)
    try:
        read()
    finally:
        sa.event.remove(eng.database.engine, "before_cursor_execute", keep)
    with eng.database.engine.connect() as connection:
        return [(statement, [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                                                          parameters)])
                for statement, parameters in statements]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("role", "key"), REACHED_BY.items())
def test_a_user_who_reaches_few_cases_through_a_party_is_served_by_its_index(eng, role, key):
    open_cases(eng, key)
    reader = user(eng, "few", [role], ["few"])
    for read in (lambda: eng.inbox_page(reader), lambda: eng.inbox_page(reader, sort="case"),
                 lambda: eng.find_cases(reader)):
        steps = [step for _, plan in case_file_plans(eng, read) for step in plan]
        assert [step for step in steps if step.startswith("SCAN case_file")] == []
        assert any(f"ix_case_file_party_{key}" in step for step in steps), steps


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("role", "key"), REACHED_BY.items())
def test_a_page_walked_in_its_order_leaves_the_party_indexes_aside(eng, role, key):
    """A user of many cases has a page walked in its order: SQLite, which knows only how many cases a party names on
    average, would rather read every case of the party through its index and sort them."""
    open_cases(eng, key)
    reader = SimpleNamespace(roles=[role], organisations=[f"{key}-1"], username=f"{key}-1")
    with eng.database.unit_of_work(is_read_only=True) as session:
        for read in (lambda: inbox.page(session, reader, inbox.Filters(), today=AT.date(), rules=eng.rules,
                                        cursor=None, limit=50, few_cases=0),
                     lambda: case_list.visible_cases(session, reader, None, None, 50, few_cases=0)):
            walks = [plan for statement, plan in case_file_plans(eng, read) if "count(*)" not in statement]
            assert walks and not [step for plan in walks for step in plan if "ix_case_file_party_" in step]
