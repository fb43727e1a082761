"""A lost race on one instance is the engine's to retry: reload, check again, apply again, a bounded number of times.

Parallel branches of one instance are separate work items, but they share the instance row and its optimistic
version, so users completing them at the same moment collide without having done anything wrong. The first
attempt is optimistic; every retry first takes the instance row lock, so it waits for the winner instead of
racing it again, and reads what the winner did before checking anything.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from ..errors import ConcurrentUpdate
from ..store.models import ProcessInstance

ATTEMPTS = 5
PAUSE_SECONDS = 0.02
"""The mean pause before the second attempt; it grows with each attempt and is jittered so retries spread out."""

T = TypeVar("T")


def retried(operation: Callable[[bool], T]) -> T:
    """Run ``operation`` (one whole unit of work) again each time it loses a race, at most ``ATTEMPTS`` times.

    ``operation`` receives whether this is a retry (then it calls ``lock_instance`` first). Every attempt starts
    from scratch, so the checks run again on fresh data: an item someone else completed answers ``Conflict``.
    After the last lost attempt its ``ConcurrentUpdate`` (a ``Conflict``) reaches the caller.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return operation(attempt > 1)
        except ConcurrentUpdate:
            if attempt == ATTEMPTS:
                raise
            time.sleep(PAUSE_SECONDS * attempt * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")


def lock_instance(session: Session, instance_id: int) -> None:
    """Wait for the instance row (FOR UPDATE on PostgreSQL; SQLite already serialises writers) and read it fresh."""
    session.get(ProcessInstance, instance_id, with_for_update=True, populate_existing=True)
