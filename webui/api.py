"""The REST API under /api/v1: the engine's case work for programs, with bearer tokens and JSON errors.

A token (issued on "My account") acts with the roles and organisations of its user; the session
cookie is never accepted here, so the API needs no CSRF token.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from flask import Blueprint, g, jsonify, request, url_for

import engine

from .context import current_engine
from .documents import attachment
from .errors import api_error
from .inputs import MAX_ID, whole_number
from .models import zip_download
from .openapi import document as openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC = {"api.openapi"}
START_FIELDS = {"process_id", "route", "data"}
COMMENT_FIELDS = {"body", "classification", "work_item_id"}


@bp.before_request
def authenticate():  # type: ignore[no-untyped-def]
    """Answer 401 unless the request carries a valid bearer token."""
    if request.endpoint in PUBLIC:
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = current_engine().token_user(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        return api_error("unauthorized", "send a valid API token as 'Authorization: Bearer <token>'", [], 401)
    g.api_user = user
    return None


def _user() -> engine.UserView:
    return g.api_user


def _body() -> dict:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # JSON nested thousands deep: Python's decoder gives up
        raise engine.InvalidInput("the request body is nested too deeply", {"_body": ["nested too deeply"]}) from None
    if not isinstance(body, dict):
        raise engine.InvalidInput("the request body must be a JSON object", {"_body": ["a JSON object"]})
    return body


def _field(body: dict, name: str, kind: type, default: Any = ...) -> Any:
    value = body.get(name, default)
    if value is ... or not isinstance(value, kind):
        raise engine.InvalidInput(f"'{name}' is missing or not a {kind.__name__}", {name: [f"a {kind.__name__}"]})
    return value


def _json(value: Any, status: int = 200):  # type: ignore[no-untyped-def]
    return jsonify(_plain(value)), status


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


@bp.get("/openapi.json")
def openapi():  # type: ignore[no-untyped-def]
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


@bp.get("/procedures")
def procedures():  # type: ignore[no-untyped-def]
    """The procedures of the catalogue and who may start them."""
    return _json(current_engine().procedures())


@bp.get("/cases")
def cases():  # type: ignore[no-untyped-def]
    """The cases my token may see, newest first, a page at a time (``limit``, ``cursor``; ``Link`` to the next)."""
    page = current_engine().cases_page(_user().id, surface="api", **_window())
    return _paged(page, "api.cases", {})


@bp.post("/cases")
def open_case():  # type: ignore[no-untyped-def]
    """Open a case (its legal follow-up starts with it)."""
    body = _body()
    try:
        first_day = date.fromisoformat(_field(body, "first_day_of_incapacity", str))
    except ValueError:
        raise engine.InvalidInput("bad date", {"first_day_of_incapacity": ["a date, YYYY-MM-DD"]}) from None
    case = current_engine().open_case(
        reference=_field(body, "reference", str), employee=_field(body, "employee", str),
        employer=_field(body, "employer", str), first_day_of_incapacity=first_day,
        parties=_field(body, "parties", dict, {}), actor=_user().username, user_id=_user().id)
    return _json(case, 201)


@bp.get("/cases/<int:case_id>")
def case_file(case_id: int):  # type: ignore[no-untyped-def]
    """A case file: procedures, deadlines, documents (the fields the reader may read), open tasks."""
    return _json(current_engine().case_file(case_id, _user().id, surface="api"))


@bp.get("/cases/<int:case_id>/deadlines")
def deadlines(case_id: int):  # type: ignore[no-untyped-def]
    """The legal deadlines of a case with their verdicts and days left."""
    return _json(current_engine().deadlines(case_id, user_id=_user().id, surface="api"))


@bp.route("/cases/<int:case_id>/documents", methods=["GET", "POST"])
def documents(case_id: int):  # type: ignore[no-untyped-def]
    """The letters and files of a case the token's user may read, newest first, and whether they may add one (GET);
    add a file (POST, multipart: ``file``, ``classification``, optional ``title`` and ``work_item_id``, the open task
    it belongs to, e.g. for a form field that holds a document). One rule for both methods (see ``comments``)."""
    if request.method == "GET":
        return _json(current_engine().case_documents.list(case_id, user_id=_user().id))
    sent, form = request.files.get("file"), request.form
    item = form.get("work_item_id")
    if item is not None and whole_number(item) is None:
        raise engine.InvalidInput("'work_item_id' must be an id", {"work_item_id": ["an integer from 1"]})
    document = current_engine().case_documents.upload(
        case_id, filename=(sent.filename or "") if sent else "", content=sent.read() if sent else b"",
        classification=form.get("classification", ""), title=form.get("title", ""),
        work_item_id=whole_number(item) if item is not None else None, user_id=_user().id)
    return _json(document, 201)


@bp.post("/drafts")
def import_draft():  # type: ignore[no-untyped-def]
    """Import a .bpmn file or a zip of BPMN and forms (multipart ``file``) into a new draft; the answer lists the
    problems a deploy of it would meet. Process owners and admins."""
    eng, sent = current_engine(), request.files.get("file")
    if sent is None:
        raise engine.InvalidInput("send the model as the multipart field 'file'", {"file": ["required"]})
    imported = eng.import_draft(sent.filename or "upload.bpmn", sent.read(), user_id=_user().id)
    draft = imported.draft
    problems = [{"element_id": p.element_id, "message": str(p.message), "code": getattr(p.message, "code", None),
                 "file": p.file, "line": p.line} for p in eng.validate_draft(draft.id, user_id=_user().id)]
    return _json({"id": draft.id, "process_id": draft.process_id, "based_on": draft.based_on,
                  "revision": draft.revision, "files": sorted(draft.files), "forms": sorted(draft.forms),
                  "made_executable": list(imported.made_executable), "problems": problems}, 201)


@bp.get("/versions/<int:definition_id>/archive")
def version_archive(definition_id: int):  # type: ignore[no-untyped-def]
    """A deployed version as a zip of its BPMN, forms and deadline rules; process owners and admins."""
    return zip_download(*current_engine().version_archive(definition_id, user_id=_user().id))


@bp.get("/cases/<int:case_id>/documents/<int:document_id>")
def document(case_id: int, document_id: int):  # type: ignore[no-untyped-def]
    """One document's bytes, always as an attachment; 404 when its class keeps it from the token's user. Audited."""
    return attachment(*current_engine().case_documents.download(case_id, document_id, user_id=_user().id))


@bp.route("/cases/<int:case_id>/comments", methods=["GET", "POST"])
def comments(case_id: int):  # type: ignore[no-untyped-def]
    """The comments of a case (or, with ``work_item_id``, of one of its tasks) the token's user may read, oldest
    first, and whether they may add one there (GET); add one (POST).

    One rule for both methods: with two, werkzeug answers a POST to an id beyond 2^31 - 1 with 405, not 404."""
    if request.method == "POST":
        return _add_comment(case_id)
    item = _query_number("work_item_id", 0) if "work_item_id" in request.args else None
    return _json(current_engine().case_comments.list(case_id, user_id=_user().id, work_item_id=item, surface="api"))


def _add_comment(case_id: int):  # type: ignore[no-untyped-def]
    """Add a comment to a case, or to one of its open tasks the token's user may act on (``work_item_id``)."""
    body = _body()
    unknown = sorted(set(body) - COMMENT_FIELDS)
    if unknown:
        raise engine.InvalidInput(f"unknown fields: {', '.join(unknown)}", {key: ["unknown field"] for key in unknown})
    item = body.get("work_item_id")
    if item is not None and (not isinstance(item, int) or isinstance(item, bool) or not 1 <= item <= MAX_ID):
        raise engine.InvalidInput("'work_item_id' must be an id", {"work_item_id": ["an integer from 1"]})
    added = current_engine().case_comments.add(case_id, body=_field(body, "body", str),
                                               classification=_field(body, "classification", str),
                                               work_item_id=item, user_id=_user().id)
    return _json(added, 201)


