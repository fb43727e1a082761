"""Writers in one process take the SQLite write lock in the order they asked for it.

SQLite's own wait for a busy lock polls with growing sleeps, so a writer that commits and begins again at once
(a sweep firing one instance after another) keeps winning, and a page that writes one access log row can wait
for seconds. Taking turns first-come first-served bounds that wait to the transactions already queued. Between
processes SQLite's busy timeout still decides; a turn not granted within ``patience`` seconds goes ahead anyway,
so a unit of work nested in another on one thread waits no longer than SQLite would have made it.
"""

from __future__ import annotations

import threading


class WriteTurns:
    """A first-come first-served lock (a ticket queue) for the write transactions of one process."""

    def __init__(self, patience: float) -> None:
        self.patience = patience
        self._changed = threading.Condition()
        self._next_ticket = 0
        self._serving = 0
        self._skipped: set[int] = set()
        """Tickets whose holders stopped waiting: their turn is passed over."""

    def take(self) -> bool:
        """Wait for this thread's turn; False when ``patience`` ran out first (then the turn is given up)."""
        with self._changed:
            ticket = self._next_ticket
            self._next_ticket += 1
            is_granted = self._changed.wait_for(lambda: self._serving >= ticket, timeout=self.patience)
            if not is_granted:
                self._skipped.add(ticket)
                self._advance_past_skipped()
            return is_granted

    @property
    def waiting(self) -> int:
        """How many threads wait behind the one whose turn it is."""
        with self._changed:
            return max(self._next_ticket - self._serving - 1 - len(self._skipped), 0)

    def give_back(self) -> None:
        """End the current turn; the next thread in line goes."""
        with self._changed:
            self._serving += 1
            self._advance_past_skipped()
            self._changed.notify_all()

    def _advance_past_skipped(self) -> None:
        while self._serving in self._skipped:
            self._skipped.discard(self._serving)
            self._serving += 1
        self._changed.notify_all()
