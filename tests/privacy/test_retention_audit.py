"""Issue 14.5: migration 0016 re-chains the audit trail on a digest of each payload; older trails stay verifiable."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.orm import Session

import engine
from engine.store import anchors
from engine.store.models import AuditEvent
from tests.engine.test_timers import requested
from tests.security.test_audit_tampers import KEY, attack, verify


def migrate(database_url: str, to: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(Path(engine.__file__).parent / "migrations"))
    db = sa.create_engine(database_url)
    with db.begin() as connection:
        config.attributes["connection"] = connection
        (command.upgrade if to == "head" else command.downgrade)(config, to)
    db.dispose()


def checkpoint(database_url: str, tmp_path: Path, monkeypatch) -> Path:
    """A checkpoint as the 0012 code wrote it (it reads only the stream heads)."""
    monkeypatch.setenv("REINTEGRA_DATABASE_URL", database_url)
    monkeypatch.setenv("REINTEGRA_AUDIT_ANCHOR_KEY", KEY)
    db = sa.create_engine(database_url)
    with Session(db) as session:
        written = anchors.write(session, engine.AnchorStore(tmp_path / "anchors", KEY.encode()),
                                datetime(2026, 12, 24, tzinfo=timezone.utc))
    db.dispose()
    return written.path


def first_format_hashes(database_url: str) -> list[str]:
    db = sa.create_engine(database_url)
    with db.connect() as connection:
        hashes = list(connection.scalars(sa.text("SELECT hash FROM audit_event ORDER BY stream, seq")))
    db.dispose()
    return hashes


def test_a_trail_written_before_0016_is_re_chained_and_its_old_checkpoint_still_matches(
        eng, database_url, tmp_path, monkeypatch):
    requested(eng)
    eng.close()
    migrate(database_url, "0012")
    old_hashes = first_format_hashes(database_url)
    anchor = checkpoint(database_url, tmp_path, monkeypatch)
    migrate(database_url, "head")
    with eng.database.unit_of_work() as session:
        events = [(e.legacy_hash, e.payload_digest, e.hash) for e in session.scalars(
            sa.select(AuditEvent).order_by(AuditEvent.stream, AuditEvent.seq))]
    assert [legacy for legacy, _, _ in events] == old_hashes
    assert all(payload and new not in old_hashes for _, payload, new in events)
    result = verify(anchor)
    assert result.exit_code == 0, result.output
    assert "the database matches" in result.output


def test_a_trail_broken_before_0016_stays_broken(eng, database_url):
    _, instance = requested(eng)
    eng.close()
    migrate(database_url, "0012")
    attack(database_url, f"UPDATE audit_event SET actor = 'mallory' WHERE stream = 'instance:{instance.id}'"
                         " AND seq = 1")
    migrate(database_url, "head")
    result = eng.verify_audit()
    assert not result.is_intact and f"instance:{instance.id} #1" in (result.broken or "")
