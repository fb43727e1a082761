"""Four eyes on deploys: a draft's review page (the changes from the running version and the validation result)
and a second process owner's approval of the revision they reviewed (rules: ``engine.modelling.four_eyes``)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import engine

from .context import current_engine
from .inputs import whole_number

bp = Blueprint("reviews", __name__, url_prefix="/models/drafts")


@bp.get("/<int:draft_id>/review")
@login_required
def review(draft_id: int):  # type: ignore[no-untyped-def]
    """What a second process owner reviews before approving a draft: its changes and its problems."""
    return _review_page(draft_id)


@bp.post("/<int:draft_id>/approve")
@login_required
def approve(draft_id: int):  # type: ignore[no-untyped-def]
    """Approve the reviewed revision of a draft for its deploy."""
    revision = whole_number(request.form.get("revision", ""))
    try:
        approval = current_engine().reviews.approve(draft_id, revision=-1 if revision is None else revision,
                                                    comment=request.form.get("comment", ""),
                                                    user_id=current_user.view.id)
    except engine.InvalidModel:
        flash(_("A draft with problems cannot be approved."), "error")
        return _review_page(draft_id, 422)
    flash(_("Revision %(revision)s of draft %(draft)s is approved; another process owner than you may deploy it.",
            revision=approval.revision, draft=draft_id), "info")
    return redirect(url_for("reviews.review", draft_id=draft_id))


def _review_page(draft_id: int, status: int = 200):  # type: ignore[no-untyped-def]
    found = current_engine().reviews.review(draft_id, user_id=current_user.view.id)
    changes = found.changes
    result = changes.comparison if changes else None
    rows = [{"element_id": c.element_id, "kind": c.kind, "file": c.file}
            for c in (result.changes if isinstance(result, engine.Comparison) else ()) if c.file]
    return render_template("models/review.html", review=found, draft=found.draft, compared=changes,
                           changes=rows), status
