"""Copies of one real instance made in SQL, each with every derived row the instance has (timers, deadlines, work
items pointing at their own copy's deadline, correlations) and the head of its own audit stream (empty, as the copy
has no history): quick to make, and a real, wakeable instance each."""

from __future__ import annotations

import sqlalchemy as sa

from engine.store.audit import GENESIS
from engine.store.models import Correlation, Deadline, ProcessInstance, Timer, WorkItem

DERIVED = (Timer, Deadline, Correlation, WorkItem)
"""Deadlines before work items, which point at them."""
_OWN_DEADLINE = ("(SELECT d2.id FROM deadline d1, deadline d2 WHERE d1.id = t.deadline_id "
                 "AND d2.instance_id = p.id AND d2.task_id = d1.task_id)")


def clone(url: str, instance_id: int, copies: int) -> list[int]:
    """Copy ``instance_id`` and its derived rows ``copies`` times; return the new instance ids."""
    db = sa.create_engine(url)
    with db.begin() as conn:
        last = conn.execute(sa.text("SELECT MAX(id) FROM process_instance")).scalar_one()
        columns = [c.name for c in ProcessInstance.__table__.columns if c.name != "id"]
        listed = ", ".join(columns)
        conn.execute(sa.text(
            f"INSERT INTO process_instance ({listed}) SELECT {', '.join('p.' + c for c in columns)} "
            "FROM process_instance p, "
            f"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {copies}) SELECT i FROM n) s "
            "WHERE p.id = :id ORDER BY s.i"), {"id": instance_id})
        for model in DERIVED:
            table = model.__table__
            columns = [c.name for c in table.columns if c.name != "id"]
            values = ["p.id" if c == "instance_id" else _OWN_DEADLINE if c == "deadline_id" else f"t.{c}"
                      for c in columns]
            conn.execute(sa.text(
                f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {', '.join(values)} "
                f"FROM process_instance p, {table.name} t WHERE t.instance_id = :id AND p.id > :last"),
                {"id": instance_id, "last": last})
        conn.execute(sa.text(
            "INSERT INTO audit_head (stream, seq, hash, updated_at) SELECT 'instance:' || p.id, 0, :genesis, "
            "p.started_at FROM process_instance p WHERE p.id > :last"), {"genesis": GENESIS, "last": last})
        ids = conn.execute(sa.text("SELECT id FROM process_instance WHERE id > :last ORDER BY id"),
                           {"last": last}).scalars().all()
    db.dispose()
    return list(ids)
