"""Process owners import a model on the processes page: a new draft opens with every problem listed and marked; an
unreadable file is refused with its reason, and nothing is kept."""

from __future__ import annotations

import io

import pytest

from tests.conftest import FIXTURES
from tests.webui.conftest import csrf_token

NEW_DIAGRAM = FIXTURES / "foreign" / "bpmnio_new_diagram.bpmn"


@pytest.fixture
def owner(auth, law):  # type: ignore[no-untyped-def]
    return auth.login_as("process_owner", username="po1")


def import_file(client, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post("/models/import", data={"csrf_token": csrf_token(client, "/models"),
                                               "model": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_processes_page_offers_a_labelled_import_form(client, owner):
    page = client.get("/models").get_data(as_text=True)
    assert '<label for="import-model">BPMN file or zip</label>' in page and ">Import</button>" in page
    client.get("/?lang=nl")
    assert "BPMN-bestand of zip" in client.get("/models").get_data(as_text=True)


def test_an_imported_diagram_opens_as_a_draft_with_its_problems_marked(client, owner, law):
    response = import_file(client, "new.bpmn", NEW_DIAGRAM.read_bytes())
    assert response.status_code == 302 and "imported=1" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported. Fix these problems before deploying" in page
    assert 'data-problem-element="Process_1"' in page and 'data-problem-element="Activity_0k2"' in page
    assert "Marked executable on import, so that it can run: Process_1." in page
    [draft] = law.drafts()
    assert draft.process_id == "Process_1" and 'isExecutable="true"' in draft.files["new.bpmn"]


def test_an_unreadable_file_is_refused_in_the_owners_language_and_nothing_is_kept(client, owner, law):
    client.get("/?lang=fr")
    response = import_file(client, "notes.bpmn", b"just some words")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rien n&#39;a été importé : notes.bpmn n&#39;est pas du XML" in page
    assert law.drafts() == []


def test_an_import_without_a_file_asks_for_one(client, owner):
    response = client.post("/models/import", data={"csrf_token": csrf_token(client, "/models")})
    assert "Choose a BPMN file or a zip to import." in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("role", ["employer", "compliance_officer"])
def test_only_process_owners_and_admins_import(client, auth, law, role):
    auth.login_as(role, username=f"{role}-1")
    assert import_file(client, "new.bpmn", NEW_DIAGRAM.read_bytes()).status_code == 403
    assert law.drafts() == []


def api_token(law, role: str) -> dict:  # type: ignore[no-untyped-def]
    user = law.create_user(username=f"api-{role}", password="correct horse battery", display_name=role, roles=[role],
                           actor="test")
    return {"Authorization": f"Bearer {law.issue_token(user.id, 'test')}"}


def test_a_program_imports_a_model_through_the_api_and_reads_its_problems(client, law):
    headers = api_token(law, "process_owner")
    response = client.post("/api/v1/drafts", data={"file": (io.BytesIO(NEW_DIAGRAM.read_bytes()), "new.bpmn")},
                           headers=headers, content_type="multipart/form-data")
    assert response.status_code == 201
    answer = response.get_json()
    assert (answer["process_id"], answer["files"], answer["made_executable"]) == ("Process_1", ["new.bpmn"],
                                                                                   ["Process_1"])
    assert {"Process_1", "Activity_0k2"} <= {p["element_id"] for p in answer["problems"]}
    assert "model.no_lanes" in {p["code"] for p in answer["problems"]}


@pytest.mark.parametrize(("role", "sent", "status", "error"), [
    ("process_owner", b"not xml", 400, "invalid_input"),
    ("process_owner", None, 400, "invalid_input"),
    ("employer", NEW_DIAGRAM.read_bytes(), 403, "not_allowed"),
])
def test_an_api_import_is_refused_in_the_one_error_shape(client, law, role, sent, status, error):
    data = {} if sent is None else {"file": (io.BytesIO(sent), "x.bpmn")}
    response = client.post("/api/v1/drafts", data=data, headers=api_token(law, role),
                           content_type="multipart/form-data")
    assert response.status_code == status and response.get_json()["error"] == error
    assert law.drafts() == []
