"""Issue 13.4: a database outage is a 503 with Retry-After, loses nothing, and costs the timer sweep one log line.

The outage is real: the app talks to PostgreSQL through a TCP link that the test cuts (every connection dropped,
new ones refused) and restores, as a network cut or a database restart does.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy.engine import make_url

import engine
from tests.conftest import FIXTURES
from tests.engine.test_runtime import DEMO
from tests.engine.test_timers import EXPIRES
from tests.webui.conftest import AuthActions, csrf_token
from webui import create_app


class Link:
    """A TCP link to the database that a test can cut and restore."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.is_cut = False
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.is_cut:
                client.close()
                continue
            server = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()

    def cut(self) -> None:
        self.is_cut = True
        with self.lock:
            for sock in self.sockets:
                _drop(sock)
            self.sockets.clear()

    def restore(self) -> None:
        self.is_cut = False

    def close(self) -> None:
        self.cut()
        self.listener.close()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        _drop(source)
        _drop(sink)


def _drop(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


@pytest.fixture
def linked_url(database_url: str) -> Iterator[tuple[str, Link]]:
    """The test database reached through a link that can be cut (PostgreSQL: SQLite has no connection to lose)."""
    if database_url.startswith("sqlite"):
        pytest.skip("an SQLite file has no connection to cut")
    url = make_url(database_url)
    link = Link(url.host or "127.0.0.1", url.port or 5432)
    yield url.set(host="127.0.0.1", port=link.port).render_as_string(hide_password=False), link
    link.close()


def test_an_outage_answers_503_with_retry_after_on_pages_and_api_and_loses_nothing(linked_url, clock):
    url, link = linked_url
    app = create_app({"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "test-secret"})
    eng: engine.Engine = app.extensions["reintegra"]
    client = app.test_client()
    user = AuthActions(app, client).login_as("employer", username="hr1")
    api = {"Authorization": f"Bearer {eng.issue_token(user.id, 'script')}"}
    case = {"reference": "R-1", "employee": "Eva", "employer": "Acme NV", "first_day_of_incapacity": "2026-06-01"}
    assert client.post("/api/v1/cases", json=case, headers=api).status_code == 201
    try:
        link.cut()
        answers = [client.get("/api/v1/cases", headers=api),
                   client.post("/api/v1/cases", json={**case, "reference": "R-2"}, headers=api),
                   client.get("/", headers={"Accept-Language": "en"})]
        for answer in answers:
            assert (answer.status_code, answer.headers.get("Retry-After")) == (503, "5")
        assert answers[0].get_json()["error"] == "unavailable"
        assert "cannot be reached" in answers[2].get_data(as_text=True)
        link.restore()
        assert [c["reference"] for c in client.get("/api/v1/cases", headers=api).get_json()] == ["R-1"]
        assert client.post("/api/v1/cases", json={**case, "reference": "R-2"}, headers=api).status_code == 201
        assert client.get("/").status_code == 200
    finally:
        eng.close()


def test_the_timer_sweep_logs_an_outage_once_and_fires_the_timers_once_the_database_is_back(linked_url, clock,
                                                                                             caplog):
    url, link = linked_url
    eng = engine.Engine(url, clock=clock, forms_dir=FIXTURES / "forms")
    scheduler = engine.TimerScheduler(eng)
    try:
        eng.deploy(DEMO, actor="owner")
        case = eng.open_case(reference="C-1", employee="An", employer="Acme NV",
                             first_day_of_incapacity=clock.now().date() - timedelta(days=30), actor="hr1")
        instance = eng.start(case.id, "visit_demo", {}, actor="employee1")
        eng.complete(eng.work_items(role="employee")[0].id, {"request_received_on": "2026-12-23"}, actor="e1")
        clock.set(EXPIRES + timedelta(seconds=1))
        link.cut()
        with caplog.at_level(logging.INFO, logger="engine"):
            assert [scheduler.wake().timers_fired for _ in range(3)] == [0, 0, 0]
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(warnings) == 1 and "cannot be reached" in warnings[0].getMessage()
        assert not any(r.exc_info for r in caplog.records)
        link.restore()
        assert scheduler.wake().timers_fired == 1
        assert eng.instance(instance.id).state == "running"
        assert [i.task for i in eng.work_items(role="occupational_physician")] == ["explain_delay"]
    finally:
        scheduler.shutdown()
        eng.close()


def test_a_value_the_database_refuses_is_a_400_never_a_500(client, auth, database_url):
    """The edge refuses first (NUL, too long) on both databases; behind it, the engine's safety net turns what
    PostgreSQL refuses into ``InvalidInput`` where SQLite stores it."""
    user = auth.login_as("employer", username="hr1")
    api = {"Authorization": f"Bearer {auth.eng.issue_token(user.id, 'script')}"}
    case = {"employee": "Eva", "employer": "Acme NV", "first_day_of_incapacity": "2026-06-01"}
    answers = [client.post("/api/v1/cases", json={**case, "reference": reference}, headers=api)
               for reference in ("R\x00-1", "R" * 500)]
    assert [a.status_code for a in answers] == [400, 400]
    token = csrf_token(client, "/cases/new")
    page = client.post("/cases/new", data={**case, "reference": "P" * 500, "csrf_token": token})
    assert page.status_code in (400, 422)
    behind_the_edge = {**case, "first_day_of_incapacity": date(2026, 6, 1), "actor": "hr1"}
    if database_url.startswith("sqlite"):
        assert auth.eng.open_case(reference="R" * 500, **behind_the_edge).reference == "R" * 500
        return
    with pytest.raises(engine.InvalidInput):
        auth.eng.open_case(reference="R" * 500, **behind_the_edge)


def test_a_worker_started_during_an_outage_keeps_running_and_says_so_once(linked_url, clock, caplog):
    url, link = linked_url
    eng = engine.Engine(url, clock=clock, forms_dir=FIXTURES / "forms")
    scheduler = engine.TimerScheduler(eng)
    try:
        eng.next_due()
        link.cut()
        with caplog.at_level(logging.INFO, logger="engine"):
            scheduler.start(paused=True)
            scheduler.wake()
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(warnings) == 1 and "cannot be reached" in warnings[0].getMessage()
        link.restore()
        assert scheduler.wake().failed_instance_ids == ()
    finally:
        scheduler.shutdown()
        eng.close()
