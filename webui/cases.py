"""Cases: my cases, opening one, its file, starting procedures and recording outside events."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import engine

from . import formfields, page_links
from .context import current_engine, language
from .errors import refusal_text
from .inputs import whole_number

bp = Blueprint("cases", __name__)

PARTY_FIELDS = ("prevention_service", "sickness_fund", "employee_account", "regional_service", "inspectorate",
                "treating_physician_account")


@bp.get("/cases")
@login_required
def index():  # type: ignore[no-untyped-def]
    """List the cases I may see, newest first, a page at a time: all, or those found by reference, worker or
    employer."""
    query = request.args.get("q", "").strip()
    found = current_engine().find_cases(current_user.view.id, query=query or None,
                                        cursor=request.args.get("cursor") or None,
                                        limit=whole_number(request.args.get("limit")) or engine.PER_PAGE)
    return render_template("cases/index.html", page=found, query=query, values=request.args,
                           link=page_links.with_cursor("cases.index", ("q", "limit")))


@bp.get("/cases/new")
@login_required
def new():  # type: ignore[no-untyped-def]
    """Show the form to open a case."""
    return render_template("cases/new.html", values={}, errors={})


@bp.post("/cases/new")
@login_required
def create():  # type: ignore[no-untyped-def]
    """Open a case (with its legal follow-up); re-show the form with errors when the data is refused."""
    values, errors = _case_form(request.form)
    if errors:
        return render_template("cases/new.html", values=request.form, errors=errors), 422
    try:
        case = current_engine().open_case(**values, actor=current_user.view.username, user_id=current_user.view.id)
    except engine.Conflict:
        errors = {"reference": [_("A case with this reference already exists.")]}
        return render_template("cases/new.html", values=request.form, errors=errors), 409
    except engine.NotAllowed:
        errors = {"employer": [_("You may open a case only for an employer you work for, or as the prevention "
                                 "service or sickness fund the case names for you.")]}
        return render_template("cases/new.html", values=request.form, errors=errors), 403
    flash(_("Case %(reference)s opened.", reference=case.reference), "info")
    return redirect(url_for("cases.file", case_id=case.id))


def _case_form(form) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    required = ("reference", "employee", "employer", "first_day_of_incapacity")
    errors = {name: [_("Required.")] for name in required if not form.get(name, "").strip()}
    try:
        first_day = date.fromisoformat(form.get("first_day_of_incapacity", ""))
    except ValueError:
        errors.setdefault("first_day_of_incapacity", [_("A date, like 2026-12-21.")])
        first_day = None
    parties = {name: form[name].strip() for name in PARTY_FIELDS if form.get(name, "").strip()}
    return {"reference": form.get("reference", "").strip(), "employee": form.get("employee", "").strip(),
            "employer": form.get("employer", "").strip(), "first_day_of_incapacity": first_day,
            "parties": parties}, errors


@bp.get("/cases/<int:case_id>")
@login_required
def file(case_id: int):  # type: ignore[no-untyped-def]
    """Show one case: procedures, what happens next, the legal deadlines, documents and my actions."""
    return _file_page(case_id, {}, {})


def _file_page(case_id: int, errors: dict, values: dict) -> str:
    """The case file; ``errors`` and ``values`` are keyed by the event or start form they belong to."""
    eng = current_engine()
    return render_template("cases/file.html", file=eng.case_file(case_id, current_user.view.id),
                           files=eng.case_documents.list(case_id, user_id=current_user.view.id), case_id=case_id,
                           back=url_for("cases.file", case_id=case_id) + "#files",
                           comments=eng.case_comments.list(case_id, user_id=current_user.view.id),
                           comments_back=url_for("cases.file", case_id=case_id) + "#comments",
                           event_fields=_event_fields, start_fields=_start_fields, errors=errors, values=values)


def _event_fields(option: engine.EventOption) -> list[formfields.Field]:
    return formfields.fields(option.schema, language())


def _start_fields(option: engine.StartOption) -> list[formfields.Field]:
    return formfields.fields(option.schema, language()) if option.schema else []


def _labels(schema: dict | None) -> dict[str, str]:
    """Field labels for error messages, with the case facts a start form's dates are checked against."""
    fields = formfields.fields(schema, language()) if schema else []
    return {"first_day_of_incapacity": _("First day of incapacity"), **{f.name: f.label for f in fields}}


@bp.post("/cases/<int:case_id>/procedures")
@login_required
def start(case_id: int):  # type: ignore[no-untyped-def]
    """Start a procedure (on a route, with its start form) for the case; a refusal names the rule and the date
    it becomes allowed; data the start form refuses re-shows the file with the errors next to the fields."""
    eng = current_engine()
    process_id, route = request.form.get("process_id", ""), request.form.get("route") or None
    schema = eng.start_form(process_id, route)
    data = formfields.data(schema, request.form) if schema else {}
    try:
        eng.start(case_id, process_id, data, actor=current_user.view.username, user_id=current_user.view.id,
                  route=route)
    except engine.NotAllowed as refused:
        flash(refusal_text(refused, is_linked=True), "error")
        return redirect(url_for("cases.file", case_id=case_id)), 303
    except engine.InvalidInput as err:
        key = f"{process_id}:{route}"
        return _file_page(case_id, {key: formfields.field_errors(err.fields, _labels(schema))},
                          {key: request.form}), 422
    flash(_("Procedure started."), "info")
    return redirect(url_for("cases.file", case_id=case_id))


@bp.post("/cases/<int:case_id>/events/<message>")
@login_required
def record(case_id: int, message: str):  # type: ignore[no-untyped-def]
    """Record an outside event; re-show the file with the errors next to the event's fields."""
    eng = current_engine()
    data = formfields.data(eng.event_schema(message), request.form)
    try:
        delivery = eng.record_event(case_id, message, data, user_id=current_user.view.id)
    except engine.InvalidInput as err:
        return _file_page(case_id, {message: formfields.field_errors(err.fields)}, {message: request.form}), 422
    flash(_("Event recorded.") if delivery.is_delivered
          else _("Event recorded; no procedure of this case was waiting for it."), "info")
    return redirect(url_for("cases.file", case_id=case_id))
