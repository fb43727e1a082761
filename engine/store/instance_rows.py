"""Save a process instance's row with one plain UPDATE rather than the ORM's flush, keeping its optimistic lock."""

from __future__ import annotations

from sqlalchemy import bindparam, inspect, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

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
    values = {f"new_{key}": getattr(row, key) for key in SAVED_COLUMNS}
    write_batch.execute(session, _SAVE, {**values, "of_id": row.id, "of_version": row.version},
                        stale=f"process instance {row.id} was saved by someone else since it was read")
    for key in SAVED_COLUMNS:
        set_committed_value(row, key, values[f"new_{key}"])
    set_committed_value(row, "version", row.version + 1)
    state._commit_all(state.dict, session.identity_map)  # nothing left to flush: the commit skips the ORM's flush


_SAVED = frozenset(SAVED_COLUMNS)
_SAVE = update(ProcessInstance).where(ProcessInstance.id == bindparam("of_id"),
                                      ProcessInstance.version == bindparam("of_version")).values(
    {**{key: bindparam(f"new_{key}") for key in SAVED_COLUMNS}, "version": ProcessInstance.version + 1})
