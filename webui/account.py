"""My account: the language I read in and my REST API tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .context import current_engine, local_target

bp = Blueprint("account", __name__)

LANGUAGES = ("nl", "fr", "en")


@bp.get("/account")
@login_required
def settings():  # type: ignore[no-untyped-def]
    """Show my roles, organisations, language and API tokens."""
    return render_template("account/settings.html", token=None)


@bp.post("/language")
def language():  # type: ignore[no-untyped-def]
    """Switch the language of every page; a signed-in user keeps it for the next sessions too."""
    chosen = request.form.get("language", "")
    if chosen in LANGUAGES:
        session["lang"] = chosen
        if current_user.is_authenticated:
            current_engine().set_language(current_user.view.id, chosen)
    return redirect(local_target(request.form.get("next"), url_for("tasks.inbox")))


@bp.post("/account/tokens")
@login_required
def issue_token():  # type: ignore[no-untyped-def]
    """Issue an API token and show it once."""
    token = current_engine().issue_token(current_user.view.id, request.form.get("label", "") or "API")
    return render_template("account/settings.html", token=token)


@bp.post("/account/tokens/revoke")
@login_required
def revoke_tokens():  # type: ignore[no-untyped-def]
    """Revoke all my API tokens."""
    count = current_engine().revoke_tokens(current_user.view.id)
    flash(_("%(num)s token(s) revoked.", num=count), "info")
    return redirect(url_for("account.settings"))
