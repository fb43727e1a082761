"""The bell: my notifications (a task arrived, a term is near or expired), newest first, and marking them read.

The number of unread ones is in the header of every page (``register``). Mails of the same notifications are sent
by the worker (``mail_texts``).
"""

from __future__ import annotations

from flask import Blueprint, Flask, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from . import mail_texts, page_links
from .context import current_engine, local_target

bp = Blueprint("notifications", __name__)


def register(app: Flask) -> None:
    """Give every page the number of the signed-in person's unread notifications (``unread_notifications``)."""
    app.context_processor(_unread)
    app.add_template_global(mail_texts.summary, "notification_summary")
    app.add_template_global(mail_texts.target, "notification_target")


def _unread() -> dict:
    if g.get("database_unavailable") or not current_user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": current_engine().notifications.unread(current_user.view.id)}


@bp.get("/notifications")
@login_required
def index():  # type: ignore[no-untyped-def]
    """List my notifications, newest first, a page at a time."""
    page = request.args.get("page", "1")
    shown = current_engine().notifications.page(current_user.view.id, page=int(page) if page.isdigit() else 1)
    return render_template("notifications/index.html", shown=shown, link=page_links.keeping("notifications.index", ()))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read(notification_id: int):  # type: ignore[no-untyped-def]
    """Mark one of my notifications read, then go where it leads (or back to the list)."""
    item = current_engine().notifications.mark_read(current_user.view.id, notification_id)
    if request.form.get("open") == "yes":
        return redirect(mail_texts.target(item))
    return redirect(local_target(request.form.get("next"), url_for("notifications.index")))


@bp.post("/notifications/read")
@login_required
def read_all():  # type: ignore[no-untyped-def]
    """Mark all my notifications read."""
    current_engine().notifications.mark_all_read(current_user.view.id)
    return redirect(url_for("notifications.index"))
