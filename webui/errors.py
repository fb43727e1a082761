"""Engine errors become HTTP answers: one handler per class, HTML for pages and JSON under /api/."""

from __future__ import annotations

from datetime import date

from flask import Flask, g, jsonify, make_response, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup, escape

import engine

from .labels import element_name, procedure_title
from .problem_texts import message_text

STATUS = {engine.NotFound: 404, engine.NotAllowed: 403, engine.Conflict: 409, engine.InvalidInput: 422,
          engine.InvalidModel: 422, engine.Unavailable: 503, engine.EngineError: 422}
"""By class; an engine error of no class here answers as its nearest class above, at worst ``EngineError``: never
a 500."""
API_STATUS = {**STATUS, engine.InvalidInput: 400, engine.InvalidModel: 400}
RETRY_AFTER_SECONDS = 5
"""What a 503 (the database cannot be reached) tells clients to wait before trying again."""


def register(app: Flask) -> None:
    """Install a handler per engine error class, and JSON answers for HTTP errors under /api/."""
    for error_class in STATUS:
        app.register_error_handler(error_class, _handle)
    for status in (400, 401, 403, 404, 405, 415, 429, 500):
        app.register_error_handler(status, _http_error)
    app.add_template_global(refusal_sentence, "refusal_sentence")


def _handle(error: engine.EngineError):  # type: ignore[no-untyped-def]
    if isinstance(error, engine.Unavailable):
        g.database_unavailable = True  # the error page must not ask the database who is signed in
    if is_api():
        status = _status(error, API_STATUS)
        response = make_response(api_error(error.code, _api_message(error), _details(error), status))
    else:
        status = _status(error, STATUS)
        problems = problem_lines(error.problems) if isinstance(error, engine.InvalidModel) else []
        response = make_response(render_template("error.html", error=error, text=_text(error), status=status,
                                                 reasons=_reasons(error), problems=problems), status)
    if isinstance(error, engine.Unavailable):
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _api_message(error: engine.EngineError) -> str:
    """English for the REST API (its clients translate by code); the reader's language for the pages' own JSON
    calls (the modeler shows the message as it comes)."""
    return error.message if request.path.startswith("/api/") else message_text(error.message)


def _status(error: engine.EngineError, statuses: dict) -> int:
    """The status of the error's class, or of the nearest class above it (a ``ConcurrentUpdate`` is a 409)."""
    return next(statuses[cls] for cls in type(error).__mro__ if cls in statuses)


def _http_error(error):  # type: ignore[no-untyped-def]
    status = getattr(error, "code", 500) or 500
    if is_api():
        return api_error(getattr(error, "name", "error").lower().replace(" ", "_"),
                         getattr(error, "description", "internal error"), [], status)
    return error if status != 500 else (render_template("error.html", error=None, text=_("Something went wrong."),
                                                        status=500), 500)


def is_api() -> bool:
    """Whether this request wants JSON: the REST API always, and the pages' own JSON calls (the modeler)."""
    wants_json = request.accept_mimetypes.best == "application/json"
    return request.path.startswith("/api/") or request.is_json or wants_json


def api_error(code: str, message: str, details: list, status: int):  # type: ignore[no-untyped-def]
    """The one shape of every API error: ``{"error": code, "message": ..., "details": [...]}``."""
    return jsonify({"error": code, "message": message, "details": details}), status


def _details(error: engine.EngineError) -> list:
    if isinstance(error, engine.InvalidInput):
        return [{"field": name, "messages": messages} for name, messages in error.fields.items()]
    if isinstance(error, engine.InvalidModel):
        return [{"element": p.element_id, "message": p.message} for p in error.problems]
    return list(error.details or [])


def _text(error: engine.EngineError) -> str:
    if isinstance(error, engine.NotAllowed) and _rule(error):
        return refusal_text(error, is_linked=True)
    return {
        "not_found": _("This page does not exist, or it is not yours to see."),
        "not_allowed": _("You are not allowed to do this."),
        "conflict": _("Someone else changed this in the meantime. Reload the page and try again."),
        "invalid_input": _("The data was refused."),
        "invalid_model": _("The model was refused."),
        "unavailable": _("The database cannot be reached at the moment. Try again in a few seconds."),
    }.get(error.code, _("Something went wrong."))


def _reasons(error: engine.EngineError) -> list[str]:
    """Why the engine refused, in the reader's language, when its own message is coded (its problems are listed
    apart, ``problem_lines``). An uncoded message is English for logs, and may name what a reader should not see,
    so the page leaves it out."""
    return [message_text(error.message)] if isinstance(error.message, engine.Coded) else []


def problem_lines(problems: list[engine.Problem]) -> list[dict[str, str]]:
    """Each problem of a refused or failed model as a page shows it: the element's id and name (in the reader's
    language) and the reason in plain words (a generic one for an uncoded message, which is English for logs)."""
    return [{"element": p.element_id or "", "name": element_name(p.extra.get("name")) if p.extra else "",
             "reason": message_text(p.message) if isinstance(p.message, engine.Coded)
             else _("the diagram cannot go on here; the server log holds the details")} for p in problems]


def _rule(error: engine.EngineError) -> dict | None:
    return next((d for d in error.details or [] if isinstance(d, dict) and "rule" in d), None)


def refusal_text(error: engine.NotAllowed, *, is_linked: bool = False) -> str:
    """A refusal to start a procedure in the reader's language: the rule and from when it is allowed, else the
    engine's coded reason (no role of the reader may start it).

    ``is_linked``: the rule id links to its section of the legal reference (``/law#T36``); the text is then
    ``Markup``, every other part escaped."""
    rule = _rule(error)
    if rule is None:
        coded = isinstance(error.message, engine.Coded)
        return message_text(error.message) if coded else _("You are not allowed to do this.")
    return refusal_sentence(rule, is_linked=is_linked)


def refusal_sentence(rule: dict, *, is_linked: bool = False) -> str:
    """The rule that forbids an act now, and what would allow it: a date, the end of a named procedure, or more.

    ``is_linked``: the rule id links to its section of the legal reference; the text is then ``Markup``."""
    name: str = rule["rule"]
    if is_linked:
        name = Markup('<a href="{}">{}</a>').format(url_for("law.reference", _anchor=name), name)
    template, values = _refusal_template(rule)
    return (escape(template) if is_linked else template) % {"rule": name, **values}


def _refusal_template(rule: dict) -> tuple[str, dict]:
    if rule.get("allowed_from"):
        day = format_date(date.fromisoformat(rule["allowed_from"]), "dd/MM/yyyy")
        return _("Not allowed now under rule %(rule)s; allowed from %(day)s."), {"day": day}
    if rule.get("blocking_process"):
        return (_("Not allowed now under rule %(rule)s: %(procedure)s (instance %(instance)s) is running; allowed "
                  "once it has ended."),
                {"procedure": procedure_title(rule["blocking_process"]), "instance": rule.get("blocking_instance")})
    if rule.get("abandoned_instance"):
        return (_("Not allowed now under rule %(rule)s: a force-majeure procedure (instance %(instance)s) was "
                  "abandoned for no response in this period of incapacity; allowed once a new period of incapacity "
                  "has begun."), {"instance": rule["abandoned_instance"]})
    if rule.get("route"):
        return _("Not allowed by this route under rule %(rule)s."), {}
    if rule["rule"] == "0.7":
        return _("Not allowed now under rule %(rule)s; allowed once the other procedure has ended."), {}
    return _("Not allowed now under rule %(rule)s."), {}
