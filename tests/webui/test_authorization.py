"""Every role against every page and every case kind: what one may see is exactly what the rules allow.

A user sees a case only through the relation of one of their roles to it (issue 14): ``login_as`` gives each
role the organisation ``open_law_case`` names for it; the worker and the treating physician are the people
the case names. The other organisation's case names other services and other people.
"""

from __future__ import annotations

from datetime import date

import pytest

import engine
from tests.webui.conftest import csrf_token, open_law_case, organisations_of

ROLES = ("employer", "occupational_physician", "advisory_physician", "rtw_coordinator", "regional_counsellor",
         "medical_inspector", "employee", "treating_physician", "process_owner", "compliance_officer", "admin")
SEES_EVERY_CASE = {"admin"}  # a compliance officer with organisations oversees their employers only
NO_CASE = {"process_owner"}  # they model; they do not read case files
PEOPLE = {"employee": "eva", "treating_physician": "dr-wouters"}
"""The people ``open_law_case`` names; every other role relates through its organisation."""
OTHER_PARTIES = {"prevention_service": "Idewe", "sickness_fund": "Solidaris", "regional_service": "Forem",
                 "inspectorate": "Inspection FR", "employee_account": "olga", "treating_physician_account": "dr-other"}
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
    own, other = open_law_case(law, "OWN-1"), other_case(law, "OTHER-1")
    case = own if kind == "own organisation" else other
    auth.login_as(role, username=PEOPLE.get(role, f"{role}-1"))
    may_see = (kind == "own organisation" and role not in NO_CASE) or role in SEES_EVERY_CASE
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
    auth.login_as(role, username=PEOPLE.get(role, f"{role}-1"))
    response = client.post("/cases/new", data={"reference": f"N-{role}", "employee": "Jan", "employer": "Acme NV",
                                               "first_day_of_incapacity": "2026-12-01",
                                               "prevention_service": "Mensura", "sickness_fund": "CM",
                                               "csrf_token": csrf_token(client, "/cases/new")})
    assert response.status_code == (302 if role in OPENS_CASES else 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["own organisation", "other organisation"])
def test_the_api_applies_the_same_rules(client, auth, law, role, kind):
    case = open_law_case(law, "CASE-1") if kind == "own organisation" else other_case(law, "CASE-1")
    user = auth.eng.create_user(username=PEOPLE.get(role, f"{role}-api"), password="correct horse battery",
                                display_name=role, roles=[role], organisations=list(organisations_of((role,))),
                                actor="test")
    headers = {"Authorization": f"Bearer {law.issue_token(user.id, 'test')}"}
    may_see = (kind == "own organisation" and role not in NO_CASE) or role in SEES_EVERY_CASE
    assert client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code == (200 if may_see else 404)
    assert client.get(f"/api/v1/cases/{case.id}/deadlines", headers=headers).status_code == (
        200 if may_see else 404)


def test_a_compliance_officer_without_organisations_oversees_every_case(client, auth, law):
    other = open_law_case(law, "CASE-9", employer="Other NV")
    auth.login_as("compliance_officer", username="inspector", organisations=())
    assert client.get(f"/cases/{other.id}").status_code == 200


def other_case(law, reference: str) -> engine.CaseView:  # type: ignore[no-untyped-def]
    """A case of Other NV, served by other services, about another worker."""
    return law.open_case(reference=reference, employee="Olga", employer="Other NV",
                         first_day_of_incapacity=date(2026, 6, 1), parties=dict(OTHER_PARTIES), actor="hr9")
