"""Web fixtures: the app on a test database, a client, and signing in as a role (flaskr's AuthActions)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

import engine
from tests.conftest import FIXTURES
from webui import create_app

PASSWORD = "correct horse battery"


@pytest.fixture
def app(database_url: str, clock: engine.SettableClock) -> Iterator[Flask]:
    application = create_app({"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock,
                              "SECRET_KEY": "test-secret"})
    eng = application.extensions["reintegra"]
    eng.forms_dir = FIXTURES / "forms"
    yield application
    eng.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert match, "the page has no CSRF token"
    return match.group(1)


ROLE_ORGANISATIONS = {
    "employer": ("Acme NV",), "occupational_physician": ("Mensura",), "advisory_physician": ("CM",),
    "rtw_coordinator": ("CM",), "regional_counsellor": ("VDAB",), "medical_inspector": ("TWW",),
    "employee": (), "treating_physician": (),
    "compliance_officer": ("Acme NV",), "process_owner": ("Acme NV",), "admin": ("Acme NV",),
}
"""The organisation each role works for in the tests: the one ``open_law_case`` names for it."""


def organisations_of(roles: tuple[str, ...]) -> tuple[str, ...]:
    """The union of the roles' default organisations, in a stable order."""
    return tuple(dict.fromkeys(o for role in roles for o in ROLE_ORGANISATIONS.get(role, ("Acme NV",))))


class AuthActions:
    """Create users and sign them in through the real login form."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.eng: engine.Engine = app.extensions["reintegra"]
        self.client = client

    def login_as(self, *roles: str, username: str | None = None,
                 organisations: tuple[str, ...] | None = None) -> engine.UserView:
        """Create a user with ``roles`` and sign in; ``organisations`` default to the roles' own (see above)."""
        name = username or "-".join(roles)
        organisations = organisations_of(roles) if organisations is None else organisations
        user = self.eng.create_user(username=name, password=PASSWORD, display_name=name.title(), roles=list(roles),
                                    organisations=list(organisations), language="en", actor="test")
        response = self.client.post("/login", data={"username": name, "password": PASSWORD,
                                                    "csrf_token": csrf_token(self.client)})
        assert response.status_code == 302
        return user


@pytest.fixture
def auth(app: Flask, client: FlaskClient) -> AuthActions:
    return AuthActions(app, client)


PROCESSES = Path(__file__).resolve().parents[2] / "processes" / "bpmn"
FORMS = Path(__file__).resolve().parents[2] / "forms"


@pytest.fixture
def law(app: Flask) -> engine.Engine:
    """The app's engine with every shipped diagram deployed, reading the real forms."""
    eng: engine.Engine = app.extensions["reintegra"]
    eng.forms_dir = FORMS
    eng.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    return eng


def open_law_case(eng: engine.Engine, reference: str = "R-1", *, first_day: date = date(2026, 6, 1),
                  employer: str = "Acme NV") -> engine.CaseView:
    """A case of ``employer`` about the worker ``eva`` and her physician ``dr-wouters``, served by the
    prevention service Mensura, the sickness fund CM, the regional service VDAB and the inspectorate TWW."""
    return eng.open_case(reference=reference, employee="Eva Peeters", employer=employer,
                         first_day_of_incapacity=first_day, parties=dict(LAW_PARTIES), actor="hr1")


LAW_PARTIES = {"prevention_service": "Mensura", "sickness_fund": "CM", "regional_service": "VDAB",
               "inspectorate": "TWW", "employee_account": "eva", "treating_physician_account": "dr-wouters"}
