"""Every role against every kind of case the demo holds, on every page and API answer.

The demo's cases (awaiting assessment, plan to sign, force majeure, coordinator track, missed visit) are
played through the real procedures; one of them holds a medical justification.
"""

from __future__ import annotations

import pytest

from tests.webui.conftest import PASSWORD, csrf_token
from webui import demo

MEDICAL_RELATION = {"occupational_physician"}
"""Medical data needs a medical role with a relation to the case (``disclosure``): the demo's cases name the
prevention service Mensura and the fund CM, so of Acme NV's staff only an (internal) occupational physician."""
SEES_EVERY_CASE = {"admin"}  # a compliance officer with organisations oversees their employers only
ROLES = ("employer", "occupational_physician", "advisory_physician", "rtw_coordinator", "regional_counsellor",
         "medical_inspector", "employee", "treating_physician", "process_owner", "compliance_officer", "admin")


def sign_in(client, username: str) -> None:  # type: ignore[no-untyped-def]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/login")})
    client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf_token(client)})


@pytest.mark.parametrize("role", ROLES)
def test_a_role_sees_each_kind_of_case_by_organisation_and_medical_data_only_when_medical(client, law, role):
    demo.seed(law)
    cases = law.cases(law.create_user(username="staff", password=PASSWORD, display_name="Staff", roles=["admin"],
                                      actor="test").id)
    assert len(cases) == 6
    for organisation in ("Acme NV", "Other NV"):
        user = law.create_user(username=f"{role}@{organisation}", password=PASSWORD, display_name=role,
                               roles=[role], organisations=[organisation], actor="test")
        token = {"Authorization": f"Bearer {law.issue_token(user.id, 'matrix')}"}
        sign_in(client, user.username)
        may_see = organisation == "Acme NV" or role in SEES_EVERY_CASE
        for case in cases:
            page, api = client.get(f"/cases/{case.id}"), client.get(f"/api/v1/cases/{case.id}", headers=token)
            assert (page.status_code, api.status_code) == ((200, 200) if may_see else (404, 404)), case.reference
            shown = demo.MEDICAL_NOTE in page.get_data(as_text=True) or demo.MEDICAL_NOTE in api.get_data(as_text=True)
            assert shown is (may_see and role in MEDICAL_RELATION and organisation == "Acme NV"
                             and case.reference == "DEMO-2"), case.reference
            for item in law.work_items(case_id=case.id):
                mine = may_see and item.role == role
                assert client.get(f"/tasks/{item.id}").status_code == (200 if mine else 404)
                assert client.get(f"/api/v1/work-items/{item.id}", headers=token).status_code == (200 if mine else 404)
        inbox = {i["id"] for i in client.get("/api/v1/work-items", headers=token).get_json()}
        expected = {i.id for c in cases for i in law.work_items(case_id=c.id) if may_see and i.role == role}
        assert inbox == expected


@pytest.mark.parametrize(("role", "organisation"), [("occupational_physician", "Mensura"),
                                                     ("advisory_physician", "CM")])
def test_each_medical_read_of_the_demo_is_audited_with_its_reader(client, law, role, organisation):
    demo.seed(law)
    user = law.create_user(username=f"{role}-1", password=PASSWORD, display_name=role, roles=[role],
                           organisations=[organisation], actor="test")
    case = next(c for c in law.cases(user.id) if c.reference == "DEMO-2")
    sign_in(client, user.username)
    client.get(f"/cases/{case.id}")
    client.get(f"/api/v1/cases/{case.id}", headers={"Authorization": f"Bearer {law.issue_token(user.id, 'x')}"})
    reads = [e for e in law.audit_trail(f"case:{case.id}") if e.action == "medical_data_read"]
    assert [e.actor for e in reads] == [user.username] * 2
    assert demo.MEDICAL_NOTE not in str([e.after for e in reads])
