"""The demo clock: admins move time forward in demo mode to watch deadlines fire; absent elsewhere."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

import engine
from tests.webui.conftest import AuthActions, csrf_token
from tests.webui.test_tasks import requested_visit
from webui import create_app


@pytest.fixture
def demo_app(database_url: str, clock: engine.SettableClock) -> Iterator[Flask]:
    from tests.conftest import FIXTURES

    application = create_app({"TESTING": True, "DEMO": True, "DATABASE_URL": database_url, "CLOCK": clock,
                              "SECRET_KEY": "test-secret"})
    application.extensions["reintegra"].forms_dir = FIXTURES / "forms"
    yield application
    application.extensions["reintegra"].close()


def test_the_demo_clock_does_not_exist_outside_demo_mode(client, auth):
    auth.login_as("admin", username="root")
    assert client.get("/demo/clock").status_code == 404
    assert client.post("/demo/clock", data={"days": "7"}).status_code in (400, 404)


def test_only_an_admin_may_move_the_demo_clock(demo_app):
    client = demo_app.test_client()
    AuthActions(demo_app, client).login_as("employer", username="hr1")
    assert client.get("/demo/clock").status_code == 403
    response = client.post("/demo/clock", data={"days": "7", "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 403


def test_moving_the_demo_clock_fires_the_deadlines_that_fall_due(demo_app, clock):
    client = demo_app.test_client()
    auth = AuthActions(demo_app, client)
    case = requested_visit(auth.eng)
    auth.login_as("admin", username="root")
    page = client.get("/demo/clock").get_data(as_text=True)
    assert "21/12/2026" in page
    response = client.post("/demo/clock", data={"days": "30", "csrf_token": csrf_token(client, "/demo/clock")},
                           follow_redirects=True)
    assert "20/01/2027" in response.get_data(as_text=True)
    assert [d.state for d in auth.eng.deadlines(case.id)] == ["missed"]
    assert client.post("/demo/clock", data={"days": "9999", "csrf_token": csrf_token(client, "/demo/clock")}
                       ).status_code == 403
