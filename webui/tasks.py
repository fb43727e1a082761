"""Case workers' inbox: the work items of my roles, riskiest first."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

import engine

from . import formfields
from .context import current_engine

bp = Blueprint("tasks", __name__)


@bp.get("/")
@login_required
def inbox():  # type: ignore[no-untyped-def]
    """List the ready work items of every role I hold, soonest due first."""
    eng = current_engine()
    chosen = {key: request.args.get(key) or None for key in ("role", "process_id", "claimed")}
    items = eng.inbox(current_user.view.id, **chosen)
    procedures = sorted({i.process_id for i in eng.inbox(current_user.view.id) if i.process_id})
    return render_template("tasks/inbox.html", items=items, today=eng.today(), chosen=chosen, procedures=procedures)


@bp.get("/tasks/<int:item_id>")
@login_required
def form(item_id: int):  # type: ignore[no-untyped-def]
    """Show a task's form with the legal term that governs it."""
    item, schema = current_engine().work_item(item_id, current_user.view.id)
    return _render(item, schema, {}, {})


@bp.post("/tasks/<int:item_id>")
@login_required
def submit(item_id: int):  # type: ignore[no-untyped-def]
    """Complete a task; re-show the form with the errors next to the fields when the data is refused."""
    eng = current_engine()
    item, schema = eng.work_item(item_id, current_user.view.id)
    values = formfields.data(schema, request.form)
    try:
        eng.complete(item_id, values, actor=current_user.view.username, user_id=current_user.view.id)
    except engine.InvalidInput as err:
        return _render(item, schema, request.form, err.fields), 422
    flash(_("Task completed: %(name)s.", name=item.name), "info")
    return redirect(url_for("tasks.inbox"))


def _render(item: engine.WorkItemView, schema: dict, values: Mapping, errors: dict):  # type: ignore[no-untyped-def]
    language = str(get_locale() or "en")
    title = (schema.get("x-title") or {}).get(language, item.name)
    return render_template("tasks/form.html", item=item, title=title, values=values, errors=errors,
                           fields=formfields.fields(schema, language))


@bp.post("/tasks/<int:item_id>/claim")
@login_required
def claim(item_id: int):  # type: ignore[no-untyped-def]
    """Take a task so colleagues do not work on it too."""
    current_engine().claim(item_id, current_user.view.id)
    return redirect(url_for("tasks.inbox"))


@bp.post("/tasks/<int:item_id>/release")
@login_required
def release(item_id: int):  # type: ignore[no-untyped-def]
    """Give a task back to the team."""
    current_engine().release(item_id, current_user.view.id)
    return redirect(url_for("tasks.inbox"))
