"""``reintegra serve`` and ``reintegra worker``: the production layout, web processes under gunicorn with no timers,
and timer workers beside them (several may run against one PostgreSQL database)."""

from __future__ import annotations

import secrets

import click

import engine


@click.command()
@click.option("--bind", envvar="REINTEGRA_BIND", default="127.0.0.1:8000", show_default=True,
              help="Address and port to listen on (or unix:PATH); env REINTEGRA_BIND.")
@click.option("--workers", envvar="REINTEGRA_WEB_WORKERS", default=2, show_default=True, type=click.IntRange(1),
              help="Web processes; env REINTEGRA_WEB_WORKERS.")
@click.option("--timeout", envvar="REINTEGRA_WEB_TIMEOUT", default=60, show_default=True, type=click.IntRange(1),
              help="Seconds a request may take before its web process is restarted; env REINTEGRA_WEB_TIMEOUT.")
def serve(bind: str, workers: int, timeout: int) -> None:
    """Serve the web application under gunicorn with several processes and no timers (run `reintegra worker`)."""
    from . import serving
    from .cli import exit_with

    try:
        serving.serve(bind, workers, timeout)
    except RuntimeError as err:  # a configuration error, found before any web process starts
        exit_with(str(err))


@click.command()
@click.option("--sweep-seconds", envvar="REINTEGRA_SWEEP_SECONDS", default=60, show_default=True)
@click.option("--checkpoint-minutes", default=60, show_default=True,
              help="How often audit checkpoints are taken (when REINTEGRA_AUDIT_ANCHOR_DIR and _KEY are set).")
@click.option("--name", envvar="REINTEGRA_WORKER_NAME", default=None,
              help="The name /readyz reports this worker by (default host:pid); env REINTEGRA_WORKER_NAME.")
@click.option("--heartbeat-seconds", envvar="REINTEGRA_HEARTBEAT_SECONDS", default=10, show_default=True,
              type=click.IntRange(1), help="How often the worker records that it is alive (stale after 3 missed).")
@click.option("--metrics-port", type=int, envvar="REINTEGRA_WORKER_METRICS_PORT", default=None,
              help="Serve this worker's Prometheus metrics on this port (for a worker with no web process beside it).")
@click.option("--metrics-address", envvar="REINTEGRA_WORKER_METRICS_ADDRESS", default="127.0.0.1", show_default=True)
def worker(sweep_seconds: int, checkpoint_minutes: int, name: str | None, heartbeat_seconds: int,
           metrics_port: int | None, metrics_address: str) -> None:
    """Run the timer scheduler alone, in the foreground, with periodic audit checkpoints and the notifications;
    several workers may run against one PostgreSQL database. SIGTERM stops it cleanly."""
    from . import create_app, metrics, serving
    from .cli import access_log_retention_days, anchor_store, mailing

    app = create_app({"SECRET_KEY": secrets.token_hex(32)})  # no pages are served: no cookie is ever signed
    eng: engine.Engine = app.extensions["reintegra"]
    try:
        due = eng.next_due() or "none"
    except engine.Unavailable:
        due = "unknown: the database cannot be reached yet, the sweep keeps trying"
    name = name or engine.default_worker_name()
    click.echo(f"timer worker {name} on {eng.database.url}; next timer due: {due}")
    if metrics_port:
        metrics.serve_apart(app, metrics_port, metrics_address)
        click.echo(f"metrics on http://{metrics_address}:{metrics_port}/metrics")
    serving.run_worker(engine.TimerScheduler(eng, sweep_seconds=sweep_seconds, blocking=True, anchors=anchor_store(),
                                             checkpoint_seconds=checkpoint_minutes * 60,
                                             access_log_retention_days=access_log_retention_days(),
                                             worker_name=name, heartbeat_seconds=heartbeat_seconds,
                                             **mailing(app, "http://localhost:5000")))
