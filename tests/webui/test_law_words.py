"""The law's words from the diagrams in the reader's language: a task, the procedure's trace and its end."""

from __future__ import annotations

import pytest

from tests.webui.conftest import open_law_case

NAMES = {
    "en": "Record the re-integration request",
    "nl": "Het re-integratieverzoek registreren",
    "fr": "Enregistrer la demande de réintégration",
}


@pytest.fixture
def trajectory(law):  # type: ignore[no-untyped-def]
    """A trajectory the worker started: the occupational physician's first task is to record the request."""
    case = open_law_case(law)
    instance = law.start(case.id, "formal_reintegration", actor="eva")
    return case, instance


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_a_task_reads_in_the_readers_language_in_the_inbox_the_case_file_and_on_its_page(
        client, auth, trajectory, language):
    case, _ = trajectory
    auth.login_as("occupational_physician", username="oa1")
    client.get(f"/?lang={language}")
    inbox = client.get("/").get_data(as_text=True)
    assert NAMES[language] in inbox and NAMES["en"] not in inbox
    case_file = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert NAMES[language] in case_file and NAMES["en"] not in case_file
    [item] = [i for i in auth.eng.work_items(case_id=case.id) if i.task == "record_request"]
    task_page = client.get(f"/tasks/{item.id}").get_data(as_text=True)
    assert NAMES[language] in task_page and NAMES["en"] not in task_page


def test_the_trace_names_the_current_task_in_dutch_and_the_english_reader_keeps_english(client, auth, trajectory):
    _, instance = trajectory
    auth.login_as("compliance_officer", username="co1")
    client.get("/?lang=nl")
    trace = client.get(f"/compliance/instances/{instance.id}").get_data(as_text=True)
    assert NAMES["nl"] in trace
    client.get("/?lang=en")
    assert NAMES["en"] in client.get(f"/compliance/instances/{instance.id}").get_data(as_text=True)
