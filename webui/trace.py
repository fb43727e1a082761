"""Compliance tracing: one instance on its own diagram version, and checks of the audit trail."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, login_required

from .context import current_engine
from .evidence import anchor_store
from .inputs import whole_number

bp = Blueprint("trace", __name__, url_prefix="/compliance")

ACTIONS = {
    "started": lazy_gettext("Started the procedure"),
    "task_completed": lazy_gettext("Completed a task"),
    "timers_fired": lazy_gettext("A legal term expired"),
    "message_received": lazy_gettext("Received a message"),
    "work_item_claimed": lazy_gettext("Claimed a task"),
    "work_item_released": lazy_gettext("Released a task"),
    "medical_data_read": lazy_gettext("Read medical data (field names only are recorded)"),
    "migrated": lazy_gettext("Moved to another version"),
    "migration_reverted": lazy_gettext("Move to another version undone"),
    "timer_failed": lazy_gettext("A legal term could not be processed: the instance stopped"),
    "incident_retried": lazy_gettext("Incident resolved: the instance was retried and runs again"),
    "incident_moved_on": lazy_gettext("Incident resolved by moving on: the instance was cancelled"),
    "late_act_recorded": lazy_gettext("Recorded an act posted in time"),
    "deadline_verdict_corrected": lazy_gettext("Corrected the verdict on a legal term"),
    "instance_pseudonymised": lazy_gettext("Pseudonymised the records"),
    "fact_recorded": lazy_gettext("Recorded a dated fact of the case"),
}
"""The last event of an instance in the list of instances (the trace tells each event in a sentence: ``records``)."""
SCOPES = ("instance", "case", "all")


@bp.get("/instances/<int:instance_id>")
@login_required
def instance(instance_id: int):  # type: ignore[no-untyped-def]
    """The instance drawn on its own version, its timeline, its deadlines with verdicts, and chain checks."""
    trace = current_engine().instance_trace(instance_id, user_id=current_user.view.id)
    return render_template("compliance/trace.html", trace=trace)


@bp.post("/verify")
@login_required
def verify():  # type: ignore[no-untyped-def]
    """Check the hash chains of an instance, a case or the whole database; the check is recorded."""
    scope, ident, back = request.form.get("scope", ""), request.form.get("ident", ""), request.form.get("back", "")
    if scope not in SCOPES or not (ident.isdigit() or scope == "all") or not back.isdigit():
        abort(400)
    if whole_number(back) is None or (scope != "all" and whole_number(ident) is None):
        abort(404)
    result = current_engine().verify_trail(user_id=current_user.view.id, scope=scope,
                                           ident=int(ident) if ident.isdigit() else None)
    if result.is_intact:
        flash(_("The audit trail is intact: %(num)s events checked.", num=result.events_checked), "info")
    else:
        flash(_("The audit trail is broken at %(link)s (%(num)s events were intact before it).",
                link=result.broken, num=result.events_checked), "error")
    if scope == "all":
        _flash_anchor(current_user.view.username)
    flash(_("This check was recorded in the compliance audit trail."), "info")
    return redirect(url_for("trace.instance", instance_id=int(back)))


def _flash_anchor(username: str) -> None:
    """Compare the whole database with the newest checkpoint kept outside it, when checkpoints are kept."""
    store = anchor_store()
    latest = store.latest() if store is not None else None
    if store is None or latest is None:
        flash(_("No checkpoint kept outside the database was found to compare with."), "info")
        return
    check = current_engine().verify_anchor(latest, store.key, actor=username)
    if check.is_intact:
        flash(_("The database matches the checkpoint %(file)s kept outside it (%(num)s streams).",
                file=check.anchor, num=check.streams_checked), "info")
    else:
        flash(_("The database differs from the checkpoint %(file)s kept outside it: %(problem)s",
                file=check.anchor, problem=check.broken), "error")
