"""Backups of the SQLite database, taken while the application runs, and restores that check what they bring back.

A backup copies the database with SQLite's online backup API in one step: one consistent snapshot, read while the
web pages and the scheduler go on writing (WAL). The copy is made in a temporary file beside the target, turned into
one self-contained file (rollback journal, no ``-wal`` beside it), checked (``PRAGMA integrity_check``, a migration
revision) and only then renamed into place.

A restore checks a backup on a copy beside the target: an intact SQLite database, with a migration revision this
Reintegra knows (an older one is migrated on the copy, as ``reintegra init`` would), whose audit chains, heads and
saved rows verify. Only then does the copy replace the database (``os.replace``, atomic), with a
``database_restored`` audit event; a refused or interrupted restore leaves the database as it was. It refuses a
database in use (its ``-wal`` or ``-shm`` file exists) and an existing one unless ``may_overwrite``.

PostgreSQL is backed up with ``pg_dump`` and restored with ``pg_restore`` (``postgres_commands`` spells them out).
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from ..clock import Clock, SystemClock
from ..errors import Conflict, InvalidInput, NotAllowed, NotFound
from . import audit
from .database import Database, libpq_uri, migrations_config


@dataclass(frozen=True)
class BackupFile:
    """A backup written: where, how big, and the migration revision of the database it holds."""

    path: Path
    size_bytes: int
    revision: str


@dataclass(frozen=True)
class Restored:
    """A restore done: the database replaced, the backup's revision (and the one it was migrated to), and how many
    audit events were verified before the database was replaced."""

    path: Path
    revision: str
    migrated_to: str | None
    events_checked: int


@dataclass(frozen=True)
class PostgresCommands:
    """The shell commands that back up and restore a PostgreSQL database, then verify its audit trail.

    The URL carries no password: ``pg_dump`` and ``pg_restore`` take it from ``PGPASSWORD`` or ``~/.pgpass``.
    """

    dump: str
    restore: str
    verify: str = "reintegra audit verify"


def postgres_commands(url: str, file: Path) -> PostgresCommands | None:
    """The ``pg_dump`` and ``pg_restore`` commands for a PostgreSQL URL and a backup ``file``; None for SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return None
    target = shlex.quote(libpq_uri(url, with_password=False))
    name = shlex.quote(str(file))
    return PostgresCommands(
        dump=f"pg_dump --format=custom --file={name} {target}",
        restore=f"pg_restore --clean --if-exists --single-transaction --exit-on-error --dbname={target} {name}")


def backup(url: str, target: Path, *, may_overwrite: bool = False) -> BackupFile:
    """Copy the SQLite database at ``url`` to ``target`` while it is in use; the target appears whole or not at all.

    ``NotAllowed`` for PostgreSQL (use ``pg_dump``), ``NotFound`` when the database file does not exist,
    ``Conflict`` when ``target`` exists and not ``may_overwrite``.
    """
    source = _sqlite_file(url)
    if not source.is_file():
        raise NotFound(f"there is no database at {source}")
    if target.exists() and not may_overwrite:
        raise Conflict(f"{target} exists; choose another name or replace it (--force)")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = _beside(target)
    try:
        with closing(sqlite3.connect(source, timeout=30)) as database, closing(sqlite3.connect(temporary)) as copy:
            database.backup(copy)  # all pages in one step: one snapshot, writers go on meanwhile
        _self_contained(temporary)
        revision = _checked_revision(temporary, "the copy just made")
        os.replace(temporary, target)
    finally:
        _remove(temporary)
    return BackupFile(target, target.stat().st_size, revision)


