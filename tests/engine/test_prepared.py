"""A write sent on the driver's cursor (``engine.store.prepared``) stores what SQLAlchemy would have stored, and what it
cannot prepare goes through SQLAlchemy, on both databases."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from engine.errors import ConcurrentUpdate
from engine.store import prepared
from engine.store.models import Deadline, WorkItem
from tests.engine.test_firing_cost import waiting_visits

_CHANGE = sa.update(WorkItem).where(WorkItem.id == sa.bindparam("of_id")).values(
    data=sa.bindparam("new_data"), ended_at=sa.bindparam("new_ended_at"), procedure_due_on=sa.bindparam("new_due_on"),
    procedure_explanation=sa.bindparam("new_explanation"), completed_by=sa.bindparam("new_by"),
    assignee=sa.literal("hr") + sa.literal("-desk"))  # values the statement holds
_COPIED = (WorkItem.id, WorkItem.instance_id, WorkItem.case_id, WorkItem.employer, WorkItem.task_id, WorkItem.bpmn_id,
           WorkItem.name, WorkItem.state, WorkItem.created_at, WorkItem.risk_due_on)
"""A work item's columns with its id: inserting them again is a duplicate key."""
_STORED = (WorkItem.data, WorkItem.ended_at, WorkItem.procedure_due_on, WorkItem.procedure_explanation,
           WorkItem.completed_by, WorkItem.assignee)


def item_ids(eng) -> list[int]:  # type: ignore[no-untyped-def]
    with eng.database.unit_of_work(is_read_only=True) as session:
        return list(session.scalars(sa.select(WorkItem.id).order_by(WorkItem.id)))


def stored(eng, item_id: int) -> tuple:  # type: ignore[no-untyped-def]
    """The values as read back, and as the database holds them in text."""
    with eng.database.unit_of_work(is_read_only=True) as session:
        where = WorkItem.id == item_id
        read = session.execute(sa.select(*_STORED).where(where)).one()
        as_text = session.execute(sa.select(*(sa.cast(c, sa.Text) for c in _STORED)).where(where)).one()
    return tuple(read), tuple(as_text)


def test_a_prepared_write_stores_every_kind_of_value_as_sqlalchemy_does(eng, clock):
    waiting_visits(eng)
    by_sqlalchemy, by_driver, *_ = item_ids(eng)
    values = {"new_data": {"reason": "mis à jour", "days": [1, 2], "kept": None, "ok": True},
              "new_ended_at": clock.now() + timedelta(hours=5, microseconds=7), "new_due_on": date(2027, 2, 28),
              "new_explanation": [{"step": "T15", "on": "2027-01-04"}], "new_by": None}
    keys = tuple(sorted({"of_id": 0, **values}))
    with eng.database.unit_of_work() as session:
        connection = session.connection()
        assert prepared._prepared(_CHANGE, connection.dialect, keys, False) is not None
        connection.execute(_CHANGE, {"of_id": by_sqlalchemy, **values})
        cursor = prepared.execute(connection, _CHANGE, {"of_id": by_driver, **values})
        assert cursor.rowcount == 1
        session.commit()
    assert stored(eng, by_driver) == stored(eng, by_sqlalchemy)
    read, _ = stored(eng, by_driver)
    assert read == (*values.values(), "hr-desk")


def test_a_row_written_many_at_once_on_the_driver_takes_each_its_values(eng, clock):
    waiting_visits(eng)
    first, second, *_ = item_ids(eng)
    rows = [{"of_id": item, "new_data": {"n": n}, "new_ended_at": clock.now(), "new_due_on": date(2027, 1, n),
             "new_explanation": None, "new_by": f"user{n}"} for n, item in enumerate((first, second), start=1)]
    with eng.database.unit_of_work() as session:
        prepared.execute(session.connection(), _CHANGE, rows)
        session.commit()
    assert [stored(eng, item)[0][0] for item in (first, second)] == [{"n": 1}, {"n": 2}]
    assert [stored(eng, item)[0][4:] for item in (first, second)] == [("user1", "hr-desk"), ("user2", "hr-desk")]


