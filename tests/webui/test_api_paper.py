"""The REST API for a case's documents and comments: listed and read by their class, as on the web pages."""

from __future__ import annotations

import io

from tests.webui.conftest import open_law_case
from tests.webui.test_api import Api
from tests.webui.test_case_documents import PDF, PNG


def api_for(client, law, *roles: str, username: str, organisations: tuple[str, ...]) -> tuple[Api, int]:  # type: ignore[no-untyped-def]
    user = law.create_user(username=username, password="correct horse battery", display_name=username,
                           roles=list(roles), organisations=list(organisations), actor="test")
    return Api(client, law.issue_token(user.id, "test")), user.id


def test_documents_are_listed_and_downloaded_by_their_class(client, law):
    case = open_law_case(law)
    physician, physician_id = api_for(client, law, "occupational_physician", username="oa1", organisations=("Mensura",))
    hr, hr_id = api_for(client, law, "employer", username="hr1", organisations=("Acme NV",))
    medical = law.case_documents.upload(case.id, filename="letter.png", content=PNG, classification="medical",
                                        title="Cardiologist's letter", user_id=physician_id)
    plan = law.case_documents.upload(case.id, filename="plan.pdf", content=PDF, classification="case",
                                     title="Signed plan", user_id=hr_id)

    listed = physician.get(f"/cases/{case.id}/documents").get_json()
    assert [d["title"] for d in listed["documents"]] == ["Signed plan", "Cardiologist's letter"]
    assert listed["may_upload"] is True
    assert [d["title"] for d in hr.get(f"/cases/{case.id}/documents").get_json()["documents"]] == ["Signed plan"]

    download = physician.get(f"/cases/{case.id}/documents/{medical.id}")
    assert download.status_code == 200 and download.data == PNG and download.mimetype == "image/png"
    assert download.headers["Content-Disposition"].startswith("attachment")
    refused = hr.get(f"/cases/{case.id}/documents/{medical.id}")
    assert refused.status_code == 404 and refused.get_json()["error"] == "not_found"
    assert hr.get(f"/cases/{case.id}/documents/{plan.id}").data == PDF


def test_comments_are_added_and_read_by_their_class(client, law):
    case = open_law_case(law)
    physician, _ = api_for(client, law, "occupational_physician", username="oa1", organisations=("Mensura",))
    hr, _ = api_for(client, law, "employer", username="hr1", organisations=("Acme NV",))

    added = physician.post(f"/cases/{case.id}/comments", {"body": " Back pain, no lifting. ",
                                                          "classification": "medical"})
    assert added.status_code == 201 and added.get_json()["body"] == "Back pain, no lifting."
    assert hr.post(f"/cases/{case.id}/comments", {"body": "Meeting on Monday.", "classification": "case"}
                   ).status_code == 201

    mine = physician.get(f"/cases/{case.id}/comments").get_json()
    assert [c["body"] for c in mine["comments"]] == ["Back pain, no lifting.", "Meeting on Monday."]
    assert [c["body"] for c in hr.get(f"/cases/{case.id}/comments").get_json()["comments"]] == ["Meeting on Monday."]


def test_a_comment_at_a_task_is_listed_with_that_task(client, law):
    case = open_law_case(law)
    hr, _ = api_for(client, law, "employer", username="hr1", organisations=("Acme NV",))
    task = next(i for i in law.work_items(case_id=case.id) if i.role == "employer")

    assert hr.post(f"/cases/{case.id}/comments", {"body": "Called, no answer.", "classification": "case",
                                                  "work_item_id": task.id}).status_code == 201
    hr.post(f"/cases/{case.id}/comments", {"body": "On the case.", "classification": "case"})

    at_task = hr.get(f"/cases/{case.id}/comments?work_item_id={task.id}").get_json()["comments"]
    assert [(c["body"], c["work_item_id"]) for c in at_task] == [("Called, no answer.", task.id)]


def test_a_refused_comment_is_400_naming_the_field(client, law):
    case = open_law_case(law)
    hr, _ = api_for(client, law, "employer", username="hr1", organisations=("Acme NV",))

    for body, field in ((" ", "body"), ("x" * 5001, "body")):
        refused = hr.post(f"/cases/{case.id}/comments", {"body": body, "classification": "case"})
        assert refused.status_code == 400 and refused.get_json()["details"][0]["field"] == field
    unknown = hr.post(f"/cases/{case.id}/comments", {"body": "Hello", "classification": "secret"})
    assert unknown.status_code == 400 and unknown.get_json()["details"][0]["field"] == "classification"
    assert hr.get(f"/cases/{case.id}/comments").get_json()["comments"] == []


def test_a_program_uploads_the_certificate_at_the_task_then_completes_the_request_with_its_id(client, law):
    case = open_law_case(law)
    law.start(case.id, "formal_reintegration", actor="eva")
    physician, _ = api_for(client, law, "occupational_physician", username="oa1", organisations=("Mensura",))
    item = next(i for i in law.work_items(case_id=case.id) if i.task == "record_request")

    uploaded = client.post(f"/api/v1/cases/{case.id}/documents", headers=physician.headers,
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(PDF), "certificate.pdf"), "classification": "medical",
                                 "title": "Certificate", "work_item_id": str(item.id)})
    assert uploaded.status_code == 201 and uploaded.get_json()["work_item_id"] == item.id
    done = physician.post(f"/work-items/{item.id}/complete", {"data": {
        "request_received_on": "2026-12-21", "requested_by": "employee", "certificate_received_on": "2026-12-18",
        "certificate_document": uploaded.get_json()["id"], "employer_informed_on": "2026-12-21",
        "advisory_physician_informed_on": "2026-12-21"}})
    assert done.status_code == 200


def test_an_upload_whose_content_is_not_what_its_name_says_is_400(client, law):
    case = open_law_case(law)
    hr, _ = api_for(client, law, "employer", username="hr1", organisations=("Acme NV",))

    refused = client.post(f"/api/v1/cases/{case.id}/documents", headers=hr.headers, content_type="multipart/form-data",
                          data={"file": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "scan.png"),
                                "classification": "case"})
    assert refused.status_code == 400 and refused.get_json()["details"][0]["field"] == "file"
    assert hr.get(f"/cases/{case.id}/documents").get_json()["documents"] == []
