"""Accounts and organisations managed by admins in the engine (issue 14, point 4): audited, guarded, revocable."""

from __future__ import annotations

import pytest

import engine

STRONG = "violet harbour tangram"


@pytest.fixture
def eng(app) -> engine.Engine:
    return app.extensions["reintegra"]


@pytest.fixture
def admin(eng) -> engine.UserView:
    root = eng.create_user(username="root", password=STRONG, display_name="Root", roles=["admin"], actor="cli")
    eng.administration.add_organisation(root.id, name="Mensura", kind="prevention_service")
    return root


def _account(eng, admin, **changes) -> engine.AccountView:
    fields = {"username": "doc1", "password": STRONG, "display_name": "Dr. Peeters",
              "roles": ["occupational_physician"], "organisations": ["Mensura"], "language": "nl", **changes}
    return eng.administration.add_account(admin.id, **fields)


def test_an_admin_creates_an_account_whose_user_must_change_the_password(eng, admin):
    account = _account(eng, admin)
    assert (account.username, account.is_active, account.must_change_password) == ("doc1", True, True)
    assert eng.authenticate("doc1", STRONG).roles == ("occupational_physician",)
    assert [a.username for a in eng.administration.accounts(admin.id, search="PEET")] == ["doc1"]


@pytest.mark.parametrize(("field", "changes"), [
    ("password", {"password": "short"}),
    ("password", {"password": "Password1234!"}),
    ("password", {"password": "doc1-was-here-long"}),
    ("organisations", {"organisations": ["Nowhere BV"]}),
    ("display_name", {"display_name": " "}),
    ("roles", {"roles": ["janitor"]}),
])
def test_a_weak_password_or_an_unknown_organisation_is_refused_at_its_field(eng, admin, field, changes):
    with pytest.raises(engine.InvalidInput) as refused:
        _account(eng, admin, **changes)
    assert field in refused.value.fields
    assert [a.username for a in eng.administration.accounts(admin.id)] == ["root"]


def test_an_inactive_organisation_cannot_be_given_to_a_new_account(eng, admin):
    mensura = next(o for o in eng.administration.organisations(admin.id) if o.name == "Mensura")
    eng.administration.set_organisation_active(admin.id, mensura.id, is_active=False)
    with pytest.raises(engine.InvalidInput) as refused:
        _account(eng, admin)
    assert "organisations" in refused.value.fields


def test_organisation_names_are_unique_in_any_case_and_kinds_are_known(eng, admin):
    with pytest.raises(engine.Conflict):
        eng.administration.add_organisation(admin.id, name="MENSURA", kind="prevention_service")
    with pytest.raises(engine.InvalidInput) as refused:
        eng.administration.add_organisation(admin.id, name="CM", kind="bank")
    assert "kind" in refused.value.fields


def test_disabling_an_account_ends_its_sessions_and_tokens_at_once(eng, admin):
    account = _account(eng, admin)
    signed_in = eng.sign_in("doc1", STRONG, address="10.0.0.1")
    token = eng.issue_token(account.id, "script")
    eng.administration.disable_account(admin.id, account.id)
    assert eng.session_user(signed_in.session_token) is None
    assert eng.token_user(token) is None
    assert eng.sign_in("doc1", STRONG, address="10.0.0.1").user is None
    eng.administration.enable_account(admin.id, account.id)
    assert eng.session_user(signed_in.session_token) is None
    assert eng.token_user(token) is None
    assert eng.sign_in("doc1", STRONG, address="10.0.0.1").user is not None


def test_a_reset_password_is_generated_once_and_ends_the_sessions(eng, admin):
    account = _account(eng, admin)
    signed_in = eng.sign_in("doc1", STRONG, address="10.0.0.1")
    generated = eng.administration.reset_password(admin.id, account.id)
    assert generated and eng.authenticate("doc1", generated) is not None
    assert eng.session_user(signed_in.session_token) is None
    with pytest.raises(engine.InvalidInput) as refused:
        eng.administration.reset_password(admin.id, account.id, "password")
    assert "password" in refused.value.fields


