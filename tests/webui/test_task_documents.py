"""A task form field that holds a document: the certificate of definitive unfitness is uploaded through the task
form itself, kept as a medical document of the case, and named by the completed request."""

from __future__ import annotations

import io

from tests.webui.conftest import csrf_token, open_law_case
from tests.webui.test_case_documents import PDF

REQUEST = {"request_received_on": "2026-12-21", "requested_by": "employee", "certificate_received_on": "2026-12-18",
           "employer_informed_on": "2026-12-21", "advisory_physician_informed_on": "2026-12-21"}


def request_task(law, case_id: int):  # type: ignore[no-untyped-def]
    law.start(case_id, "formal_reintegration", actor="eva")
    return next(i for i in law.work_items(case_id=case_id) if i.task == "record_request")


def submit(client, item_id: int, files: dict, lang: str | None = None):  # type: ignore[no-untyped-def]
    data = {**REQUEST, **files, "csrf_token": csrf_token(client, f"/tasks/{item_id}")}
    address = f"/tasks/{item_id}" + (f"?lang={lang}" if lang else "")
    return client.post(address, data=data, content_type="multipart/form-data")


def test_the_certificate_is_uploaded_through_the_task_form_and_read_by_the_physician_not_by_hr(client, auth, law):
    case = open_law_case(law)
    item = request_task(law, case.id)
    physician = auth.login_as("occupational_physician", username="oa1", organisations=("Mensura",))
    page = client.get(f"/tasks/{item.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="certificate_document-file"' in page

    done = submit(client, item.id, {"certificate_document-file": (io.BytesIO(PDF), "certificate.pdf")})

    assert done.status_code == 302
    file_page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Task completed: Record the re-integration request." in file_page
    assert "record_request" not in [i.task for i in law.work_items(case_id=case.id)]
    [certificate] = law.case_documents.list(case.id, user_id=physician.id).documents
    assert (certificate.classification, certificate.work_item_id, certificate.filename) == (
        "medical", item.id, "certificate.pdf")
    assert "Certificate of definitive unfitness (the document)" in file_page
    assert "Medical: the worker and the physicians" in file_page[file_page.index('id="files"'):]

    auth.login_as("employer", username="hr1")
    assert "Certificate of definitive unfitness" not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert client.get(f"/cases/{case.id}/documents/{certificate.id}").status_code == 404


def test_a_request_dating_a_certificate_without_it_is_refused_at_the_field_in_the_readers_language(client, auth,
                                                                                                  law):
    case = open_law_case(law)
    item = request_task(law, case.id)
    auth.login_as("occupational_physician", username="oa1", organisations=("Mensura",))

    refused = submit(client, item.id, {}, lang="nl")

    assert refused.status_code == 422
    assert "Verplicht samen met ‘Attest van definitieve ongeschiktheid overhandigd op’." in refused.get_data(
        as_text=True)


def test_a_refused_file_is_said_at_the_field_and_a_kept_one_is_offered_again(client, auth, law):
    case = open_law_case(law)
    item = request_task(law, case.id)
    auth.login_as("occupational_physician", username="oa1", organisations=("Mensura",))

    html = submit(client, item.id, {"certificate_document-file": (io.BytesIO(b"<html></html>"), "certificate.pdf")})
    assert html.status_code == 422
    assert "The file was not kept: the content of this .pdf file is not application/pdf" in html.get_data(as_text=True)

    kept = submit(client, item.id, {"certificate_document-file": (io.BytesIO(PDF), "certificate.pdf"),
                                    "request_received_on": "2030-01-01"})
    assert kept.status_code == 422
    page = kept.get_data(as_text=True)
    assert '<select id="certificate_document" name="certificate_document"' in page
    assert "selected>Certificate of definitive unfitness (the document) (certificate.pdf" in page
