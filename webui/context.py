"""The engine of the running app, for views."""

from __future__ import annotations

from flask import current_app

import engine


def current_engine() -> engine.Engine:
    """The engine this app was built with."""
    return current_app.extensions["reintegra"]
