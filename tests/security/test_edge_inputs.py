"""Issue 13, point 11: what PostgreSQL cannot store is refused at the edge, alike on SQLite and PostgreSQL.

NUL characters and over-long names are a 400 naming the field; ids beyond 2^31 - 1 are a 404; never a 500.
"""

from __future__ import annotations

import pytest
from sqlalchemy import String

from engine.store.models import ApiToken, Case, User
from tests.webui.conftest import PASSWORD, csrf_token

BIG_ID = 2**31


@pytest.fixture
def api(app, auth):  # type: ignore[no-untyped-def]
    """Headers of an API token of an employer of Acme NV."""
    user = auth.eng.create_user(username="hr1", password=PASSWORD, display_name="HR", roles=["employer"],
                                organisations=["Acme NV"], actor="t")
    return {"Authorization": f"Bearer {auth.eng.issue_token(user.id, 'edge')}"}


def _fields(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [detail["field"] for detail in response.get_json()["details"]]


def test_a_nul_character_in_the_username_at_sign_in_is_a_400_naming_the_field(client, auth):
    response = client.post("/login?lang=en", data={"username": "hr\x001", "password": PASSWORD,
                                                   "csrf_token": csrf_token(client)})
    assert response.status_code == 400
    assert "username: Contains a NUL character" in response.get_data(as_text=True)


def test_a_nul_character_anywhere_in_an_api_body_or_filter_is_a_400_naming_the_field(client, api):
    case = {"reference": "R-1", "employee": "Eva", "employer": "Acme NV", "first_day_of_incapacity": "2026-06-01"}
    refused = client.post("/api/v1/cases", json={**case, "employee": "Eva\x00"}, headers=api)
    assert refused.status_code == 400 and _fields(refused) == ["employee"]
    nested = client.post("/api/v1/cases", json={**case, "parties": {"sickness_fund": ["CM", "x\x00"]}}, headers=api)
    assert nested.status_code == 400 and _fields(nested) == ["parties.sickness_fund[1]"]
    assert client.get("/api/v1/work-items?role=employer%00", headers=api).status_code == 400
    assert client.post("/api/v1/cases", json=case, headers=api).status_code == 201


def test_a_name_longer_than_its_column_is_a_400_naming_the_field(client, api):
    case = {"reference": "R" * 101, "employee": "Eva", "employer": "Acme NV", "first_day_of_incapacity": "2026-06-01"}
    refused = client.post("/api/v1/cases", json=case, headers=api)
    assert refused.status_code == 400 and _fields(refused) == ["reference"]
    assert "100" in refused.get_json()["details"][0]["messages"][0]
    assert client.post("/api/v1/cases", json={**case, "reference": "R" * 100}, headers=api).status_code == 201


@pytest.mark.parametrize("path", [f"/api/v1/cases/{BIG_ID}", f"/api/v1/cases/{BIG_ID}/deadlines",
                                  f"/api/v1/work-items/{10**20}", f"/api/v1/work-items/{BIG_ID}/claim"])
def test_an_id_beyond_the_largest_id_in_an_api_url_is_a_404(client, api, path):
    send = client.post if path.endswith("claim") else client.get
    response = send(path, headers=api)
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_an_id_beyond_the_largest_id_in_a_page_url_or_filter_is_a_404(client, auth):
    auth.login_as("compliance_officer", "process_owner", username="co1", organisations=())
    assert client.get(f"/cases/{BIG_ID}").status_code == 404
    assert client.get(f"/compliance/instances?version={BIG_ID}").status_code == 404
    assert client.get(f"/models/compare?old={BIG_ID}&new=1").status_code == 404
    assert client.get("/compliance/instances?version=7").status_code == 200


def test_a_json_body_nested_too_deeply_is_a_400(client, api):
    response = client.post("/api/v1/cases", data="[" * 100_000, content_type="application/json", headers=api)
    assert response.status_code == 400 and _fields(response) == ["_body"]


def test_the_edge_limits_are_the_lengths_of_the_columns():
    from webui.inputs import LIMITS

    columns = {"reference": Case.reference, "employee": Case.employee, "employer": Case.employer,
               "username": User.username, "display_name": User.display_name, "label": ApiToken.label}
    for name, column in columns.items():
        assert isinstance(column.type, String) and LIMITS[name] == column.type.length, name
