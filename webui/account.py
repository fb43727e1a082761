"""My account: the language I read in, my password, my notification mails and my REST API tokens.

A user whose password an admin set (a new account, a reset) must choose their own before any other page.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import engine

from .admin import field_texts
from .auth import SESSION_KEY
from .context import current_engine, local_target

bp = Blueprint("account", __name__)

LANGUAGES = ("nl", "fr", "en")
OPEN_WHILE_CHANGING = {"account.password", "account.change_password", "account.language", "auth.logout", "static"}


@bp.before_app_request
def require_own_password():  # type: ignore[no-untyped-def]
    """Send a user who signs in with a password an admin set to the page where they choose their own."""
    if request.path.startswith("/api/") or request.endpoint in OPEN_WHILE_CHANGING:
        return None
    if current_user.is_authenticated and current_user.view.must_change_password:
        return redirect(url_for("account.password"))
    return None


@bp.get("/account/password")
@login_required
def password():  # type: ignore[no-untyped-def]
    """Show the form to change my password."""
    return render_template("account/password.html", errors={})


@bp.post("/account/password")
@login_required
def change_password():  # type: ignore[no-untyped-def]
    """Change my password (the current one first); my other sessions end."""
    form = request.form
    if form.get("new_password", "") != form.get("repeat_password", ""):
        errors = {"repeat_password": [_("The two new passwords differ.")]}
        return render_template("account/password.html", errors=errors), 422
    try:
        current_engine().administration.change_password(current_user.view.id, form.get("current_password", ""),
                                                        form.get("new_password", ""),
                                                        session_token=str(session.get(SESSION_KEY)))
    except engine.InvalidInput as err:
        return render_template("account/password.html", errors=field_texts(err.fields)), 422
    flash(_("Your password was changed; your other sessions were signed out."), "info")
    return redirect(url_for("account.settings"))


@bp.get("/account")
@login_required
def settings():  # type: ignore[no-untyped-def]
    """Show my roles, organisations, language, notification mails and API tokens."""
    return _settings(token=None)


def _settings(token: str | None, values: dict | None = None, errors: dict | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    me = current_user.view
    shown = values or {"email": me.email, "mail_preference": me.mail_preference}
    return render_template("account/settings.html", token=token, mail_values=shown, mail_errors=errors or {},
                           digest_hour=engine.DIGEST_HOUR), status


@bp.post("/account/mail")
@login_required
def mail():  # type: ignore[no-untyped-def]
    """Save my e-mail address and which notification mails I want (each, a daily summary, none)."""
    values = {"email": request.form.get("email", ""), "mail_preference": request.form.get("mail_preference", "")}
    try:
        current_engine().notifications.set_mail(current_user.view.id, email=values["email"],
                                                preference=values["mail_preference"])
    except engine.InvalidInput as err:
        return _settings(None, values, field_texts(err.fields), 422)
    flash(_("Your mail settings were saved."), "info")
    return redirect(url_for("account.settings"))


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
    return _settings(token)


@bp.post("/account/tokens/revoke")
@login_required
def revoke_tokens():  # type: ignore[no-untyped-def]
    """Revoke all my API tokens."""
    count = current_engine().revoke_tokens(current_user.view.id)
    flash(_("%(num)s token(s) revoked.", num=count), "info")
    return redirect(url_for("account.settings"))
