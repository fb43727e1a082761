"""A key of a JSON column read as text, spelled so that an index on it serves the queries that filter on it.

SQLAlchemy binds the key of ``column[key].as_string()``: SQLite reads ``JSON_EXTRACT(parties, ?)``, and it uses an
index on an expression only for a query that spells the very same expression, which a bound key never does. On
SQLite ``JsonText`` writes the key into the statement, as the index's own definition does; on PostgreSQL it is the
plain expression, whose indexes the planner already matches on the bound key.

SQLite's statistics say only how many rows a key's value names on average, so it reads through such an index even
for a value that names half the table; ``unindexed`` spells a statement's keys bound again for a read that should
walk another index instead.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import ColumnElement, Select, SQLColumnExpression
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal, replacement_traverse


class JsonText(ColumnElement[str]):
    """``column[key].as_string()``, with ``key`` written into the SQL on SQLite (never bound there)."""

    inherit_cache = True
    _traverse_internals = [("value", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: SQLColumnExpression[Any], key: str) -> None:
        self.value = column[key].as_string()
        self.type = self.value.type


@compiles(JsonText)
def _bound(element: JsonText, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.value, **kw)


@compiles(JsonText, "sqlite")
def _written(element: JsonText, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.value, **{**kw, "literal_execute": True})


def unindexed(statement: Select) -> Select:
    """``statement`` with the key of each ``JsonText`` bound, so that no index on one serves it on SQLite."""
    return cast(Select, replacement_traverse(statement, {}, _bound_key))


def _bound_key(element: Any, **kw: Any) -> Any:
    return element.value if isinstance(element, JsonText) else None
