"""The words of the notifications, in the bell and in the mails, in the reader's language (the same catalogue).

The worker hands the engine ``composer(app, base_url)``; the engine sends what it composes. A mail says what
happened (a task arrived, a term is near or expired), the task's name, the term (its number and title), the due
date and the case reference, with a link to the task or the case: never a form value, the worker's name or the
employer (a mailbox is read by more people than the application lets see a case).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Flask, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

import engine

from .labels import _day, element_name, rule_text

SECURITIES = ("none", "starttls", "ssl")


def summary(item: engine.NotificationView) -> str:
    """One line saying what happened, in the current language."""
    values = {"case": item.case_reference, "task": element_name(item.task) if item.task else "",
              "rule": item.rule or "", "title": rule_text(item.rule, "title", "") if item.rule else "",
              "due": _day(item.due_on)}
    if item.kind == "task":
        return _("New task in case %(case)s: %(task)s.", **values)
    if item.kind == "near":
        return _("Case %(case)s: the term %(rule)s (%(title)s) falls due on %(due)s.", **values)
    if item.is_supervision:
        return _("Case %(case)s: the term %(rule)s (%(title)s) expired on %(due)s (you supervise it).", **values)
    return _("Case %(case)s: the term %(rule)s (%(title)s) expired on %(due)s.", **values)


def target(item: engine.NotificationView, *, external: bool = False) -> str:
    """Where a notification leads: its task while it may still be done, else its case."""
    if item.work_item_id is not None and item.kind != "expired":
        return url_for("tasks.form", item_id=item.work_item_id, _external=external)
    if item.case_id is not None:
        return url_for("cases.file", case_id=item.case_id, _external=external)
    return url_for("notifications.index", _external=external)


def _subject(item: engine.NotificationView) -> str:
    values = {"case": item.case_reference, "rule": item.rule or ""}
    subjects = {"task": _("Reintegra: a new task in case %(case)s", **values),
                "near": _("Reintegra: the term %(rule)s of case %(case)s is near", **values),
                "expired": _("Reintegra: the term %(rule)s of case %(case)s expired", **values)}
    return subjects[item.kind]


def _body(notifications: Sequence[engine.NotificationView], is_digest: bool) -> str:
    lines = [_("Since your previous summary:"), ""] if is_digest else []
    for item in notifications:
        lines += [summary(item), target(item, external=True), ""]
    lines += [_("This mail holds no medical or personal data; sign in to read the case."),
              _("Choose which mails you receive on your account page: %(url)s",
                url=url_for("account.settings", _external=True))]
    return "\n".join(lines) + "\n"


def composer(app: Flask, base_url: str) -> engine.Composer:
    """The engine's composer: each mail in ``language``, its links under ``base_url``."""

    def compose(language: str, notifications: Sequence[engine.NotificationView], *,
                is_digest: bool) -> engine.ComposedMail:
        with app.test_request_context("/", base_url=base_url), force_locale(language):
            subject = (_("Reintegra: your daily summary (%(count)s)", count=len(notifications)) if is_digest
                       else _subject(notifications[0]))
            return engine.ComposedMail(subject, _body(notifications, is_digest))

    return compose


def mail_settings(config: Mapping[str, Any]) -> engine.MailSettings | None:
    """The SMTP settings from the app's config (``REINTEGRA_SMTP_*``); None when no host is set (no mail)."""
    host = str(config.get("SMTP_HOST") or "").strip()
    if not host:
        return None
    security = str(config.get("SMTP_SECURITY") or "none").strip().lower()
    if security not in SECURITIES:
        raise RuntimeError(f"REINTEGRA_SMTP_SECURITY must be one of {', '.join(SECURITIES)}")
    default_port = {"none": 25, "starttls": 587, "ssl": 465}[security]
    username = str(config.get("SMTP_USERNAME") or "") or None
    return engine.MailSettings(host=host, port=int(config.get("SMTP_PORT") or default_port),
                               sender=str(config.get("SMTP_FROM") or f"reintegra@{os.uname().nodename}"),
                               username=username, password=str(config.get("SMTP_PASSWORD") or "") or None,
                               security=security)


def base_url(config: Mapping[str, Any], default: str) -> str:
    """Where the links of the mails lead (``REINTEGRA_BASE_URL``), else ``default``."""
    return str(config.get("BASE_URL") or default).rstrip("/")
