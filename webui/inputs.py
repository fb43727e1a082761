"""Refuse at the edge what the database would refuse with an error: NUL characters, over-long names, huge ids.

PostgreSQL stores no NUL character and no string longer than its column, and its integer ids stop at 2^31 - 1;
SQLite takes all three. Both databases must answer alike: a field message (400) for a string, 404 for an id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, render_template, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from .errors import api_error, is_api

MAX_ID = 2**31 - 1
LIMITS = {"reference": 100, "employee": 200, "employer": 200, "username": 100, "display_name": 200,
          "label": 100, "process_id": 100, "route": 100, "message": 100, "password": 1000}
"""The longest text a field of these names may hold: the length of the column it is stored in."""
_DIGITS = re.compile(r"[0-9]{1,10}")


class IdConverter(IntegerConverter):
    """``<int:...>`` in a URL: a database id, so from 0 to 2^31 - 1; a larger number is a page that does not exist."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def whole_number(raw: str | None) -> int | None:
    """``raw`` as an id-sized whole number (ASCII digits, at most 2^31 - 1), else None."""
    text = (raw or "").strip()
    if not _DIGITS.fullmatch(text) or int(text) > MAX_ID:
        return None
    return int(text)


def register(app: Flask) -> None:
    """Make ``<int:...>`` an id in every URL (call before the blueprints) and check every request's values."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_bad_values)


def refuse_bad_values():  # type: ignore[no-untyped-def]
    """Answer 400 naming the first field that holds a NUL character or is longer than its column."""
    try:
        body = request.get_json(silent=True) if request.is_json else None
    except RecursionError:
        return _refusal("_body", _("The JSON is nested too deeply."))
    for field, value in _values(body):
        message = _problem(field, value)
        if message:
            return _refusal(field, message)
    return None


def _problem(field: str, value: str) -> str | None:
    if "\x00" in value or "\x00" in field:
        return _("Contains a NUL character, which no field may hold.")
    limit = LIMITS.get(field)
    if limit is not None and len(value) > limit:
        return _("At most %(num)s characters.", num=limit)
    return None


def _values(body: Any) -> Iterator[tuple[str, str]]:
    for name, value in (request.view_args or {}).items():
        yield name, str(value)
    for values in (request.args, request.form):
        yield from values.items(multi=True)
    for name, upload in request.files.items(multi=True):
        yield name, upload.filename or ""
    yield from _json_values(body)


def _json_values(body: Any) -> Iterator[tuple[str, str]]:
    """Every string of a JSON body, and every key (as a name with an empty value), without recursion."""
    pending: list[tuple[str, Any]] = [("", body)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            yield path or "_body", value
        elif isinstance(value, dict):
            for key, item in value.items():
                name = f"{path}.{key}" if path else str(key)
                yield name, ""
                pending.append((name, item))
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", item) for index, item in enumerate(value))


def _refusal(field: str, message: str):  # type: ignore[no-untyped-def]
    shown = field.replace("\x00", "\\0")
    if is_api():
        return api_error("invalid_input", f"'{shown}': {message}", [{"field": shown, "messages": [message]}], 400)
    return render_template("error.html", error=None, text=f"{shown}: {message}", status=400), 400
