"""The ``reintegra`` command: set up the database, deploy diagrams, run the timer worker, compute deadlines.

Configuration comes from the environment (``REINTEGRA_DATABASE_URL``; SQLite under ``instance/`` by default).
Audit checkpoints go to ``REINTEGRA_AUDIT_ANCHOR_DIR``, signed with ``REINTEGRA_AUDIT_ANCHOR_KEY``; keep the key
out of the database and the files where the database's administrators cannot write. Notification mails go through
``REINTEGRA_SMTP_HOST`` (with ``_PORT``, ``_USERNAME``, ``_PASSWORD``, ``_FROM``, ``_SECURITY``), their links under
``REINTEGRA_BASE_URL``; without a host they stay in the bell.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

import engine

from . import backup_commands, production_commands
from .request_logs import configure, default_format

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
PROCESSES_BPMN = ROOT / "processes" / "bpmn"


def database_url() -> str:
    """The configured database URL; by default an SQLite file in ./instance/."""
    url = os.environ.get("REINTEGRA_DATABASE_URL")
    if url:
        return url
    folder = Path.cwd() / "instance"
    folder.mkdir(exist_ok=True)
    return f"sqlite:///{folder / 'reintegra.sqlite'}"


def anchor_store(directory: str | None = None) -> engine.AnchorStore | None:
    """Where audit checkpoints go and their key, from the environment; None when either is missing."""
    folder = directory or os.environ.get("REINTEGRA_AUDIT_ANCHOR_DIR")
    key = os.environ.get("REINTEGRA_AUDIT_ANCHOR_KEY")
    return engine.AnchorStore(Path(folder), key.encode()) if folder and key else None


def retention_years() -> dict[str, int] | None:
    """Retention overrides per procedure from ``REINTEGRA_RETENTION_YEARS`` (JSON, e.g. {"pre_return_visit": 20})."""
    raw = os.environ.get("REINTEGRA_RETENTION_YEARS")
    return json.loads(raw) if raw else None


def _engine() -> engine.Engine:
    return engine.Engine(database_url(), retention_years=retention_years())


@click.group()
def main() -> None:
    """Reintegra: Belgian return-to-work procedures on a BPMN engine."""
    command = click.get_current_context().invoked_subcommand
    log_format = os.environ.get("REINTEGRA_LOG_FORMAT") or default_format(command)
    try:
        configure(log_format)
    except ValueError as err:
        exit_with(str(err))


@main.command()
def init() -> None:
    """Create or upgrade the schema and deploy the diagrams in processes/bpmn/."""
    eng = _engine()
    eng.upgrade_schema()
    files = sorted(PROCESSES_BPMN.glob("*.bpmn"))
    deployed = _deploy_or_exit(eng, files) if files else []
    click.echo(f"database: {eng.database.url}")
    for version in deployed:
        click.echo(f"deployed {version.process_id} version {version.version}")
    click.echo(f"{len(eng.definitions())} process version(s) deployed in total")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--comment", default="", help="Why this version exists.")
def deploy(files: tuple[Path, ...], comment: str) -> None:
    """Validate and deploy BPMN FILES (or zips of versions, with their forms); on problems print every one and
    deploy nothing."""
    eng = _engine()
    eng.upgrade_schema()
    for version in _deploy_or_exit(eng, list(files), comment):
        click.echo(f"deployed {version.process_id} version {version.version} ({version.content_hash[:12]})")


def _deploy_or_exit(eng: engine.Engine, files: list[Path], comment: str = "") -> list[engine.Version]:
    try:
        deployed = eng.deploy(list(files), actor=os.environ.get("USER", "cli"), comment=comment)
    except engine.InvalidModel as err:
        for problem in err.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"{len(err.problems)} problem(s); nothing was deployed", err=True)
        sys.exit(1)
    except engine.InvalidInput as err:
        exit_with(f"{err.message}; nothing was deployed")
    for warning in deployed.warnings:
        click.echo(f"warning: {warning}", err=True)
    return deployed


@main.command()
@click.argument("rule")
@click.option("--from", "start", required=True, help="The start event's date (YYYY-MM-DD).")
@click.option("--regime-on", default=None, help="Date that selects the legal regime (default: --from).")
def deadline(rule: str, start: str, regime_on: str | None) -> None:
    """Print RULE's due date from a start date, then how it was counted."""
    try:
        computation = engine.compute_deadline(rule, start, regime_on)
    except engine.EngineError as err:
        click.echo(f"error: {err.message}", err=True)
        sys.exit(2)
    click.echo(computation.due_on.isoformat())
    click.echo(computation.explanation)


def mailing(app: Flask, default_base_url: str) -> dict[str, Any]:
    """The scheduler's mail settings and composer from the app's ``REINTEGRA_SMTP_*`` settings; none without a host
    (the notifications then stay in the bell). Says which on the terminal."""
    from . import mail_texts

    settings = mail_texts.mail_settings(app.config)
    if settings is None:
        click.echo("notifications: no REINTEGRA_SMTP_HOST, so they are shown in the bell and not mailed")
        return {}
    base = mail_texts.base_url(app.config, default_base_url)
    click.echo(f"notifications: mailed through {settings.host}:{settings.port} ({settings.security}), links to {base}")
    return {"mail": settings, "composer": mail_texts.composer(app, base)}


