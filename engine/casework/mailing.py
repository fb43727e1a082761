"""Mailing the notifications: SMTP with the standard ``smtplib``, retries with back-off, and the daily digest.

Decisions (issue 17):
- Only the worker process sends (the scheduler's notification job), never a request: a slow or failed SMTP server
  never blocks a task completion. A sending is claimed first (``next_attempt_at`` moved a lease ahead and
  committed), then sent outside any transaction, then recorded; a worker that dies mid-way leaves the claim to
  expire, and another worker sends it (a rare second mail rather than a lost one).
- A failed sending records the attempt, the error and the next attempt: after 1, 5, 15 minutes, 1, 3 and then
  every 6 hours; after ``MAX_ATTEMPTS`` (about two days) it gives up (``failed``); the bell keeps it.
- A person who prefers the digest gets one mail a day at ``DIGEST_HOUR`` (Brussels) listing every notification
  made before that hour and not yet mailed; one made after it waits for the next day's digest.
- The recipient's address, language and preference are read when the mail is sent: a person who removed their
  address or chose no mail meanwhile is not mailed.
- The texts are the composer's (the web application's translations); the engine only sends what it composes.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..law import calendar
from ..store.models import User
from ..store.paper_models import Notification
from .notifications import NotificationView, view

SECURITIES = ("none", "starttls", "ssl")
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1),
                timedelta(hours=3), timedelta(hours=6))
"""The wait after the 1st, 2nd, ... failed attempt; the last one repeats."""
MAX_ATTEMPTS = 12
LEASE = timedelta(minutes=10)
"""How long a claimed sending is left to the worker that claimed it."""
DIGEST_HOUR = 7
"""The digest goes out every day at 07:00 in Brussels."""
BATCH = 100


@dataclass(frozen=True)
class MailSettings:
    """Where mail goes out: an SMTP server, its security (none, starttls or ssl) and the sender's address."""

    host: str
    port: int = 25
    sender: str = "reintegra@localhost"
    username: str | None = None
    password: str | None = None
    security: str = "none"
    timeout_seconds: float = 10.0

    def __post_init__(self) -> None:
        if self.security not in SECURITIES:
            raise ValueError(f"SMTP security must be one of {', '.join(SECURITIES)}, not {self.security!r}")


@dataclass(frozen=True)
class ComposedMail:
    """A mail's subject and plain-text body, written by the composer in the recipient's language."""

    subject: str
    body: str


class Composer(Protocol):
    """Writes the mail for one notification, or the digest of several, in ``language`` (nl, fr or en)."""

    def __call__(self, language: str, notifications: Sequence[NotificationView], *,
                 is_digest: bool) -> ComposedMail: ...


@dataclass(frozen=True)
class Sending:
    """One mail to send: the notifications it tells, to whom, in which language."""

    ids: tuple[int, ...]
    address: str
    language: str
    notifications: tuple[NotificationView, ...]
    is_digest: bool


@dataclass(frozen=True)
class MailRun:
    """What one run of the sending job did."""

    sent: int
    failed: int


def digest_cutoff(now: datetime) -> datetime:
    """The latest digest instant (``DIGEST_HOUR`` in Brussels) not after ``now``."""
    today = calendar.legal_date(now)
    at = datetime.combine(today, time(DIGEST_HOUR), calendar.BRUSSELS)
    return at if at <= now else datetime.combine(today - timedelta(days=1), time(DIGEST_HOUR), calendar.BRUSSELS)


def claim_single(session: Session, now: datetime) -> list[Sending]:
    """Claim the due single mails (the caller commits); rows whose person no longer wants one move on."""
    query = (select(Notification).where(Notification.mail_state == "pending", Notification.next_attempt_at <= now)
             .order_by(Notification.next_attempt_at, Notification.id).limit(BATCH).with_for_update(skip_locked=True))
    sendings = []
    for row in session.scalars(query):
        user = session.get(User, row.user_id)
        assert user is not None
        wanted = _wanted(user)
        if wanted != "each":
            row.mail_state = wanted
            continue
        row.next_attempt_at = now + LEASE
        sendings.append(Sending((row.id,), str(user.email), user.language, (view(row),), False))
    return sendings


def claim_digests(session: Session, now: datetime) -> list[Sending]:
    """Claim one digest per person for the notifications made before the latest digest hour (the caller commits)."""
    due = or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now)
    made_before = Notification.created_at < digest_cutoff(now)
    query = (select(Notification).where(Notification.mail_state == "digest", made_before, due)
             .order_by(Notification.user_id, Notification.id).limit(BATCH * 10).with_for_update(skip_locked=True))
    rows_of: dict[int, list[Notification]] = {}
    for row in session.scalars(query):
        rows_of.setdefault(row.user_id, []).append(row)
    sendings = []
    for user_id, rows in rows_of.items():
        user = session.get(User, user_id)
        assert user is not None
        wanted = _wanted(user)
        for row in rows:
            row.mail_state = "none" if wanted == "none" else "digest"
            row.next_attempt_at = now + LEASE
        if wanted != "none":
            sendings.append(Sending(tuple(r.id for r in rows), str(user.email), user.language,
                                    tuple(view(r) for r in rows), True))
    return sendings


def _wanted(user: User) -> str:
    """How the person wants mail now: ``each``, ``digest``, or ``none`` (also without an address, or disabled)."""
    if not user.is_active or not user.email or user.mail_preference not in ("each", "digest"):
        return "none"
    return user.mail_preference


def record(session: Session, sending: Sending, error: str | None, now: datetime) -> None:
    """Record a sending's outcome on its notifications: sent, or the attempt, its error and the next attempt."""
    for row in session.scalars(select(Notification).where(Notification.id.in_(sending.ids))):
        if error is None:
            row.mail_state, row.mail_sent_at, row.next_attempt_at, row.mail_error = "sent", now, None, None
            continue
        row.mail_attempts += 1
        row.mail_error = error[:1000]
        if row.mail_attempts >= MAX_ATTEMPTS:
            row.mail_state, row.next_attempt_at = "failed", None
        else:
            row.next_attempt_at = now + RETRY_DELAYS[min(row.mail_attempts, len(RETRY_DELAYS)) - 1]


def deliver(settings: MailSettings, mails: Sequence[tuple[str, ComposedMail]]) -> list[str | None]:
    """Send each (address, mail) over one SMTP connection; per mail None when accepted, else the error."""
    if not mails:
        return []
    try:
        connection = _connect(settings)
    except (OSError, smtplib.SMTPException) as err:
        return [_describe(err)] * len(mails)
    outcomes: list[str | None] = []
    try:
        for address, mail in mails:
            try:
                connection.send_message(_message(settings, address, mail))
                outcomes.append(None)
            except (OSError, smtplib.SMTPException) as err:
                outcomes.append(_describe(err))
    finally:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()
    return outcomes


def _connect(settings: MailSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        connection: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout_seconds,
                                                    context=ssl.create_default_context())
    else:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
        if settings.security == "starttls":
            connection.starttls(context=ssl.create_default_context())
    if settings.username:
        connection.login(settings.username, settings.password or "")
    return connection


def _message(settings: MailSettings, address: str, mail: ComposedMail) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, address, mail.subject
    message["Date"], message["Message-ID"] = formatdate(localtime=False), make_msgid(domain="reintegra")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body)
    return message


def _describe(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}"
