"""Each role lands where its work is, a sign-in returns to the page asked for, and an error page leads back."""

from __future__ import annotations

import pytest

from tests.webui.conftest import PASSWORD, csrf_token


def sign_in(auth, client, *roles: str, path: str = "/login") -> str:
    """Create a user with ``roles``, sign in through the form at ``path``; where the sign-in sends them."""
    name = "-".join(roles)
    auth.eng.create_user(username=name, password=PASSWORD, display_name=name, roles=list(roles),
                         organisations=["Acme NV"], language="en", actor="test")
    response = client.post(path, data={"username": name, "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize(("roles", "landing"), [
    (("employer",), "/"),
    (("occupational_physician",), "/"),
    (("process_owner",), "/models"),
    (("compliance_officer",), "/compliance/dashboard"),
    (("admin",), "/admin/accounts"),
    (("process_owner", "employer"), "/"),
])
def test_each_role_lands_where_its_work_is(auth, client, roles, landing):
    assert sign_in(auth, client, *roles) == landing


def test_a_sign_in_returns_to_the_page_asked_for_and_never_to_another_site(auth, client):
    asked = client.get("/cases?q=peeters")
    assert asked.status_code == 302 and "/login?next=" in asked.headers["Location"]
    assert sign_in(auth, client, "employer", path=asked.headers["Location"]) == "/cases?q=peeters"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert sign_in(auth, client, "process_owner", path="/login?next=//evil.example/x") == "/models"


def test_an_error_page_leads_back_to_the_page_the_person_came_from_and_to_their_start(auth, client):
    auth.login_as("process_owner")
    page = client.get("/cases/999999", headers={"Referer": "http://localhost/cases?q=x"})
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert 'href="/cases?q=x"' in html and "Back to the page you came from" in html
    assert 'href="/models"' in html and "To my start page" in html
    elsewhere = client.get("/cases/999999", headers={"Referer": "https://evil.example/cases"}).get_data(as_text=True)
    assert "Back to the page you came from" not in elsewhere