@bp.post("/cases/<int:case_id>/procedures")
def start(case_id: int):  # type: ignore[no-untyped-def]
    """Start a procedure (on a ``route`` with the data of its start form); 403 names the rule and the date it
    becomes allowed, 400 each field or key refused, 409 for a procedure that starts with the case."""
    body = _body()
    unknown = sorted(set(body) - START_FIELDS)
    if unknown:
        raise engine.InvalidInput(f"unknown fields: {', '.join(unknown)}", {key: ["unknown field"] for key in unknown})
    instance = current_engine().start(case_id, _field(body, "process_id", str), _field(body, "data", dict, {}),
                                      actor=_user().username, user_id=_user().id,
                                      route=_field(body, "route", str) if "route" in body else None)
    return _json(instance, 201)


@bp.post("/cases/<int:case_id>/messages")
def deliver(case_id: int):  # type: ignore[no-untyped-def]
    """Record an outside event and deliver it to the procedures waiting for it."""
    body = _body()
    delivery = current_engine().record_event(case_id, _field(body, "message", str), _field(body, "data", dict, {}),
                                             user_id=_user().id)
    return _json({**_plain(delivery), "is_delivered": delivery.is_delivered})


@bp.get("/work-items")
def work_items():  # type: ignore[no-untyped-def]
    """My inbox, a page at a time: filters role, process_id, claimed (mine, unclaimed), urgency (overdue, due_soon);
    sort; ``limit`` and ``cursor`` (the ``Link`` header names the pages before and after)."""
    filters = {key: request.args.get(key) or None for key in ("role", "process_id", "claimed", "urgency")}
    sort = request.args.get("sort") or "risk"
    page = current_engine().inbox_page(_user().id, **filters, sort=sort, **_window())
    return _paged(page, "api.work_items", {**filters, "sort": sort})


