"""My account: the language I read in is mine across sessions; API tokens are shown once."""

from __future__ import annotations

from tests.webui.conftest import PASSWORD, csrf_token


def test_the_language_chosen_on_any_page_is_kept_for_my_next_session(client, auth):
    auth.login_as("employer", username="hr1")
    response = client.post("/language", data={"language": "fr", "next": "/cases",
                                              "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/cases")
    assert 'lang="fr"' in client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    with client.session_transaction() as session:
        session.clear()
    client.post("/login", data={"username": "hr1", "password": PASSWORD, "csrf_token": csrf_token(client)})
    page = client.get("/").get_data(as_text=True)
    assert 'lang="fr"' in page and "Boîte de réception" in page


def test_the_language_switch_never_redirects_to_another_site(client, auth):
    auth.login_as("employer", username="hr1")
    response = client.post("/language", data={"language": "nl", "next": "//evil.example/",
                                              "csrf_token": csrf_token(client, "/")})
    assert response.headers["Location"] == "/"


def test_an_api_token_is_shown_once_and_works(client, auth):
    auth.login_as("employer", username="hr1")
    page = client.post("/account/tokens", data={"label": "payroll sync",
                                                "csrf_token": csrf_token(client, "/account")}).get_data(as_text=True)
    token = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert token.startswith("rtg_") and token not in client.get("/account").get_data(as_text=True)
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_forms_without_a_csrf_token_are_refused(client, auth):
    auth.login_as("employer", username="hr1")
    assert client.post("/account/tokens", data={"label": "x"}).status_code == 400


def test_revoking_my_tokens_stops_them(client, auth):
    user = auth.login_as("employer", username="hr1")
    token = auth.eng.issue_token(user.id, "script")
    response = client.post("/account/tokens/revoke", data={"csrf_token": csrf_token(client, "/account")},
                           follow_redirects=True)
    assert "1 token(s) revoked." in response.get_data(as_text=True)
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 401
