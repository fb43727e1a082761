"""The engine of the running app and the reader's language, for views."""

from __future__ import annotations

from flask import current_app
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
