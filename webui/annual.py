"""The annual evaluation of an employer's re-integration policy: a page, and the same as a document to keep."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from .context import current_engine

bp = Blueprint("annual", __name__, url_prefix="/compliance")


@bp.get("/annual")
@login_required
def evaluation():  # type: ignore[no-untyped-def]
    """Pick an employer and a year; show its evaluation (``download=1``: as a self-contained document)."""
    eng, user_id = current_engine(), current_user.view.id
    employers = eng.evaluated_employers(user_id=user_id)
    employer, year = request.args.get("employer", ""), request.args.get("year", "")
    if not year:
        year = str(eng.today().year - 1)
    if not year.isdigit() or not 2000 <= int(year) <= 2100:
        abort(400)
    report = eng.annual_evaluation(employer, int(year), user_id=user_id) if employer else None
    if report is not None and request.args.get("download"):
        page = render_template("compliance/annual_document.html", report=report)
        filename = f"annual-evaluation-{int(year)}.html"
        return page, 200, {"Content-Disposition": f'attachment; filename="{filename}"'}
    return render_template("compliance/annual.html", employers=employers, employer=employer, year=int(year),
                           report=report)
