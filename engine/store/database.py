"""The unit of work over one database: SQLite (a file under the instance folder) by default, PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.orm import Session, sessionmaker

from . import database_errors


class Database:
    """Connections to one database and the unit of work over them."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _create_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def upgrade_schema(self) -> None:
        """Create the schema or bring it to the newest migration; migrations never drop data."""
        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent.parent / "migrations"))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """Yield a session; leaving without ``commit()`` rolls back.

        Database failures become engine errors (``database_errors``): lost races ``ConcurrentUpdate``, an outage
        ``Unavailable``, a value the database refuses ``InvalidInput``.
        """
        session = self._sessions()
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


def _create_engine(url: str) -> SqlEngine:
    if not url.startswith("sqlite"):  # pre-ping: a restarted server is picked up; a dead one is an outage in seconds
        timeout = {} if "connect_timeout" in url else {"connect_timeout": 5}
        return create_engine(url, pool_pre_ping=True, connect_args=timeout)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Serialize SQLite writers (BEGIN IMMEDIATE) and enforce foreign keys."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
