"""Engine errors become HTTP answers: one handler per class."""

from __future__ import annotations

from flask import Flask, render_template

import engine

STATUS = {engine.NotFound: 404, engine.NotAllowed: 403, engine.Conflict: 409, engine.InvalidInput: 422,
          engine.InvalidModel: 422}


def register(app: Flask) -> None:
    """Install a handler per engine error class."""
    for error_class, status in STATUS.items():
        app.register_error_handler(error_class, _handler(status))


def _handler(status: int):  # type: ignore[no-untyped-def]
    def handle(error: engine.EngineError):  # type: ignore[no-untyped-def]
        return render_template("error.html", error=error, status=status), status

    return handle
