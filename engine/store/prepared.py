"""Statements compiled once and sent on the driver's own cursor: a step's queued writes (``write_batch``), and its
read of the deadlines it may touch (``deadline_rows``).

Around each statement SQLAlchemy spends some 25 µs of Python (its cache key, an execution context, a result): more
than SQLite takes to run a step's small writes. A statement sent here is compiled once for the connection's dialect
and the names of its parameters; its values are taken by name and converted by its types' own bind processors (as
SQLAlchemy would; a value the statement holds is converted once), and it goes to a cursor of the driver; the values
of the rows a read returns go through its columns' own result processors. What SQLAlchemy must work out at each
execution (a default computed in Python, an expanding ``IN`` list, rows returned) has no prepared form: such a
statement is sent through SQLAlchemy, as is every statement while a listener watches the cursor (the tests' statement
counts) or the engine echoes its SQL. SQLite's transaction control goes the same way (``database``).
A statement is prepared once per statement object: the callers build theirs once, at import (one built per call would
be compiled at each call).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement


@dataclass(frozen=True)
class _Prepared:
    """One statement as the driver takes it: its SQL, and how its parameters and the columns it reads are converted."""

    sql: str
    sources: tuple[tuple[str, str | None, Any, Callable[[Any], Any] | None], ...]
    """Each parameter of the statement (in the order of its placeholders, when the driver takes them by position):
    its name in the SQL, the key of the value given (None: a value the statement holds, then that value, converted
    once) and its type's bind processor."""
    positional: bool
    """Whether the driver takes the parameters by position (a list) rather than by name (a dict)."""
    columns: tuple[tuple[str, Any], ...] = ()
    """What a read selects: each column's key and type."""
    _readers: dict[tuple, tuple[tuple[str, Any], ...]] = field(default_factory=dict)

    def readers(self, dialect: Dialect, description: Sequence[Sequence[Any]]) -> tuple[tuple[str, Any], ...]:
        """Each column's key and result processor (or None), for the column types the driver described."""
        codes = tuple(column[1] for column in description)
        found = self._readers.get(codes)
        if found is None:
            found = self._readers[codes] = tuple(
                (key, type_.dialect_impl(dialect).result_processor(dialect, code))
                for (key, type_), code in zip(self.columns, codes, strict=True))
        return found

    def values(self, params: Mapping[str, Any]) -> Any:
        """The statement's parameters as the driver takes them: a list in the order of its placeholders, or a dict."""
        if self.positional:
            return [held if key is None else params[key] if process is None else process(params[key])
                    for _, key, held, process in self.sources]
        return {name: held if key is None else params[key] if process is None else process(params[key])
                for name, key, held, process in self.sources}


def execute(connection: Connection, statement: Executable, params: Any, *, quiet: bool | None = None) -> Any:
    """Send ``statement`` with ``params`` (one mapping, or a list for many rows) in the connection's transaction;
    the driver's cursor, whose ``rowcount`` tells how many rows it changed. ``quiet``: ``is_quiet(connection)``, when
    the caller sending several statements knows it."""
    many = isinstance(params, Sequence) and not isinstance(params, Mapping)
    keys = tuple(sorted(params[0] if many else params or {}))
    quiet = is_quiet(connection) if quiet is None else quiet
    found = _prepared(statement, connection.dialect, keys, many) if quiet else None
    if found is None:
        return connection.execute(statement, params).context.cursor
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with as_sqlalchemy_errors(connection, found.sql):
        if many:
            cursor.executemany(found.sql, [found.values(row) for row in params])
        else:
            cursor.execute(found.sql, found.values(params or {}))
    return cursor


def rows(connection: Connection, statement: Executable, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rows ``statement`` (a select) reads, each a dict by column key, valued as SQLAlchemy values them."""
    keys = tuple(sorted(params))
    found = _prepared(statement, connection.dialect, keys, False) if is_quiet(connection) else None
    if found is None or not found.columns:
        return [dict(row) for row in connection.execute(statement, params).mappings()]
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with as_sqlalchemy_errors(connection, found.sql):
            cursor.execute(found.sql, found.values(params))
        readers = found.readers(connection.dialect, cursor.description)
        return [{key: value if read is None else read(value) for (key, read), value in zip(readers, row, strict=True)}
                for row in cursor.fetchall()]
    finally:
        cursor.close()


@contextmanager
def as_sqlalchemy_errors(connection: Connection, sql: str) -> Iterator[None]:
    """The driver's errors as SQLAlchemy raises them (``database_errors`` translates those)."""
    dbapi_error = connection.dialect.loaded_dbapi.Error
    try:
        yield
    except dbapi_error as err:
        raise DBAPIError.instance(sql, None, err, dbapi_error) from err


def is_quiet(connection: Connection) -> bool:
    """No one listens to the cursor nor logs the statements (what SQLAlchemy's own path would serve)."""
    dispatch = connection.dispatch
    return not (dispatch.before_cursor_execute or dispatch.after_cursor_execute or connection.engine.echo)


@lru_cache(maxsize=256)
def _prepared(statement: Executable, dialect: Dialect, keys: tuple[str, ...], many: bool) -> _Prepared | None:
    if not isinstance(statement, ClauseElement):
        return None
    compiled = statement.compile(dialect=dialect, column_keys=list(keys), for_executemany=many)
    assert isinstance(compiled, SQLCompiler)
    if (compiled.insert_prefetch or compiled.update_prefetch or compiled.literal_execute_params
            or compiled.post_compile_params or compiled.effective_returning):
        return None
    sources = []
    for bind, name in compiled.bind_names.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        key = bind.key if bind.key in keys else name if name in keys else None
        if key is None and (bind.callable is not None or bind.required):
            return None  # a value worked out at each execution, or one missing: SQLAlchemy says what is wrong
        held = None
        if key is None:  # a value the statement holds (a literal), converted once
            held, process = bind.value if process is None else process(bind.value), None
        sources.append((compiled.escaped_bind_names.get(name, name), key, held, process))
    positional = compiled.positional and compiled.positiontup is not None
    if positional:  # one source per placeholder, in their order (a parameter may be used twice)
        by_name = {source[0]: source for source in sources}
        sources = [by_name[name] for name in compiled.positiontup or ()]
    selected = getattr(statement, "selected_columns", ())
    return _Prepared(compiled.string, tuple(sources), positional, tuple((c.key, c.type) for c in selected))
