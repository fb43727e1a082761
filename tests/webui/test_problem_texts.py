"""The engine's coded messages read in Dutch and French: every code has a translation, and the pages that show
validator problems and engine refusals draw them in the reader's language."""

from __future__ import annotations

import json
import string
from datetime import date

import pytest
from flask import Flask
from flask_babel import force_locale

import engine
from tests.conftest import FIXTURES
from tests.webui.conftest import LAW_PARTIES, csrf_token, open_law_case
from tests.webui.test_models import FILE, json_post, new_draft
from webui.problem_texts import TEXTS, message_text

FORM = "pre_return_visit_request.json"


def sample(code: str) -> engine.Coded:
    """The message ``code`` with each parameter its template names filled in with a placeholder."""
    template = engine.MESSAGE_CODES[code]
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return engine.Coded.filled(code, template, **{name: f"<{name}>" for name in names})


@pytest.mark.parametrize("code", sorted(engine.MESSAGE_CODES))
def test_every_coded_message_reads_in_dutch_and_french(app: Flask, code: str):
    assert code in TEXTS, f"{code} has no text in webui/problem_texts.py"
    message = sample(code)
    with app.test_request_context():
        texts = {}
        for language in ("en", "nl", "fr"):
            with force_locale(language):
                texts[language] = message_text(message)
    assert texts["nl"] != texts["en"] and texts["fr"] != texts["en"] and texts["nl"] != texts["fr"]
    assert all(f"<{name}>" in text for name in message.params for text in texts.values())


def test_a_message_without_a_code_stays_as_the_engine_said_it(app: Flask):
    with app.test_request_context(), force_locale("nl"):
        assert message_text("a plain English sentence") == "a plain English sentence"
        assert message_text(engine.Coded("no.such_code", "a newer message")) == "a newer message"


def test_dates_coded_problems_and_states_in_parameters_read_in_the_readers_words(app: Flask):
    inner = engine.Coded("form.order_incomplete", "x-order must list every field exactly once")
    nested = engine.Coded("model.form_convention", "…", {"form": "a.json", "problem": inner})
    ended = engine.Coded("move.instance_ended", "…", {"migration": 3, "state": "completed"})
    dated = engine.Coded("form.shape", "…", {"where": date(2027, 3, 1), "detail": "x"})
    with app.test_request_context(), force_locale("fr"):
        assert message_text(nested) == "formulaire 'a.json' : x-order doit citer chaque champ exactement une fois"
        assert message_text(ended).endswith("l'instance est terminée")
        assert message_text(dated) == "dans 01/03/2027 : x"


def test_the_coded_message_keeps_its_english_text_for_logs_and_the_api():
    message = engine.Coded.filled("model.form_missing", engine.MESSAGE_CODES["model.form_missing"], form="a.json")
    assert message == "form 'a.json' does not exist" and message.code == "model.form_missing"
    assert json.dumps({"message": message}) == '{"message": "form \'a.json\' does not exist"}'
    with pytest.raises(AttributeError):
        message.code = "other"  # type: ignore[misc]


@pytest.fixture
def owner(auth, law):  # type: ignore[no-untyped-def]
    return auth.login_as("process_owner", username="po1")


@pytest.mark.parametrize(("language", "sentence"), [("fr", "XML mal formé : "), ("nl", "misvormde XML: ")])
def test_a_malformed_diagram_is_refused_in_the_owners_language(client, owner, law, language, sentence):
    client.get(f"/?lang={language}")
    draft_id = new_draft(client)
    json_post(client, f"/models/drafts/{draft_id}/files", {"file": FILE, "xml": "<definitions><process>",
                                                          "revision": law.draft(draft_id).revision})
    problems = json_post(client, f"/models/drafts/{draft_id}/validate").get_json()["problems"]
    assert problems[0]["message"].startswith(sentence)
    refused = client.post(f"/models/drafts/{draft_id}/deploy", data={
        "comment": "broken", "confirmed": "yes", "csrf_token": csrf_token(client, "/")})
    assert refused.status_code == 422 and sentence in refused.get_data(as_text=True)


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_diagram_breaking_the_conventions_is_refused_in_the_owners_language(client, owner, law, language):
    client.get(f"/?lang={language}")
    draft_id = new_draft(client)
    draft = law.draft(draft_id)
    xml = draft.files[FILE].replace('value="pre_return_visit_request.json"', 'value="no_such_form.json"')
    assert xml != draft.files[FILE]
    json_post(client, f"/models/drafts/{draft_id}/files", {"file": FILE, "xml": xml, "revision": draft.revision})
    refused = client.post(f"/models/drafts/{draft_id}/deploy", data={
        "comment": "broken", "confirmed": "yes", "csrf_token": csrf_token(client, "/")}).get_data(as_text=True)
    expected = {"fr": "le formulaire &#39;no_such_form.json&#39; n&#39;existe pas",
                "nl": "formulier &#39;no_such_form.json&#39; bestaat niet"}[language]
    assert expected in refused and "does not exist" not in refused


