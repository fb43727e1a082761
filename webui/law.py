"""The legal reference page ``/law``: every rule (T01-T47, 0.1-0.7) with an anchor, so ``/law#T08`` opens it."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required
from markupsafe import Markup

import engine

bp = Blueprint("law", __name__)


@bp.get("/law")
@login_required
def reference():  # type: ignore[no-untyped-def]
    """Show the legal reference; the engine renders it with raw HTML limited to the rule anchors."""
    return render_template("law/reference.html", document=Markup(engine.legal_reference_html()))
