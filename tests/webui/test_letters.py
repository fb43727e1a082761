"""The task that sends a letter offers it: one button per language, each answering with the PDF as an attachment; the
worker's own task pages list the letters addressed to them; whoever may not act on the task gets 404."""

from __future__ import annotations

import io
import re

import pypdf

from tests.scenarios.test_formal_reintegration import INVITATION, REQUEST, Trajectory, decision, plan
from tests.webui.conftest import csrf_token


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages).split())


def generate(client, item_id: int, letter: str, language: str):
    token = csrf_token(client, f"/tasks/{item_id}")
    return client.post(f"/tasks/{item_id}/letters/{letter}/{language}", data={"csrf_token": token})


def test_the_invitation_task_offers_the_letter_and_answers_with_a_pdf_attachment(app, client, auth, law, clock):
    oa = auth.login_as("occupational_physician")
    rit = Trajectory(law, clock)
    rit.do("record_request", REQUEST, "oa1")
    item = rit.item("send_invitation").id
    page = client.get(f"/tasks/{item}").get_data(as_text=True)
    assert "Letters" in page and "Registered invitation to the re-integration assessment" in page
    assert f"/tasks/{item}/letters/invitation/fr" in page
    law.form_drafts.save(item, INVITATION, user_id=oa.id)

    response = generate(client, item, "invitation", "nl")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert re.search(r"RIT-1_invitation_nl\.pdf", response.headers["Content-Disposition"])
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = pdf_text(response.data)
    assert "An Peeters" in text and "12/01/2027" in text and "Aangetekende zending" in text


def test_the_worker_downloads_the_plan_to_sign_from_the_reply_task(app, client, auth, law, clock):
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("A"), "oa1")
    rit.until(2027, 2, 1)
    rit.do("draft", plan("2027-02-01"), "hr1")
    auth.login_as("employee", username="an")
    item = rit.item("reply").id
    assert "Your letters" not in client.get(f"/tasks/{item}").get_data(as_text=True)

    response = generate(client, item, "plan", "fr")

    assert response.status_code == 200 and "Plan de réintégration" in pdf_text(response.data)
    page = client.get(f"/tasks/{item}").get_data(as_text=True)
    assert "Your letters" in page
    mine = page[page.index("Your letters"):]
    link = re.findall(rf'href="(/cases/{rit.case.id}/documents/\d+)"[^>]*>Plan de réintégration', mine)[0]
    downloaded = client.get(link)
    assert downloaded.status_code == 200 and downloaded.data == response.data


def test_someone_who_may_not_act_on_the_task_gets_404_for_its_letters(app, client, auth, law, clock):
    rit = Trajectory(law, clock)
    rit.do("record_request", REQUEST, "oa1")
    item = rit.item("send_invitation").id
    auth.login_as("employer", username="hr-other", organisations=("Other NV",))
    assert generate(client, item, "invitation", "nl").status_code == 404
    auth.login_as("employer", username="hr-acme")
    assert generate(client, item, "invitation", "nl").status_code == 404
    auth.login_as("occupational_physician", username="oa-acme")
    assert generate(client, item, "no_such_letter", "nl").status_code == 404
    assert generate(client, item, "invitation", "de").status_code == 404
