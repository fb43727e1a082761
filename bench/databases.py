"""A throw-away database for one bench: a fresh SQLite file, or a fresh schema in REINTEGRA_BENCH_DATABASE_URL.

A bench that copies instances in SQL needs tables that hold nothing else; on PostgreSQL each call makes its own
schema (dropped by ``drop``), so the benches of one ``make bench`` run never see each other's rows.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa

import engine


def fresh_url() -> str:
    """A migrated, empty database of its own."""
    base = os.environ.get("REINTEGRA_BENCH_DATABASE_URL")
    if not base or not base.startswith("postgresql"):
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    else:
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(base)
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        admin.dispose()
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    migrated = engine.Engine(url)
    migrated.upgrade_schema()
    migrated.close()
    return url


def drop(url: str) -> None:
    """Drop what ``fresh_url`` made: the schema on PostgreSQL, the SQLite file's temporary folder (a million items
    fill 20 GB)."""
    if not url.startswith("postgresql"):
        shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)
        return
    schema = url.rsplit("search_path%3D", 1)[1]
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


def kind(url: str) -> str:
    return url.split(":")[0].split("+")[0]


def analyse(url: str) -> None:
    """Give the planner statistics of what a bench loaded, as autovacuum would: ``VACUUM ANALYZE`` of the tables in
    the bench's own schema on PostgreSQL (not the other benches' schemas), ``ANALYZE`` on SQLite."""
    db = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with db.connect() as conn:
        if kind(url) == "postgresql":
            tables = conn.exec_driver_sql("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            conn.exec_driver_sql(f"VACUUM ANALYZE {', '.join(tables.scalars())}")
        else:
            conn.exec_driver_sql("ANALYZE")
    db.dispose()
