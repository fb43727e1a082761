"""Accounts: argon2 passwords, roles that exist, the same answer for a wrong name or password."""

from __future__ import annotations

import pytest

import engine


def test_a_user_signs_in_with_the_right_password_only(eng):
    created = eng.create_user(username="oa1", password="correct horse", display_name="Dr. Janssens",
                              roles=["occupational_physician"], organisations=["Mensura"], actor="admin")
    assert eng.authenticate("oa1", "correct horse") == created
    assert eng.authenticate("oa1", "wrong horse") is None
    assert eng.authenticate("nobody", "correct horse") is None
    assert eng.user(created.id).roles == ("occupational_physician",)


@pytest.mark.parametrize(("field", "changes"), [
    ("password", {"password": "short"}),
    ("roles", {"roles": ["janitor"]}),
    ("roles", {"roles": []}),
    ("language", {"language": "de"}),
])
def test_bad_accounts_are_refused_per_field(eng, field, changes):
    account = {"username": "x", "password": "long enough", "display_name": "X", "roles": ["employer"], **changes}
    with pytest.raises(engine.InvalidInput) as refused:
        eng.create_user(**account, actor="admin")
    assert field in refused.value.fields


def test_a_username_is_unique_and_creations_are_audited_without_the_password(eng):
    eng.create_user(username="hr1", password="long enough", display_name="HR", roles=["employer"], actor="admin")
    with pytest.raises(engine.Conflict):
        eng.create_user(username="hr1", password="long enough", display_name="HR", roles=["employer"], actor="admin")
    [event] = eng.audit_trail("accounts")
    assert event.after == {"username": "hr1", "roles": ["employer"], "organisations": []}
