"""Issue 14.5, GDPR art. 15: a worker downloads everything held about them; an overseer does it for a worker."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timezone

import pytest

from tests.engine.test_runtime import DEMO
from tests.privacy.test_retention import visit
from tests.webui.conftest import csrf_token


@pytest.fixture
def workers(app, clock):
    eng = app.extensions["reintegra"]
    eng.deploy(DEMO, actor="owner")
    clock.set(datetime(2027, 1, 5, 10, tzinfo=timezone.utc))
    return visit(eng, "R-EVA", "Eva Peeters", "eva"), visit(eng, "R-BO", "Bo Jansen", "bo", close=False)


def unzip(response) -> tuple[dict, str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return json.loads(archive.read("subject-export.json")), archive.read("subject-export.html").decode()


def test_a_worker_downloads_all_their_own_data_and_nothing_of_another(auth, client, workers):
    auth.login_as("employee", username="eva")
    data, page = unzip(client.post("/account/export", data={"csrf_token": csrf_token(client, "/account")}))
    assert data["subject"] == "eva" and data["requested_by"] == "eva"
    [case] = data["cases"]
    assert case["case"]["reference"] == "R-EVA" and case["case"]["employee"] == "Eva Peeters"
    notes = [t["data"] for t in case["tasks"] if t["data"]]
    assert {"request_received_on": "2026-12-23", "health_notes": "back pain of Eva Peeters"} in notes
    assert {"held_on": "2027-01-05", "recommendations": "no lifting for three months"} in notes  # medical too
    assert case["deadlines"] and all(d["state"] for d in case["deadlines"])
    assert {e["action"] for e in case["audit_events"]} >= {"case_opened"}
    text = json.dumps(data) + page
    assert "Bo Jansen" not in text and "R-BO" not in text
    assert "R-EVA" in page and "back pain of Eva Peeters" in page


def test_the_download_is_audited_on_the_case(app, auth, client, workers):
    eva_case, _ = workers
    auth.login_as("employee", username="eva")
    client.post("/account/export", data={"csrf_token": csrf_token(client, "/account")})
    [event] = [e for e in app.extensions["reintegra"].audit_trail(f"case:{eva_case}") if e.action == "subject_export"]
    assert event.actor == "eva" and event.after == {"subject": "eva", "on_behalf": False}


def test_a_compliance_officer_downloads_a_workers_data_by_account_or_case(auth, client, workers):
    auth.login_as("compliance_officer", username="co")
    token = csrf_token(client, "/compliance/subject-export")
    data, _ = unzip(client.post("/compliance/subject-export", data={"csrf_token": token, "employee_account": "bo"}))
    assert data["subject"] == "bo" and [c["case"]["reference"] for c in data["cases"]] == ["R-BO"]
    data, _ = unzip(client.post("/compliance/subject-export", data={"csrf_token": token, "reference": "R-EVA"}))
    assert data["subject"] == "eva" and [c["case"]["reference"] for c in data["cases"]] == ["R-EVA"]


def test_an_officer_of_another_employer_finds_no_such_worker(auth, client, workers):
    auth.login_as("compliance_officer", username="co2", organisations=("Other BV",))
    token = csrf_token(client, "/compliance/subject-export")
    response = client.post("/compliance/subject-export", data={"csrf_token": token, "employee_account": "bo"})
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["employee", "employer"])
def test_others_may_not_download_another_workers_data(auth, client, workers, role):
    auth.login_as(role, username="someone")
    assert client.get("/compliance/subject-export").status_code == 403
    token = csrf_token(client, "/account")
    response = client.post("/compliance/subject-export", data={"csrf_token": token, "employee_account": "bo"})
    assert response.status_code == 403


def test_the_export_holds_who_read_the_case_and_is_itself_a_logged_read(auth, client, workers):
    auth.login_as("employee", username="eva")
    first, _ = unzip(client.post("/account/export", data={"csrf_token": csrf_token(client, "/account")}))
    assert all(read["surface"] != "export" for read in first["cases"][0]["access_log"])
    second, page = unzip(client.post("/account/export", data={"csrf_token": csrf_token(client, "/account")}))
    [export] = [read for read in second["cases"][0]["access_log"] if read["surface"] == "export"]
    assert export["username"] == "eva"
    assert set(export["classifications"]) == {"case", "insurance", "medical", "personal"}
    assert "export" in page


def test_the_api_gives_a_worker_their_own_data_and_an_officer_a_workers(app, auth, client, workers):
    eng = app.extensions["reintegra"]
    eva = auth.login_as("employee", username="eva")
    officer = eng.create_user(username="co", password="correct horse battery", display_name="Co",
                              roles=["compliance_officer"], organisations=["Acme NV"], actor="test")

    def get(user_id: int, query: str = ""):
        token = eng.issue_token(user_id, "test")
        return client.get(f"/api/v1/subject-export{query}", headers={"Authorization": f"Bearer {token}"})

    own = get(eva.id).get_json()
    assert own["subject"] == "eva" and [c["case"]["reference"] for c in own["cases"]] == ["R-EVA"]
    assert get(eva.id, "?employee_account=bo").status_code == 403
    _, bo_case = workers
    by_case = get(officer.id, f"?case_id={bo_case}").get_json()
    assert by_case["subject"] == "bo" and [c["case"]["reference"] for c in by_case["cases"]] == ["R-BO"]
    assert get(officer.id, "?case_id=abc").status_code == 400
    assert get(officer.id, "?case_id=99999999999").status_code == 400
    assert get(officer.id, "?case_id=2147483648").status_code == 404


def test_the_download_holds_the_workers_files_and_comments(app, auth, client, workers):
    eva_case, bo_case = workers
    eng = app.extensions["reintegra"]
    eva = auth.login_as("employee", username="eva")
    pdf = b"%PDF-1.4\n% Eva's certificate\n%%EOF\n"
    eng.case_documents.upload(eva_case, filename="certificate.pdf", content=pdf, classification="medical",
                              title="Certificate", user_id=eva.id)

    response = client.post("/account/export", data={"csrf_token": csrf_token(client, "/account")})

    data, _ = unzip(response)
    [document] = data["cases"][0]["documents"]
    assert (document["title"], document["class"], document["erased"]) == ("Certificate", "medical", False)
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert archive.read(f"documents/R-EVA/{document['id']}-certificate.pdf") == pdf
    assert data["cases"][0]["comments"] == []
