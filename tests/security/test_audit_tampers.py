"""Issue 13.9: ``reintegra audit verify`` finds the five tampers it missed, on SQLite and PostgreSQL.

The attacker here writes the database directly and knows the schema and the hash function: they recompute
hashes and keep the heads in line. What they lack is the checkpoint key, which is never in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from sqlalchemy.orm import Session

import engine
from engine.store.audit import GENESIS, digest, payload_digest
from engine.store.audit_models import AuditHead
from engine.store.models import AuditEvent
from tests.engine.test_timers import requested
from webui.cli import main

KEY = "a checkpoint key kept in the worker's environment only"


@dataclass(frozen=True)
class Anchored:
    """A case with one instance whose request was recorded, and a checkpoint taken right after."""

    case_id: int
    instance_id: int
    anchor: Path


@pytest.fixture
def anchored(eng: engine.Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Anchored:
    case, instance = requested(eng)
    monkeypatch.setenv("REINTEGRA_DATABASE_URL", database_url)
    monkeypatch.setenv("REINTEGRA_AUDIT_ANCHOR_KEY", KEY)
    monkeypatch.setenv("REINTEGRA_AUDIT_ANCHOR_DIR", str(tmp_path / "anchors"))
    taken = CliRunner().invoke(main, ["audit", "checkpoint"])
    assert taken.exit_code == 0, taken.output
    anchor = next((tmp_path / "anchors").glob("audit-anchor-*.json"))
    assert verify(anchor).exit_code == 0
    return Anchored(case.id, instance.id, anchor)


def verify(anchor: Path) -> Result:
    return CliRunner().invoke(main, ["audit", "verify", "--anchor", str(anchor)])


def attack(database_url: str, sql: str) -> None:
    db = sa.create_engine(database_url)
    with db.begin() as connection:
        connection.execute(sa.text(sql))
    db.dispose()


def rechain(database_url: str, stream: str) -> None:
    """Recompute every hash of ``stream`` and its head, as an attacker who knows the hash function would."""
    db = sa.create_engine(database_url)
    with Session(db) as session:
        previous = GENESIS
        for event in session.scalars(sa.select(AuditEvent).where(AuditEvent.stream == stream)
                                     .order_by(AuditEvent.seq)):
            event.prev_hash = previous
            event.payload_digest = payload_digest(event.actor, event.before, event.after)
            event.hash = previous = digest(event)
            last = event
        head = session.get(AuditHead, stream)
        if head is not None:
            head.seq, head.hash = last.seq, last.hash
        session.commit()
    db.dispose()


def test_deleting_the_last_events_of_a_stream_is_found(anchored, database_url):
    stream = f"instance:{anchored.instance_id}"
    attack(database_url, f"DELETE FROM audit_event WHERE stream = '{stream}' AND seq = 2")
    rechain(database_url, stream)
    result = verify(anchored.anchor)
    assert result.exit_code == 1, result.output
    assert f"{stream}: the checkpoint holds 2 event(s), the database 1 (events deleted)" in result.output


def test_deleting_a_whole_stream_is_found(anchored, database_url):
    stream = f"instance:{anchored.instance_id}"
    attack(database_url, f"DELETE FROM audit_event WHERE stream = '{stream}'")
    attack(database_url, f"DELETE FROM audit_head WHERE stream = '{stream}'")
    result = verify(anchored.anchor)
    assert result.exit_code == 1
    assert f"{stream}: the checkpoint holds 2 event(s), the database none (stream deleted)" in result.output


def test_editing_an_event_and_recomputing_the_hashes_is_found(anchored, database_url):
    stream = f"instance:{anchored.instance_id}"
    attack(database_url, f"UPDATE audit_event SET actor = 'mallory' WHERE stream = '{stream}' AND seq = 1")
    rechain(database_url, stream)
    result = verify(anchored.anchor)
    assert result.exit_code == 1
    assert "event(s) checked: intact" in result.output, "the rewritten chain itself is consistent"
    assert f"{stream} #2: the event differs from the checkpoint (events rewritten)" in result.output


def test_editing_a_completed_work_items_data_is_found(anchored, database_url):
    attack(database_url, "UPDATE work_item SET data = '{\"request_received_on\": \"2026-12-01\"}'"
                         " WHERE state = 'completed'")
    result = verify(anchored.anchor)
    assert result.exit_code == 1
    assert "the row differs from its last audit event (row edited)" in result.output
    assert "work_item" in result.output


@pytest.mark.parametrize("change", ["state = 'completed'",
                                    "state_json = REPLACE(state_json, '2026-12-23', '2026-12-01')"])
def test_editing_an_instances_state_is_found(anchored, database_url, change):
    attack(database_url, f"UPDATE process_instance SET {change} WHERE id = {anchored.instance_id}")
    result = verify(anchored.anchor)
    assert result.exit_code == 1
    assert f"process_instance {anchored.instance_id}: the row differs from its last audit event" in result.output


def test_a_checkpoint_edited_to_match_a_tampered_database_is_refused(anchored, database_url):
    stream = f"instance:{anchored.instance_id}"
    attack(database_url, f"DELETE FROM audit_event WHERE stream = '{stream}'")
    attack(database_url, f"DELETE FROM audit_head WHERE stream = '{stream}'")
    anchored.anchor.write_text(anchored.anchor.read_text().replace(f'"{stream}"', '"instance:999999"'))
    result = verify(anchored.anchor)
    assert result.exit_code == 1
    assert "the signature does not match" in result.output


def test_the_timer_worker_takes_checkpoints_and_they_keep_matching_as_the_trail_grows(eng, tmp_path):
    requested(eng)
    store = engine.AnchorStore(tmp_path / "anchors", KEY.encode())
    engine.TimerScheduler(eng, anchors=store).checkpoint()
    first = store.latest()
    assert first is not None
    eng.verify_audit()
    assert eng.verify_anchor(first, store.key).is_intact
    assert not eng.verify_anchor(first, b"another key that is just as long as the first one").is_intact
    assert [e.action for e in eng.audit_trail("audit")][:1] == ["audit_checkpointed"]