def _window() -> dict:
    """The ``limit`` and ``cursor`` of a listing's page."""
    return {"limit": _query_number("limit", engine.PER_PAGE), "cursor": request.args.get("cursor") or None}


def _paged(page: Any, endpoint: str, kept: dict):  # type: ignore[no-untyped-def]
    """A page's rows as a JSON array, with an RFC 8288 ``Link`` header to the pages before and after it."""
    response = jsonify(_plain(page.rows))
    links = [f'<{url_for(endpoint, **kept, limit=page.limit, cursor=cursor)}>; rel="{rel}"'
             for rel, cursor in (("prev", page.previous_cursor), ("next", page.next_cursor)) if cursor]
    if links:
        response.headers["Link"] = ", ".join(links)
    return response


@bp.get("/work-items/<int:item_id>")
def work_item(item_id: int):  # type: ignore[no-untyped-def]
    """A work item with its form schema (the fields I may fill) and the documents of its procedure (the fields I may
    read)."""
    return _json(current_engine().task(item_id, _user().id, surface="api"))


@bp.post("/work-items/<int:item_id>/claim")
def claim(item_id: int):  # type: ignore[no-untyped-def]
    """Claim a work item; 409 when a colleague has it."""
    return _json(current_engine().claim(item_id, _user().id))


@bp.post("/work-items/<int:item_id>/release")
def release(item_id: int):  # type: ignore[no-untyped-def]
    """Release a work item I claimed."""
    return _json(current_engine().release(item_id, _user().id))


@bp.post("/work-items/<int:item_id>/complete")
def complete(item_id: int):  # type: ignore[no-untyped-def]
    """Complete a work item; 400 per field for invalid data, 409 when already done or the instance changed."""
    body = _body()
    expected = body.get("expected_version")
    if expected is not None and not isinstance(expected, int):
        raise engine.InvalidInput("'expected_version' must be an integer", {"expected_version": ["an integer"]})
    instance = current_engine().complete(item_id, _field(body, "data", dict), actor=_user().username,
                                         expected_version=expected, user_id=_user().id)
    return _json(instance)


@bp.post("/work-items/<int:item_id>/late-act")
def late_act(item_id: int):  # type: ignore[no-untyped-def]
    """Record on a window's confirmation an act posted in time that arrived later; 403 after a termination."""
    instance = current_engine().record_late_act(item_id, _field(_body(), "data", dict), user_id=_user().id)
    return _json(instance)


@bp.get("/access-log")
def access_log():  # type: ignore[no-untyped-def]
    """Who read which case I oversee (compliance officers and admins), newest first; 403 for anyone else."""
    args = request.args
    page = current_engine().access_reviews.access_log(
        _user().id, case_reference=args.get("case") or None, username=args.get("username") or None,
        since=_query_date("since"), until=_query_date("until"), page=_query_number("page", 1),
        per_page=_query_number("per_page", 50))
    return _json({**_plain(page), "pages": page.pages})


def _query_date(name: str) -> date | None:
    value = request.args.get(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise engine.InvalidInput(f"'{name}' is not a date", {name: ["a date, YYYY-MM-DD"]}) from None


def _query_number(name: str, default: int) -> int:
    value = request.args.get(name)
    if value is None:
        return default
    number = whole_number(value)
    if number is None:
        raise engine.InvalidInput(f"'{name}' is not a whole number", {name: ["a whole number, 1 or more"]})
    return number


@bp.get("/subject-export")
def subject_export():  # type: ignore[no-untyped-def]
    """Everything held about a worker (GDPR art. 15): mine, or (overseers) a worker's by ``employee_account`` or
    ``case_id``; audited per case."""
    raw = request.args.get("case_id")
    if raw is not None and not (raw.isdigit() and len(raw) <= 10):
        raise engine.InvalidInput("'case_id' must be a positive integer", {"case_id": ["an integer"]})
    case_id = int(raw) if raw else None
    if case_id is not None and case_id > 2**31 - 1:
        raise engine.NotFound(f"case {case_id} does not exist")
    export = current_engine().subject_exports.subject_export(
        user_id=_user().id, case_id=case_id, employee_account=request.args.get("employee_account") or None)
    return _json(export.as_json())
