"""A join whose left side SQLite's planner keeps as the outer loop, reading the right side through a named index:
``CROSS JOIN right INDEXED BY index ON ...`` there, a plain inner join elsewhere.

SQLite chooses the order of inner joins, and their indexes, itself; without statistics (the embedded database
gathers none) it may sort every row of one side, or scan the other side's rows in the wanted order once per row of
the first, rather than walk an index in that order and look each row up. ``CROSS JOIN`` is the one order SQLite
never changes (https://sqlite.org/optoverview.html#manual_control_of_query_plans_using_cross_join), and
``INDEXED BY`` the one index it then uses (or refuses the statement).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, FromClause
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import Join
from sqlalchemy.sql.visitors import InternalTraversal


class OuterFirst(Join):
    """``left JOIN right ON onclause``; on SQLite ``left`` is the outer loop and ``right`` is read through ``index``."""

    inherit_cache = True
    _traverse_internals = [*Join._traverse_internals, ("index", InternalTraversal.dp_string)]

    def __init__(self, left: FromClause, right: FromClause, onclause: ColumnElement[bool], index: str) -> None:
        super().__init__(left, right, onclause)
        self.index = index


@compiles(OuterFirst, "sqlite")
def _cross_join(join: OuterFirst, compiler: SQLCompiler, **kw: Any) -> str:
    sides = {**kw, "asfrom": True}
    on = {key: value for key, value in kw.items() if key != "asfrom"}
    condition = compiler.process(join.onclause, **on) if join.onclause is not None else "1 = 1"
    return (f"{compiler.process(join.left, **sides)} CROSS JOIN {compiler.process(join.right, **sides)} "
            f"INDEXED BY {join.index} ON {condition}")
