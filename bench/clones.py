"""Copies of one real instance made in SQL, each with every derived row the instance has (timers, deadlines, work
items pointing at their own copy's deadline, correlations) and the head of its own audit stream (empty, as the copy
has no history): quick to make, and a real, wakeable instance each.

``clone`` puts the copies on the instance's own case; ``clone_cases`` copies the case too, one case per copy, with
the head of the case's audit stream, and takes column overrides in SQL (spread employers, due dates, roles).
"""

from __future__ import annotations

import sqlalchemy as sa

from engine.store.audit import GENESIS
from engine.store.models import Case, Correlation, Deadline, ProcessInstance, Timer, WorkItem

DERIVED = (Timer, Deadline, Correlation, WorkItem)
"""Deadlines before work items, which point at them."""
_OWN_DEADLINE = ("(SELECT d2.id FROM deadline d1, deadline d2 WHERE d1.id = t.deadline_id "
                 "AND d2.instance_id = p.id AND d2.task_id = d1.task_id)")
_EMPLOYER = "(SELECT c.employer FROM case_file c WHERE c.id = p.case_id)"
_SEARCHED = "replace(t.search_text, lower(t.reference), lower(t.reference) || '-' || s.i)"
Overrides = dict[str, dict[str, str]]
"""Per table name, per column, the SQL its copies take instead of the original's value."""


def _series(copies: int) -> str:
    """The numbers 1 to ``copies`` as rows ``s.i`` (on SQLite and PostgreSQL)."""
    return (f"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {int(copies)}) "
            "SELECT i FROM n) s")


def _insert_select(conn: sa.Connection, model: type, values: dict[str, str], source: str, bound: dict) -> None:
    """``INSERT INTO`` the model's table every column but the id, from ``source``: ``values`` where given, else the
    template's (alias ``t``)."""
    columns = [c.name for c in model.__table__.columns if c.name != "id"]  # type: ignore[attr-defined]
    selected = ", ".join(values.get(c, f"t.{c}") for c in columns)
    conn.execute(sa.text(f"INSERT INTO {model.__tablename__} ({', '.join(columns)}) "  # type: ignore[attr-defined]
                         f"SELECT {selected} {source}"), bound)


def _last_id(conn: sa.Connection, table: str) -> int:
    return int(conn.execute(sa.text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar_one())


def _derive(conn: sa.Connection, instance_id: int, last: int, overrides: Overrides) -> None:
    """Give every instance after ``last`` the derived rows of ``instance_id`` and an empty audit stream."""
    for model in DERIVED:
        values = {"instance_id": "p.id", "case_id": "p.case_id", "deadline_id": _OWN_DEADLINE, "employer": _EMPLOYER,
                  **overrides.get(model.__tablename__, {})}
        _insert_select(conn, model, values, f"FROM process_instance p, {model.__tablename__} t "
                       "WHERE t.instance_id = :id AND p.id > :last ORDER BY p.id", {"id": instance_id, "last": last})
    conn.execute(sa.text(
        "INSERT INTO audit_head (stream, seq, hash, updated_at) SELECT 'instance:' || p.id, 0, :genesis, "
        "p.started_at FROM process_instance p WHERE p.id > :last"), {"genesis": GENESIS, "last": last})


def _new_ids(conn: sa.Connection, last: int) -> list[int]:
    return list(conn.execute(sa.text("SELECT id FROM process_instance WHERE id > :last ORDER BY id"),
                             {"last": last}).scalars())


def clone(url: str, instance_id: int, copies: int) -> list[int]:
    """Copy ``instance_id`` and its derived rows ``copies`` times on its own case; return the new instance ids."""
    db = sa.create_engine(url)
    with db.begin() as conn:
        last = _last_id(conn, "process_instance")
        _insert_select(conn, ProcessInstance, {}, f"FROM process_instance t, {_series(copies)} WHERE t.id = :id "
                       "ORDER BY s.i", {"id": instance_id})
        _derive(conn, instance_id, last, {})
        ids = _new_ids(conn, last)
    db.dispose()
    return ids


def clone_cases(url: str, case_id: int, instance_id: int, copies: int, overrides: Overrides | None = None) -> list[int]:
    """Copy case ``case_id`` ``copies`` times, each with a copy of ``instance_id`` and its derived rows, and the
    empty audit streams of both; return the new instance ids.

    ``overrides`` per table and column, in SQL: on ``case_file`` over the template case ``t`` and the copy's number
    ``s.i`` (1 to ``copies``; the reference, and so the search text, is the template's with ``-i`` unless
    overridden); on ``process_instance``
    over the template ``t`` and the new case ``c``; on the derived rows over the template row ``t`` and the new
    instance ``p`` (``p.id``, ``p.case_id``).
    """
    overrides = overrides or {}
    db = sa.create_engine(url)
    with db.begin() as conn:
        last_case, last = _last_id(conn, "case_file"), _last_id(conn, "process_instance")
        numbered = {"reference": "t.reference || '-' || s.i", "search_text": _SEARCHED}
        _insert_select(conn, Case, {**numbered, **overrides.get("case_file", {})},
                       f"FROM case_file t, {_series(copies)} WHERE t.id = :id ORDER BY s.i", {"id": case_id})
        _insert_select(conn, ProcessInstance, {"case_id": "c.id", **overrides.get("process_instance", {})},
                       "FROM process_instance t, case_file c WHERE t.id = :id AND c.id > :last ORDER BY c.id",
                       {"id": instance_id, "last": last_case})
        _derive(conn, instance_id, last, overrides)
        conn.execute(sa.text("INSERT INTO audit_head (stream, seq, hash, updated_at) SELECT 'case:' || p.id, 0, "
                             ":genesis, p.opened_at FROM case_file p WHERE p.id > :last"),
                     {"genesis": GENESIS, "last": last_case})
        ids = _new_ids(conn, last)
    db.dispose()
    return ids
