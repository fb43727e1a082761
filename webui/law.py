"""The legal reference page ``/law``: every rule (T01-T47, 0.1-0.7) with an anchor, so ``/law#T08`` opens it."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required
from markupsafe import Markup

import engine

from .context import current_engine, language

bp = Blueprint("law", __name__)


@bp.get("/law")
@login_required
def reference():  # type: ignore[no-untyped-def]
    """Show the legal reference; the engine renders it with raw HTML limited to the rule anchors. A reader of
    Dutch or French first gets the legal terms in that language, the reference itself being in English."""
    return render_template("law/reference.html", document=Markup(engine.legal_reference_html()),
                           terms=current_engine().legal_terms(language()))
