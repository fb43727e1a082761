"""Slow down password guessing: a few failed sign-ins per username and address, then a pause.

Kept in memory per process: with several web processes each counts on its own (a shared store is the
next step when the app runs on more than one process).
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from datetime import datetime, timedelta

from flask import current_app

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def login_limiter() -> LoginLimiter:
    """The limiter of the running app."""
    return current_app.extensions.setdefault("login_limiter", LoginLimiter())


class LoginLimiter:
    """Counts failed sign-ins per (username, address) in a sliding window."""

    def __init__(self) -> None:
        self._failures: dict[tuple[str, str], deque[datetime]] = defaultdict(deque)
        self._lock = threading.Lock()

    def is_blocked(self, key: tuple[str, str], now: datetime) -> bool:
        with self._lock:
            recent = self._recent(key, now)
            return len(recent) >= MAX_FAILURES

    def failed(self, key: tuple[str, str], now: datetime) -> None:
        with self._lock:
            self._recent(key, now).append(now)

    def succeeded(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: tuple[str, str], now: datetime) -> deque[datetime]:
        times = self._failures[key]
        while times and now - times[0] > WINDOW:
            times.popleft()
        return times
