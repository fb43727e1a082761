"""A join whose left side SQLite's planner keeps as the outer loop: ``CROSS JOIN ... ON`` there, a plain inner join
elsewhere.

SQLite chooses the order of inner joins itself; without statistics (the embedded database gathers none) it may sort
every row of one side rather than walk the other in an index already in the wanted order. ``CROSS JOIN`` is the one
order SQLite never changes (https://sqlite.org/optoverview.html#manual_control_of_query_plans_using_cross_join).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import Join


class OuterFirst(Join):
    """``left JOIN right ON onclause``, with ``left`` the outer loop on SQLite."""

    inherit_cache = True


@compiles(OuterFirst, "sqlite")
def _cross_join(join: OuterFirst, compiler: SQLCompiler, **kw: Any) -> str:
    sides = {**kw, "asfrom": True}
    on = {key: value for key, value in kw.items() if key != "asfrom"}
    return (f"{compiler.process(join.left, **sides)} CROSS JOIN {compiler.process(join.right, **sides)} "
            f"ON {compiler.process(join.onclause, **on) if join.onclause is not None else '1 = 1'}")
