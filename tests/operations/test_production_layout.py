"""Issue 19, done when: the production layout fires every timer exactly once while a worker is killed.

SLOW, POSTGRESQL ONLY. On a fresh schema it starts ``reintegra serve`` (gunicorn, two web processes) and timer
workers as real processes, fires 500 due timers while ``worker-a`` is killed with SIGKILL twice (started again after
the first kill), then finds each timer's effect exactly once and ``/readyz`` naming the dead worker stale. The same
with four workers and 100 timers, without the web processes.

The processes read the real clock; the instances are started on a legal clock set in January 2026, so their T15
timers (10 working days) are long due when the workers look. Workers sweep every second and beat every second.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa

import engine
from tests.conftest import BRUSSELS, FIXTURES, fresh_postgres_schema

ROOT = Path(__file__).resolve().parents[2]
REINTEGRA = [sys.executable, "-c", "from webui.cli import main; main()"]
TIMERS = 500
SET_UP_ON = datetime(2026, 1, 5, 9, 0, tzinfo=BRUSSELS)
FAST = ["--sweep-seconds", "1", "--heartbeat-seconds", "1"]


class Processes:
    """``reintegra`` commands running as child processes on one database, each logging to a file."""

    def __init__(self, database_url: str, logs: Path) -> None:
        self.env = {**os.environ, "REINTEGRA_DATABASE_URL": database_url, "REINTEGRA_SECRET_KEY": "layout-test",
                    "PYTHONPATH": str(ROOT)}
        self.logs = logs
        self.running: dict[str, tuple[subprocess.Popen, IO[bytes]]] = {}

    def start(self, name: str, *arguments: str) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.running[name] = (subprocess.Popen([*REINTEGRA, *arguments], cwd=ROOT, env=self.env, stdout=log,
                                               stderr=subprocess.STDOUT), log)

    def stop(self, name: str, sig: signal.Signals = signal.SIGTERM) -> int:
        process, log = self.running.pop(name)
        process.send_signal(sig)
        code = process.wait(timeout=60)
        log.close()
        return code

    def pid(self, name: str) -> int:
        return self.running[name][0].pid

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name, signal.SIGKILL)


@contextmanager
def processes(database_url: str, logs: Path) -> Iterator[Processes]:
    running = Processes(database_url, logs)
    try:
        yield running
    finally:
        running.stop_all()


def waiting_instances(database_url: str, count: int) -> list[int]:
    """``count`` demo visits, each on its own case, waiting on a T15 timer due on 19 January 2026 (made by four
    threads: each start mostly waits on the database)."""
    eng = engine.Engine(database_url, clock=engine.SettableClock(SET_UP_ON), forms_dir=FIXTURES / "forms")
    eng.deploy(FIXTURES / "bpmn" / "visit_demo.bpmn", actor="owner")
    with ThreadPoolExecutor(4) as pool:
        instances = list(pool.map(lambda n: _waiting_instance(eng, f"L-{n}"), range(count)))
    eng.close()
    return instances


def _waiting_instance(eng: engine.Engine, reference: str) -> int:
    case = eng.open_case(reference=reference, employee="An Peeters", employer="Acme NV",
                         first_day_of_incapacity=date(2025, 12, 1), actor="hr1")
    instance = eng.start(case.id, "visit_demo", {}, actor="employee1")
    eng.complete(eng.work_items(case_id=case.id)[0].id, {"request_received_on": "2026-01-05"}, actor="employee1")
    return int(instance.id)


def scalar_rows(database_url: str, query: str) -> list[Any]:
    db = sa.create_engine(database_url)
    with db.connect() as connection:
        rows = [tuple(row) for row in connection.execute(sa.text(query))]
    db.dispose()
    return rows


def timers_left(database_url: str) -> int:
    return int(scalar_rows(database_url, "SELECT COUNT(*) FROM timer")[0][0])


def _at_most_left(database_url: str, left: int) -> bool:
    return timers_left(database_url) <= left


def wait_until(condition: Callable[[], Any], what: str, timeout: float = 120) -> Any:
    """Poll ``condition`` until it is true (a guard against a hang, not a measurement); return its value."""
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"still waiting for {what} after {timeout} s")


def get(port: int, path: str) -> tuple[int, dict] | None:
    """The status and JSON of GET ``path``; None while nothing listens yet."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        with err:
            return err.code, json.loads(err.read())
    except OSError:
        return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_two_workers_fire_500_timers_exactly_once_while_one_is_killed_twice(tmp_path):
    with fresh_postgres_schema() as url, processes(url, tmp_path) as running:
        port = free_port()
        running.start("web", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2")
        burst_while_killing(url, running, ["worker-a", "worker-b"], TIMERS)

        status, body = wait_until(lambda: _stale(get(port, "/readyz")), "/readyz to report worker-a stale")
        assert (status, body["failing"]) == (503, ["workers"])
        assert [w["name"] for w in body["checks"]["workers"]["stale"]] == ["worker-a"]
        assert [w["name"] for w in body["checks"]["workers"]["fresh"]] == ["worker-b"]
        assert get(port, "/healthz") == (200, {"status": "up"})

        assert running.stop("worker-b") == 0
        assert scalar_rows(url, "SELECT name FROM worker_heartbeat") == [("worker-a",)]
        assert running.stop("web") == 0


def test_four_workers_fire_100_timers_exactly_once_while_one_is_killed_twice(tmp_path):
    names = ["worker-a", "worker-b", "worker-c", "worker-d"]
    with fresh_postgres_schema() as url, processes(url, tmp_path) as running:
        burst_while_killing(url, running, names, 100)
        for name in names[1:]:
            assert running.stop(name) == 0
        assert scalar_rows(url, "SELECT name FROM worker_heartbeat") == [("worker-a",)]


def burst_while_killing(database_url: str, running: Processes, names: list[str], timers: int) -> None:
    """Make ``timers`` timers due, start the workers ``names``, kill the first with SIGKILL after a fifth of the
    timers fired, start it again, kill it again after three fifths; then check every effect happened once."""
    began = time.monotonic()
    instances = waiting_instances(database_url, timers)
    print(f"set-up of {timers} waiting instances: {time.monotonic() - began:.1f} s")
    for name in names:
        running.start(name, "worker", "--name", name, *FAST)
    for fifths in (1, 3):
        left = timers - timers * fifths // 5
        wait_until(partial(_at_most_left, database_url, left), f"the workers to fire {fifths} fifths of the timers")
        wait_until(partial(_beating, database_url, names[0], running.pid(names[0])), f"{names[0]} to beat")
        assert running.stop(names[0], signal.SIGKILL) == -signal.SIGKILL
        print(f"{names[0]} killed with {timers_left(database_url)} timers left")
        if fifths == 1:
            running.start(names[0], "worker", "--name", names[0], *FAST)
    wait_until(lambda: timers_left(database_url) == 0, "the other workers to fire the rest")
    print(f"all fired: {time.monotonic() - began:.1f} s")
    fired = scalar_rows(database_url, "SELECT instance_id, COUNT(*) FROM audit_event WHERE action = 'timers_fired' "
                                      "GROUP BY instance_id")
    late = scalar_rows(database_url, "SELECT instance_id, COUNT(*) FROM work_item WHERE bpmn_id = 'explain_delay' "
                                     "GROUP BY instance_id")
    assert sorted(fired) == sorted(late) == [(instance, 1) for instance in sorted(instances)]
    assert scalar_rows(database_url, "SELECT COUNT(*) FROM incident") == [(0,)]
    verifier = engine.Engine(database_url)
    assert verifier.verify_audit().is_intact
    verifier.close()


def _beating(database_url: str, name: str, pid: int) -> bool:
    """Whether the worker process ``pid`` has beaten: one killed before its first beat leaves no heartbeat to report
    (a loaded machine may start it slower than the others fire a fifth of the timers)."""
    return scalar_rows(database_url, f"SELECT pid FROM worker_heartbeat WHERE name = '{name}'") == [(pid,)]


def _stale(answer: tuple[int, dict] | None) -> tuple[int, dict] | None:
    """The answer once it names a stale worker (the killed one stops beating; three missed beats make it stale)."""
    return answer if answer and answer[1]["checks"]["workers"]["stale"] else None
