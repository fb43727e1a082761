"""The unit of work over one database: SQLite (a file under the instance folder) by default, PostgreSQL by URL.

SQLite runs in WAL mode, so a reader never waits for a writer: a read-only unit of work (``is_read_only``) begins a
deferred transaction on a snapshot and takes no lock, while every other unit of work begins ``IMMEDIATE`` and so
waits its turn for the one write lock up front (a deferred writer could find its snapshot stale only at its first
write, and fail). A read-only unit of work runs with ``PRAGMA query_only`` (on PostgreSQL, ``READ ONLY``): a write
in it is an error, never a silent wait for the write lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.orm import Session, sessionmaker

from . import database_errors, prepared
from .write_turns import WriteTurns


class Database:
    """Connections to one database and the unit of work over them."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _create_engine(url, WriteTurns(patience=BUSY_TIMEOUT_SECONDS))
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        readers = {READ_ONLY: True} if url.startswith("sqlite") else {READ_ONLY: True, "postgresql_readonly": True}
        self._readers = sessionmaker(self.engine.execution_options(**readers), expire_on_commit=False)

    def upgrade_schema(self) -> None:
        """Create the schema or bring it to the newest migration; migrations never drop data."""
        config = migrations_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def unit_of_work(self, *, is_read_only: bool = False) -> Iterator[Session]:
        """Yield a session; leaving without ``commit()`` rolls back.

        ``is_read_only`` for a unit that only reads: on SQLite it neither takes nor waits for the write lock.

        Database failures become engine errors (``database_errors``): lost races ``ConcurrentUpdate``, an outage
        ``Unavailable``, a value the database refuses ``InvalidInput``.
        """
        session = (self._readers if is_read_only else self._sessions)()
        try:
            yield session
        except Exception as err:
            failure = database_errors.translate(err, self.engine.dialect.loaded_dbapi)
            if failure is None:
                raise
            raise failure from err
        finally:
            database_errors.close(session)

    def listen(self, listeners: dict[str, Callable[..., Any]]) -> None:
        """Attach session event listeners (``after_commit``, ...) to every unit of work of this database."""
        for name, listener in listeners.items():
            event.listen(self._sessions, name, listener)

    def dispose(self) -> None:
        self.engine.dispose()


def migrations_config() -> Config:
    """Alembic's configuration for the engine's migrations (``engine/migrations``)."""
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent.parent / "migrations"))
    return config


BUSY_TIMEOUT_SECONDS = 30
"""How long an SQLite writer waits for the write lock before the unit of work fails as ``Unavailable``."""
READ_ONLY = "reintegra_read_only"
"""The execution option that marks the connections of read-only units of work."""
_TURN = "reintegra_write_turn"
_QUERY_ONLY = "reintegra_query_only"


def _create_engine(url: str, turns: WriteTurns) -> SqlEngine:
    if not url.startswith("sqlite"):  # pre-ping: a restarted server is picked up; a dead one is an outage in seconds
        timeout = {} if "connect_timeout" in url else {"connect_timeout": 5}
        return create_engine(url, pool_pre_ping=True, connect_args=timeout)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", partial(_sqlite_begin, turns))
    event.listen(engine, "commit", partial(_end_turn, turns))
    event.listen(engine, "rollback", partial(_end_turn, turns))
    return engine


def _sqlite_begin(turns: WriteTurns, connection: Connection) -> None:
    """Readers begin deferred (a WAL snapshot, no lock) and may not write; writers take their turn, then the write
    lock up front."""
    if connection.get_execution_options().get(READ_ONLY):
        _query_only(connection, True)
        _control(connection, "BEGIN")
        return
    connection.info[_TURN] = turns.take()
    try:
        _query_only(connection, False)
        _control(connection, "BEGIN IMMEDIATE")
    except Exception:
        _end_turn(turns, connection)
        raise


def _query_only(connection: Connection, is_on: bool) -> None:
    """Set ``PRAGMA query_only`` when it changes: the setting lasts as long as the database connection."""
    if connection.info.get(_QUERY_ONLY) is not is_on:
        _control(connection, f"PRAGMA query_only={'ON' if is_on else 'OFF'}")
        connection.info[_QUERY_ONLY] = is_on


def _control(connection: Connection, sql: str) -> None:
    """Send a statement of transaction control on the driver's connection, as ``prepared`` sends the writes (through
    SQLAlchemy while someone watches the statements)."""
    if not prepared.is_quiet(connection):
        connection.exec_driver_sql(sql)
        return
    with prepared.as_sqlalchemy_errors(connection, sql):
        connection.connection.driver_connection.execute(sql).close()  # type: ignore[union-attr]


def _end_turn(turns: WriteTurns, connection: Connection) -> None:
    if connection.info.pop(_TURN, False):
        turns.give_back()


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Enforce foreign keys; write-ahead logging, so readers and the one writer never block each other."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def libpq_uri(url: str, *, with_password: bool = True) -> str:
    """A PostgreSQL URL as libpq (psycopg, ``pg_dump``) reads it. SQLAlchemy writes a space in a query value as
    ``+``, which libpq keeps: ``options=-csearch_path=app -cstatement_timeout=30s`` would reach the server as one
    search path. Here every value is percent-encoded."""
    parsed = make_url(url)
    base = URL.create("postgresql", username=parsed.username, password=parsed.password if with_password else None,
                      host=parsed.host, port=parsed.port, database=parsed.database)
    query = "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, values in parsed.query.items()
                     for value in ((values,) if isinstance(values, str) else values))
    return base.render_as_string(hide_password=False) + (f"?{query}" if query else "")
