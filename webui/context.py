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
    """``target`` when it is a path on this site, else ``default`` (never redirect elsewhere)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
