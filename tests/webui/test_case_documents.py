"""Files on a case: uploaded with a class, refused when their content is not what their name says, read only by the
roles their class allows (404 otherwise), always downloaded as attachments, every download audited."""

from __future__ import annotations

import hashlib
import io

import pytest

from tests.webui.conftest import csrf_token, open_law_case

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x00" * 16


def upload(client, case_id, filename, content, classification="case", title="", work_item_id=None, lang=None):
    data = {"file": (io.BytesIO(content), filename), "classification": classification, "title": title,
            "csrf_token": csrf_token(client, f"/cases/{case_id}"), "next": f"/cases/{case_id}"}
    if work_item_id:
        data["work_item_id"] = str(work_item_id)
    address = f"/cases/{case_id}/documents" + (f"?lang={lang}" if lang else "")
    return client.post(address, data=data, content_type="multipart/form-data", follow_redirects=True)


def document_ids(eng, case_id, user):
    return [d.id for d in eng.case_documents.list(case_id, user_id=user.id).documents]


def test_a_signed_plan_is_kept_with_the_case_and_downloaded_as_an_attachment(app, client, auth):
    hr = auth.login_as("employer")
    case = open_law_case(auth.eng)
    page = upload(client, case.id, "signed plan.pdf", PDF, title="Signed plan").get_data(as_text=True)
    assert "“Signed plan” was added to the case." in page
    assert "Letters and files" in page and "Signed plan" in page
    [document_id] = document_ids(auth.eng, case.id, hr)

    response = client.get(f"/cases/{case.id}/documents/{document_id}")

    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "signed_plan.pdf" in response.headers["Content-Disposition"] or "signed plan.pdf" in \
        response.headers["Content-Disposition"]
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    events = {e.action: e for e in auth.eng.audit_trail(f"case:{case.id}")}
    assert events["document_uploaded"].after["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert events["document_downloaded"].after == {"document": document_id, "classification": "case",
                                                   "sha256": hashlib.sha256(PDF).hexdigest()}


@pytest.mark.parametrize("content", [b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>",
                                     b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
                                     b"#!/bin/sh\nrm -rf /\n"], ids=["html", "svg", "script"])
def test_html_or_a_script_under_an_image_name_is_refused_and_nothing_is_kept(app, client, auth, content):
    hr = auth.login_as("employer")
    case = open_law_case(auth.eng)

    page = upload(client, case.id, "certificate.png", content).get_data(as_text=True)

    assert "The file was not kept: the content of this .png file is not image/png" in page
    assert document_ids(auth.eng, case.id, hr) == []


def test_a_refusal_is_said_in_the_readers_language(app, client, auth):
    auth.login_as("employer")
    case = open_law_case(auth.eng)

    page = upload(client, case.id, "page.html", b"<html></html>", lang="nl").get_data(as_text=True)

    assert "Het bestand werd niet bewaard: bestanden van dit type worden niet aanvaard" in page


def test_an_empty_or_oversized_file_is_refused(app, client, auth):
    hr = auth.login_as("employer")
    case = open_law_case(auth.eng)

    assert "the file is empty" in upload(client, case.id, "empty.pdf", b"").get_data(as_text=True)
    too_large = PDF + b"0" * (10 * 1024 * 1024)
    assert "the file is larger than 10 MiB" in upload(client, case.id, "big.pdf", too_large).get_data(as_text=True)
    assert document_ids(auth.eng, case.id, hr) == []


def test_an_employer_cannot_see_or_download_a_medical_document(app, client, auth):
    case = open_law_case(auth.eng)
    physician = auth.login_as("occupational_physician")
    upload(client, case.id, "report.png", PNG, classification="medical", title="Cardiologist's letter")
    [document_id] = document_ids(auth.eng, case.id, physician)

    hr = auth.login_as("employer")
    assert document_ids(auth.eng, case.id, hr) == []
    assert "Cardiologist" not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert client.get(f"/cases/{case.id}/documents/{document_id}").status_code == 404

    auth.login_as("compliance_officer")
    assert client.get(f"/cases/{case.id}/documents/{document_id}").status_code == 404

    auth.login_as("employee", username="eva")
    assert client.get(f"/cases/{case.id}/documents/{document_id}").data == PNG


def test_a_document_of_another_case_is_not_found(app, client, auth):
    hr = auth.login_as("employer")
    first, second = open_law_case(auth.eng, "R-1"), open_law_case(auth.eng, "R-2")
    upload(client, first.id, "plan.pdf", PDF)
    [document_id] = document_ids(auth.eng, first.id, hr)

    assert client.get(f"/cases/{second.id}/documents/{document_id}").status_code == 404


def test_documents_can_be_kept_in_a_directory_outside_the_database(app, client, auth, tmp_path):
    auth.eng.files.directory = tmp_path / "documents"
    hr = auth.login_as("employer")
    case = open_law_case(auth.eng)
    upload(client, case.id, "plan.pdf", PDF)
    [document_id] = document_ids(auth.eng, case.id, hr)

    digest = hashlib.sha256(PDF).hexdigest()
    assert (tmp_path / "documents" / digest[:2] / digest).read_bytes() == PDF
    assert client.get(f"/cases/{case.id}/documents/{document_id}").data == PDF