DEMO_PASSWORD = "reintegra-demo"


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--demo", is_flag=True, help="Demo accounts for every role (password reintegra-demo).")
def run(host: str, port: int, demo: bool) -> None:
    """Start the web application with its timer scheduler, and say where things are."""
    from . import create_app, serving
    from . import demo as demo_data
    from .headers import QuietRequestHandler

    app = create_app({"DEMO": demo})
    eng: engine.Engine = app.extensions["reintegra"]
    if demo:
        _demo_accounts(eng)
        made = demo_data.seed(eng)
        if made:
            click.echo(f"Demo cases created: {', '.join(made)}")
    click.echo(f"Reintegra runs at http://{host}:{port}/  (database: {eng.database.url})")
    if demo:
        click.echo(f"Demo accounts (password {DEMO_PASSWORD}): " + ", ".join(ROLE_NAMES))
        click.echo(f"Signed in as admin, move time forward at http://{host}:{port}/demo/clock")
    scheduler = engine.TimerScheduler(eng, anchors=anchor_store(), worker_name=engine.default_worker_name(),
                                      access_log_retention_days=access_log_retention_days(),
                                      **mailing(app, f"http://{host}:{port}"))
    serving.settle_heap()
    scheduler.start()
    try:
        app.run(host=host, port=port, use_reloader=False, request_handler=QuietRequestHandler)
    finally:
        scheduler.shutdown()


ROLE_NAMES = (  # every role; each is also the username of its demo account
    "employer", "occupational_physician", "advisory_physician", "rtw_coordinator", "regional_counsellor",
              "medical_inspector", "employee", "treating_physician", "process_owner", "compliance_officer", "admin")


@main.command("create-admin")
@click.argument("username")
@click.option("--name", "display_name", default="", help="The admin's display name (default: the username).")
@click.password_option(help="Asked for twice when not given; at least 12 characters and hard to guess.")
def create_admin(username: str, display_name: str, password: str) -> None:
    """Create an admin account, e.g. the first one of an installation; the others are made at /admin/accounts."""
    eng = _engine()
    try:
        eng.upgrade_schema()
        eng.create_user(username=username, password=password, display_name=display_name or username, roles=["admin"],
                        language="en", actor=os.environ.get("USER", "cli"), is_strength_checked=True)
    except engine.InvalidInput as err:
        exit_with("; ".join(f"{field}: {' '.join(messages)}" for field, messages in err.fields.items()))
    except engine.Conflict as err:
        exit_with(err.message)
    finally:
        eng.close()
    click.echo(f"admin {username} created")


DEMO_ORGANISATIONS = {"Acme NV": "employer", "Mensura": "prevention_service", "CM": "sickness_fund",
                      "VDAB": "regional_service", "TWW": "inspectorate"}
DEMO_ROLE_ORGANISATIONS = {"occupational_physician": ["Mensura"], "advisory_physician": ["CM"],
                           "rtw_coordinator": ["CM"], "regional_counsellor": ["VDAB"], "medical_inspector": ["TWW"],
                           "employee": [], "treating_physician": []}
"""Each demo account works for the organisation the demo cases name for its role (``webui.demo``); the employee
and the treating physician are people named on one case; the others work for Acme NV."""


def _demo_accounts(eng: engine.Engine) -> None:
    """The demo's organisations (made by its admin, with their kinds) and one account per role.

    ``reintegra-demo`` passes the strength rule of accounts made in the application (engine/store/passwords.py);
    these accounts come from the command line, which needs no admin. The admin also records Acme NV's contact
    cadence (T20), so its cases' contact procedures follow it."""
    from . import demo as demo_data

    _demo_user(eng, "admin", [])
    admin = eng.authenticate("admin", DEMO_PASSWORD)
    for name, kind in DEMO_ORGANISATIONS.items():
        if admin is not None:
            try:
                eng.administration.add_organisation(admin.id, name=name, kind=kind)
            except engine.Conflict:
                continue
    if admin is not None:
        demo_data.contact_policy(eng, admin.id)
    for role in ROLE_NAMES:
        _demo_user(eng, role, DEMO_ROLE_ORGANISATIONS.get(role, ["Acme NV"]))


def _demo_user(eng: engine.Engine, role: str, organisations: list[str]) -> None:
    try:
        eng.create_user(username=role, password=DEMO_PASSWORD, display_name=role.replace("_", " ").title(),
                        roles=[role], organisations=organisations, language="en", actor="demo")
    except engine.Conflict:
        pass


@main.group()
def audit() -> None:
    """Audit trail commands."""