def restore(source: Path, url: str, *, may_overwrite: bool = False, actor: str = "system",
            clock: Clock | None = None) -> Restored:
    """Make the backup ``source`` the SQLite database at ``url``, once it is checked; otherwise change nothing.

    ``NotFound`` when ``source`` does not exist; ``InvalidInput`` when it is no intact SQLite database, its revision
    is unknown here (a newer Reintegra made it) or its audit trail does not verify; ``Conflict`` when the database
    is in use or exists and not ``may_overwrite``; ``NotAllowed`` for PostgreSQL (use ``pg_restore``).
    """
    target = _sqlite_file(url)
    if not source.is_file():
        raise NotFound(f"there is no backup at {source}")
    in_use = [p.name for p in (_sidecar(target, "-wal"), _sidecar(target, "-shm")) if p.exists()]
    if in_use:
        raise Conflict(f"{target} is in use ({', '.join(in_use)} beside it): stop the application and its workers "
                       "first (a database left so by a crash is closed cleanly by opening it once, e.g. "
                       "reintegra audit verify)")
    if target.exists() and not may_overwrite:
        raise Conflict(f"{target} exists; replace it with --force")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = _beside(target)
    try:
        shutil.copyfile(source, temporary)
        restored = _verified(temporary, source, actor, clock or SystemClock())
        _self_contained(temporary)
        os.replace(temporary, target)
    finally:
        _remove(temporary)
    return Restored(target, restored.revision, restored.migrated_to, restored.events_checked)


def _verified(path: Path, source: Path, actor: str, clock: Clock) -> Restored:
    """Check the copy at ``path`` (migrating it when older), and record the restore in its audit trail."""
    revision = _checked_revision(path, str(source))
    scripts = ScriptDirectory.from_config(migrations_config())
    if revision not in {script.revision for script in scripts.walk_revisions()}:
        raise InvalidInput(f"{source} is at migration {revision}, which this Reintegra does not know (a newer "
                           "version made it)", {"backup": ["unknown migration revision"]})
    head = scripts.get_current_head()
    database = Database(f"sqlite:///{path}")
    try:
        if revision != head:
            database.upgrade_schema()
        with database.unit_of_work() as session:
            result = audit.verify(session)
            if not result.is_intact:
                raise InvalidInput(f"{source}: the audit trail does not verify: {result.broken}",
                                   {"backup": ["audit trail broken"]})
            audit.append(session, "audit", at=clock.now(), actor=actor, action="database_restored",
                         after={"backup": source.name, "revision": revision, "events_checked": result.events_checked})
            session.commit()
    finally:
        database.dispose()
    return Restored(path, revision, head if revision != head else None, result.events_checked)


def _checked_revision(path: Path, name: str) -> str:
    """The migration revision of an intact SQLite database; ``InvalidInput`` for anything else."""
    try:
        with closing(sqlite3.connect(path)) as database:
            problems = [row[0] for row in database.execute("PRAGMA integrity_check")]
            row = database.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as err:
        raise InvalidInput(f"{name} is no intact Reintegra database: {err}", {"backup": [str(err)]}) from err
    if problems != ["ok"] or row is None:
        found = "; ".join(problems[:3]) if problems != ["ok"] else "no migration revision"
        raise InvalidInput(f"{name} is no intact Reintegra database: {found}", {"backup": [found]})
    return str(row[0])


def _self_contained(path: Path) -> None:
    """Fold the write-ahead log into the file and switch to a rollback journal: one file holds everything."""
    with closing(sqlite3.connect(path)) as database:
        database.execute("PRAGMA journal_mode=DELETE")


def _sqlite_file(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise NotAllowed("backups of PostgreSQL are made with pg_dump and restored with pg_restore")
    if not parsed.database or parsed.database == ":memory:":
        raise NotAllowed("an in-memory database has nothing to back up")
    return Path(parsed.database)


def _beside(target: Path) -> Path:
    """A temporary name in the target's folder, so that the final rename stays on one file system (atomic)."""
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _remove(path: Path) -> None:
    for leftover in (path, _sidecar(path, "-wal"), _sidecar(path, "-shm"), _sidecar(path, "-journal")):
        leftover.unlink(missing_ok=True)
