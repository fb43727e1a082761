"""Sign in and sign out with a password; each sign-in is a new server-side session that sign-out revokes."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import UserMixin, login_required, login_user, logout_user

import engine

from .context import current_engine, home_url, local_target

bp = Blueprint("auth", __name__)
SESSION_KEY = "_user_id"


class SessionUser(UserMixin):
    """The signed-in user as Flask-Login wants it, around the engine's view and the session's token."""

    def __init__(self, view: engine.UserView, token: str) -> None:
        self.view = view
        self.id = view.id
        self.token = token

    def get_id(self) -> str:
        return self.token


def load_user(token: str) -> SessionUser | None:
    """The user of a session that is still open on the server (a signed-out cookie finds nobody)."""
    if g.get("database_unavailable"):
        return None  # the outage page is drawn for nobody in particular
    view = current_engine().session_user(token)
    return SessionUser(view, token) if view else None


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    """Show the sign-in form (also for HEAD); sign in on a correct username and password."""
    if request.method != "POST":
        return render_template("auth/login.html")
    username = request.form.get("username", "")
    result = current_engine().sign_in(username, request.form.get("password", ""), address=request.remote_addr or "")
    if result.is_blocked:
        flash(_("Too many failed attempts. Try again in 15 minutes."), "error")
        return render_template("auth/login.html", username=username), 429
    if result.user is None or result.session_token is None:
        flash(_("Unknown username or wrong password."), "error")
        return render_template("auth/login.html", username=username), 401
    _new_session()
    login_user(SessionUser(result.user, result.session_token))
    return redirect(local_target(request.args.get("next"), home_url(result.user.roles)))


def _new_session() -> None:
    """Start from an empty cookie session (no value planted before sign-in survives it), keeping the language."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


@bp.post("/logout")
@login_required
def logout():  # type: ignore[no-untyped-def]
    """Sign out: the session ends on the server too, so a copy of the cookie stops working."""
    token = session.get(SESSION_KEY)
    if token:
        current_engine().end_session(str(token))
    logout_user()
    _new_session()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
