"""The deadline rows of one step of an instance, read and written with plain statements (no ORM flush).

``projection`` reads the deadlines a step may touch (``read``), judges them on plain objects that stay out of the
session, inserts the new ones (``insert``) and writes the verdicts that changed (``write_verdicts``): one statement
each, whatever the number of rows. An object of the same row that the session holds gets what was written.
"""

from __future__ import annotations

from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..store import instance_rows, prepared, write_batch
from ..store.models import Deadline

VERDICT_COLUMNS = ("state", "closed_at", "closed_on", "act_on", "first_state", "corrected_at", "corrected_by")
"""What a step may change in a deadline row: its verdict and how it was reached."""
Read = dict[int, tuple]
"""The verdict columns of each deadline as read (by id), to write only the ones that changed."""


def read(session: Session, instance_id: int, task_ids: set[str]) -> tuple[list[Deadline], Read]:
    """The deadlines a step may touch: pending ones, missed ones not yet judged by an act, and every one of
    ``task_ids`` (the timers that computed a term in this step, and those guarding a ready task); with their
    verdict columns as read. Each holds what a verdict reads, not how its term was counted (``_EXPLAINING``)."""
    statement, params = (_DEADLINES, {"task_ids": sorted(task_ids)}) if task_ids else (_OPEN, {})
    deadlines = [instance_rows.unattached(Deadline, row) for row in prepared.rows(
        session.connection(), statement, {"instance_id": instance_id, **params})]
    return deadlines, {d.id: _verdict(d) for d in deadlines}


def insert_new(session: Session, added: list[Deadline]) -> None:
    """Insert the deadlines computed in this step, verdicts included, in one statement, and give each its id (work
    items refer to it)."""
    if not added:
        return
    rows = [{key: getattr(deadline, key) for key in _COLUMNS} for deadline in added]
    ids: dict[str, list[int]] = {}
    for deadline_id, task_id in sorted(session.connection().execute(_INSERT, rows)):
        ids.setdefault(task_id, []).append(deadline_id)
    for deadline in added:  # ids in the order of the rows, task by task
        deadline.id = ids[deadline.task_id].pop(0)


def write_verdicts(session: Session, deadlines: list[Deadline], read_as: Read) -> None:
    """Write the verdicts that changed since ``read_as`` (the rows read; a deadline inserted in this step is not
    among them), in one statement."""
    changed = [{"of_id": d.id, **{f"new_{key}": value for key, value in zip(VERDICT_COLUMNS, _verdict(d), strict=True)}}
               for d in deadlines if d.id in read_as and read_as[d.id] != _verdict(d)]
    if not changed:
        return
    write_batch.execute(session, _WRITE_VERDICT, changed)
    for values in changed:
        loaded = session.identity_map.get(session.identity_key(Deadline, values["of_id"]))
        for key in VERDICT_COLUMNS if loaded is not None else ():
            set_committed_value(loaded, key, values[f"new_{key}"])


def _verdict(deadline: Deadline) -> tuple:
    return tuple(getattr(deadline, key) for key in VERDICT_COLUMNS)


UNJUDGED = and_(Deadline.state == "missed", Deadline.kind == "deadline", Deadline.act_on.is_(None))
_EXPLAINING = frozenset({"legal_source", "start_event", "explanation", "explanation_parts", "created_at"})
"""What a step never reads of a deadline it judges (how the term was counted, for people): left out of the read."""
_OF_INSTANCE = select(*(c for c in Deadline.__table__.columns if c.key not in _EXPLAINING)).where(
    Deadline.instance_id == bindparam("instance_id"))
_OPEN = _OF_INSTANCE.where(or_(Deadline.state == "pending", UNJUDGED))
_DEADLINES = _OF_INSTANCE.where(or_(Deadline.state == "pending", UNJUDGED,
                                    Deadline.task_id.in_(bindparam("task_ids", expanding=True))))
"""Statements of the hot path are built once: building one costs more than running it on SQLite. ``_OPEN`` serves a
step with no task to add (a firing, mostly), with no list of ids to expand at each execution."""
_COLUMNS = tuple(c.key for c in Deadline.__table__.columns if c.key != "id")
_INSERT = insert(Deadline).returning(Deadline.id, Deadline.task_id)
_WRITE_VERDICT = update(Deadline).where(Deadline.id == bindparam("of_id")).values(
    {key: bindparam(f"new_{key}") for key in VERDICT_COLUMNS})
