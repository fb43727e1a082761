"""Production processes: the web application under gunicorn, and a worker that stops cleanly on SIGTERM.

``reintegra serve`` starts gunicorn's arbiter with ``workers`` web processes, each building its own application
(and so its own database connections) after the fork; none of them runs timers. ``reintegra worker`` runs the
timers in processes of their own. The application is built once in the arbiter first, so that a configuration
error (no ``REINTEGRA_SECRET_KEY``) stops the command with one message instead of failing every web process.
"""

from __future__ import annotations

import gc
import signal
from types import FrameType
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

import engine


class WebServer(BaseApplication):
    """gunicorn's custom application (``gunicorn.app.base.BaseApplication``) around ``create_app``."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        from . import create_app

        app = create_app()
        settle_heap()
        return app


def serve(bind: str, workers: int, timeout: int) -> None:
    """Check the configuration, then run gunicorn in the foreground until it is stopped (SIGTERM or SIGINT)."""
    from . import create_app

    checked = create_app()
    checked.extensions["reintegra"].close()
    # ProxyFix (REINTEGRA_PROXY_HOPS) is the one place that trusts X-Forwarded-* headers, not gunicorn as well.
    WebServer({"bind": bind, "workers": workers, "timeout": timeout, "forwarded_allow_ips": "",
               "proc_name": "reintegra-web"}).run()


def run_worker(scheduler: engine.TimerScheduler) -> None:
    """Run a blocking scheduler until SIGTERM or SIGINT, then shut it down: the running sweep finishes and the
    worker's heartbeat is deleted, so a worker stopped on purpose is never reported as dead."""
    signal.signal(signal.SIGTERM, _stop)
    settle_heap()
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        scheduler.shutdown()


def settle_heap() -> None:
    """Put what the process built to start (deployed diagrams, forms, translations) out of the garbage collector's
    reach: a full collection then scans only what requests and sweeps create. Without it one read in a few hundred
    waited about 50 ms for a collection (bench/inbox.py)."""
    gc.collect()
    gc.freeze()


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)
