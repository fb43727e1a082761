"""``reintegra backup`` and ``reintegra restore``: the SQLite database copied while it runs, and brought back only once
checked (``engine.backup_database``, ``engine.restore_database``); on PostgreSQL they print the pg_dump and pg_restore
commands instead."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

import engine


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE when it exists.")
def backup(file: Path, force: bool) -> None:
    """Copy the SQLite database to FILE while the application and its workers run (PostgreSQL: pg_dump)."""
    from .cli import database_url, exit_with

    url = database_url()
    commands = engine.postgres_backup_commands(url, file)
    if commands is not None:
        click.echo("error: a PostgreSQL database is backed up with pg_dump, for example:", err=True)
        click.echo(commands.dump)
        sys.exit(2)
    try:
        made = engine.backup_database(url, file, may_overwrite=force)
    except engine.EngineError as err:
        exit_with(err.message)
    click.echo(f"backup written to {made.path} ({made.size_bytes} bytes, migration {made.revision})")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the existing database (stop the application and workers first).")
def restore(file: Path, force: bool) -> None:
    """Check the backup FILE (intact, a known migration, its audit trail) and only then make it the SQLite database;
    a refused restore changes nothing (PostgreSQL: pg_restore)."""
    from .cli import database_url, exit_with

    url = database_url()
    commands = engine.postgres_backup_commands(url, file)
    if commands is not None:
        click.echo("error: a PostgreSQL database is restored with pg_restore, then its audit trail verified:", err=True)
        click.echo(commands.restore)
        click.echo(commands.verify)
        sys.exit(2)
    try:
        restored = engine.restore_database(file, url, may_overwrite=force, actor=os.environ.get("USER", "cli"))
    except engine.EngineError as err:
        exit_with(f"{err.message}; the database was not changed")
    migrated = f", migrated to {restored.migrated_to}" if restored.migrated_to else ""
    click.echo(f"restored {restored.path} from {file} (migration {restored.revision}{migrated}); "
               f"{restored.events_checked} audit event(s) verified: intact")