@pytest.mark.parametrize(("language", "sentence"), [
    ("fr", "champ &#39;request_received_on&#39; : x-label n&#39;a pas de texte en fr"),
    ("nl", "veld &#39;request_received_on&#39;: x-label heeft geen tekst in fr"),
])
def test_an_invalid_form_is_refused_in_the_owners_language(client, owner, law, language, sentence):
    client.get(f"/?lang={language}")
    draft_id = new_draft(client)
    schema = law.form_source(draft_id, FORM)
    del schema["properties"]["request_received_on"]["x-label"]["fr"]
    refused = client.post(f"/models/drafts/{draft_id}/forms/{FORM}", data={
        "schema": json.dumps(schema), "action": "save", "revision": "1", "csrf_token": csrf_token(client, "/")})
    assert refused.status_code == 422 and sentence in refused.get_data(as_text=True)
    live = client.post(f"/models/drafts/{draft_id}/forms/{FORM}/preview", data={"schema": json.dumps(schema)},
                       headers={"X-CSRFToken": csrf_token(client, "/")}).get_json()
    assert [p for p in live["problems"] if "request_received_on" in p] == [
        sentence.replace("&#39;", "'")]


def test_a_refused_start_reads_in_french(client, auth, law):
    case = open_law_case(law, first_day=date(2026, 10, 1))
    auth.login_as("employer", username="hr1")
    client.get("/?lang=fr")
    page = client.post(f"/cases/{case.id}/procedures", data={
        "process_id": "medical_force_majeure", "csrf_token": csrf_token(client, f"/cases/{case.id}")},
        follow_redirects=True).get_data(as_text=True)
    assert "Non autorisé" in page and "01/04/2027" in page and "Not allowed now" not in page


def test_completing_a_task_twice_is_refused_in_dutch(client, auth):
    auth.eng.deploy(FIXTURES / "bpmn" / "visit_demo.bpmn", actor="owner")
    case = auth.eng.open_case(reference="C-1", employee="An", employer="Acme NV",
                              first_day_of_incapacity=date(2026, 9, 1), actor="hr1",
                              parties={**LAW_PARTIES, "employee_account": "an"})
    auth.eng.start(case.id, "visit_demo", {}, actor="e1")
    item = auth.eng.work_items(role="employee")[0]
    auth.login_as("employee", username="an")
    client.get("/?lang=nl")
    data = {"request_received_on": "2026-12-21", "csrf_token": csrf_token(client, "/")}
    assert client.post(f"/tasks/{item.id}", data=data).status_code == 302
    again = client.post(f"/tasks/{item.id}", data=data)
    page = again.get_data(as_text=True)
    assert again.status_code == 409 and f"Taak {item.id} is al afgerond." in page and "already" not in page


def test_a_start_no_role_of_mine_may_make_reads_in_dutch(client, auth, law):
    case = open_law_case(law)
    auth.login_as("employer", username="hr1")
    client.get("/?lang=nl")
    page = client.post(f"/cases/{case.id}/procedures", data={
        "process_id": "resumption_examination", "csrf_token": csrf_token(client, f"/cases/{case.id}")},
        follow_redirects=True).get_data(as_text=True)
    assert "Geen van uw rollen mag" in page and "none of your roles" not in page
    assert "resumption_examination" not in [i.process_id for i in law.instances(case.id)]


def test_a_stale_save_in_the_modeler_is_refused_in_french(client, owner, law):
    client.get("/?lang=fr")
    draft_id = new_draft(client)
    draft = law.draft(draft_id)
    xml = draft.files[FILE].replace('name="Hold the pre-return visit"', 'name="Hold the visit"')
    body = {"file": FILE, "xml": xml, "revision": draft.revision}
    assert json_post(client, f"/models/drafts/{draft_id}/files", body).status_code == 200
    stale = json_post(client, f"/models/drafts/{draft_id}/files", body)
    assert stale.status_code == 409 and stale.get_json()["error"] == "conflict"
    assert stale.get_json()["message"] == f"Le brouillon {draft_id} a été enregistré par po1 depuis la révision " \
                                          f"{draft.revision} ; rechargez-le."
