"""The admin pages of accounts and organisations (issue 14, point 4): CSRF, errors at the field, 403, revocation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.webui.conftest import PASSWORD, csrf_token

STRONG = "violet harbour tangram"
OWN = "marble kettle orbit"


@pytest.fixture
def admin(auth):  # type: ignore[no-untyped-def]
    user = auth.login_as("admin", username="root")
    auth.eng.administration.add_organisation(user.id, name="Mensura", kind="prevention_service")
    return user


def _new(client, **changes):  # type: ignore[no-untyped-def]
    data = {"username": "doc1", "display_name": "Dr. Peeters", "language": "nl", "roles": ["occupational_physician"],
            "organisations": ["Mensura"], "password": STRONG, **changes}
    return client.post("/admin/accounts/new", data={**data, "csrf_token": csrf_token(client, "/admin/accounts/new")})


def _sign_in(app, username: str, password: str):  # type: ignore[no-untyped-def]
    other = app.test_client()
    answer = other.post("/login", data={"username": username, "password": password, "csrf_token": csrf_token(other)})
    return other, answer


def test_an_admin_creates_an_account_whose_user_first_chooses_a_password(app, client, admin):
    created = _new(client)
    assert created.status_code == 302
    listed = client.get("/admin/accounts?search=peeters").get_data(as_text=True)
    assert "doc1" in listed and "Dr. Peeters" in listed
    user, signed_in = _sign_in(app, "doc1", STRONG)
    assert signed_in.status_code == 302
    assert user.get("/cases").headers["Location"].endswith("/account/password")
    token = csrf_token(user, "/account/password")
    weak = user.post("/account/password", data={"current_password": STRONG, "new_password": "short",
                                                "repeat_password": "short", "csrf_token": token})
    assert weak.status_code == 422 and 'id="new_password-error"' in weak.get_data(as_text=True)
    changed = user.post("/account/password", data={"current_password": STRONG, "new_password": OWN,
                                                   "repeat_password": OWN, "csrf_token": token})
    assert changed.status_code == 302
    assert user.get("/cases").status_code == 200


@pytest.mark.parametrize(("changes", "field", "text"), [
    ({"password": "Password1234!"}, "password", "too easy to guess"),
    ({"password": "short"}, "password", "At least 12 characters"),
    ({"organisations": ["Nowhere BV"]}, "organisations", "Unknown or inactive organisation: Nowhere BV"),
    ({"roles": []}, "roles", "Choose at least one role"),
    ({"username": ""}, "username", "Required"),
])
def test_refused_account_data_is_shown_at_its_field(client, admin, changes, field, text):
    refused = _new(client, **changes)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f'id="{field}-error"' in page and text in page
    assert f'{field}-error"' in page.split(f'id="{field}-error"')[0] or "aria-describedby" in page


def test_a_disabled_users_open_session_is_refused_at_the_next_request(app, client, admin):
    _new(client)
    doc1 = next(a for a in app.extensions["reintegra"].administration.accounts(admin.id) if a.username == "doc1")
    app.extensions["reintegra"].administration.change_password(doc1.id, STRONG, OWN, session_token="none")
    user, _ = _sign_in(app, "doc1", OWN)
    assert user.get("/cases").status_code == 200
    disabled = client.post(f"/admin/accounts/{doc1.id}/disable",
                           data={"csrf_token": csrf_token(client, f"/admin/accounts/{doc1.id}")})
    assert disabled.status_code == 302
    assert user.get("/cases").headers["Location"].startswith("/login")
    assert _sign_in(app, "doc1", OWN)[1].status_code == 401


def test_a_generated_password_is_shown_once_and_ends_the_users_sessions(app, client, admin):
    _new(client)
    doc1 = next(a for a in app.extensions["reintegra"].administration.accounts(admin.id) if a.username == "doc1")
    user, _ = _sign_in(app, "doc1", STRONG)
    page = client.post(f"/admin/accounts/{doc1.id}/password", data={
        "generate": "yes", "csrf_token": csrf_token(client, f"/admin/accounts/{doc1.id}")}).get_data(as_text=True)
    generated = page.split('id="generated-password">')[1].split("<")[0]
    assert len(generated) >= 12
    assert user.get("/cases").headers["Location"].startswith("/login")
    assert _sign_in(app, "doc1", generated)[1].status_code == 302
    weak = client.post(f"/admin/accounts/{doc1.id}/password", data={
        "password": "doc1doc1doc1doc1", "csrf_token": csrf_token(client, f"/admin/accounts/{doc1.id}")})
    assert weak.status_code == 422 and 'id="new-password-error"' in weak.get_data(as_text=True)


def test_the_last_admin_is_told_why_the_role_stays(client, admin):
    refused = client.post(f"/admin/accounts/{admin.id}", data={
        "display_name": "Root", "language": "en", "roles": ["employer"],
        "csrf_token": csrf_token(client, f"/admin/accounts/{admin.id}")})
    assert refused.status_code == 403
    assert "last active administrator" in refused.get_data(as_text=True)


def test_organisations_are_added_validated_and_deactivated(client, admin, auth):
    token = csrf_token(client, "/admin/organisations")
    assert client.post("/admin/organisations", data={"name": "CM", "kind": "sickness_fund",
                                                     "csrf_token": token}).status_code == 302
    taken = client.post("/admin/organisations", data={"name": "cm", "kind": "other", "csrf_token": token})
    assert taken.status_code == 409 and 'id="name-error"' in taken.get_data(as_text=True)
    cm = next(o for o in auth.eng.administration.organisations(admin.id) if o.name == "CM")
    client.post(f"/admin/organisations/{cm.id}/active", data={"active": "no", "csrf_token": token})
    assert not next(o for o in auth.eng.administration.organisations(admin.id) if o.name == "CM").is_active
    assert _new(client, organisations=["CM"]).status_code == 422


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/admin/accounts"), ("get", "/admin/accounts/new"), ("get", "/admin/accounts/1"),
    ("get", "/admin/organisations"), ("post", "/admin/accounts/1/disable"), ("post", "/admin/accounts/1/password"),
    ("post", "/admin/organisations"),
])
def test_a_non_admin_gets_403_on_every_admin_page(client, auth, method, path):
    auth.login_as("employer", "compliance_officer", "process_owner", username="hr1")
    data = {"csrf_token": csrf_token(client, "/account")} if method == "post" else None
    assert getattr(client, method)(path, data=data).status_code == 403


def test_admin_forms_need_their_csrf_token(client, admin):
    assert client.post("/admin/accounts/new", data={"username": "x"}).status_code == 400
    assert client.post(f"/admin/accounts/{admin.id}/disable").status_code == 400


@pytest.mark.parametrize(("lang", "text"), [("nl", "Accounts"), ("fr", "Comptes"), ("en", "Accounts")])
def test_the_accounts_page_speaks_dutch_french_and_english(client, admin, lang, text):
    assert f"<h1>{text}</h1>" in client.get(f"/admin/accounts?lang={lang}").get_data(as_text=True)


def test_sign_in_throttling_holds_for_an_account_an_admin_created(app, client, admin, clock):
    _new(client)
    user = app.test_client()
    wrong = {"username": "doc1", "password": "wrong", "csrf_token": csrf_token(user)}
    assert [user.post("/login", data=wrong).status_code for _ in range(5)] == [401] * 5
    right = {**wrong, "password": STRONG}
    assert user.post("/login", data=right).status_code == 429
    clock.advance(timedelta(minutes=16))
    assert user.post("/login", data=right).status_code == 302


def test_the_demo_password_passes_the_strength_rule(auth):
    """Decision: ``reintegra-demo`` is strong enough, so the demo accounts need no exception."""
    root = auth.eng.create_user(username="root", password=PASSWORD, display_name="Root", roles=["admin"], actor="t")
    auth.eng.administration.add_organisation(root.id, name="Acme NV", kind="employer")
    made = auth.eng.administration.add_account(root.id, username="employer", password="reintegra-demo",
                                               display_name="Employer", roles=["employer"], organisations=["Acme NV"])
    assert made.is_active


def test_every_field_of_the_admin_and_password_forms_has_a_label(client, admin):
    import re

    for path in ("/admin/accounts", "/admin/accounts/new", f"/admin/accounts/{admin.id}", "/admin/organisations",
                 "/account/password"):
        page = client.get(path).get_data(as_text=True)
        labelled = set(re.findall(r'<label for="([^"]+)"', page))
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", page):
            if 'type="hidden"' in tag or 'type="checkbox"' in tag:
                continue  # hidden fields need no label; each checkbox sits inside its label
            field_id = re.search(r'id="([^"]+)"', tag)
            assert field_id and field_id.group(1) in labelled, f"{path}: {tag}"