def test_the_user_changes_the_password_an_admin_set(eng, admin):
    account = _account(eng, admin)
    here = eng.sign_in("doc1", STRONG, address="10.0.0.1")
    there = eng.sign_in("doc1", STRONG, address="10.0.0.2")
    with pytest.raises(engine.InvalidInput) as refused:
        eng.administration.change_password(account.id, "wrong", "marble kettle orbit", session_token=here.session_token)
    assert "current_password" in refused.value.fields
    eng.administration.change_password(account.id, STRONG, "marble kettle orbit", session_token=here.session_token)
    assert not eng.administration.must_change_password(account.id)
    assert eng.session_user(here.session_token) is not None
    assert eng.session_user(there.session_token) is None


def test_the_last_active_admin_keeps_the_admin_role_and_stays_enabled(eng, admin):
    with pytest.raises(engine.NotAllowed):
        eng.administration.disable_account(admin.id, admin.id)
    with pytest.raises(engine.NotAllowed):
        eng.administration.change_account(admin.id, admin.id, {"roles": ["compliance_officer"]})
    other = _account(eng, admin, username="root2", roles=["admin"], organisations=[])
    eng.administration.change_account(admin.id, admin.id, {"roles": ["admin", "compliance_officer"]})
    eng.administration.disable_account(admin.id, other.id)
    with pytest.raises(engine.NotAllowed):
        eng.administration.disable_account(admin.id, admin.id)


def test_only_an_admin_manages_accounts(eng, admin):
    account = _account(eng, admin)
    for call in (lambda: eng.administration.accounts(account.id), lambda: eng.administration.organisations(account.id),
                 lambda: eng.administration.disable_account(account.id, admin.id)):
        with pytest.raises(engine.NotAllowed):
            call()


def test_every_change_is_audited_without_a_password(eng, admin):
    account = _account(eng, admin)
    eng.administration.change_account(admin.id, account.id, {"display_name": "Dr. An Peeters", "language": "fr"})
    eng.administration.disable_account(admin.id, account.id)
    eng.administration.enable_account(admin.id, account.id)
    eng.administration.reset_password(admin.id, account.id, "copper lantern meadow")
    events = [e for e in eng.audit_trail("accounts") if e.actor == "root"]
    assert [e.action for e in events] == ["organisation_created", "user_created", "user_changed", "user_disabled",
                                          "user_enabled", "password_reset"]
    assert events[2].before == {"display_name": "Dr. Peeters", "language": "nl"}
    assert events[2].after == {"username": "doc1", "display_name": "Dr. An Peeters", "language": "fr"}
    assert events[3].after == {"username": "doc1", "sessions": 0, "tokens": 0, "released_work_items": 0}
    text = repr([(e.before, e.after) for e in eng.audit_trail("accounts")])
    assert STRONG not in text and "copper" not in text and "argon2" not in text


def test_the_migration_registers_the_organisations_users_and_cases_already_name(eng, database_url):
    """0015: an employer of a case is an employer, a party key names its kind, a user's name alone is other."""
    from datetime import date
    from importlib import import_module

    import sqlalchemy as sa

    from tests.engine.test_migrations import migrated_again

    eng.create_user(username="hr", password=STRONG, display_name="HR", roles=["employer"],
                    organisations=["Acme NV", "Club VZW"], actor="cli")
    eng.open_case(reference="C-1", employee="An", employer="Acme NV", first_day_of_incapacity=date(2026, 9, 1),
                  parties={"prevention_service": "Mensura", "sickness_fund": "CM"}, actor="hr")
    before = import_module("engine.migrations.versions.0015_organisations").down_revision
    kinds = migrated_again(database_url, before, sa.text(
        "SELECT string_agg(name || '=' || kind, ',' ORDER BY name) FROM organisation"
        if database_url.startswith("postgresql") else
        "SELECT group_concat(name || '=' || kind, ',') FROM (SELECT * FROM organisation ORDER BY name)"))
    assert kinds[0] == "Acme NV=employer,CM=sickness_fund,Club VZW=other,Mensura=prevention_service"


