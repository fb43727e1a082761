"""Whether a query finds few rows, told cheaply: what a list needs to choose how to read itself.

A list that shows a user the rows of the cases they may see reads best in one of two ways: walking an index in the
list's order and keeping the visible rows until a page is full (quick when they are many), or reading the user's
cases first and ordering only their rows (quick when they are few). ``at_most`` tells which without reading the
rows: PostgreSQL's planner first (an estimate far above the bound settles it), then a count that stops one row past
the bound.
"""

from __future__ import annotations

import json

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

FEW = 10_000
"""Up to this many cases, a list is read from the user's cases rather than by walking an index."""
FEW_THROUGH_PARTIES_ON_SQLITE = 1_000
"""The bound on SQLite for a user who reaches cases through the case's parties: SQLite finds those cases through an
expression index on a JSON key and sorts their rows in a temporary B-tree, several times what a column costs. At
100,000 items a physician who sees 5,000 cases read an inbox page in 56–70 ms from their cases and in 13–17 ms by
walking; an HR user of 2,700 cases, reached by the employer column, in 14 ms from their cases (issue 19)."""
CLEARLY_MORE = 3
"""A planner estimate this many times the bound is trusted without counting: counting the 10,001 cases of a
physician whose service has 50,000 took 13 ms at a million items, a third of their inbox page (issue 19)."""


def at_most(session: Session, query: Select, bound: int | None = None, *, through_parties: bool = False) -> bool:
    """Whether ``query`` finds at most ``bound`` rows: by default, at most few for a list of cases reached by their
    columns, or ``through_parties``. It counts no further than ``bound + 1``, and not at all when PostgreSQL's
    planner expects far more."""
    dialect = session.get_bind().dialect.name
    if bound is None:
        bound = FEW_THROUGH_PARTIES_ON_SQLITE if through_parties and dialect == "sqlite" else FEW
    if dialect == "postgresql":
        if planned_rows(session, query) > CLEARLY_MORE * bound:
            return False
        found = query.cte("found").prefix_with("MATERIALIZED")  # planned as a whole: a limit would make the
        query = select(*found.c)  # planner scan the table hoping to meet the first rows early
    counted = select(func.count()).select_from(query.limit(bound + 1).subquery())
    return (session.scalar(counted) or 0) <= bound


def planned_rows(session: Session, query: Select) -> float:
    """The number of rows PostgreSQL's planner expects ``query`` to find (its statistics, nothing read)."""
    connection = session.connection()
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled.string}", compiled.params).scalar_one()
    return float((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"])
