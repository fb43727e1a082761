"""Issue 19 on SQLite: a user who reaches a few cases through a party of the case (their own account, their
physician's, a service, a fund, an inspectorate) has their inbox and case list found through that party's index,
not by reading every case.

SQLite uses an index on an expression only for a query that spells the very same expression: with the party's key
bound (``JSON_EXTRACT(parties, ?)``) it scanned ``case_file`` whatever the index, which at a million cases took
seconds a page.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

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


def case_file_plans(eng, read) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """What SQLite plans for each statement over ``case_file`` that ``read`` runs."""
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
        return [[row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
                for statement, parameters in statements]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("role", "key"), REACHED_BY.items())
def test_a_user_who_reaches_few_cases_through_a_party_is_served_by_its_index(eng, role, key):
    open_cases(eng, key)
    reader = user(eng, "few", [role], ["few"])
    for read in (lambda: eng.inbox_page(reader), lambda: eng.inbox_page(reader, sort="case"),
                 lambda: eng.find_cases(reader)):
        steps = [step for plan in case_file_plans(eng, read) for step in plan]
        assert [step for step in steps if step.startswith("SCAN case_file")] == []
        assert any(f"ix_case_file_party_{key}" in step for step in steps), steps
