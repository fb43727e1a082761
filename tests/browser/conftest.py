"""Browser fixtures: the real app served on a free port, Debian's Chromium driven by Playwright, screenshots.

The app runs with the shipped diagrams and forms (processes/bpmn, forms/), on the test database and the
test clock, so a test moves legal time with ``live_server.until(...)`` instead of sleeping.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

import engine
from tests.scenarios.conftest import PROCESSES, at
from webui import create_app

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium (`.ci/ensure-chromium` installs it); Playwright's own browser downloads are not used."""
PASSWORD = "correct horse battery"
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 30_000
"""How long an action, a page load or an expectation may wait: generous, for two loaded cores that also run the
other half of the suite; a passing test never waits for it, so it bounds only how long a failure takes to report."""


@dataclass
class LiveServer:
    """The running app: its address, its engine and the clock it reads."""

    url: str
    eng: engine.Engine
    clock: engine.SettableClock

    def add_user(self, username: str, display_name: str, role: str,
                 organisations: tuple[str, ...] = (), language: str = "en") -> engine.UserView:
        """An account that signs in with ``PASSWORD``, reading pages in ``language``."""
        return self.eng.create_user(username=username, password=PASSWORD, display_name=display_name, roles=[role],
                                    organisations=list(organisations), language=language, actor="test")

    def until(self, year: int, month: int, day: int, hour: int = 10) -> engine.TimerRun:
        """Let legal time pass to that Brussels instant, and fire the timers due by then as the scheduler would."""
        self.clock.set(at(year, month, day, hour))
        return self.eng.fire_due_timers()


class Answering:
    """``app`` whose every answer is closed, and which knows when no request is being answered.

    Werkzeug's server closes an answer after draining the socket; when that read meets a reset connection (a page
    left while a script loads) it skips the close, and the static file's handle is left to the garbage collector:
    a ResourceWarning, an error under ``filterwarnings = error``. Closing the generator closes the answer.

    The server's request threads are daemon threads that ``shutdown`` does not wait for: a request the browser
    abandoned may still be running (and holding a database connection) when the test ends. ``wait_idle`` waits
    for it, so the connection count the fixture checks is the one every request left behind.
    """

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self.answering = 0
        self.idle = threading.Condition()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        with self.idle:
            self.answering += 1
        try:
            chunks = self.app(environ, start_response)
        finally:
            with self.idle:
                self.answering -= 1
                self.idle.notify_all()
        return self._closing(chunks)

    @staticmethod
    def _closing(chunks: Iterable[bytes]) -> Iterator[bytes]:
        try:
            yield from chunks
        finally:
            if hasattr(chunks, "close"):
                chunks.close()

    def wait_idle(self) -> bool:
        """Whether every request has been answered, waiting at most ``TIMEOUT_MS`` for the last ones."""
        with self.idle:
            return self.idle.wait_for(lambda: self.answering == 0, timeout=TIMEOUT_MS / 1000)


@pytest.fixture
def live_server(database_url: str, clock: engine.SettableClock) -> Iterator[LiveServer]:
    """The application on 127.0.0.1 (a free port) in a background thread, with every procedure deployed."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock,
                      "SECRET_KEY": "browser-test-secret"})
    eng: engine.Engine = app.extensions["reintegra"]
    eng.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    answering = Answering(app)
    server = make_server("127.0.0.1", 0, answering, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", eng, clock)
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    idle = answering.wait_idle()
    pool = eng.database.engine.pool
    checked_out = pool.checkedout() if hasattr(pool, "checkedout") else 0
    eng.close()
    assert not thread.is_alive(), "the live server did not stop"
    assert idle, "a request was still being answered after the test"
    assert checked_out == 0, "a request left a database connection (and its transaction) open"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash .ci/ensure-chromium` (make test does)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        expect.set_options(timeout=TIMEOUT_MS)
        yield chromium
        chromium.close()


SignIn = Callable[[str], Page]


@pytest.fixture
def sign_in(browser: Browser, live_server: LiveServer) -> Iterator[SignIn]:
    """``sign_in(username)``: a fresh browser context (its own cookies) signed in through the login page."""
    contexts = []

    def signed_in(username: str) -> Page:
        context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).not_to_have_url(re.compile(r"/login"))  # on the start page of the person's roles
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        return page

    yield signed_in
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where screenshots go: $REINTEGRA_ARTIFACTS/screenshots, by default artifacts/screenshots at the repo root."""
    folder = Path(os.environ.get("REINTEGRA_ARTIFACTS") or ROOT / "artifacts") / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def screenshot(screenshots: Path) -> Callable[[Page, str], Path]:
    """``screenshot(page, name)`` saves the whole page as ``<name>.png``."""

    def save(page: Page, name: str) -> Path:
        path = screenshots / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
