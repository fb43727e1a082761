"""Process owners move running instances between versions: preview, migrate one or all eligible, revert."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

import engine

from .context import current_engine
from .inputs import whole_number
from .problem_texts import message_text

bp = Blueprint("migrations", __name__, url_prefix="/models")


@bp.get("/migrate")
@login_required
def preview():  # type: ignore[no-untyped-def]
    """Every running instance of the old version: may it move to the new one, and what changes for it."""
    old, new = _versions(request.args)
    found = current_engine().migration_preview(old, new, user_id=current_user.view.id)
    return render_template("models/migrate.html", preview=found, reason=request.args.get("reason", ""))


@bp.post("/migrate")
@login_required
def migrate():  # type: ignore[no-untyped-def]
    """Migrate one instance (``instance``) or all eligible ones (``instance=all``) with a required reason."""
    old, new = _versions(request.form)
    reason, choice = request.form.get("reason", ""), request.form.get("instance", "all")
    chosen = None if choice == "all" else [_id(choice)]
    try:
        result = current_engine().migrate_instances(old, new, reason=reason, instance_ids=chosen,
                                                    user_id=current_user.view.id)
    except engine.InvalidInput:
        flash(_("Say why these instances move: a migration needs a reason."), "error")
        found = current_engine().migration_preview(old, new, user_id=current_user.view.id)
        return render_template("models/migrate.html", preview=found, reason=reason, reason_missing=True), 422
    flash(ngettext("%(num)s instance moved.", "%(num)s instances moved.", len(result.moved)), "info")
    if result.refused:
        refused = ", ".join(move.case_reference for move in result.refused)
        flash(_("Not moved (see why in the preview): %(cases)s.", cases=refused), "error")
    return redirect(url_for("migrations.history", process_id=_process_of(result, old)))


@bp.get("/migrations")
@login_required
def history():  # type: ignore[no-untyped-def]
    """The migrations done, newest first, each with a revert form."""
    process_id = request.args.get("process_id") or None
    found = current_engine().migrations(process_id, user_id=current_user.view.id)
    return render_template("models/migrations.html", migrations=found, process_id=process_id)


@bp.post("/migrations/<int:migration_id>/revert")
@login_required
def revert(migration_id: int):  # type: ignore[no-untyped-def]
    """Undo one migration, with a required reason; a refusal says why and changes nothing."""
    eng = current_engine()
    try:
        done = eng.revert_migration(migration_id, reason=request.form.get("reason", ""),
                                    user_id=current_user.view.id)
    except engine.InvalidInput:
        flash(_("Say why this migration is undone: a revert needs a reason."), "error")
        return redirect(url_for("migrations.history"))
    except engine.Conflict as err:
        flash(_("Not reverted: %(why)s", why=message_text(err.message)), "error")
        return redirect(url_for("migrations.history"))
    flash(_("Case %(case)s is back on version %(version)s.", case=done.case_reference, version=done.from_version),
          "info")
    return redirect(url_for("migrations.history", process_id=done.process_id))


def _versions(values) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    old, new = values.get("old", ""), values.get("new", "")
    return _id(old), _id(new)


def _id(raw: str) -> int:
    """An id from a form: 400 unless a whole number, 404 beyond the largest id."""
    if not raw.isdigit():
        abort(400)
    return whole_number(raw) or abort(404)


def _process_of(result: engine.MigrationResult, old: int) -> str | None:
    if result.moved:
        return result.moved[0].process_id
    return next((v.process_id for v in current_engine().definitions() if v.id == old), None)
