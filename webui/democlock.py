"""The demo clock: an admin moves the engine's clock forward to watch legal deadlines fire (demo mode only)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .context import current_engine

bp = Blueprint("demo", __name__)


@bp.get("/demo/clock")
@login_required
def clock():  # type: ignore[no-untyped-def]
    """Show the demo date and the form to move it."""
    current_engine().require_admin(current_user.view.id)
    return render_template("demo/clock.html")


@bp.post("/demo/clock")
@login_required
def move():  # type: ignore[no-untyped-def]
    """Move the clock forward by whole days and fire what fell due."""
    days = request.form.get("days", "")
    run = current_engine().move_clock(int(days) if days.isdigit() else 0, user_id=current_user.view.id)
    flash(_("The clock moved %(days)s day(s): %(fired)s timer(s) fired.", days=days, fired=run.timers_fired), "info")
    return redirect(url_for("demo.clock"))
