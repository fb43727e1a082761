"""The audit trail is hash-chained: edits, deletions and reordering are detected."""

from __future__ import annotations

import sqlalchemy as sa

from tests.engine import test_pruning
from tests.engine.test_timers import requested

looping = test_pruning.looping

EVENT = sa.table("audit_event", sa.column("stream"), sa.column("seq"), sa.column("action"),
                 sa.column("row_hashes", sa.JSON))


def tamper(database_url: str, sql: str) -> None:
    db = sa.create_engine(database_url)
    with db.begin() as conn:
        conn.execute(sa.text(sql))
    db.dispose()


def test_every_state_change_appends_an_event_with_actor_and_data(eng):
    _, instance = requested(eng)
    events = eng.trace(instance.id).events
    assert [(e.seq, e.actor, e.action) for e in events] == [
        (1, "employee1", "started"), (2, "employee1", "task_completed")]
    assert events[1].task == "request_visit"
    assert events[1].after == {"request_received_on": "2026-12-23"}
    assert events[1].before == {"request_received_on": None}


def test_an_untouched_trail_verifies_and_the_check_is_recorded(eng):
    requested(eng)
    result = eng.verify_audit()
    assert result.is_intact and result.events_checked >= 4
    assert [e.action for e in eng.audit_trail("audit")] == ["audit_verified"]


def test_an_edited_row_is_detected(eng, database_url):
    _, instance = requested(eng)
    stream = f"instance:{instance.id}"
    tamper(database_url, f"UPDATE audit_event SET actor = 'mallory' WHERE stream = '{stream}' AND seq = 1")
    result = eng.verify_audit(f"instance:{instance.id}")
    assert not result.is_intact and "edited" in result.broken


def test_a_deleted_row_is_detected(eng, database_url):
    _, instance = requested(eng)
    tamper(database_url, f"DELETE FROM audit_event WHERE stream = 'instance:{instance.id}' AND seq = 1")
    result = eng.verify_audit()
    assert not result.is_intact and "missing" in result.broken


def test_swapped_rows_are_detected(eng, database_url):
    _, instance = requested(eng)
    stream = f"instance:{instance.id}"
    tamper(database_url, f"UPDATE audit_event SET seq = 99 WHERE stream = '{stream}' AND seq = 1")
    tamper(database_url, f"UPDATE audit_event SET seq = 1 WHERE stream = '{stream}' AND seq = 2")
    tamper(database_url, f"UPDATE audit_event SET seq = 2 WHERE stream = '{stream}' AND seq = 99")
    assert not eng.verify_audit(stream).is_intact


def test_a_completion_saves_the_hash_of_its_own_work_item_however_often_its_task_looped(looping, database_url):
    eng, case, instance = looping
    done = []
    for _ in range(5):
        [item] = eng.work_items(case_id=case)
        eng.complete(item.id, {"loop_again": True}, actor="bench")
        done.append(item.id)
    with eng.database.unit_of_work() as session:
        saved = session.scalars(sa.select(EVENT.c.row_hashes).where(
            EVENT.c.stream == f"instance:{instance}", EVENT.c.action == "task_completed").order_by(EVENT.c.seq))
    assert [sorted(hashes) for hashes in saved] == [[f"process_instance:{instance}", f"work_item:{item}"]
                                                    for item in done]
    tamper(database_url, f"UPDATE work_item SET data = '{{\"loop_again\": false}}' WHERE id = {done[0]}")
    result = eng.verify_audit(f"instance:{instance}")
    assert not result.is_intact and f"work_item {done[0]}: the row differs" in (result.broken or "")