def test_the_demo_makes_its_organisations_with_their_kinds_and_signs_in_with_the_demo_password(eng):
    from webui.cli import DEMO_PASSWORD, _demo_accounts

    _demo_accounts(eng)
    _demo_accounts(eng)
    admin = eng.authenticate("admin", DEMO_PASSWORD)
    assert {o.name: o.kind for o in eng.administration.organisations(admin.id)} == {
        "Acme NV": "employer", "CM": "sickness_fund", "Mensura": "prevention_service", "TWW": "inspectorate",
        "VDAB": "regional_service"}
    assert len(eng.administration.accounts(admin.id)) == 11
    assert eng.authenticate("employer", DEMO_PASSWORD).organisations == ("Acme NV",)


def test_two_admins_disabling_each_other_at_once_leave_one_admin(eng, admin):
    """The check for another admin locks the active accounts, so at most one of two crossing disables succeeds."""
    from concurrent.futures import ThreadPoolExecutor

    other = _account(eng, admin, username="root2", roles=["admin"], organisations=[])

    def disable(pair: tuple[int, int]) -> str:
        try:
            eng.administration.disable_account(*pair)
            return "disabled"
        except engine.EngineError as err:
            return err.code

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(disable, [(admin.id, other.id), (other.id, admin.id)]))
    assert outcomes.count("disabled") <= 1
    survivor = admin.id if outcomes[0] == "disabled" else other.id
    assert sum(a.is_active for a in eng.administration.accounts(survivor)) >= 1


def test_searching_for_a_percent_sign_matches_it_literally(eng, admin):
    _account(eng, admin, username="doc_1", display_name="Dr. 100% Peeters")
    _account(eng, admin, username="docx1", display_name="Dr. Janssens")
    assert [a.username for a in eng.administration.accounts(admin.id, search="100%")] == ["doc_1"]
    assert [a.username for a in eng.administration.accounts(admin.id, search="c_1")] == ["doc_1"]


def test_the_first_admin_of_an_installation_is_made_on_the_command_line_with_a_strong_password(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from webui.cli import main

    monkeypatch.setenv("REINTEGRA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    weak = CliRunner().invoke(main, ["create-admin", "boss", "--password", "boss-password"])
    assert weak.exit_code == 2 and "password" in weak.output
    made = CliRunner().invoke(main, ["create-admin", "boss", "--name", "The Boss"], input=f"{STRONG}\n{STRONG}\n")
    assert made.exit_code == 0, made.output
    again = CliRunner().invoke(main, ["create-admin", "boss", "--password", STRONG])
    assert again.exit_code == 2 and "taken" in again.output
    eng = engine.Engine(f"sqlite:///{tmp_path / 'cli.sqlite'}")
    assert eng.authenticate("boss", STRONG).roles == ("admin",)
    eng.close()


def test_disabling_an_account_gives_back_the_work_items_it_claimed(law, admin):
    from tests.webui.conftest import open_law_case

    case = open_law_case(law)
    item = next(i for i in law.work_items(case_id=case.id) if i.role in ("employer", "occupational_physician"))
    holder = law.create_user(username="holder", password=STRONG, display_name="Holder", roles=[item.role],
                             organisations=["Acme NV", "Mensura", "CM"], actor="cli")
    assert law.claim(item.id, holder.id).assignee == "holder"
    revoked = law.administration.disable_account(admin.id, holder.id)
    assert not revoked.is_active
    assert next(i for i in law.work_items(case_id=case.id) if i.id == item.id).assignee is None
    [released] = [e for e in law.audit_trail(f"instance:{item.instance_id}") if e.action == "work_item_released"]
    assert (released.actor, released.after) == ("root", {"released_from": "holder", "reason": "account_disabled"})