def test_a_write_whose_default_is_worked_out_in_python_goes_through_sqlalchemy_and_gets_it(eng, clock):
    waiting_visits(eng)
    with eng.database.unit_of_work(is_read_only=True) as session:
        item = session.execute(sa.select(WorkItem.instance_id, WorkItem.case_id, WorkItem.employer)).first()
    add = sa.insert(WorkItem)  # risk_due_on left out: its default (the latest date) is Python's
    row = {"instance_id": item.instance_id, "case_id": item.case_id, "employer": item.employer, "task_id": "t-new",
           "bpmn_id": "new", "name": "New", "state": "ready", "created_at": clock.now()}
    with eng.database.unit_of_work() as session:
        connection = session.connection()
        assert prepared._prepared(add, connection.dialect, tuple(sorted(row)), False) is None
        prepared.execute(connection, add, row)
        session.commit()
    with eng.database.unit_of_work(is_read_only=True) as session:
        assert session.scalar(sa.select(WorkItem.risk_due_on).where(WorkItem.task_id == "t-new")) == date.max


def test_while_a_listener_watches_the_cursor_a_write_goes_through_sqlalchemy_so_it_sees_it(eng, clock):
    waiting_visits(eng)
    [item, *_] = item_ids(eng)
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement.split(None, 1)[0])

    sa.event.listen(eng.database.engine, "before_cursor_execute", note)
    try:
        with eng.database.unit_of_work() as session:
            prepared.execute(session.connection(), _CHANGE, {
                "of_id": item, "new_data": None, "new_ended_at": datetime(2027, 1, 1, 9, 0, tzinfo=clock.now().tzinfo),
                "new_due_on": None, "new_explanation": None, "new_by": None})
            session.commit()
    finally:
        sa.event.remove(eng.database.engine, "before_cursor_execute", note)
    assert "UPDATE" in seen


def test_a_prepared_read_values_each_column_as_sqlalchemy_does(eng, clock):
    waiting_visits(eng)
    every_column = sa.select(*Deadline.__table__.columns).where(Deadline.instance_id == sa.bindparam("of_instance"))
    with eng.database.unit_of_work(is_read_only=True) as session:
        instance = session.scalar(sa.select(Deadline.instance_id).where(Deadline.explanation_parts.is_not(None)))
        connection = session.connection()
        assert prepared._prepared(every_column, connection.dialect, ("of_instance",), False) is not None
        read = prepared.rows(connection, every_column, {"of_instance": instance})
        expected = [dict(row) for row in connection.execute(every_column, {"of_instance": instance}).mappings()]
    assert read == expected and read
    assert isinstance(read[0]["due_on"], date) and read[0]["expires_at"].tzinfo is not None
    assert isinstance(read[0]["explanation_parts"], list)


def test_a_write_the_database_refuses_on_the_driver_fails_as_sqlalchemy_would_and_the_unit_of_work_says_why(eng, clock):
    waiting_visits(eng)
    [item, *_] = item_ids(eng)
    twice = sa.insert(WorkItem).from_select(list(_COPIED), sa.select(*_COPIED).where(WorkItem.id == sa.bindparam("of")))
    with pytest.raises(ConcurrentUpdate), eng.database.unit_of_work() as session:
        connection = session.connection()
        assert prepared._prepared(twice, connection.dialect, ("of",), False) is not None
        prepared.execute(connection, twice, {"of": item})


def test_a_value_the_statement_works_out_at_each_execution_is_worked_out_again_each_time(eng, clock):
    waiting_visits(eng)
    [item, *_] = item_ids(eng)
    names = iter(["first", "second"])
    stamp = sa.update(WorkItem).where(WorkItem.id == sa.bindparam("of_id")).values(
        completed_by=sa.bindparam("by", callable_=lambda: next(names)))
    with eng.database.unit_of_work() as session:
        connection = session.connection()
        assert prepared._prepared(stamp, connection.dialect, ("of_id",), False) is None
        for _ in range(2):
            prepared.execute(connection, stamp, {"of_id": item})
        session.commit()
    assert stored(eng, item)[0][4] == "second"
