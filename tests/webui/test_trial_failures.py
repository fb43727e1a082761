"""Issue 18, defect 2: a draft that fails while a trial runs shows where and why, with a way back; an engine error
never reaches a page as an HTTP 500."""

from __future__ import annotations

import pytest

import engine
from tests.webui.test_trial import (
    base,
    no_trial_left,  # noqa: F401  (autouse: closes the trials a test leaves)
    open_item_ids,
    posted_form,
    start,
)

FILE = "pre_return_visit.bpmn"
CONDITION = "visit_held and not employee_objects_to_informing_employer"
TYPO = "visit_held and not employee_objects_to_informng_employer"


@pytest.fixture
def failing_draft(law, auth) -> int:  # type: ignore[no-untyped-def]
    """A process owner's draft whose gateway after the visit reads a misspelt variable, only when the visit was held
    (so deploy lets it through: the read is conditional)."""
    owner = auth.login_as("process_owner", username="po1")
    draft = law.create_draft("pre_return_visit", user_id=owner.id)
    xml = draft.files[FILE]
    assert CONDITION in xml
    return law.save_draft(draft.id, files={FILE: xml.replace(CONDITION, TYPO)}, expected_revision=draft.revision,
                          user_id=owner.id).id


def complete_open_task(client, draft_id: int):  # type: ignore[no-untyped-def]
    page = client.get(base(draft_id)).get_data(as_text=True)
    [item_id] = open_item_ids(page)
    data = posted_form(page, item_id)
    if "visit_held" in data:
        data["visit_held"] = "yes"
    return client.post(f"{base(draft_id)}/complete/{item_id}", data=data)


def test_a_draft_failing_in_a_trial_shows_the_element_the_reason_and_the_ways_back(client, failing_draft):
    start(client, failing_draft)
    assert complete_open_task(client, failing_draft).status_code == 302
    failed = complete_open_task(client, failing_draft)
    page = failed.get_data(as_text=True)
    assert failed.status_code == 422 and "The draft failed in the trial" in page
    assert "for_employer" in page and "Recommendations for the employer? (for_employer)" in page
    assert "&#39;employee_objects_to_informng_employer&#39; has no value when this element runs" in page
    assert f'href="/models/drafts/{failing_draft}"' in page and f'href="{base(failing_draft)}"' in page
    assert f'action="{base(failing_draft)}/start"' in page and 'value="2026-05-01"' in page


def test_after_a_failure_the_trial_is_as_it_was_and_can_be_started_again(client, failing_draft):
    start(client, failing_draft)
    complete_open_task(client, failing_draft)
    complete_open_task(client, failing_draft)
    assert len(open_item_ids(client.get(base(failing_draft)).get_data(as_text=True))) == 1
    again = start(client, failing_draft)
    assert again.status_code == 302 and again.headers["Location"].endswith(base(failing_draft))


class UnmappedError(engine.EngineError):
    """An engine error of a class the web layer has no handler of its own for."""

    code = "unmapped"


@pytest.mark.parametrize("error", [engine.EngineError("plain"), UnmappedError("unmapped")], ids=["base", "subclass"])
def test_an_engine_error_of_no_mapped_class_is_a_page_with_a_way_back_not_a_500(app, client, auth, error):
    app.add_url_rule("/raise-unmapped", "raise_unmapped", lambda: (_ for _ in ()).throw(error))
    auth.login_as("process_owner", username="po1")
    answer = client.get("/raise-unmapped", headers={"Referer": "http://localhost/models"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'href="/models">Back to the page you came from' in page
    assert client.get("/raise-unmapped", headers={"Accept": "application/json"}).get_json()["error"] == error.code


def test_a_failed_model_on_any_page_names_the_element_and_the_reason(app, client, auth):
    reason = engine.Coded("run.name_unset", "'request_recieved_on' has no value", {"name": "request_recieved_on"})
    failed = engine.InvalidModel("the diagram failed while running: NameError",
                                 [engine.Problem("visit_overdue", reason, extra={"name": "Visit overdue"}),
                                  engine.Problem("f2", "KeyError: 'secret value'")])
    app.add_url_rule("/raise-model", "raise_model", lambda: (_ for _ in ()).throw(failed))
    auth.login_as("process_owner", username="po1")
    page = client.get("/raise-model").get_data(as_text=True)
    assert "Visit overdue (visit_overdue)</strong>: &#39;request_recieved_on&#39; has no value" in page
    assert "<strong>f2</strong>: the diagram cannot go on here" in page and "secret value" not in page
