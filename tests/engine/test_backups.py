"""Backups of the SQLite database taken while the engine runs, and restores that check the audit trail first."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

import engine
from engine.store.database import migrations_config
from engine.store.models import AuditEvent, Case
from engine.store.schema_state import head_revision
from tests.conftest import FIXTURES
from tests.engine.test_runtime import open_case
from tests.engine.test_timers import EXPIRES, requested

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

HEAD = head_revision()


def some_cases(eng: engine.Engine, clock: engine.SettableClock) -> list[int]:
    """Three instances: one escalated by its timer, one waiting for its visit, one just started."""
    _, escalated = requested(eng)
    waiting_case = open_case(eng, "C-2")
    waiting = eng.start(waiting_case.id, "visit_demo", {}, actor="e")
    eng.complete(eng.work_items(case_id=waiting_case.id)[0].id, {"request_received_on": "2027-01-20"}, actor="e")
    started = eng.start(open_case(eng, "C-3").id, "visit_demo", {}, actor="e")
    clock.set(EXPIRES + timedelta(seconds=1))
    assert eng.fire_due_timers().timers_fired == 1
    return [escalated.id, waiting.id, started.id]


def history(eng: engine.Engine, instance_ids: list[int]) -> list[tuple]:
    """What a reader sees of each instance: its case, state, audit actions, work items and timers."""
    traces = [eng.trace(i) for i in instance_ids]
    return [(eng.case(t.instance.case_id).reference, t.instance.state, [e.action for e in t.events],
             [w.task for w in t.work_items], [timer.due_at for timer in t.timers]) for t in traces]


@SQLITE_ONLY
def test_a_backup_taken_while_the_engine_writes_restores_every_case_with_an_intact_audit_trail(eng, clock,
                                                                                               database_url, tmp_path):
    instance_ids = some_cases(eng, clock)
    expected = history(eng, instance_ids)
    with eng.database.unit_of_work(is_read_only=True) as session:
        events = session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    backup = tmp_path / "backups" / "nightly.sqlite"
    with eng.database.unit_of_work() as session:  # a change in progress: the backup neither waits nor holds it
        session.execute(sa.update(Case).where(Case.reference == "C-1").values(reference="uncommitted"))
        made = engine.backup_database(database_url, backup)
        session.commit()
    assert made.path == backup and made.revision == HEAD and made.size_bytes == backup.stat().st_size
    assert not backup.with_name("nightly.sqlite-wal").exists()  # one self-contained file
    with closing(sqlite3.connect(backup)) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"

    target = tmp_path / "restored" / "reintegra.sqlite"
    restored = engine.restore_database(backup, f"sqlite:///{target}", actor="operator")
    assert (restored.path, restored.revision, restored.migrated_to) == (target, HEAD, None)
    assert restored.events_checked == events
    again = engine.Engine(f"sqlite:///{target}", clock=clock, forms_dir=FIXTURES / "forms")
    try:
        assert history(again, instance_ids) == expected
        verification = again.verify_audit()
        assert verification.is_intact and verification.events_checked == restored.events_checked + 1
        assert [(e.action, e.actor) for e in again.audit_trail("audit")][-2][0] == "database_restored"
    finally:
        again.close()
    assert sorted(p.name for p in target.parent.iterdir()) == ["reintegra.sqlite"]


def damaged(backup: Path, how: str) -> None:
    if how == "truncated":
        backup.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    elif how == "not a database":
        backup.write_text("SQLite format 3, honestly")
    else:  # an audit event edited after the fact, as someone covering their tracks would
        with closing(sqlite3.connect(backup)) as copy:
            copy.execute("UPDATE audit_event SET actor = 'someone else' WHERE action = 'task_completed'")
            copy.commit()


@SQLITE_ONLY
@pytest.mark.parametrize(("how", "said"), [("truncated", "no intact Reintegra database"),
                                           ("not a database", "no intact Reintegra database"),
                                           ("tampered", "the audit trail does not verify")])
def test_a_damaged_backup_is_refused_and_the_database_is_left_as_it_was(eng, clock, database_url, tmp_path, how,
                                                                        said):
    some_cases(eng, clock)
    backup = tmp_path / "backup.sqlite"
    engine.backup_database(database_url, backup)
    target = tmp_path / "live" / "reintegra.sqlite"
    engine.restore_database(backup, f"sqlite:///{target}")
    before = target.read_bytes()
    damaged(backup, how)
    with pytest.raises(engine.InvalidInput, match=said):
        engine.restore_database(backup, f"sqlite:///{target}", may_overwrite=True)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["reintegra.sqlite"]


@SQLITE_ONLY
def test_a_restore_refuses_a_database_in_use_and_replaces_an_existing_one_only_when_told(eng, database_url,
                                                                                         tmp_path):
    open_case(eng)
    backup = tmp_path / "backup.sqlite"
    engine.backup_database(database_url, backup)
    with pytest.raises(engine.Conflict, match="exists"):
        engine.backup_database(database_url, backup)
    with pytest.raises(engine.Conflict, match="in use"):
        engine.restore_database(backup, database_url, may_overwrite=True)  # the engine has it open
    eng.close()
    with pytest.raises(engine.Conflict, match="--force"):
        engine.restore_database(backup, database_url)
    assert engine.restore_database(backup, database_url, may_overwrite=True).events_checked > 0


@SQLITE_ONLY
def test_a_backup_from_an_older_version_is_migrated_before_it_is_checked_and_restored(eng, clock, database_url,
                                                                                      tmp_path):
    instance_ids = some_cases(eng, clock)
    expected = history(eng, instance_ids)
    backup = tmp_path / "old.sqlite"
    engine.backup_database(database_url, backup)
    old = sa.create_engine(f"sqlite:///{backup}")
    with old.begin() as connection:
        config = migrations_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0023")
    old.dispose()
    target = tmp_path / "restored.sqlite"
    restored = engine.restore_database(backup, f"sqlite:///{target}")
    assert (restored.revision, restored.migrated_to) == ("0023", HEAD)
    again = engine.Engine(f"sqlite:///{target}", clock=clock, forms_dir=FIXTURES / "forms")
    try:
        assert history(again, instance_ids) == expected
    finally:
        again.close()


def test_postgresql_is_backed_up_with_pg_dump_by_commands_that_carry_no_password():
    url = ("postgresql+psycopg://reintegra:s3cret@db.example:5432/reintegra"
           "?options=-csearch_path%3Dprod%20-cstatement_timeout%3D0")
    commands = engine.postgres_backup_commands(url, Path("/backups/reintegra nightly.dump"))
    assert commands is not None
    # the space between the two options stays a space for libpq (%20), not a "+" it would keep
    target = "'postgresql://reintegra@db.example:5432/reintegra?options=-csearch_path%3Dprod%20-cstatement_timeout%3D0'"
    assert commands.dump == f"pg_dump --format=custom --file='/backups/reintegra nightly.dump' {target}"
    assert commands.restore == ("pg_restore --clean --if-exists --single-transaction --exit-on-error "
                                f"--dbname={target} '/backups/reintegra nightly.dump'")
    assert commands.verify == "reintegra audit verify"
    assert "s3cret" not in commands.dump + commands.restore
    with pytest.raises(engine.NotAllowed, match="pg_dump"):
        engine.backup_database(url, Path("x.sqlite"))
    assert engine.postgres_backup_commands("sqlite:///x.sqlite", Path("x")) is None
