"""The case file: parties, the procedures run for the case and its legal deadlines."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from .context import current_engine

bp = Blueprint("cases", __name__)


@bp.get("/cases/<int:case_id>")
@login_required
def file(case_id: int):  # type: ignore[no-untyped-def]
    """Show one case with its procedures and the timeline of its legal deadlines."""
    eng = current_engine()
    return render_template("cases/file.html", file=eng.case_file(case_id, current_user.view.id), today=eng.today())
