"""Case workers' inbox: the work items of my roles, riskiest first."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from .context import current_engine

bp = Blueprint("tasks", __name__)


@bp.get("/")
@login_required
def inbox():  # type: ignore[no-untyped-def]
    """List the ready work items of every role I hold, soonest due first."""
    eng = current_engine()
    items = [item for role in current_user.view.roles for item in eng.work_items(role=role)]
    items.sort(key=lambda item: (item.due_on is None, item.due_on, item.id))
    return render_template("tasks/inbox.html", items=items, today=eng.today())
