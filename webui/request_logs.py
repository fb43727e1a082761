"""Request ids and log lines: every request has an id, answered in ``X-Request-ID`` and carried by every log line.

The id is the client's or the reverse proxy's ``X-Request-ID`` when it is well-formed (letters, digits, ``.``,
``_``, ``:``, ``-``; at most 128), else a fresh one. It is kept in a context variable, so the engine's loggers,
which know nothing of Flask, carry it too. With ``REINTEGRA_LOG_FORMAT=json`` every line is one JSON object
(``timestamp``, ``level``, ``logger``, ``message``, ``request_id``; the access line adds ``method``, ``route``,
``status`` and ``duration_ms``); with ``text`` lines stay as people read them. The access line names the route's
rule (``/tasks/<int:item_id>``), never the path asked for, so no case id or query string is logged.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import datetime, timezone
from typing import IO

from flask import Flask, Response, g, request

HEADER = "X-Request-ID"
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
ACCESS_LOGGER = "reintegra.access"
ACCESS_FIELDS = ("method", "route", "status", "duration_ms")
FORMATS = ("text", "json")
JSON_COMMANDS = frozenset({"serve", "worker"})
"""The commands that log JSON unless ``REINTEGRA_LOG_FORMAT`` says otherwise: the production ones."""
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

access_log = logging.getLogger(ACCESS_LOGGER)
current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def register(app: Flask) -> None:
    """Give each request of ``app`` its id before anything else runs, and log one access line after it."""
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)
    app.after_request(_finish)
    app.teardown_request(_forget)


def request_id(asked: str | None) -> str:
    """The id asked for when it is well-formed, else a fresh one (32 hex digits)."""
    if asked and WELL_FORMED.fullmatch(asked):
        return asked
    return uuid.uuid4().hex


def _begin() -> None:
    g.request_id = request_id(request.headers.get(HEADER))
    g.request_token = current_request_id.set(g.request_id)
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    if started is None:  # a request refused before it began (none today): nothing to time
        return response
    response.headers[HEADER] = g.request_id
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    route = request.url_rule.rule if request.url_rule is not None else None
    access_log.info("%s %s %s %.1f ms", request.method, route or "(no route)", response.status_code, duration_ms,
                    extra={"method": request.method, "route": route, "status": response.status_code,
                           "duration_ms": duration_ms})
    return response


def _forget(_error: BaseException | None) -> None:
    token = g.pop("request_token", None)
    if token is not None:
        current_request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request being handled (None outside a request: the scheduler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; a traceback goes in ``exception``, inside the same object."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        entry |= {name: getattr(record, name) for name in ACCESS_FIELDS if hasattr(record, name)}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _Without(logging.Filter):
    """Drop the INFO lines of one logger: the other format's access lines."""

    def __init__(self, logger: str) -> None:
        super().__init__()
        self.logger = logger

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == self.logger and record.levelno == logging.INFO)


def handler(log_format: str, stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing ``log_format`` lines (``json`` or ``text``) with the request id.

    JSON carries our access line and drops the development server's (it names the raw path); text keeps the
    development server's, as ``make run`` always showed them, and drops ours.
    """
    if log_format not in FORMATS:
        raise ValueError(f"REINTEGRA_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {log_format!r}")
    made = logging.StreamHandler(stream)
    made.addFilter(RequestIdFilter())
    if log_format == "json":
        made.setFormatter(JsonFormatter())
        made.addFilter(_Without("werkzeug"))
    else:
        made.setFormatter(logging.Formatter(TEXT_FORMAT))
        made.addFilter(_Without(ACCESS_LOGGER))
    return made


def default_format(command: str | None) -> str:
    """``json`` for the production commands (``serve``, ``worker``), ``text`` for the others (``run``, ``init``)."""
    return "json" if command in JSON_COMMANDS else "text"


def configure(log_format: str) -> None:
    """Send the process's log lines to standard error in ``log_format``, at INFO (as ``logging.basicConfig``:
    nothing changes when the root logger already has a handler)."""
    logging.basicConfig(level=logging.INFO, handlers=[handler(log_format)])
    logging.getLogger("spiff").setLevel(logging.WARNING)  # one line per task state change drowns the rest
    # APScheduler logs two lines per job run, a heartbeat every few seconds among them; its warnings and the errors
    # of a failed job still show.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
