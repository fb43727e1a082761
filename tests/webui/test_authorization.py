"""Every role against every page and every case kind: what one may see is exactly what the rules allow."""

from __future__ import annotations

import pytest

from tests.webui.conftest import csrf_token, open_law_case

ROLES = ("employer", "occupational_physician", "advisory_physician", "rtw_coordinator", "regional_counsellor",
         "medical_inspector", "employee", "treating_physician", "process_owner", "compliance_officer", "admin")
SEES_EVERY_CASE = {"admin"}  # a compliance officer with organisations oversees their employers only
OPENS_CASES = {"employer", "occupational_physician", "advisory_physician", "rtw_coordinator", "admin"}
PAGES = ("/", "/cases", "/cases/new", "/account", "/cases/{case}", "/tasks/{task}")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_asks_to_sign_in_first(client, law, page):
    case = open_law_case(law)
    task = law.work_items(case_id=case.id)[0] if law.work_items(case_id=case.id) else None
    response = client.get(page.format(case=case.id, task=task.id if task else 1))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["own organisation", "other organisation"])
def test_each_role_sees_a_case_only_through_its_organisation(client, auth, law, role, kind):
    own, other = open_law_case(law, "OWN-1"), open_law_case(law, "OTHER-1", employer="Other NV")
    case = own if kind == "own organisation" else other
    auth.login_as(role, username=f"{role}-1", organisations=("Acme NV",))
    may_see = kind == "own organisation" or role in SEES_EVERY_CASE
    assert client.get(f"/cases/{case.id}").status_code == (200 if may_see else 404)
    listed = client.get("/cases").get_data(as_text=True)
    assert (case.reference in listed) is may_see
    for page in ("/", "/cases", "/cases/new", "/account"):
        assert client.get(page).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_a_task_page_is_only_for_the_role_of_the_task(client, auth, law, role):
    case = open_law_case(law)
    law.start(case.id, "formal_reintegration", actor="eva")
    item = next(i for i in law.work_items(case_id=case.id) if i.task == "record_request")
    auth.login_as(role, username=f"{role}-1", organisations=("Acme NV",))
    expected = 200 if role == item.role else 404
    assert client.get(f"/tasks/{item.id}").status_code == expected
    token = csrf_token(client, "/")
    response = client.post(f"/tasks/{item.id}", data={"csrf_token": token})
    assert response.status_code == (422 if role == item.role else 404)
    assert client.post(f"/tasks/{item.id}/claim", data={"csrf_token": token}).status_code == (
        302 if role == item.role else 404)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_roles_that_open_cases_may_open_one(client, auth, law, role):
    auth.login_as(role, username=f"{role}-1", organisations=("Acme NV",))
    response = client.post("/cases/new", data={"reference": f"N-{role}", "employee": "Jan", "employer": "Acme NV",
                                               "first_day_of_incapacity": "2026-12-01",
                                               "csrf_token": csrf_token(client, "/cases/new")})
    assert response.status_code == (302 if role in OPENS_CASES else 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["own organisation", "other organisation"])
def test_the_api_applies_the_same_rules(client, auth, law, role, kind):
    case = open_law_case(law, "CASE-1", employer="Acme NV" if kind == "own organisation" else "Other NV")
    user = auth.eng.create_user(username=f"{role}-api", password="correct horse battery", display_name=role,
                                roles=[role], organisations=["Acme NV"], actor="test")
    headers = {"Authorization": f"Bearer {law.issue_token(user.id, 'test')}"}
    may_see = kind == "own organisation" or role in SEES_EVERY_CASE
    assert client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code == (200 if may_see else 404)
    assert client.get(f"/api/v1/cases/{case.id}/deadlines", headers=headers).status_code == (
        200 if may_see else 404)


def test_a_compliance_officer_without_organisations_oversees_every_case(client, auth, law):
    other = open_law_case(law, "CASE-9", employer="Other NV")
    auth.login_as("compliance_officer", username="inspector", organisations=())
    assert client.get(f"/cases/{other.id}").status_code == 200
