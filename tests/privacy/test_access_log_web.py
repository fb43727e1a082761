"""The access log on the web and the REST API: reads through each surface land in it; overseers read it, in scope."""

from __future__ import annotations

import pytest

from tests.webui.test_medical_data import SECRET

PASSWORD = "correct horse battery"


def bearer(law, username: str, *roles: str, organisations: tuple[str, ...] = ("Acme NV",)) -> dict:  # type: ignore[no-untyped-def]
    user = law.create_user(username=username, password=PASSWORD, display_name=username, roles=list(roles),
                           organisations=list(organisations), actor="test")
    return {"Authorization": f"Bearer {law.issue_token(user.id, 'test')}"}


def test_web_and_api_reads_land_in_the_log_and_the_officer_reads_them_per_case_and_per_user(client, auth, law,
                                                                                           assessed):  # noqa: F811
    headers = bearer(law, "hr2", "employer")
    assert client.get(f"/api/v1/cases/{assessed.case.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/work-items/{assessed.item('draft').id}", headers=headers).status_code == 200
    auth.login_as("occupational_physician", username="oa1")
    assert SECRET in client.get(f"/cases/{assessed.case.id}").get_data(as_text=True)
    client.get("/logout")
    auth.login_as("compliance_officer", username="co1", organisations=("Acme NV",))
    assert client.get("/compliance/event-log.csv").status_code == 200
    page = client.get("/compliance/access-log?case=RIT-1").get_data(as_text=True)
    assert "hr2" in page and "oa1" in page and "medical" in page and "API" in page
    only_oa1 = client.get("/compliance/access-log?username=oa1").get_data(as_text=True)
    assert "oa1" in only_oa1 and "hr2" not in only_oa1 and "1 read found." in only_oa1
    body = client.get("/api/v1/access-log?username=hr2", headers=bearer(law, "co2", "compliance_officer")).get_json()
    assert body["total"] == 2 and {e["surface"] for e in body["entries"]} == {"api"}
    assert {e["target"] for e in body["entries"]} == {None, str(assessed.item("draft").id)}
    exports = client.get("/compliance/access-log?username=co1").get_data(as_text=True)
    assert "Export" in exports and "csv" in exports


def test_an_officer_of_another_employer_sees_no_read_of_this_case(client, auth, law, assessed):  # noqa: F811
    auth.login_as("employer", username="hr1")
    client.get(f"/cases/{assessed.case.id}")
    client.get("/logout")
    auth.login_as("compliance_officer", username="co9", organisations=("Other NV",))
    page = client.get("/compliance/access-log?case=RIT-1").get_data(as_text=True)
    assert "hr1" not in page and "0 reads found." in page
    api = client.get("/api/v1/access-log", headers=bearer(law, "co8", "compliance_officer",
                                                          organisations=("Other NV",))).get_json()
    assert api["total"] == 0 and api["entries"] == []


@pytest.mark.parametrize("role", ["employer", "occupational_physician", "employee"])
def test_case_workers_cannot_read_the_log(client, auth, law, assessed, role):  # noqa: F811
    auth.login_as(role, username=f"{role}-1")
    assert client.get("/compliance/access-log").status_code == 403
    response = client.get("/api/v1/access-log", headers=bearer(law, f"{role}-2", role))
    assert response.status_code == 403 and response.get_json()["error"] == "not_allowed"


def test_bad_filters_are_named(client, auth, law):
    auth.login_as("compliance_officer", username="co1")
    assert client.get("/compliance/access-log?since=yesterday").status_code == 400
    headers = bearer(law, "co2", "compliance_officer")
    for query in ("since=yesterday", "page=0", "per_page=500", "page=x"):
        assert client.get(f"/api/v1/access-log?{query}", headers=headers).status_code == 400


@pytest.mark.parametrize(("language", "title"), [("nl", "Toegangslog"), ("fr", "Journal des accès")])
def test_the_log_page_speaks_dutch_and_french(client, auth, law, language, title):
    user = auth.login_as("compliance_officer", username=f"co-{language}")
    law.set_language(user.id, language)
    page = client.get("/compliance/access-log").get_data(as_text=True)
    assert title in page
