"""Issue 16: an employer's headcount (T05, T35) and contact cadence (T20) are data an admin records, audited."""

from __future__ import annotations

import pytest

from tests.webui.conftest import csrf_token
from tests.webui.test_api import Api


@pytest.fixture
def admin(auth):  # type: ignore[no-untyped-def]
    user = auth.login_as("admin", username="root")
    auth.eng.administration.add_organisation(user.id, name="Brico NV", kind="employer")
    auth.eng.administration.add_organisation(user.id, name="Mensura", kind="prevention_service")
    return user


def _org(auth, admin, name: str):  # type: ignore[no-untyped-def]
    return next(o for o in auth.eng.administration.organisations(admin.id) if o.name == name)


def _save(client, org_id: int, headcount: str, days: str):  # type: ignore[no-untyped-def]
    return client.post(f"/admin/organisations/{org_id}/policy", data={
        "headcount": headcount, "contact_every_days": days, "csrf_token": csrf_token(client, "/admin/organisations")})


def test_an_admin_records_an_employers_headcount_and_contact_cadence(client, auth, admin):
    brico = _org(auth, admin, "Brico NV")
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert f'id="contact-{brico.id}"' in page and 'placeholder="28"' in page
    assert _save(client, brico.id, "75", "14").status_code == 302
    saved = _org(auth, admin, "Brico NV")
    assert (saved.headcount, saved.contact_every_days) == (75, 14)
    assert 'value="75"' in client.get("/admin/organisations").get_data(as_text=True)
    changed = [e for e in auth.eng.audit_trail("accounts") if e.action == "employer_policy_changed"]
    assert [(e.actor, e.before["contact_every_days"], e.after["contact_every_days"]) for e in changed] == [
        ("root", None, 14)]
    _save(client, brico.id, "75", "")
    assert _org(auth, admin, "Brico NV").contact_every_days is None


@pytest.mark.parametrize(("headcount", "days", "field", "text"), [
    ("many", "14", "headcount", "A whole number."),
    ("50", "3", "contact", "Between 7-92 days."),
    ("50", "365", "contact", "Between 7-92 days."),
])
def test_a_refused_policy_is_shown_at_its_field_and_changes_nothing(client, auth, admin, headcount, days, field,
                                                                    text):
    brico = _org(auth, admin, "Brico NV")
    refused = _save(client, brico.id, headcount, days)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and f'id="{field}-{brico.id}-error"' in body and text in body
    assert f'value="{headcount}"' in body
    assert _org(auth, admin, "Brico NV").headcount is None


def test_only_an_employer_has_a_policy(client, auth, admin):
    mensura = _org(auth, admin, "Mensura")
    assert f'id="contact-{mensura.id}"' not in client.get("/admin/organisations").get_data(as_text=True)
    with pytest.raises(Exception, match="policy has errors"):
        auth.eng.administration.set_employer_policy(admin.id, mensura.id, headcount=10, contact_every_days=None)


def test_the_api_sets_the_policy_and_refuses_what_is_not_a_whole_number(client, auth, admin, law):
    brico = _org(auth, admin, "Brico NV")
    api = Api(client, law.issue_token(admin.id, "test"))
    put = client.put(f"/api/v1/organisations/{brico.id}/policy", json={"headcount": 12, "contact_every_days": 21},
                     headers=api.headers)
    assert put.status_code == 200 and put.get_json()["contact_every_days"] == 21
    wrong = client.put(f"/api/v1/organisations/{brico.id}/policy", json={"headcount": "12", "contact_every_days": True},
                       headers=api.headers)
    assert wrong.status_code == 400
    assert sorted(d["field"] for d in wrong.get_json()["details"]) == ["contact_every_days", "headcount"]
    assert _org(auth, admin, "Brico NV").headcount == 12


def test_a_non_admin_cannot_set_a_policy(client, auth, admin):
    brico = _org(auth, admin, "Brico NV")
    auth.login_as("employer", username="hr1")
    token = csrf_token(client, "/account")
    assert client.post(f"/admin/organisations/{brico.id}/policy",
                       data={"headcount": "5", "contact_every_days": "", "csrf_token": token}).status_code == 403
