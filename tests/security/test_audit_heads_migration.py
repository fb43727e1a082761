"""Issue 13.2/13.9: a database whose trail predates the stream heads gets them from its last events (0011)."""

from __future__ import annotations

import sqlalchemy as sa

from engine.store.audit_models import AuditHead
from tests.engine.test_migrations import migrated_again
from tests.engine.test_timers import requested
from tests.security.test_audit_tampers import attack, rechain


def test_streams_written_before_0011_get_their_heads_and_go_on_from_their_last_event(eng, database_url):
    _, instance = requested(eng)
    stream = f"instance:{instance.id}"
    attack(database_url, "UPDATE audit_event SET row_hashes = NULL")  # as events were written before 0011
    rechain(database_url, stream)
    heads = sa.select(AuditHead.seq).where(AuditHead.stream == stream)
    assert tuple(migrated_again(database_url, "0009", heads)) == (2,)
    assert eng.verify_audit().is_intact
    eng.claim(eng.work_items(role="occupational_physician")[0].id, eng.create_user(
        username="oa1", password="correct horse battery", display_name="Oa", roles=["occupational_physician"],
        organisations=["Acme NV"], actor="test").id)
    assert [e.seq for e in eng.audit_trail(stream)] == [1, 2, 3]
    assert eng.verify_audit().is_intact
