"""What a database failure means for the caller: a lost race, an outage, or a value the database refuses.

The unit of work (``database.Database``) translates SQLAlchemy's errors here, so that a driver error never
reaches a user as a server error and the scheduler can tell an outage from a broken instance.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..errors import ConcurrentUpdate, Conflict, EngineError, InvalidInput, Unavailable

LOST_RACE_STATES = {"40001", "40P01", "55P03"}
"""PostgreSQL's serialization failure, deadlock detected and lock not available: the transaction lost to another."""

REFUSED_VALUE = "a value is too long, contains a NUL character or is out of range"
UNREACHABLE = "the database cannot be reached; try again in a moment"


def translate(err: Exception, dbapi: Any) -> EngineError | None:
    """The engine error a database failure stands for; None for anything else, a bug included (left as it is).

    ``dbapi`` is the driver module, for a connection error the driver raised without SQLAlchemy wrapping it.
    """
    if isinstance(err, dbapi.OperationalError | dbapi.InterfaceError):
        return Unavailable(UNREACHABLE)
    if isinstance(err, StaleDataError):
        return ConcurrentUpdate("the instance was changed by someone else; reload and try again")
    if isinstance(err, IntegrityError):
        return ConcurrentUpdate(f"a concurrent change won: {err.orig}")
    if isinstance(err, DataError):
        return InvalidInput("the database refused a value", {"data": [REFUSED_VALUE]})
    if isinstance(err, OperationalError) and not err.connection_invalidated:
        if "readonly database" in str(err.orig):  # a write in a read-only unit of work: a bug, not an outage
            return None
        if "is locked" in str(err.orig):  # SQLite waited its full timeout: retrying would wait as long again
            return Conflict("the database is busy with another change; try again")
        if getattr(err.orig, "sqlstate", None) in LOST_RACE_STATES:
            return ConcurrentUpdate("a concurrent change won; try again")
    if isinstance(err, OperationalError | InterfaceError | DisconnectionError | PoolTimeout) or (
            isinstance(err, DBAPIError) and err.connection_invalidated):
        return Unavailable(UNREACHABLE)
    return None


def close(session: Session) -> None:
    """Roll back and close; a connection that died meanwhile is dropped from the pool instead of failing again."""
    try:
        session.rollback()
    except SQLAlchemyError:
        session.invalidate()
    finally:
        session.close()
