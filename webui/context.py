"""The engine of the running app and the reader's language, for views."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from flask_babel import get_locale

import engine


def current_engine() -> engine.Engine:
    """The engine this app was built with."""
    return current_app.extensions["reintegra"]


def language() -> str:
    """The language this page is drawn in: nl, fr or en."""
    return str(get_locale() or "en")


def local_target(target: str | None, default: str) -> str:
    r"""``target`` when it is a path on this site, else ``default`` (never redirect elsewhere).

    Browsers drop tabs and line breaks from a URL and read ``\`` as ``/``, so ``/\x``, ``/\t/x`` and ``/\r\n/x``
    all lead to another host: any control character, space or backslash makes the target refused."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(char) <= 32 or ord(char) == 127 for char in target):
        return default
    return target


CASE_WORK_ROLES = frozenset({"employer", "occupational_physician", "advisory_physician", "rtw_coordinator",
                             "regional_counsellor", "medical_inspector", "employee", "treating_physician"})


def home_url(roles: Iterable[str]) -> str:
    """Where a person's work is: case workers their inbox, process owners the workbench, compliance officers the
    deadline dashboard of the cockpit, administrators the accounts."""
    held = set(roles)
    if held & CASE_WORK_ROLES:
        return url_for("tasks.inbox")
    for role, endpoint in (("process_owner", "models.index"), ("compliance_officer", "compliance.dashboard"),
                           ("admin", "admin.accounts")):
        if role in held:
            return url_for(endpoint)
    return url_for("tasks.inbox")


def came_from() -> str | None:
    """The page of this site the person came from (the ``Referer``), when there is one other than this page."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    target = local_target(path, "")
    return target if target and target != request.full_path.rstrip("?") else None
