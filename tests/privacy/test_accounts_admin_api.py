"""Account administration through the REST API (issue 14, point 4): admin tokens only, the one error shape."""

from __future__ import annotations

import pytest

from tests.webui.conftest import PASSWORD

STRONG = "violet harbour tangram"


@pytest.fixture
def eng(app):  # type: ignore[no-untyped-def]
    return app.extensions["reintegra"]


def _bearer(eng, *roles: str, username: str) -> dict:  # type: ignore[no-untyped-def]
    user = eng.create_user(username=username, password=PASSWORD, display_name=username.title(), roles=list(roles),
                           organisations=["Acme NV"], actor="cli")
    return {"Authorization": f"Bearer {eng.issue_token(user.id, 'test')}"}


@pytest.fixture
def admin(eng) -> dict:  # type: ignore[no-untyped-def]
    return _bearer(eng, "admin", username="root")


NEW = {"username": "hr2", "password": STRONG, "display_name": "Hanne", "roles": ["employer"],
       "organisations": ["Acme NV"], "language": "fr"}


def test_an_admin_creates_lists_changes_and_resets_an_account(client, admin):
    created = client.post("/api/v1/accounts", json=NEW, headers=admin)
    assert created.status_code == 201, created.json
    account = created.json
    assert account["must_change_password"] is True and "password" not in account
    assert [a["username"] for a in client.get("/api/v1/accounts?search=han", headers=admin).json] == ["hr2"]
    changed = client.patch(f"/api/v1/accounts/{account['id']}", json={"display_name": "Hanne V."}, headers=admin)
    assert changed.json["display_name"] == "Hanne V."
    generated = client.post(f"/api/v1/accounts/{account['id']}/password", headers=admin).json["password"]
    assert len(generated) >= 12
    chosen = client.post(f"/api/v1/accounts/{account['id']}/password", json={"password": "copper lantern meadow"},
                         headers=admin)
    assert chosen.json == {"password": None}


def test_a_disabled_accounts_token_is_refused_at_the_next_request(client, eng, admin):
    own = _bearer(eng, "employer", username="hr3")
    assert client.get("/api/v1/cases", headers=own).status_code == 200
    hr3 = next(a for a in client.get("/api/v1/accounts", headers=admin).json if a["username"] == "hr3")
    assert client.post(f"/api/v1/accounts/{hr3['id']}/disable", headers=admin).json["is_active"] is False
    refused = client.get("/api/v1/cases", headers=own)
    assert refused.status_code == 401 and refused.json["error"] == "unauthorized"


@pytest.mark.parametrize(("body", "field"), [
    ({**NEW, "password": "password1234"}, "password"),
    ({**NEW, "organisations": ["Nowhere BV"]}, "organisations"),
    ({**NEW, "roles": "employer"}, "roles"),
    ({**NEW, "is_admin": True}, "is_admin"),
])
def test_refused_account_data_names_its_field(client, admin, body, field):
    refused = client.post("/api/v1/accounts", json=body, headers=admin)
    assert refused.status_code == 400
    assert field in [d["field"] for d in refused.json["details"]]


def test_the_last_admin_cannot_be_disabled_through_the_api(client, admin):
    root = client.get("/api/v1/accounts", headers=admin).json[0]
    refused = client.post(f"/api/v1/accounts/{root['id']}/disable", headers=admin)
    assert refused.status_code == 403 and refused.json["error"] == "not_allowed"
    assert "last active admin" in refused.json["message"]


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/accounts"), ("post", "/api/v1/accounts"), ("get", "/api/v1/organisations"),
    ("post", "/api/v1/organisations"), ("post", "/api/v1/accounts/1/disable"), ("patch", "/api/v1/accounts/1"),
    ("post", "/api/v1/accounts/1/password"),
])
def test_only_an_admin_token_manages_accounts(client, eng, method, path):
    headers = _bearer(eng, "employer", "compliance_officer", username="hr4")
    body = NEW if path.endswith("accounts") else ({"name": "X", "kind": "other"} if "organisations" in path else {})
    answer = getattr(client, method)(path, json=body, headers=headers)
    assert answer.status_code == 403 and answer.json["error"] == "not_allowed"
    assert client.get("/api/v1/accounts").status_code == 401


def test_organisations_are_added_once_and_deactivated(client, admin):
    added = client.post("/api/v1/organisations", json={"name": "Liantis", "kind": "prevention_service"},
                        headers=admin)
    assert added.status_code == 201
    again = client.post("/api/v1/organisations", json={"name": "liantis", "kind": "other"}, headers=admin)
    assert again.status_code == 409
    off = client.post(f"/api/v1/organisations/{added.json['id']}/deactivate", headers=admin)
    assert off.json["is_active"] is False
    names = {o["name"]: o["kind"] for o in client.get("/api/v1/organisations", headers=admin).json}
    assert names == {"Acme NV": "other", "Liantis": "prevention_service"}
    refused = client.post("/api/v1/accounts", json={**NEW, "organisations": ["Liantis"]}, headers=admin)
    assert refused.status_code == 400


def test_the_openapi_document_describes_account_administration(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/accounts", "/accounts/{user_id}", "/accounts/{user_id}/disable", "/accounts/{user_id}/enable",
            "/accounts/{user_id}/password", "/organisations"} <= set(paths)