@audit.command("verify")
@click.option("--stream", default=None, help="Only this stream, e.g. instance:42.")
@click.option("--anchor", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Also compare the database with this checkpoint file (signed with REINTEGRA_AUDIT_ANCHOR_KEY).")
def audit_verify(stream: str | None, anchor: Path | None) -> None:
    """Check the audit hash chains, heads and saved rows (and a checkpoint); exit 1 when anything differs."""
    key = _anchor_key() if anchor is not None else b""
    eng = _engine()
    try:
        result = eng.verify_audit(stream)
        click.echo(f"{result.events_checked} event(s) checked: "
                   + ("intact" if result.is_intact else f"broken at {result.broken}"))
        check = eng.verify_anchor(anchor, key) if anchor is not None else None
    finally:
        eng.close()
    if check is not None:
        verdict = "matches" if check.is_intact else f"differs: {check.broken}"
        click.echo(f"checkpoint {check.anchor}: {check.streams_checked} stream(s) checked, the database {verdict}")
    sys.exit(0 if result.is_intact and (check is None or check.is_intact) else 1)


@audit.command("checkpoint")
@click.option("--dir", "directory", default=None, help="Where to write it (default: REINTEGRA_AUDIT_ANCHOR_DIR).")
def audit_checkpoint(directory: str | None) -> None:
    """Write every audit stream's head (count and last hash) to a new signed file outside the database."""
    store = anchor_store(directory)
    if store is None:
        exit_with("set REINTEGRA_AUDIT_ANCHOR_KEY and REINTEGRA_AUDIT_ANCHOR_DIR (or --dir)")
    eng = _engine()
    try:
        checkpoint = eng.checkpoint_audit(store, actor=os.environ.get("USER", "cli"))
    except engine.NotAllowed as err:
        exit_with(err.message)
    finally:
        eng.close()
    click.echo(f"checkpoint of {checkpoint.streams} stream(s) written to {checkpoint.path}")
    click.echo(f"sha256 {checkpoint.sha256}")


def _anchor_key() -> bytes:
    key = os.environ.get("REINTEGRA_AUDIT_ANCHOR_KEY")
    if not key:
        exit_with("set REINTEGRA_AUDIT_ANCHOR_KEY to the key that signed the checkpoint")
    return key.encode()


def exit_with(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@main.group()
def retention() -> None:
    """Retention of closed cases: what is due, and pseudonymising it."""


@retention.command("due")
@click.option("--all", "everything", is_flag=True, help="Also the closed cases not yet due.")
def retention_due(everything: bool) -> None:
    """List the closed cases past their retention (with --all, every closed case and when it is due)."""
    eng = _engine()
    try:
        schedule = eng.retention.retention_schedule(due_only=not everything)
    finally:
        eng.close()
    for due in schedule:
        click.echo(f"{due.reference}\t{due.employer}\tclosed {due.closed_on}\tkept {due.years} years\t"
                   f"due {due.due_on}{'' if due.is_due else ' (not yet)'}")
    click.echo(f"{sum(d.is_due for d in schedule)} case(s) due for pseudonymisation")


@retention.command("run")
def retention_run() -> None:
    """Pseudonymise every closed case past its retention (one audit event per case)."""
    eng = _engine()
    try:
        done = eng.retention.pseudonymise_expired(actor=os.environ.get("USER", "cli"))
    finally:
        eng.close()
    for due in done:
        click.echo(f"case {due.case_id} pseudonymised: closed {due.closed_on}, kept {due.years} years")
    click.echo(f"{len(done)} case(s) pseudonymised")


def access_log_retention_days() -> int:
    """How many days access log rows are kept: ``REINTEGRA_ACCESS_LOG_RETENTION_DAYS``, 730 (two years) by default."""
    raw = os.environ.get("REINTEGRA_ACCESS_LOG_RETENTION_DAYS", "").strip()
    if not raw:
        return ACCESS_LOG_RETENTION_DAYS
    if not raw.isdigit() or int(raw) < 1:
        exit_with("REINTEGRA_ACCESS_LOG_RETENTION_DAYS must be a whole number of days, 1 or more")
    return int(raw)


ACCESS_LOG_RETENTION_DAYS = 730


@main.group("access-log")
def access_log() -> None:
    """The access log: who read which case."""


@access_log.command("purge")
@click.option("--days", type=int, default=None,
              help="Keep this many days (default: REINTEGRA_ACCESS_LOG_RETENTION_DAYS, else 730).")
def access_log_purge(days: int | None) -> None:
    """Delete the access log rows older than the retention period; the purge is recorded in the audit trail."""
    eng = _engine()
    retention = days if days is not None else access_log_retention_days()
    try:
        count = eng.access_reviews.purge_access_log(retention_days=retention, actor=os.environ.get("USER", "cli"))
    except engine.EngineError as err:
        exit_with(err.message)
    click.echo(f"{count} access log row(s) older than {retention} days deleted")


main.add_command(production_commands.serve)
main.add_command(production_commands.worker)
main.add_command(backup_commands.backup)
main.add_command(backup_commands.restore)
