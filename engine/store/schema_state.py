"""Which migration the database is at, and which one the code expects (for ``/readyz``)."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).parent.parent / "migrations"


def head_revision() -> str | None:
    """The newest migration this code ships."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The migration the database was last brought to (None: never migrated); read quietly, without alembic's
    log lines, since ``/readyz`` asks often."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
