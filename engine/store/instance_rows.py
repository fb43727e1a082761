"""A process instance's row with plain statements: saved with one UPDATE rather than the ORM's flush, keeping its
optimistic lock; and a row read with a plain statement made an object of its model, the session's (as a query would
have loaded it) or one left out of it."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Update, bindparam, inspect, update
from sqlalchemy.orm import InstanceState, Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from . import write_batch
from .models import ProcessInstance

SAVED_COLUMNS = ("state", "state_json", "ended_at", "end_event", "end_event_name", "withheld_from_employer")
"""What saving a step changes in an instance row (``runtime.run``)."""


def write(session: Session, row: ProcessInstance) -> None:
    """Write ``row``'s saved columns and its next ``version`` when they are all that changed since it was read
    (else the ORM flushes it at the commit, as any other change). A row someone else saved in between is a
    ``StaleDataError``, as with the ORM (when the step's writes are sent, in a ``write_batch``)."""
    state = inspect(row)
    changed = set(state.committed_state)
    if not changed or not changed <= _SAVED:
        return
    written = tuple(key for key in SAVED_COLUMNS if key == "state_json" or _differs(state, key))
    sent = {f"new_{key}": getattr(row, key) for key in written}
    write_batch.execute(session, _save(written), {**sent, "of_id": row.id, "of_version": row.version},
                        stale=f"process instance {row.id} was saved by someone else since it was read")
    set_committed_value(row, "version", row.version + 1)
    state._commit_all(state.dict, session.identity_map)  # nothing left to flush: the commit skips the ORM's flush


def attached(session: Session, model: type[Model], values: Mapping[str, Any]) -> Model:
    """The session's object of the ``model`` row whose columns are ``values`` (read with a plain statement, by
    ``prepared``), as a query would have loaded it: an ORM query costs more than the read itself on SQLite. When the
    session holds the row already, it is that object, refreshed."""
    present = session.identity_map.get(session.identity_key(model, values["id"]))
    if present is not None:
        return session.get(model, values["id"], populate_existing=True)  # type: ignore[return-value]
    row = unattached(model, values)
    make_transient_to_detached(row)
    session.add(row)
    return row


def unattached(model: type[Model], values: Mapping[str, Any]) -> Model:
    """An object of the ``model`` row whose columns are ``values`` (read with a plain statement) that stays out of the
    session, built without the ORM's constructor: a version read with its instance, deadlines judged and written with
    plain statements (``deadline_rows``)."""
    row = inspect(model).class_manager.new_instance()
    instance_state(row).dict.update(values)
    return row  # type: ignore[no-any-return]


def _differs(state: InstanceState, key: str) -> bool:
    """Whether the step gave ``key`` another value than the one read (setting the same value changes nothing)."""
    return key in state.committed_state and state.committed_state[key] != state.dict.get(key)


_SAVED = frozenset(SAVED_COLUMNS)
Model = TypeVar("Model")


@cache  # one statement per set of columns (32 at most): each is prepared once (``prepared``)
def _save(columns: tuple[str, ...]) -> Update:
    """Write ``columns`` of an instance and its next version, if its version is still the one read. A column left
    as it was is not written: SQLite rewrites the index entries of every indexed column a statement sets (the state,
    the end event, the withholding), three pages of its log for nothing at each firing."""
    return update(ProcessInstance).where(ProcessInstance.id == bindparam("of_id"),
                                         ProcessInstance.version == bindparam("of_version")).values(
        {**{key: bindparam(f"new_{key}") for key in columns}, "version": ProcessInstance.version + 1})
