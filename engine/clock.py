"""The only source of "now" in Reintegra.

Every module asks an engine's clock; nothing else reads the system time. Tests and the demo
use ``SettableClock`` so that legal terms of weeks pass in a millisecond.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current instant as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """Real UTC time."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class SettableClock:
    """A clock that stands still at ``start`` until moved (``tick=True``: runs on from ``start``)."""

    def __init__(self, start: datetime | None = None, *, tick: bool = False) -> None:
        real = SystemClock()
        self._lock = threading.Lock()
        self._anchor_real = real.now()
        self._anchor = _as_utc(start) if start else self._anchor_real
        self._tick = tick
        self._real = real

    def now(self) -> datetime:
        with self._lock:
            if not self._tick:
                return self._anchor
            return self._anchor + (self._real.now() - self._anchor_real)

    def set(self, instant: datetime) -> None:
        """Jump to ``instant`` (which must be timezone-aware)."""
        with self._lock:
            self._anchor = _as_utc(instant)
            self._anchor_real = self._real.now()

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` and return the new now."""
        self.set(self.now() + delta)
        return self.now()


def _as_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("clock instants must be timezone-aware")
    return instant.astimezone(timezone.utc)
