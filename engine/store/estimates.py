"""Whether a query finds few rows, told cheaply: what a list needs to choose how to read itself.

A list that shows a user the rows of the cases they may see reads best in one of two ways: walking an index in the
list's order and keeping the visible rows until a page is full (quick when they are many), or reading the user's
cases first and ordering only their rows (quick when they are few). ``few`` tells which without reading the
rows: PostgreSQL's planner first (an estimate far above the bound settles it), then a read that stops one row past
the bound and serves as the few rows' list.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

FEW = 4000
"""Up to this many cases, a list is read from the user's cases rather than by walking an index."""
CLEARLY_MORE = 10
"""A planner estimate this many times the bound is trusted without counting."""


def few(session: Session, query: Select, bound: int = FEW) -> list[Any] | None:
    """The rows ``query`` finds when they are at most ``bound`` (it reads at most ``bound + 1``), else None."""
    if session.get_bind().dialect.name == "postgresql" and planned_rows(session, query) > CLEARLY_MORE * bound:
        return None
    rows = list(session.scalars(query.limit(bound + 1)))
    return rows if len(rows) <= bound else None


def planned_rows(session: Session, query: Select) -> float:
    """The number of rows PostgreSQL's planner expects ``query`` to find (its statistics, nothing read)."""
    connection = session.connection()
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled.string}", compiled.params).scalar_one()
    return float((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"])
