"""Reading the access log (compliance officers and admins, within their oversight) and purging it after retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, select

from ..errors import InvalidInput
from ..law import calendar
from ..store import audit
from ..store.access_log import DEFAULT_RETENTION_DAYS, entries, purge
from ..store.access_models import AccessLogEntry
from ..store.models import Case
from ..store.paging import Paged
from ..wiring import Wiring
from . import scope as oversight

MAX_PER_PAGE = 200


@dataclass(frozen=True)
class AccessEntry:
    """One read of one case: when, by whom (with the roles they had), through which surface, which classes shown."""

    id: int
    at: datetime
    username: str
    roles: tuple[str, ...]
    case_id: int
    case_reference: str | None
    surface: str
    target: str | None
    classifications: tuple[str, ...]


@dataclass(frozen=True)
class AccessPage(Paged):
    """One page of the access log, newest first."""

    entries: tuple[AccessEntry, ...]
    total: int
    page: int
    per_page: int


class AccessLogs:
    """The access log for overseers, and its purge. Composed into the facade as ``access_reviews``."""

    def __init__(self, wiring: Wiring) -> None:
        self._wiring = wiring

    def access_log(self, user_id: int, *, case_id: int | None = None, case_reference: str | None = None,
                   username: str | None = None, since: date | None = None, until: date | None = None,
                   page: int = 1, per_page: int = 50) -> AccessPage:
        """The reads of the cases the user oversees, newest first, filtered by case, reader and Brussels dates
        (both included).

        ``NotAllowed`` for anyone but compliance officers and admins; reads of cases outside their oversight are
        never listed (a case reference outside it gives an empty page). ``InvalidInput`` for a page below 1 or
        more than ``MAX_PER_PAGE`` rows per page.
        """
        if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
            raise InvalidInput("bad page", {"page": [f"1 or more, at most {MAX_PER_PAGE} rows per page"]})
        with self._wiring.database.unit_of_work() as session:
            user = oversight.require_overseer(session, user_id)
            overseen = select(Case.id).where(oversight.case_filter(user))
            conditions: list[Any] = [AccessLogEntry.case_id.in_(overseen)]
            if case_id is not None:
                conditions.append(AccessLogEntry.case_id == case_id)
            if case_reference:
                conditions.append(AccessLogEntry.case_id.in_(select(Case.id).where(Case.reference == case_reference)))
            if username:
                conditions.append(AccessLogEntry.username == username)
            if since is not None:
                conditions.append(AccessLogEntry.at >= calendar.day_start(since))
            if until is not None:
                conditions.append(AccessLogEntry.at < calendar.day_start(until + timedelta(days=1)))
            rows, total = entries(session, and_(*conditions), page=page, per_page=per_page)
            references = dict(session.execute(select(Case.id, Case.reference)
                                              .where(Case.id.in_({r.case_id for r in rows}))).all())
            return AccessPage(tuple(_entry(r, references.get(r.case_id)) for r in rows), total, page, per_page)

    def purge_access_log(self, *, retention_days: int = DEFAULT_RETENTION_DAYS,
                         actor: str = "system") -> int:
        """Delete the access log rows older than ``retention_days`` on the engine's clock; returns how many.

        Recorded as one ``access_log_purged`` event with the count in the ``audit`` stream. ``InvalidInput`` for
        a period below one day.
        """
        if retention_days < 1:
            raise InvalidInput("keep the access log at least one day", {"retention_days": ["1 or more"]})
        now = self._wiring.clock.now()
        with self._wiring.database.unit_of_work() as session:
            count = purge(session, now - timedelta(days=retention_days))
            audit.append(session, "audit", at=now, actor=actor, action="access_log_purged",
                         after={"deleted": count, "retention_days": retention_days})
            session.commit()
        return count


def _entry(row: AccessLogEntry, reference: str | None) -> AccessEntry:
    return AccessEntry(row.id, row.at, row.username, tuple(row.roles), row.case_id, reference, row.surface,
                       row.target, tuple(row.classifications))
