"""Sign in and sign out with a password."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import UserMixin, login_required, login_user, logout_user

import engine

from .context import current_engine
from .ratelimit import login_limiter

bp = Blueprint("auth", __name__)


class SessionUser(UserMixin):
    """The signed-in user as Flask-Login wants it, around the engine's view."""

    def __init__(self, view: engine.UserView) -> None:
        self.view = view
        self.id = view.id


def load_user(user_id: str) -> SessionUser | None:
    if g.get("database_unavailable"):
        return None  # the outage page is drawn for nobody in particular
    try:
        return SessionUser(current_engine().user(int(user_id)))
    except (engine.NotFound, ValueError):
        return None


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    """Show the sign-in form; sign in on a correct username and password."""
    if request.method == "GET":
        return render_template("auth/login.html")
    eng, username = current_engine(), request.form.get("username", "")
    key, now = (username.lower(), request.remote_addr or ""), eng.clock.now()
    if login_limiter().is_blocked(key, now):
        flash(_("Too many failed attempts. Try again in 15 minutes."), "error")
        return render_template("auth/login.html", username=username), 429
    view = eng.authenticate(username, request.form.get("password", ""))
    if view is None:
        login_limiter().failed(key, now)
        flash(_("Unknown username or wrong password."), "error")
        return render_template("auth/login.html", username=username), 401
    login_limiter().succeeded(key)
    login_user(SessionUser(view))
    return redirect(url_for("tasks.inbox"))


@bp.post("/logout")
@login_required
def logout():  # type: ignore[no-untyped-def]
    """Sign out."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
