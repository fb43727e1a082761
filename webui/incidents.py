"""Incidents: instances stopped by an error, for process owners and compliance officers to retry or move on."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import engine

from .context import current_engine

bp = Blueprint("incidents", __name__, url_prefix="/incidents")
STATES = ("open", "resolved")


@bp.get("")
@login_required
def index():  # type: ignore[no-untyped-def]
    """The open incidents (or the resolved ones) of the cases I may repair, newest first."""
    state = request.args.get("state", "open")
    if state not in STATES:
        abort(400)
    found = current_engine().incidents.find(user_id=current_user.view.id, state=state)
    return render_template("incidents/index.html", incidents=found, state=state, states=STATES)


@bp.post("/<int:incident_id>/retry")
@login_required
def retry(incident_id: int):  # type: ignore[no-untyped-def]
    """Try the instance again now; the answer says whether it runs again."""
    found = current_engine().incidents.retry(incident_id, user_id=current_user.view.id,
                                             reason=request.form.get("reason", "").strip())
    if found.state == "resolved":
        flash(_("Instance %(num)s runs again; the incident is resolved.", num=found.instance_id), "info")
    else:
        flash(_("Instance %(num)s failed again: %(error)s", num=found.instance_id, error=found.message), "error")
    return redirect(url_for("incidents.index"))


@bp.post("/<int:incident_id>/move-on")
@login_required
def move_on(incident_id: int):  # type: ignore[no-untyped-def]
    """Cancel the failed instance with a reason, so the case moves on without it."""
    try:
        found = current_engine().incidents.move_on(incident_id, user_id=current_user.view.id,
                                                   reason=request.form.get("reason", ""))
    except engine.InvalidInput:
        flash(_("Say why the instance is cancelled: moving on needs a reason."), "error")
        return redirect(url_for("incidents.index"))
    flash(_("Instance %(num)s is cancelled; the incident is resolved.", num=found.instance_id), "info")
    return redirect(url_for("incidents.index"))
