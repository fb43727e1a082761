"""Fixtures shared by every test: databases (SQLite and PostgreSQL), a settable clock and an engine."""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

import engine
from engine.store.models import Base

FIXTURES = Path(__file__).parent / "fixtures"
POSTGRES_URL = os.environ.get(
    "REINTEGRA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres"
)
BRUSSELS = ZoneInfo("Europe/Brussels")
STATEMENT_TIMEOUT = "120s"


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A fresh PostgreSQL schema for this test run, with our tables, dropped at the end."""
    with fresh_postgres_schema() as url:
        yield url


@contextmanager
def fresh_postgres_schema() -> Iterator[str]:
    """A new PostgreSQL schema with our tables, as a URL whose connections use it; dropped on leaving."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    # A statement running for minutes is a plan gone wrong: it fails its test instead of stalling the run.
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}%20-cstatement_timeout%3D{STATEMENT_TIMEOUT}"
    migrated = engine.Engine(url)
    migrated.upgrade_schema()
    migrated.close()
    yield url
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated once per run; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "reintegra.sqlite"
    migrated = engine.Engine(f"sqlite:///{path}")
    migrated.upgrade_schema()
    migrated.close()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each database test runs on a migrated SQLite file and on a migrated PostgreSQL schema (clean tables)."""
    if request.param == "sqlite":
        copy = tmp_path / "reintegra.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), copy)
        return f"sqlite:///{copy}"
    url = request.getfixturevalue("postgres_schema_url")
    cleaner = request.getfixturevalue("postgres_cleaner")
    with cleaner.begin() as conn:
        conn.exec_driver_sql(request.getfixturevalue("postgres_emptying"))
    return url


@pytest.fixture(scope="session")
def postgres_cleaner(postgres_schema_url: str) -> Iterator[sa.Engine]:
    """One connection pool for emptying the tables between tests."""
    cleaner = sa.create_engine(postgres_schema_url, poolclass=sa.pool.SingletonThreadPool)
    yield cleaner
    cleaner.dispose()


@pytest.fixture(scope="session")
def postgres_emptying(postgres_cleaner: sa.Engine) -> str:
    """The statements that empty every table, children first, and restart every sequence. DELETE rather than
    TRUNCATE: a TRUNCATE gives each table new files, which cost 0.8 s a test for tables that hold a few rows."""
    with postgres_cleaner.connect() as conn:
        sequences = conn.exec_driver_sql(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()").scalars().all()
    deletes = [f"DELETE FROM {table.name};" for table in reversed(Base.metadata.sorted_tables)]
    return " ".join(deletes + [f"SELECT setval('{name}', 1, false);" for name in sequences])


@pytest.fixture
def clock() -> engine.SettableClock:
    """Monday 21 December 2026, 09:00 in Brussels, standing still until a test moves it."""
    return engine.SettableClock(datetime(2026, 12, 21, 9, 0, tzinfo=BRUSSELS))


@pytest.fixture
def eng(database_url: str, clock: engine.SettableClock) -> Iterator[engine.Engine]:
    """A ready engine on a fresh database, reading forms from the test fixtures."""
    instance = engine.Engine(database_url, clock=clock, forms_dir=FIXTURES / "forms")
    yield instance
    pool = instance.database.engine.pool
    checked_out = pool.checkedout() if hasattr(pool, "checkedout") else 0
    instance.close()
    assert checked_out == 0, "a test left a database connection (and its transaction) open"


@pytest.fixture(autouse=True)
def no_scheduler_left_running() -> Iterator[None]:
    """Fail any test that leaves a scheduler thread running."""
    before = set(threading.enumerate())
    yield
    leftovers = [t.name for t in set(threading.enumerate()) - before if t.is_alive() and "APScheduler" in t.name]
    assert not leftovers, f"scheduler threads left running: {leftovers}"


def approve(eng: engine.Engine, draft_id: int, reviewer: str = "reviewer") -> engine.ApprovalView:
    """Have a second process owner (``reviewer``, created on first use) approve the draft as it is now saved: a
    deploy of a draft needs it (four eyes)."""
    password = "correct horse battery staple"
    user = eng.authenticate(reviewer, password) or eng.create_user(
        username=reviewer, password=password, display_name=reviewer, roles=["process_owner"], actor="test")
    return eng.reviews.approve(draft_id, revision=eng.draft(draft_id).revision, user_id=user.id)
