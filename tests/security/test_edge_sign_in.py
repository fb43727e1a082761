"""Issue 13, point 12: the sign-in limit holds under simultaneous guesses and across web processes; each sign-in
is a new session, and signing out revokes it on the server."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from tests.webui.conftest import PASSWORD, csrf_token
from webui import create_app

GUESSES = 30


def _guess(client, barrier: threading.Barrier, username: str = "hr1") -> int:  # type: ignore[no-untyped-def]
    token = csrf_token(client)
    barrier.wait()
    return client.post("/login", data={"username": username, "password": "guess", "csrf_token": token}).status_code


def test_thirty_simultaneous_guesses_get_five_password_checks_and_the_rest_are_paused(app, auth):
    auth.eng.create_user(username="hr1", password=PASSWORD, display_name="HR", roles=["employer"], actor="t")
    barrier = threading.Barrier(GUESSES)
    with ThreadPoolExecutor(GUESSES) as pool:
        statuses = list(pool.map(lambda _: _guess(app.test_client(), barrier), range(GUESSES)))
    assert sorted(statuses) == [401] * 5 + [429] * 25
    right = {"username": "hr1", "password": PASSWORD}
    client = app.test_client()
    assert client.post("/login", data={**right, "csrf_token": csrf_token(client)}).status_code == 429


def test_failed_sign_ins_count_in_every_web_process_on_the_database(app, auth, database_url, clock):
    auth.eng.create_user(username="hr1", password=PASSWORD, display_name="HR", roles=["employer"], actor="t")
    other = create_app({"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock, "SECRET_KEY": "test-secret"})
    try:
        first, second = app.test_client(), other.test_client()
        for _ in range(5):
            assert first.post("/login", data={"username": "hr1", "password": "guess",
                                              "csrf_token": csrf_token(first)}).status_code == 401
        right = {"username": "hr1", "password": PASSWORD, "csrf_token": csrf_token(second)}
        assert second.post("/login", data=right).status_code == 429
    finally:
        other.extensions["reintegra"].close()


def test_a_copied_session_cookie_stops_working_once_its_owner_signs_out(app, client, auth):
    auth.login_as("employer", username="hr1")
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/").status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/")}).status_code == 302
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_signing_in_starts_a_new_session_keeping_only_the_language(client, auth):
    csrf_token(client)
    with client.session_transaction() as planted:
        planted["planted_by_an_attacker"] = "yes"
        planted["lang"] = "fr"
        before = dict(planted)
    auth.login_as("employer", username="hr1")
    with client.session_transaction() as after:
        assert "planted_by_an_attacker" not in after and after["lang"] == "fr"
        assert after.get("csrf_token") != before.get("csrf_token")


def test_head_on_the_login_page_is_no_sign_in_attempt(client, auth):
    auth.eng.create_user(username="hr1", password=PASSWORD, display_name="HR", roles=["employer"], actor="t")
    for _ in range(6):
        assert client.head("/login").status_code == 200
    response = client.post("/login", data={"username": "", "password": "", "csrf_token": csrf_token(client)})
    assert response.status_code == 401
