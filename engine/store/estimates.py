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
CLEARLY_MORE = 3
"""A planner estimate this many times the bound is trusted without counting: counting the 10,001 cases of a
physician whose service has 50,000 took 13 ms at a million items, a third of their inbox page (issue 19)."""


def at_most(session: Session, query: Select, bound: int = FEW) -> bool:
    """Whether ``query`` finds at most ``bound`` rows. It counts no further than ``bound + 1``, and not at all when
    PostgreSQL's planner expects far more."""
    if session.get_bind().dialect.name == "postgresql":
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
