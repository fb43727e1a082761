"""Every role against every kind of case the demo holds, on every page and API answer, by role AND relation.

The demo's cases (awaiting assessment, plan to sign, force majeure, coordinator track, missed visit, decision C,
progressive resumption, contact procedure) are played through the real procedures; one of them holds a medical
justification. Each case names its organisations (Mensura, CM, VDAB, TWW), its worker's account and the physician
the worker named; DEMO-4's worker and physician are the demo accounts ``employee`` and ``treating_physician``.
"""

from __future__ import annotations

import pytest

from tests.webui.conftest import PASSWORD, csrf_token
from webui import demo

MEDICAL = {"occupational_physician", "advisory_physician", "treating_physician", "medical_inspector"}
ROLES = ("employer", "occupational_physician", "advisory_physician", "rtw_coordinator", "regional_counsellor",
         "medical_inspector", "employee", "treating_physician", "process_owner", "compliance_officer", "admin")
RELATED = {"employer": ("Acme NV", ""), "occupational_physician": ("Mensura", ""), "advisory_physician": ("CM", ""),
           "rtw_coordinator": ("CM", ""), "regional_counsellor": ("VDAB", ""), "medical_inspector": ("TWW", ""),
           "employee": ("", "employee"), "treating_physician": ("", "treating_physician"),
           "process_owner": ("Acme NV", ""), "compliance_officer": ("Acme NV", ""), "admin": ("Other NV", "")}
"""Per role, the organisation and username of a user related to the demo cases (a process owner never is)."""
UNRELATED = {role: ("Other NV", f"{role}-elsewhere") for role in ROLES}


def sign_in(client, username: str) -> None:  # type: ignore[no-untyped-def]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/login")})
    client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf_token(client)})


def expected_cases(role: str, related: bool, cases: list) -> set[str]:
    """The references the user sees: every demo case through an organisation; the worker and the named
    physician only DEMO-4; a process owner none; an admin all, related or not."""
    if role == "admin":
        return {c.reference for c in cases}
    if not related or role == "process_owner":
        return set()
    if role in ("employee", "treating_physician"):
        return {demo.WORKER_CASE}
    return {c.reference for c in cases}


@pytest.mark.parametrize("role", ROLES)
def test_a_role_sees_a_case_only_through_its_relation_and_medical_data_only_when_medical(client, law, role):
    demo.seed(law)
    cases = law.cases(law.create_user(username="staff", password=PASSWORD, display_name="Staff", roles=["admin"],
                                      actor="test").id)
    assert len(cases) == 8
    for related, (organisation, username) in ((True, RELATED[role]), (False, UNRELATED[role])):
        user = law.create_user(username=username or f"{role}@{organisation}", password=PASSWORD, display_name=role,
                               roles=[role], organisations=[organisation] if organisation else [], actor="test")
        token = {"Authorization": f"Bearer {law.issue_token(user.id, 'matrix')}"}
        sign_in(client, user.username)
        visible = expected_cases(role, related, cases)
        assert {c.reference for c in law.cases(user.id)} == visible
        for case in cases:
            may_see = case.reference in visible
            page, api = client.get(f"/cases/{case.id}"), client.get(f"/api/v1/cases/{case.id}", headers=token)
            assert (page.status_code, api.status_code) == ((200, 200) if may_see else (404, 404)), case.reference
            shown = demo.MEDICAL_NOTE in page.get_data(as_text=True) or demo.MEDICAL_NOTE in api.get_data(as_text=True)
            assert shown is (may_see and role in MEDICAL and case.reference == "DEMO-2"), case.reference
            for item in law.work_items(case_id=case.id):
                mine = may_see and item.role == role and role != "admin"
                assert client.get(f"/tasks/{item.id}").status_code == (200 if mine else 404)
                assert client.get(f"/api/v1/work-items/{item.id}", headers=token).status_code == (200 if mine else 404)
        inbox = {i["id"] for i in client.get("/api/v1/work-items", headers=token).get_json()}
        expected = {i.id for c in cases for i in law.work_items(case_id=c.id) if c.reference in visible
                    and i.role == role}
        assert inbox == expected


def test_the_worker_gets_only_the_tasks_of_their_own_case(client, law):
    demo.seed(law)
    user = law.create_user(username="employee", password=PASSWORD, display_name="Worker", roles=["employee"],
                           actor="test")
    token = {"Authorization": f"Bearer {law.issue_token(user.id, 'matrix')}"}
    inbox = client.get("/api/v1/work-items", headers=token).get_json()
    assert [(i["case_reference"], i["task"]) for i in inbox] == [(demo.WORKER_CASE, "return_questionnaire")]
    colleague = next(i for i in law.work_items() if i.task == "reply")  # DEMO-2's worker's task
    assert client.get(f"/api/v1/work-items/{colleague.id}", headers=token).status_code == 404
    assert client.post(f"/api/v1/work-items/{colleague.id}/claim", headers=token).status_code == 404


def test_an_hr_user_holding_the_employee_role_never_fills_a_workers_task(client, law):
    demo.seed(law)
    user = law.create_user(username="hr-and-worker", password=PASSWORD, display_name="HR", actor="test",
                           roles=["employer", "employee"], organisations=["Acme NV"])
    token = {"Authorization": f"Bearer {law.issue_token(user.id, 'matrix')}"}
    inbox = client.get("/api/v1/work-items", headers=token).get_json()
    # the demo's ready tasks are the physicians', the workers' and one HR contact (T20): never a worker's task
    assert [(i["case_reference"], i["task"]) for i in inbox] == [(demo.CONTACT_CASE, "record_contact")]
    reply = next(i for i in law.work_items() if i.task == "reply")
    assert client.get(f"/api/v1/cases/{reply.case_id}", headers=token).status_code == 200
    assert client.get(f"/api/v1/work-items/{reply.id}", headers=token).status_code == 404


@pytest.mark.parametrize("role", sorted(MEDICAL))
def test_each_medical_read_of_the_demo_is_audited_with_its_reader(client, law, role):
    demo.seed(law)
    organisation, _ = RELATED[role]
    user = law.create_user(username="physician-2" if role == "treating_physician" else f"{role}-1",
                           password=PASSWORD, display_name=role, roles=[role],
                           organisations=[organisation] if organisation else [], actor="test")
    case = next(c for c in law.cases(user.id) if c.reference == "DEMO-2")
    sign_in(client, user.username)
    client.get(f"/cases/{case.id}")
    client.get(f"/api/v1/cases/{case.id}", headers={"Authorization": f"Bearer {law.issue_token(user.id, 'x')}"})
    reads = [e for e in law.audit_trail(f"case:{case.id}") if e.action == "medical_data_read"]
    assert [e.actor for e in reads] == [user.username] * 2
    assert demo.MEDICAL_NOTE not in str([e.after for e in reads])
