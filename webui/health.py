"""Health checks for load balancers and monitoring: ``/healthz`` (the process answers) and ``/readyz`` (it can work).

Both are open to anyone, read no session and write no audit event; keep them off the public internet at the proxy.
``/readyz`` answers 200 only when the database is reachable, its schema is at the code's migration, and every
worker heartbeat is fresh (at least one); else 503, with the failing checks and the stale workers by name.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

import engine

from .context import current_engine

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    """The process is up and answers; the database is not asked."""
    return jsonify(status="up")


@bp.get("/readyz")
def readyz():  # type: ignore[no-untyped-def]
    """200 when the database, its migrations and the workers' heartbeats are all well; else 503 naming what is not."""
    readiness = current_engine().liveness.readiness()
    return jsonify(readiness_body(readiness)), 200 if readiness.is_ready else 503


def readiness_body(readiness: engine.Readiness) -> dict:
    """The JSON answer: ``status``, ``failing`` (check names) and each check's details."""
    failing = readiness.failing
    return {
        "status": "ready" if not failing else "not ready",
        "failing": failing,
        "checks": {
            "database": {"ok": "database" not in failing, "error": readiness.database_error},
            "migrations": {"ok": "migrations" not in failing, "database": readiness.schema_revision,
                           "code": readiness.head_revision},
            "workers": {"ok": "workers" not in failing,
                        "fresh": [_beat(w) for w in readiness.workers if w.is_fresh],
                        "stale": [_beat(w) for w in readiness.workers if not w.is_fresh]},
        },
    }


def _beat(worker: engine.WorkerBeat) -> dict:
    return {"name": worker.name, "seconds_since_beat": worker.seconds_since_beat,
            "interval_seconds": worker.interval_seconds}
