"""Case access by role AND relation (issue 14, 6a/6b): opening a case, and acting on it, needs a relation."""

from __future__ import annotations

from datetime import date

import pytest

import engine
from tests.webui.conftest import LAW_PARTIES, csrf_token, open_law_case

FIRST_DAY = date(2026, 6, 1)
OTHER = {"reference": "O-1", "employee": "Olga", "employer": "Other NV", "first_day_of_incapacity": "2026-06-01"}


def test_an_employer_naming_itself_as_a_party_of_another_employers_case_may_not_open_it(client, auth, law):
    auth.login_as("employer", username="hr1")  # works for Acme NV
    for party in ("prevention_service", "sickness_fund", "regional_service", "inspectorate"):
        response = client.post("/cases/new", data={**OTHER, party: "Acme NV", "csrf_token": csrf_token(client, "/")})
        assert response.status_code == 403, party
        assert "You may open a case only for an employer you work for" in response.get_data(as_text=True)
    assert law.cases(auth.eng.create_user(username="root", password="correct horse battery", display_name="Root",
                                          roles=["admin"], actor="test").id) == []


def test_the_refusal_to_open_is_translated(client, auth, law):
    auth.login_as("employer", username="hr1")
    client.post("/language", data={"language": "nl", "next": "/cases/new", "csrf_token": csrf_token(client, "/")})
    response = client.post("/cases/new", data={**OTHER, "prevention_service": "Acme NV",
                                                "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 403
    assert "U mag een dossier enkel openen voor een werkgever waarvoor u werkt" in response.get_data(as_text=True)


def test_the_api_refuses_the_same_opening_with_403(client, law):
    user = law.create_user(username="hr1", password="correct horse battery", display_name="HR", roles=["employer"],
                           organisations=["Acme NV"], actor="test")
    headers = {"Authorization": f"Bearer {law.issue_token(user.id, 'test')}"}
    body = {**OTHER, "parties": {"prevention_service": "Acme NV"}}
    response = client.post("/api/v1/cases", json=body, headers=headers)
    assert response.status_code == 403 and response.get_json()["error"] == "not_allowed"
    mine = client.post("/api/v1/cases", json={**body, "employer": "Acme NV"}, headers=headers)
    assert mine.status_code == 201


@pytest.mark.parametrize(("role", "organisation", "party"), [
    ("occupational_physician", "Mensura", "prevention_service"), ("advisory_physician", "CM", "sickness_fund"),
    ("rtw_coordinator", "CM", "sickness_fund")])
def test_a_service_opens_a_case_of_a_client_employer_that_names_it(law, role, organisation, party):
    user = law.create_user(username="opener", password="correct horse battery", display_name="Opener",
                           roles=[role], organisations=[organisation], actor="test")
    case = law.open_case(reference="S-1", employee="Olga", employer="Other NV", first_day_of_incapacity=FIRST_DAY,
                         parties={party: organisation}, actor="opener", user_id=user.id)
    assert [c.id for c in law.cases(user.id)] == [case.id]
    with pytest.raises(engine.NotAllowed):
        law.open_case(reference="S-2", employee="Olga", employer="Other NV", first_day_of_incapacity=FIRST_DAY,
                      parties={party: "Someone else"}, actor="opener", user_id=user.id)


@pytest.mark.parametrize("value", [3, ["Mensura"], {"name": "Mensura"}, "  "])
def test_a_party_must_be_a_name(client, law, value):
    user = law.create_user(username="hr1", password="correct horse battery", display_name="HR", roles=["employer"],
                           organisations=["Acme NV"], actor="test")
    headers = {"Authorization": f"Bearer {law.issue_token(user.id, 'test')}"}
    body = {**OTHER, "employer": "Acme NV", "parties": {"prevention_service": value}}
    response = client.post("/api/v1/cases", json=body, headers=headers)
    assert response.status_code == 400 and response.get_json()["details"][0]["field"] == "prevention_service"


def test_a_role_without_its_relation_neither_sees_nor_fills_the_task(client, auth, law):
    case = open_law_case(law)
    law.start(case.id, "formal_reintegration", {}, role="employee", actor="eva")
    item = next(i for i in law.work_items(case_id=case.id) if i.role == "occupational_physician")
    stranger = auth.login_as("occupational_physician", username="oa-elsewhere", organisations=("Idewe",))
    assert client.get(f"/tasks/{item.id}").status_code == 404
    with pytest.raises(engine.NotFound):
        law.complete(item.id, {}, actor=stranger.username, user_id=stranger.id)
    with pytest.raises(engine.NotFound):
        law.claim(item.id, stranger.id)
    physician = auth.login_as("occupational_physician", username="oa1")  # Mensura, named on the case
    assert item.id in {i.id for i in law.inbox(physician.id)} and law.inbox(stranger.id) == []
    assert client.get(f"/tasks/{item.id}").status_code == 200


def test_only_the_worker_named_on_the_case_starts_as_the_worker(client, auth, law):
    case = open_law_case(law)
    colleague = auth.login_as("employee", username="bob")
    with pytest.raises(engine.NotFound):
        law.start(case.id, "formal_reintegration", {}, actor="bob", user_id=colleague.id)
    worker = auth.login_as("employee", username=LAW_PARTIES["employee_account"])
    started = law.start(case.id, "formal_reintegration", {}, actor="eva", user_id=worker.id)
    assert started.process_id == "formal_reintegration"


def test_an_hr_user_who_is_also_an_employee_starts_only_as_the_employer(client, auth, law):
    case = open_law_case(law)
    both = auth.login_as("employer", "employee", username="hr-worker")
    offered = {o.process_id for o in law.case_file(case.id, both.id).may_start}
    assert "medical_force_majeure" in offered and "rtw_coordination" not in offered  # the worker's track
    with pytest.raises(engine.NotAllowed):
        law.start(case.id, "rtw_coordination", {}, actor="hr-worker", user_id=both.id, route="request")
