"""The notifications of each person (``Engine.notifications``): the bell's list, and the worker's two jobs that
make them (``sweep``) and mail them (``send_mail``). Who is told what: ``notifications``; mailing: ``mailing``."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update

from ..errors import NotFound
from ..law import calendar
from ..store import accounts, administration, audit, queries
from ..store.models import User
from ..store.paging import PER_PAGE, Paged, check_page
from ..store.paper_models import Notification
from ..store.views import UserView
from ..wiring import Wiring
from . import mailing, notifications
from .notifications import NotificationView

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotificationPage(Paged):
    """One page of a person's notifications, newest first, with how many there are and how many are unread."""

    rows: tuple[NotificationView, ...]
    total: int
    unread: int
    page: int
    per_page: int


class Notifications:
    """Each person's notifications; the sweep remembers, per process, how far it has looked."""

    def __init__(self, wiring: Wiring) -> None:
        self._wiring = wiring
        self._lock = threading.Lock()
        self._since: datetime | None = None
        self._near_checked_on: date | None = None

    def sweep(self, *, is_mailing: bool = False) -> int:
        """Make the notifications of the tasks that arrived, the terms that came near and the terms that expired
        since the previous sweep; returns how many. Each is made once, whatever runs twice.

        ``is_mailing``: whether mail is configured; without it the new notifications are for the bell only (their
        mail state is ``none``). ``ConcurrentUpdate`` when another worker made one of them at the same moment:
        nothing is kept, the next sweep makes the rest. Run by the scheduler, never inside a request.
        """
        with self._lock:
            now = self._wiring.clock.now()
            today = calendar.legal_date(now)
            with self._wiring.database.unit_of_work() as session:
                since = self._since or notifications.restart_point(session, now)
                since -= notifications.COMMIT_MARGIN
                telling = notifications.Telling(session, now, self._wiring.rules, is_mailing=is_mailing)
                items = telling.new_tasks(since)
                telling.missed_terms(since)
                telling.near_terms(None if self._near_checked_on != today else since, items)
                session.commit()
            self._since, self._near_checked_on = now, today
        return telling.made

    def send_mail(self, settings: mailing.MailSettings, composer: mailing.Composer) -> mailing.MailRun:
        """Mail the notifications that are due: single mails, then the digests whose hour has come.

        An SMTP failure is recorded on each notification (attempts, error, next attempt) and never raised; the
        notifications stay in the bell. ``Unavailable`` when the database cannot be reached.
        """
        sent = failed = 0
        for claim in (mailing.claim_single, mailing.claim_digests):
            with self._wiring.database.unit_of_work() as session:
                sendings = claim(session, self._wiring.clock.now())
                session.commit()
            outcomes = self._deliver(settings, composer, sendings)
            with self._wiring.database.unit_of_work() as session:
                for sending, error in zip(sendings, outcomes, strict=True):
                    mailing.record(session, sending, error, self._wiring.clock.now())
                session.commit()
            sent += outcomes.count(None)
            failed += len(outcomes) - outcomes.count(None)
        return mailing.MailRun(sent, failed)

    @staticmethod
    def _deliver(settings: mailing.MailSettings, composer: mailing.Composer,
                 sendings: list[mailing.Sending]) -> list[str | None]:
        composed: list[tuple[int, str, mailing.ComposedMail]] = []
        outcomes: list[str | None] = [None] * len(sendings)
        for index, sending in enumerate(sendings):
            try:
                mail = composer(sending.language, sending.notifications, is_digest=sending.is_digest)
            except Exception as err:  # the web layer's texts: a bug there fails this mail, never the others
                log.exception("composing the mail of notification(s) %s failed", list(sending.ids))
                outcomes[index] = f"composing failed: {type(err).__name__}"
                continue
            composed.append((index, sending.address, mail))
        delivered = mailing.deliver(settings, [(address, mail) for _, address, mail in composed])
        for (index, _, _), error in zip(composed, delivered, strict=True):
            outcomes[index] = error
        return outcomes

    def page(self, user_id: int, *, page: int = 1, per_page: int = PER_PAGE) -> NotificationPage:
        """One page of the user's notifications, newest first. ``InvalidInput`` for a bad page number."""
        check_page(page, per_page)
        with self._wiring.database.unit_of_work() as session:
            mine = Notification.user_id == user_id
            total = session.scalar(select(func.count(Notification.id)).where(mine)) or 0
            query = (select(Notification).where(mine).order_by(Notification.created_at.desc(), Notification.id.desc())
                     .offset((page - 1) * per_page).limit(per_page))
            rows = tuple(notifications.view(r) for r in session.scalars(query))
            return NotificationPage(rows, total, self._unread(session, user_id), page, per_page)

    def unread(self, user_id: int) -> int:
        """How many of the user's notifications are unread (the number on the bell)."""
        with self._wiring.database.unit_of_work() as session:
            return self._unread(session, user_id)

    @staticmethod
    def _unread(session, user_id: int) -> int:  # type: ignore[no-untyped-def]
        query = select(func.count(Notification.id)).where(Notification.user_id == user_id,
                                                          Notification.read_at.is_(None))
        return session.scalar(query) or 0

    def mark_read(self, user_id: int, notification_id: int) -> NotificationView:
        """Mark one of the user's notifications read; ``NotFound`` for another person's (never a hint)."""
        with self._wiring.database.unit_of_work() as session:
            row = session.get(Notification, notification_id)
            if row is None or row.user_id != user_id:
                raise NotFound(f"notification {notification_id} does not exist")
            row.read_at = row.read_at or self._wiring.clock.now()
            result = notifications.view(row)
            session.commit()
        return result

    def mark_all_read(self, user_id: int) -> int:
        """Mark every unread notification of the user read; returns how many."""
        with self._wiring.database.unit_of_work() as session:
            done = session.execute(update(Notification).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)).values(
                read_at=self._wiring.clock.now()).execution_options(synchronize_session=False))
            session.commit()
        return int(getattr(done, "rowcount", 0) or 0)

    def set_mail(self, user_id: int, *, email: str, preference: str) -> UserView:
        """Set the user's own e-mail address (empty: none) and how they want mail: each, digest or none.

        ``InvalidInput`` per field for an address that is no address or an unknown preference. Audited.
        """
        with self._wiring.database.unit_of_work() as session:
            user = queries.get(session, User, user_id, "user")
            before = {"email": user.email, "mail_preference": user.mail_preference}
            administration.set_mail(user, email, preference)
            after = {"email": user.email, "mail_preference": user.mail_preference}
            if after != before:
                audit.append(session, "accounts", at=self._wiring.clock.now(), actor=user.username,
                             action="mail_settings_changed", before=before, after=after)
            result = accounts.user_view(user)
            session.commit()
        return result
