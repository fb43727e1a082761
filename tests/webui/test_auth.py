"""Signing in and out: passwords, CSRF on every form, pages closed to strangers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.webui.conftest import PASSWORD, csrf_token


def test_the_login_page_has_labelled_fields_and_a_csrf_token(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'for="username"' in page and 'for="password"' in page
    assert csrf_token(client)


def test_a_wrong_password_is_refused_and_nobody_is_signed_in(client, auth):
    auth.eng.create_user(username="hr1", password=PASSWORD, display_name="HR", roles=["employer"], actor="t")
    response = client.post("/login?lang=en", data={"username": "hr1", "password": "wrong",
                                                   "csrf_token": csrf_token(client)})
    assert response.status_code == 401
    assert "wrong password" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_form_posted_without_its_csrf_token_is_refused(client, auth):
    auth.eng.create_user(username="hr1", password=PASSWORD, display_name="HR", roles=["employer"], actor="t")
    assert client.post("/login", data={"username": "hr1", "password": PASSWORD}).status_code == 400


@pytest.mark.parametrize("path", ["/"])
def test_pages_need_a_signed_in_user(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_signing_in_opens_the_inbox_and_signing_out_closes_it(client, auth):
    auth.login_as("employer", username="hr1")
    assert client.get("/").status_code == 200
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_the_session_cookie_is_http_only(client, auth):
    auth.login_as("employer", username="hr1")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only


def test_repeated_failed_sign_ins_are_paused_for_15_minutes(client, auth, clock):
    auth.eng.create_user(username="hr7", password=PASSWORD, display_name="HR", roles=["employer"], actor="t")
    for _ in range(5):
        assert client.post("/login", data={"username": "hr7", "password": "guess",
                                           "csrf_token": csrf_token(client)}).status_code == 401
    right = {"username": "hr7", "password": PASSWORD}
    assert client.post("/login", data={**right, "csrf_token": csrf_token(client)}).status_code == 429
    clock.advance(timedelta(minutes=16))
    assert client.post("/login", data={**right, "csrf_token": csrf_token(client)}).status_code == 302


@pytest.mark.parametrize(("lang", "text"), [("nl", "Aanmelden"), ("fr", "Se connecter"), ("en", "Sign in")])
def test_the_login_page_speaks_dutch_french_and_english(client, lang, text):
    page = client.get(f"/login?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page and text in page
