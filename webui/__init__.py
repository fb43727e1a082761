"""The web application: case workers sign in, see their inbox and complete tasks through the engine."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask, request, session
from flask_babel import Babel, get_locale
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect

import engine

from . import (
    account,
    accounts_api,
    admin,
    annual,
    api,
    auth,
    cases,
    comments,
    compliance,
    democlock,
    documents,
    errors,
    evidence,
    explanations,
    headers,
    health,
    incidents,
    inputs,
    labels,
    law,
    metrics,
    migrations,
    models,
    notifications,
    problem_texts,
    proxies,
    records,
    request_logs,
    reviews,
    subject_access,
    tasks,
    trace,
    trial,
)
from .cli import database_url

DEFAULTS = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "BABEL_DEFAULT_LOCALE": "nl",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Brussels",
    "LANGUAGES": ("nl", "fr", "en"),
    "DEMO": False,
    "SCHEDULER_ENABLED": False,
    "EMPLOYER_THREE_MONTH_ROUTE_2026": True,
    "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
    "DOCUMENTS_DIR": None,
}
"""``EMPLOYER_THREE_MONTH_ROUTE_2026``: whether an employer may still request a trajectory after 3 months in 2026
(T04, unverified reading of the 2026 rules; ``engine.Policy``). ``MAX_CONTENT_LENGTH``: no request is larger than an
upload may be (10 MiB) and its form. ``DOCUMENTS_DIR`` (``REINTEGRA_DOCUMENTS_DIR``): the directory, outside the web
root, that keeps the bytes of case documents; unset, they are kept in the database."""


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then REINTEGRA_* variables, then ``overrides``."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("REINTEGRA")
    app.config.update(overrides or {})
    _require_secret(app)
    app.config.setdefault("DATABASE_URL", database_url())
    app.config["SESSION_COOKIE_SECURE"] = not (app.config.get("TESTING") or app.config["DEMO"])
    clock = app.config.get("CLOCK") or (engine.SettableClock(tick=True) if app.config["DEMO"] else None)
    policy = engine.Policy(employer_three_month_route_2026=bool(app.config["EMPLOYER_THREE_MONTH_ROUTE_2026"]))
    telemetry = metrics.PrometheusTelemetry()
    app.extensions["reintegra"] = engine.Engine(app.config["DATABASE_URL"], clock=clock, policy=policy,
                                                retention_years=app.config.get("RETENTION_YEARS"),
                                                documents_dir=_documents_dir(app.config["DOCUMENTS_DIR"]),
                                                telemetry=telemetry)
    request_logs.register(app)
    metrics.register(app, telemetry)
    csrf = CSRFProtect(app)
    csrf.exempt(api.bp)
    csrf.exempt(accounts_api.bp)
    Babel(app, locale_selector=_locale)
    _login_manager(app)
    app.jinja_env.globals["get_locale"] = get_locale
    labels.register(app)
    problem_texts.register(app)
    records.register(app)
    notifications.register(app)
    explanations.register(app)
    inputs.register(app)
    headers.register(app)
    for blueprint in (auth.bp, tasks.bp, cases.bp, account.bp, api.bp, models.bp, migrations.bp, trial.bp,
                      annual.bp, trace.bp, evidence.bp, compliance.bp, law.bp, incidents.bp, accounts_api.bp,
                      admin.bp, subject_access.bp, documents.bp, notifications.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(comments.bp)
    app.register_blueprint(reviews.bp)
    app.register_blueprint(health.bp)
    proxies.register(app)
    if app.config["DEMO"]:
        app.register_blueprint(democlock.bp)
    errors.register(app)
    return app


def _documents_dir(configured: str | None) -> Path | None:
    return Path(configured).resolve() if configured else None


def _require_secret(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if not (app.config.get("TESTING") or app.config["DEMO"]):
        raise RuntimeError("REINTEGRA_SECRET_KEY is not set; the application will not start without it")
    app.config["SECRET_KEY"] = secrets.token_hex(32)


def _login_manager(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.user_loader(auth.load_user)


def _locale() -> str | None:
    """A language asked for in this session, else the signed-in user's own, else the browser's."""
    if request.args.get("lang") in account.LANGUAGES:
        session["lang"] = request.args["lang"]
    if session.get("lang") in account.LANGUAGES:
        return session["lang"]
    if current_user.is_authenticated:
        return current_user.view.language
    return request.accept_languages.best_match(list(account.LANGUAGES))
