"""The process owners' workbench pages: versions, drafts, saving without overwriting, validation, deploy, forms."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.conftest import approve
from tests.webui.conftest import csrf_token

FILE = "pre_return_visit.bpmn"
OWNER_ROLES = ("process_owner", "admin")
OTHER_ROLES = ("employer", "occupational_physician", "compliance_officer", "employee")


@pytest.fixture
def owner(auth, law):  # type: ignore[no-untyped-def]
    return auth.login_as("process_owner", username="po1")


def new_draft(client) -> int:  # type: ignore[no-untyped-def]
    response = client.post("/models/pre_return_visit/drafts", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def json_post(client, path: str, body: object = None):  # type: ignore[no-untyped-def]
    return client.post(path, json=body, headers={"X-CSRFToken": csrf_token(client, "/"), "Accept": "application/json"})


def test_the_version_list_shows_every_process_with_its_versions(client, owner, law):
    page = client.get("/models").get_data(as_text=True)
    assert "formal_reintegration" in page and "pre_return_visit" in page and "New draft" in page
    assert "0 running, 0 finished" in page and "T15" in page
    client.get("/?lang=fr")
    page = client.get("/models").get_data(as_text=True)
    assert "Inviter par lettre recommandée, jusqu&#39;à trois fois" in page
    assert "Invite by registered letter" not in page


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_process_owners_and_admins_reach_the_workbench(client, auth, law, role):
    draft = law.create_draft("pre_return_visit", user_id=law.create_user(
        username="po0", password="correct horse battery", display_name="P", roles=["process_owner"], actor="t").id)
    auth.login_as(role, username=f"{role}-1")
    token = csrf_token(client, "/")
    assert client.get("/models").status_code == 403
    assert client.get(f"/models/drafts/{draft.id}").status_code == 403
    assert client.post("/models/pre_return_visit/drafts", data={"csrf_token": token}).status_code == 403
    assert json_post(client, f"/models/drafts/{draft.id}/files", {"file": FILE, "xml": "<x/>",
                                                                 "revision": draft.revision}).status_code == 403
    assert json_post(client, f"/models/drafts/{draft.id}/validate").status_code == 403
    assert client.post(f"/models/drafts/{draft.id}/deploy", data={"comment": "x", "csrf_token": token}
                       ).status_code == 403
    assert client.get(f"/models/drafts/{draft.id}/forms/pre_return_visit_request.json").status_code == 403
    assert preview(client, draft.id, "{}").status_code == 403
    assert client.get(f"/models/drafts/{draft.id}/archive").status_code == 403
    assert client.get(f"/models/versions/{draft.based_on}/archive").status_code == 403


def test_a_version_and_a_draft_download_as_zips_from_their_pages(client, owner, law):
    version = law.versions("pre_return_visit")[0].version
    page = client.get("/models").get_data(as_text=True)
    assert f'href="/models/versions/{version.id}/archive"' in page
    response = client.get(f"/models/versions/{version.id}/archive")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == "attachment; filename=pre_return_visit-v1.zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as zipped:
        assert {"bpmn/pre_return_visit.bpmn", "forms/pre_return_visit_request.json"} <= set(zipped.namelist())
    draft_id = new_draft(client)
    draft_page = client.get(f"/models/drafts/{draft_id}").get_data(as_text=True)
    assert f'href="/models/drafts/{draft_id}/archive"' in draft_page
    assert client.get(f"/models/drafts/{draft_id}/archive").mimetype == "application/zip"


def test_saving_validating_and_deploying_a_draft(client, owner, law):
    draft_id = new_draft(client)
    draft = law.draft(draft_id)
    xml = draft.files[FILE].replace('name="Hold the pre-return visit"', 'name="Hold the visit"')
    saved = json_post(client, f"/models/drafts/{draft_id}/files", {"file": FILE, "xml": xml,
                                                                  "revision": draft.revision})
    assert saved.status_code == 200 and saved.get_json()["revision"] == draft.revision + 1
    stale = json_post(client, f"/models/drafts/{draft_id}/files", {"file": FILE, "xml": xml,
                                                                  "revision": draft.revision})
    assert stale.status_code == 409 and stale.get_json()["error"] == "conflict"
    assert json_post(client, f"/models/drafts/{draft_id}/validate").get_json() == {"problems": [], "warnings": []}
    refused = client.post(f"/models/drafts/{draft_id}/deploy",
                          data={"comment": " ", "confirmed": "yes", "csrf_token": csrf_token(client, "/")})
    assert refused.status_code == 422
    unconfirmed = client.post(f"/models/drafts/{draft_id}/deploy",
                              data={"comment": "Shorter name", "csrf_token": csrf_token(client, "/")})
    assert unconfirmed.status_code == 422 and "a deployed version cannot be withdrawn" in unconfirmed.get_data(
        as_text=True)
    assert [s.version.version for s in law.versions("pre_return_visit")] == [1]
    approve(law, draft_id)
    deployed = client.post(f"/models/drafts/{draft_id}/deploy", data={"comment": "Shorter name", "confirmed": "yes",
                                                                      "csrf_token": csrf_token(client, "/")},
                           follow_redirects=True)
    assert "pre_return_visit version 2" in deployed.get_data(as_text=True)
    assert [s.version.version for s in law.versions("pre_return_visit")] == [2, 1]


@pytest.mark.parametrize("payload", [
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
    '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>',
])
def test_a_malicious_upload_is_refused_with_its_problems_listed(client, owner, law, payload):
    draft_id = new_draft(client)
    json_post(client, f"/models/drafts/{draft_id}/files", {"file": FILE, "xml": payload,
                                                          "revision": law.draft(draft_id).revision})
    problems = json_post(client, f"/models/drafts/{draft_id}/validate").get_json()["problems"]
    assert problems and "passwd" not in json.dumps(problems).replace("file:///etc/passwd", "")
    response = client.post(f"/models/drafts/{draft_id}/deploy", data={"comment": "evil", "confirmed": "yes",
                                                                      "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 422 and [s.version.version for s in law.versions("pre_return_visit")] == [1]


def test_a_script_escape_in_a_diagram_is_refused(client, owner, law):
    draft_id = new_draft(client)
    draft = law.draft(draft_id)
    evil = draft.files[FILE].replace('deadline("T15", request_received_on)',
                                     '__import__("os").system("true") or deadline("T15", request_received_on)')
    assert evil != draft.files[FILE]
    json_post(client, f"/models/drafts/{draft_id}/files", {"file": FILE, "xml": evil, "revision": draft.revision})
    problems = json_post(client, f"/models/drafts/{draft_id}/validate").get_json()["problems"]
    assert problems and all(p["element_id"] for p in problems)


def test_the_form_editor_previews_refuses_broken_forms_and_saves_into_the_draft(client, owner, law):
    draft_id = new_draft(client)
    name = "pre_return_visit_request.json"
    page = client.get(f"/models/drafts/{draft_id}/forms/{name}").get_data(as_text=True)
    assert "request_received_on" in page and "Preview, as case workers see it" in page
    schema = law.form_source(draft_id, name)
    schema["properties"]["request_received_on"]["x-label"]["en"] = "Request reached the physician on"
    token = csrf_token(client, "/")
    preview = client.post(f"/models/drafts/{draft_id}/forms/{name}", data={
        "schema": json.dumps(schema), "action": "preview", "revision": "1", "csrf_token": token})
    assert "Request reached the physician on" in preview.get_data(as_text=True)
    broken = client.post(f"/models/drafts/{draft_id}/forms/{name}", data={
        "schema": "{not json", "action": "save", "revision": "1", "csrf_token": token})
    assert broken.status_code == 422 and "{not json" in broken.get_data(as_text=True)
    del schema["properties"]["request_received_on"]["x-label"]["fr"]
    unlabeled = client.post(f"/models/drafts/{draft_id}/forms/{name}", data={
        "schema": json.dumps(schema), "action": "save", "revision": "1", "csrf_token": token})
    assert unlabeled.status_code == 422 and "fr" in unlabeled.get_data(as_text=True)
    schema["properties"]["request_received_on"]["x-label"]["fr"] = "Demande reçue par le médecin le"
    saved = client.post(f"/models/drafts/{draft_id}/forms/{name}", data={
        "schema": json.dumps(schema), "action": "save", "revision": str(law.draft(draft_id).revision),
        "csrf_token": token})
    assert saved.status_code == 302
    assert law.draft(draft_id).forms[name]["properties"]["request_received_on"]["x-label"]["fr"].startswith("Demande")


FORM = "pre_return_visit_request.json"


def preview(client, draft_id: int, text: str, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(f"/models/drafts/{draft_id}/forms/{FORM}/preview", data={"schema": text, **fields},
                       headers={"X-CSRFToken": csrf_token(client, "/"), "Accept": "application/json"})


def test_the_live_preview_draws_a_changed_label_as_case_workers_see_it(client, owner, law):
    draft_id = new_draft(client)
    schema = law.form_source(draft_id, FORM)
    schema["properties"]["request_received_on"]["x-label"]["en"] = "Request reached the physician on"
    answer = preview(client, draft_id, json.dumps(schema))
    assert answer.status_code == 200 and answer.get_json()["problems"] == []
    html = answer.get_json()["html"]
    assert '<label for="preview-request_received_on">Request reached the physician on' in html
    assert "Record the visit request" in html and "Request received on" not in html


@pytest.mark.parametrize(("text", "problem"), [
    ("{not json", "Not valid JSON: Expecting property name enclosed in double quotes"),
    ("[]", "A form is a JSON object."),
    ('{"properties": {"a": "x"}}', "not a valid JSON Schema: 'x' is not of type 'object', 'boolean'"),
    ('{"properties": []}', "not a valid JSON Schema: [] is not of type 'object'"),
    ('{"properties": {"a": {"type": "string", "x-label": "A"}}}', "properties/a/x-label: 'A' is not of type"),
])
def test_the_live_preview_of_text_that_is_no_form_lists_why_and_draws_nothing(client, owner, law, text, problem):
    answer = preview(client, new_draft(client), text).get_json()
    assert answer["html"] == "" and answer["problems"][0].startswith(problem) and len(answer["problems"]) == 1


def test_the_live_preview_lists_a_broken_convention_and_still_draws_the_form(client, owner, law):
    draft_id = new_draft(client)
    schema = law.form_source(draft_id, FORM)
    del schema["properties"]["request_received_on"]["x-label"]["fr"]
    answer = preview(client, draft_id, json.dumps(schema)).get_json()
    assert answer["problems"] == ["field 'request_received_on': x-label has no text in fr"]
    assert "Request received on" in answer["html"]


def test_the_live_preview_is_drawn_wholly_in_the_chosen_language(client, owner, law):
    draft_id = new_draft(client)
    schema = law.form_source(draft_id, FORM)
    html = preview(client, draft_id, json.dumps(schema), language="fr").get_json()["html"]
    assert "Demande reçue le" in html and "(obligatoire)" in html and "Request received on" not in html
    assert "Aanvraag ontvangen op" in preview(client, draft_id, json.dumps(schema), language="nl").get_json()["html"]
    assert "Request received on" in preview(client, draft_id, json.dumps(schema), language="xx").get_json()["html"]


def test_the_form_editor_page_draws_the_preview_in_the_chosen_language_without_javascript(client, owner, law):
    draft_id = new_draft(client)
    page = client.get(f"/models/drafts/{draft_id}/forms/{FORM}?language=fr").get_data(as_text=True)
    assert "Demande reçue le" in page and 'id="form-preview" lang="fr"' in page and "form-editor.js" in page
    assert "insurance (the sickness fund only)" in page
    posted = client.post(f"/models/drafts/{draft_id}/forms/{FORM}", data={
        "schema": json.dumps(law.form_source(draft_id, FORM)), "action": "preview", "language": "nl",
        "revision": "1", "csrf_token": csrf_token(client, "/")}).get_data(as_text=True)
    assert "Aanvraag ontvangen op" in posted and "Back to the draft" in posted


def test_the_live_preview_needs_the_csrf_token(client, owner, law):
    draft_id = new_draft(client)
    answer = client.post(f"/models/drafts/{draft_id}/forms/{FORM}/preview", data={"schema": "{}"},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 400 and answer.get_json()["error"] == "bad_request"


@pytest.mark.parametrize("path", ["../pyproject.toml", "bpmn-js/package.json", "%2e%2e/webui/models.py"])
def test_the_vendor_route_serves_only_browser_assets_from_node_modules(client, owner, path):
    assert client.get(f"/models/vendor/{path}").status_code == 404


def test_the_modeler_script_is_sent_once_and_then_revalidated_by_its_etag(client, owner):
    path = "/models/vendor/bpmn-js/dist/bpmn-modeler.production.min.js"
    first = client.get(path)
    assert first.status_code == 200 and first.mimetype == "text/javascript" and b"BpmnJS" in first.data
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_comparing_versions_lists_the_changed_elements(client, owner, law):
    draft_id = new_draft(client)
    draft = law.draft(draft_id)
    xml = draft.files[FILE].replace('name="Hold the pre-return visit"', 'name="Hold the visit"')
    law.save_draft(draft_id, files={FILE: xml}, expected_revision=draft.revision, user_id=owner.id)
    approve(law, draft_id)
    law.deploy_draft(draft_id, comment="rename", user_id=owner.id)
    new, old = (s.version.id for s in law.versions("pre_return_visit"))
    assert "Compare" in client.get("/models").get_data(as_text=True)
    page = client.get(f"/models/compare?old={old}&new={new}").get_data(as_text=True)
    assert "Changed" in page and "hold_visit" in page and "Hold the visit" in page
    assert client.get("/models/compare?old=x&new=1").status_code == 400


def test_the_compare_page_carries_both_diagrams_and_the_changes_to_colour(client, owner, law):
    draft_id = new_draft(client)
    draft = law.draft(draft_id)
    xml = draft.files[FILE].replace('name="Hold the pre-return visit"', 'name="Hold the visit"')
    law.save_draft(draft_id, files={FILE: xml}, expected_revision=draft.revision, user_id=owner.id)
    approve(law, draft_id)
    law.deploy_draft(draft_id, comment="rename", user_id=owner.id)
    new, old = (s.version.id for s in law.versions("pre_return_visit"))
    page = client.get(f"/models/compare?old={old}&new={new}").get_data(as_text=True)
    data = json.loads(page.split('<script type="application/json" id="compare-data">', 1)[1].split("</script>", 1)[0])
    assert data["new_files"][FILE] == xml and data["old_files"][FILE] == draft.files[FILE]
    assert data["main_file"] == FILE
    assert {"element_id": "hold_visit", "kind": "changed", "file": FILE} in data["changes"]
    assert 'data-element="hold_visit"' in page and "bpmn-navigated-viewer" in page and "Old version" in page


def test_validate_returns_the_warnings_apart_and_a_deploy_with_warnings_goes_through(client, owner, law):
    """Issue 18, defect 3: T19, the employer's answer to a preventive request, on the occupational physician's
    visit: a warning in the reader's language, not a refusal."""
    draft_id = new_draft(client)
    draft = law.draft(draft_id)
    xml = draft.files[FILE].replace('deadline("T15", request_received_on)', 'deadline("T19", request_received_on)')
    assert json_post(client, f"/models/drafts/{draft_id}/files", {"file": FILE, "xml": xml,
                                                                  "revision": draft.revision}).status_code == 200
    client.get("/?lang=nl")
    answer = json_post(client, f"/models/drafts/{draft_id}/validate").get_json()
    assert answer["problems"] == []
    [warning] = answer["warnings"]
    assert warning["element_id"] == "visit_overdue" and warning["file"] == FILE
    assert warning["message"].startswith("regel T19 is een termijn waarbinnen de rol 'Werkgever (HR)' moet handelen, "
                                         "maar de timer bewaakt 'Het bezoek voorafgaand aan de werkhervatting "
                                         "uitvoeren' in de baan 'Preventieadviseur-arbeidsarts'")
    approve(law, draft_id)
    deployed = client.post(f"/models/drafts/{draft_id}/deploy", data={"comment": "T19 on the visit", "confirmed": "yes",
                                                                      "csrf_token": csrf_token(client, "/")},
                           follow_redirects=True).get_data(as_text=True)
    assert "pre_return_visit versie 2" in deployed
    assert 'class="flash warning"' in deployed and "Waarschuwing bij visit_overdue: regel T19" in deployed


def test_the_modeler_page_gives_its_palette_and_panel_texts_in_the_readers_language(client, owner, law):
    draft_id = new_draft(client)
    client.get("/?lang=nl")
    page = client.get(f"/models/drafts/{draft_id}").get_data(as_text=True)
    data = json.loads(page.split('<script type="application/json" id="modeler-data">', 1)[1].split("</script>")[0])
    assert data["bpmn_js_texts"]["Create start event"] == "Startgebeurtenis maken"
    assert data["bpmn_js_texts"]["Append task"] == "Taak toevoegen"
    assert data["text"]["types"]["bpmn:BoundaryEvent"] == "Grensgebeurtenis"
    assert [rule["acting"] for rule in data["palette"]["rules"] if rule["id"] == "T19"] == ["Werkgever (HR)"]
