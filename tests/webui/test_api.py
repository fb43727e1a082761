"""The REST API under /api/v1: bearer tokens, the same role and organisation rules, JSON errors."""

from __future__ import annotations

from datetime import date

import pytest
from openapi_spec_validator import validate

from tests.scenarios.test_formal_reintegration import REQUEST
from tests.webui.conftest import open_law_case


class Api:
    """A program calling the API with one user's token."""

    def __init__(self, client, token: str) -> None:  # type: ignore[no-untyped-def]
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def get(self, path: str):  # type: ignore[no-untyped-def]
        return self.client.get(f"/api/v1{path}", headers=self.headers)

    def post(self, path: str, body: object = None):  # type: ignore[no-untyped-def]
        return self.client.post(f"/api/v1{path}", json=body, headers=self.headers)


@pytest.fixture
def api_as(client, auth, law):  # type: ignore[no-untyped-def]
    def make(*roles: str, username: str, organisations: tuple[str, ...] = ("Acme NV",)) -> Api:
        user = auth.eng.create_user(username=username, password="correct horse battery", display_name=username,
                                    roles=list(roles), organisations=list(organisations), actor="test")
        return Api(client, law.issue_token(user.id, "test"))
    return make


def test_the_openapi_document_is_valid_and_describes_every_api_route(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    routes = {rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    assert routes - {"/openapi.json"} == set(document["paths"])


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Bearer rtg_unknown", "Basic abc"])
def test_without_a_valid_token_the_api_answers_401_in_json(client, law, header):
    response = client.get("/api/v1/cases", headers={"Authorization": header} if header else {})
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"


def test_a_signed_in_browser_session_is_not_enough_for_the_api(client, auth, law):
    auth.login_as("employer", username="hr1")
    assert client.get("/api/v1/cases").status_code == 401


def test_a_revoked_token_stops_working(client, auth, law):
    user = auth.login_as("employer", username="hr1")
    api = Api(client, law.issue_token(user.id, "script"))
    assert api.get("/cases").status_code == 200
    law.revoke_tokens(user.id)
    assert api.get("/cases").status_code == 401


def test_cases_follow_the_organisation_rules(api_as, law):
    mine, theirs = open_law_case(law, "MINE-1"), open_law_case(law, "THEIRS-1", employer="Other NV")
    hr = api_as("employer", username="hr1")
    assert [c["reference"] for c in hr.get("/cases").get_json()] == ["MINE-1"]
    assert hr.get(f"/cases/{mine.id}").status_code == 200
    response = hr.get(f"/cases/{theirs.id}")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    assert hr.get(f"/cases/{theirs.id}/deadlines").status_code == 404


def test_open_a_case_then_start_a_trajectory_and_complete_its_first_task(api_as, law):
    hr = api_as("employer", username="hr1")
    created = hr.post("/cases", {"reference": "API-1", "employee": "Eva", "employer": "Acme NV",
                                 "first_day_of_incapacity": "2026-06-01", "parties": {"prevention_service": "Mensura"}})
    assert created.status_code == 201
    case_id = created.get_json()["id"]
    started = hr.post(f"/cases/{case_id}/procedures", {"process_id": "formal_reintegration"})
    assert started.status_code == 201 and started.get_json()["process_id"] == "formal_reintegration"
    oa = api_as("occupational_physician", username="oa1", organisations=("Mensura",))
    item = next(i for i in oa.get("/work-items").get_json() if i["task"] == "record_request")
    assert oa.post(f"/work-items/{item['id']}/claim").get_json()["assignee"] == "oa1"
    bad = oa.post(f"/work-items/{item['id']}/complete", {"data": {"requested_by": "the moon"}})
    assert bad.status_code == 400 and bad.get_json()["error"] == "invalid_input"
    assert {d["field"] for d in bad.get_json()["details"]} >= {"requested_by", "request_received_on"}
    done = oa.post(f"/work-items/{item['id']}/complete", {"data": {**REQUEST, "request_received_on": "2026-12-21",
                                                                   "employer_informed_on": "2026-12-21",
                                                                   "advisory_physician_informed_on": "2026-12-21"}})
    assert done.status_code == 200
    again = oa.post(f"/work-items/{item['id']}/complete", {"data": REQUEST})
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"
    deadlines = hr.get(f"/cases/{case_id}/deadlines").get_json()
    assert any(d["state"] == "pending" and d["days_left"] is not None for d in deadlines)


def test_a_refused_start_is_403_with_the_rule_and_the_date(api_as, law):
    case = open_law_case(law, first_day=date(2026, 10, 1))
    hr = api_as("employer", username="hr1")
    response = hr.post(f"/cases/{case.id}/procedures", {"process_id": "medical_force_majeure"})
    assert response.status_code == 403
    assert response.get_json()["details"] == [{"rule": "T36", "allowed_from": "2027-04-01"}]


def test_a_stale_expected_version_is_409(api_as, law):
    case = open_law_case(law)
    law.start(case.id, "formal_reintegration", actor="eva")
    oa = api_as("occupational_physician", username="oa1", organisations=("Mensura",))
    item = next(i for i in oa.get("/work-items").get_json() if i["task"] == "record_request")
    response = oa.post(f"/work-items/{item['id']}/complete", {"data": REQUEST, "expected_version": 0})
    assert response.status_code == 409


@pytest.mark.parametrize("body", [None, [], "text", {"data": "not an object"}, {"data": {}, "expected_version": "1"}])
def test_malformed_bodies_are_400(api_as, law, client, body):
    case = open_law_case(law)
    law.start(case.id, "formal_reintegration", actor="eva")
    oa = api_as("occupational_physician", username="oa1", organisations=("Mensura",))
    item = oa.get("/work-items").get_json()[0]
    response = client.post(f"/api/v1/work-items/{item['id']}/complete", data="{" if body is None else None,
                           json=body if body is not None else None, headers={**oa.headers,
                                                                             "Content-Type": "application/json"})
    assert response.status_code == 400 and set(response.get_json()) == {"error", "message", "details"}


def test_recording_an_event_through_the_api(api_as, law):
    case = open_law_case(law)
    hr = api_as("employer", username="hr1")
    refused = hr.post(f"/cases/{case.id}/messages", {"message": "work_resumed", "data": {}})
    assert refused.status_code == 400
    done = hr.post(f"/cases/{case.id}/messages", {"message": "work_resumed", "data": {
        "resumed_on": "2026-12-21", "under_health_surveillance": False}})
    assert done.status_code == 200 and done.get_json()["is_delivered"] is True
    vdab = api_as("regional_counsellor", username="vdab1", organisations=("VDAB",))
    assert vdab.post(f"/cases/{case.id}/messages", {"message": "work_resumed", "data": {}}).status_code == 403


def test_procedures_work_item_pages_and_release(api_as, law):
    case = open_law_case(law)
    law.start(case.id, "formal_reintegration", actor="eva")
    oa = api_as("occupational_physician", username="oa1", organisations=("Mensura",))
    assert "formal_reintegration" in {p["process_id"] for p in oa.get("/procedures").get_json()}
    item = next(i for i in oa.get("/work-items").get_json() if i["task"] == "record_request")
    page = oa.get(f"/work-items/{item['id']}").get_json()
    assert page["case"]["reference"] == "R-1" and "request_received_on" in page["schema"]["properties"]
    assert oa.post(f"/work-items/{item['id']}/release").status_code == 403
    oa.post(f"/work-items/{item['id']}/claim")
    colleague = api_as("occupational_physician", username="oa2", organisations=("Mensura",))
    assert colleague.post(f"/work-items/{item['id']}/claim").status_code == 409
    assert oa.post(f"/work-items/{item['id']}/release").get_json()["assignee"] is None


def test_a_process_owner_downloads_a_version_as_a_zip_and_others_may_not(api_as, law):
    version = law.versions("pre_return_visit")[0].version
    owner, hr = api_as("process_owner", username="po1"), api_as("employer", username="hr1")

    response = owner.get(f"/versions/{version.id}/archive")

    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.data == law.version_archive(version.id)[1]
    assert hr.get(f"/versions/{version.id}/archive").status_code == 403
    assert owner.get("/versions/999999/archive").status_code == 404
