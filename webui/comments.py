"""Comments on a case and on its tasks: the form under the list, and refusals said at the form."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import engine

from .context import current_engine, local_target
from .inputs import whole_number
from .problem_texts import message_text

bp = Blueprint("comments", __name__)
REFUSED = "comment-error"
"""The flash category of a refused comment: the comment form shows it, not the top of the page."""


@bp.post("/cases/<int:case_id>/comments")
@login_required
def add(case_id: int):  # type: ignore[no-untyped-def]
    """Add a comment to the case, or to one of its tasks; a refusal is said at the comment form (``REFUSED``)."""
    back = local_target(request.form.get("next"), url_for("cases.file", case_id=case_id) + "#comments")
    try:
        current_engine().case_comments.add(
            case_id, body=request.form.get("body", ""), classification=request.form.get("classification", ""),
            work_item_id=whole_number(request.form.get("work_item_id")), user_id=current_user.view.id)
    except engine.InvalidInput as refused:
        for message in [m for messages in refused.fields.values() for m in messages] or [refused.message]:
            flash(_("The comment was not added: %(reason)s", reason=message_text(message)), REFUSED)
        return redirect(back)
    flash(_("Your comment was added."), "info")
    return redirect(back)
