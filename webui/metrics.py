"""Prometheus metrics at ``/metrics``: the engine's work, its backlog, and how long each route takes to answer.

The engine reports through ``engine.Telemetry``; ``PrometheusTelemetry`` turns the reports into counters and
histograms. The backlog (timers due and not fired, open incidents) is counted in the database when Prometheus
scrapes, so it is right whichever process fired the timers. With ``PROMETHEUS_MULTIPROC_DIR`` set (several
gunicorn workers, ``reintegra worker`` processes on the same machine), every process writes its figures to files in
that directory and ``/metrics`` sums them (prometheus-client's multiprocess mode); the directory must exist and be
emptied before the processes start. Without it each process keeps its own figures.

Labels hold only process ids, outcomes, audit stream kinds, route endpoints, methods and status classes: never a
case, an instance, a person or a path as asked. With ``REINTEGRA_METRICS_TOKEN`` set, ``/metrics`` asks for it as
a bearer token; without, it answers anyone who reaches it, so keep it off the public side of the proxy.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator
from wsgiref.simple_server import WSGIServer

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

import engine

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
LATENESS_BUCKETS = (0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 12 * 3600, 24 * 3600)
"""Seconds a timer fired after its due instant: the goal is 2 s, a stopped worker shows as hours."""
COMPLETION_BUCKETS = (0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
"""Seconds a completion call takes: the goal is a p95 under 30 ms."""
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

bp = Blueprint("metrics", __name__)


class PrometheusTelemetry(engine.Telemetry):
    """The engine's reports as Prometheus counters and histograms, plus the web layer's request latency."""

    def __init__(self) -> None:
        self.is_multiprocess = bool(os.environ.get(MULTIPROCESS_DIR))
        self.registry = CollectorRegistry()
        """The metrics of this app (one process); in multiprocess mode each scrape reads the directory instead."""
        into = None if self.is_multiprocess else self.registry
        self.completions = Counter("reintegra_task_completions", "Work items completed, by process id.",
                                   ["process"], registry=into)
        self.completion_seconds = Histogram("reintegra_task_completion_seconds",
                                            "Duration of the engine's completion call, by outcome.", ["outcome"],
                                            buckets=COMPLETION_BUCKETS, registry=into)
        self.timers_fired = Counter("reintegra_timers_fired", "Timers fired.", registry=into)
        self.timer_lateness = Histogram("reintegra_timer_lateness_seconds",
                                        "Seconds between a timer's due instant and its firing (engine clock).",
                                        buckets=LATENESS_BUCKETS, registry=into)
        self.incidents = Counter("reintegra_incidents_opened", "Incidents opened (instances that failed).",
                                 registry=into)
        self.audit_appends = Counter("reintegra_audit_appends", "Audit events committed, by stream kind.",
                                     ["stream"], registry=into)
        self.http_seconds = Histogram("reintegra_http_request_duration_seconds",
                                      "Time to answer a request, by endpoint, method and status class.",
                                      ["endpoint", "method", "status"], buckets=HTTP_BUCKETS, registry=into)

    def task_completed(self, process_id: str | None, outcome: str, seconds: float) -> None:
        if process_id is not None:
            self.completions.labels(process_id).inc()
        self.completion_seconds.labels(outcome).observe(seconds)

    def timer_fired(self, lateness_seconds: float) -> None:
        self.timers_fired.inc()
        self.timer_lateness.observe(max(lateness_seconds, 0.0))

    def incident_opened(self) -> None:
        self.incidents.inc()

    def audit_appended(self, stream_kind: str, count: int) -> None:
        self.audit_appends.labels(stream_kind).inc(count)

    def exposed(self, backlog: BacklogCollector) -> CollectorRegistry:
        """What a scrape shows: this process's registry (the backlog in it), or in multiprocess mode a registry
        that reads every process's files at each scrape, with the backlog."""
        if not self.is_multiprocess:
            return self.registry
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        registry.register(backlog)
        return registry


class BacklogCollector:
    """Gauges read from the database at scrape time: timers due and not fired, open incidents."""

    def __init__(self, eng: engine.Engine) -> None:
        self.engine = eng

    def collect(self) -> Iterator[Metric]:
        try:
            backlog = self.engine.backlog()
        except engine.Unavailable:  # the database is away: no figure rather than a wrong one
            return
        yield GaugeMetricFamily("reintegra_timers_due", "Timers past their due instant and not yet fired.",
                                value=backlog.timers_due)
        yield GaugeMetricFamily("reintegra_incidents_open", "Incidents open (waiting for a retry or a person).",
                                value=backlog.incidents_open)


def register(app: Flask, telemetry: PrometheusTelemetry) -> None:
    """Serve ``/metrics`` and time every request of ``app`` by endpoint, method and status class."""
    backlog = BacklogCollector(app.extensions["reintegra"])
    if not telemetry.is_multiprocess:
        telemetry.registry.register(backlog)
    app.extensions["reintegra.metrics"] = (telemetry, backlog)
    app.before_request_funcs.setdefault(None, []).insert(0, _start_timer)
    app.after_request(_observe)
    app.register_blueprint(bp)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.get("metrics_started")
    if started is not None:
        telemetry, _ = current_app.extensions["reintegra.metrics"]
        method = request.method if request.method in METHODS else "other"
        telemetry.http_seconds.labels(request.endpoint or "unmatched", method,
                                      f"{response.status_code // 100}xx").observe(time.perf_counter() - started)
    return response


@bp.get("/metrics")
def metrics() -> Response:
    """The metrics in Prometheus' text format; a bearer token when ``METRICS_TOKEN`` is configured."""
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "").encode()
    if token and not hmac.compare_digest(given, f"Bearer {token}".encode()):
        return Response("a bearer token is required\n", 401, {"WWW-Authenticate": "Bearer"}, mimetype="text/plain")
    telemetry, backlog = current_app.extensions["reintegra.metrics"]
    return Response(generate_latest(telemetry.exposed(backlog)), content_type=CONTENT_TYPE_LATEST)


def serve_apart(app: Flask, port: int, address: str = "127.0.0.1") -> WSGIServer:
    """Serve ``app``'s metrics on a port of their own, from a thread: for ``reintegra worker``, which serves no pages.

    No token is asked there: bind it to an address only Prometheus reaches (the default is this machine only).
    Returns the server (``shutdown`` stops it).
    """
    telemetry, backlog = app.extensions["reintegra.metrics"]
    server, _ = start_http_server(port, address, registry=telemetry.exposed(backlog))
    return server
