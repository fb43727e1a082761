"""``reintegra backup`` and ``reintegra restore`` as an operator runs them."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine.store.schema_state import head_revision
from webui.cli import PROCESSES_BPMN, main


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An installation on SQLite with the shipped diagrams deployed (audited), and no process using it."""
    path = tmp_path / "live" / "reintegra.sqlite"
    path.parent.mkdir()
    monkeypatch.setenv("REINTEGRA_DATABASE_URL", f"sqlite:///{path}")
    eng = engine.Engine(f"sqlite:///{path}")
    eng.upgrade_schema()
    eng.deploy(sorted(PROCESSES_BPMN.glob("*.bpmn")), actor="installer")
    eng.close()
    return path


def test_a_backup_restored_elsewhere_verifies(installed, tmp_path, monkeypatch):
    backup = tmp_path / "nightly.sqlite"
    made = CliRunner().invoke(main, ["backup", str(backup)])
    assert made.exit_code == 0, made.output
    assert f"backup written to {backup}" in made.output and f"migration {head_revision()}" in made.output
    again = CliRunner().invoke(main, ["backup", str(backup)])
    assert again.exit_code == 2 and "--force" in again.output
    assert CliRunner().invoke(main, ["backup", "--force", str(backup)]).exit_code == 0

    monkeypatch.setenv("REINTEGRA_DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.sqlite'}")
    restored = CliRunner().invoke(main, ["restore", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert "audit event(s) verified: intact" in restored.output
    verified = CliRunner().invoke(main, ["audit", "verify"])
    assert verified.exit_code == 0 and "intact" in verified.output


def test_a_restore_of_a_tampered_backup_says_why_and_changes_nothing(installed, tmp_path):
    backup = tmp_path / "nightly.sqlite"
    CliRunner().invoke(main, ["backup", str(backup)])
    with closing(sqlite3.connect(backup)) as copy:
        copy.execute("UPDATE audit_event SET actor = 'someone else' WHERE id = 1")
        copy.commit()
    before = installed.read_bytes()
    refused = CliRunner().invoke(main, ["restore", "--force", str(backup)])
    assert refused.exit_code == 2
    assert "the audit trail does not verify" in refused.output and "the database was not changed" in refused.output
    assert installed.read_bytes() == before


def test_on_postgresql_backup_and_restore_print_the_pg_dump_and_pg_restore_commands(monkeypatch, tmp_path):
    monkeypatch.setenv("REINTEGRA_DATABASE_URL", "postgresql+psycopg://reintegra:s3cret@db:5432/reintegra")
    dump = tmp_path / "reintegra.dump"
    backup = CliRunner().invoke(main, ["backup", str(dump)])
    assert backup.exit_code == 2
    assert f"pg_dump --format=custom --file={dump} postgresql://reintegra@db:5432/reintegra" in backup.output
    dump.write_bytes(b"PGDMP")
    restore = CliRunner().invoke(main, ["restore", str(dump)])
    assert restore.exit_code == 2 and "s3cret" not in backup.output + restore.output
    assert "pg_restore --clean --if-exists" in restore.output and "reintegra audit verify" in restore.output
