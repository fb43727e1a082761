"""The compliance cockpit: find process instances, the deadline compliance dashboard with its drill-down, and the
access log (who read which case)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

import engine

from . import page_links
from .context import current_engine
from .inputs import whole_number
from .trace import ACTIONS

bp = Blueprint("compliance", __name__, url_prefix="/compliance")

STATES = ("running", "completed", "failed")
OUTCOMES = ("due", "met", "missed", "near_miss", "pending", "corrected")
FILTERS = ("q", "process_id", "version", "state", "ended_with", "organisation", "started_from", "started_to",
           "has_missed_deadline")
LOG_FILTERS = ("case", "username", "since", "until")


@bp.get("/instances")
@login_required
def instances():  # type: ignore[no-untyped-def]
    """Find the instances of the cases I oversee, newest first, a page at a time."""
    eng = current_engine()
    filters, errors = _search(request.args)
    found = None if errors else eng.find_instances(user_id=current_user.view.id, **filters)
    if errors:
        eng.require_compliance_access(current_user.view.id)
    return render_template("compliance/instances.html", page=found, values=request.args, errors=errors,
                           procedures=_procedures(eng), states=STATES,
                           link=page_links.keeping("compliance.instances", FILTERS),
                           ends=eng.ends_reached(user_id=current_user.view.id),
                           organisations=eng.evaluated_employers(user_id=current_user.view.id),
                           actions=ACTIONS), 400 if errors else 200


@bp.get("/dashboard")
@login_required
def dashboard():  # type: ignore[no-untyped-def]
    """How the legal deadlines due in a period (this year by default) were kept, per rule."""
    eng = current_engine()
    values, errors = _period(request.args, eng.today())
    if errors:
        eng.require_compliance_access(current_user.view.id)
    board = None if errors else eng.deadline_dashboard(user_id=current_user.view.id, **values)
    return render_template("compliance/dashboard.html", board=board, values=values, errors=errors,
                           procedures=_procedures(eng), outcomes=OUTCOMES,
                           organisations=eng.evaluated_employers(user_id=current_user.view.id)), 400 if errors else 200


@bp.get("/dashboard/drilldown")
@login_required
def drilldown():  # type: ignore[no-untyped-def]
    """The deadlines behind one number of the dashboard."""
    eng = current_engine()
    values, errors = _period(request.args, eng.today())
    outcome, rule = request.args.get("outcome", ""), request.args.get("rule", "").strip()
    if outcome not in OUTCOMES:
        errors["outcome"] = _("Choose what to list.")
    if not rule:
        errors["rule"] = _("Choose a legal rule.")
    if errors:
        eng.require_compliance_access(current_user.view.id)
    rows = [] if errors else eng.dashboard_drilldown(user_id=current_user.view.id, rule=rule, outcome=outcome,
                                                     **values)
    return render_template("compliance/drilldown.html", rows=rows, values=values, rule=rule, outcome=outcome,
                           errors=errors), 400 if errors else 200


@bp.get("/access-log")
@login_required
def access_log():  # type: ignore[no-untyped-def]
    """Who read which case of the cases I oversee, newest first: by case reference, reader and dates."""
    eng = current_engine()
    errors: dict[str, str] = {}
    args = request.args
    filters: dict[str, Any] = {"case_reference": _text(args, "case"), "username": _text(args, "username"),
                               "since": _date(args, "since", errors), "until": _date(args, "until", errors),
                               "page": _number(args, "page", errors) or 1}
    if errors:
        eng.require_compliance_access(current_user.view.id)
    found = None if errors else eng.access_reviews.access_log(current_user.view.id, **filters)
    return render_template("compliance/access_log.html", page=found, values=request.args, errors=errors,
                           link=page_links.keeping("compliance.access_log", LOG_FILTERS)), 400 if errors else 200


def _search(args: MultiDict) -> tuple[dict[str, Any], dict[str, str]]:
    """The search filters from the query string, and a message per value that cannot be read."""
    errors: dict[str, str] = {}
    filters: dict[str, Any] = {
        "query": _text(args, "q"), "process_id": _text(args, "process_id"), "organisation": _text(args, "organisation"),
        "version": _number(args, "version", errors), "page": _number(args, "page", errors) or 1,
        "started_from": _date(args, "started_from", errors), "started_to": _date(args, "started_to", errors),
        "has_missed_deadline": {"yes": True, "no": False}.get(args.get("has_missed_deadline", "")),
    }
    state = _text(args, "state")
    if state is not None and state not in STATES:
        errors["state"] = _("Choose a state from the list.")
    filters["state"] = state
    _ended_with(args, filters, errors)
    return filters, errors


def _ended_with(args: MultiDict, filters: dict[str, Any], errors: dict[str, str]) -> None:
    """``ended_with`` is ``<process id>:<end event id>``: both become filters (the procedure's must agree)."""
    value = _text(args, "ended_with")
    if value is None:
        return
    process_id, _sep, end_event = value.partition(":")
    if not (process_id and end_event) or filters["process_id"] not in (None, process_id):
        errors["ended_with"] = _("Choose an end from the list, of the procedure chosen.")
        return
    filters.update(process_id=process_id, end_event=end_event)


def _period(args: MultiDict, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    """The dashboard's period (this year by default), organisation and procedure from the query string."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"period_from": _date(args, "period_from", errors) or date(today.year, 1, 1),
              "period_to": _date(args, "period_to", errors) or date(today.year, 12, 31),
              "organisation": _text(args, "organisation"), "process_id": _text(args, "process_id")}
    if values["period_from"] > values["period_to"]:
        errors["period_to"] = _("The period ends before it starts.")
    return values, errors


def _text(args: MultiDict, name: str) -> str | None:
    return args.get(name, "").strip() or None


def _number(args: MultiDict, name: str, errors: dict[str, str]) -> int | None:
    value = args.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        errors[name] = _("A whole number, 1 or more.")
        return None
    number = whole_number(value)
    if number is None:
        abort(404)
    return number


def _date(args: MultiDict, name: str, errors: dict[str, str]) -> date | None:
    value = args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = _("A date, like 2026-12-21.")
        return None


def _procedures(eng: engine.Engine) -> list[str]:
    return sorted({version.process_id for version in eng.definitions()})
