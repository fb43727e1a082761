"""Trying a draft from the workbench: start, see, complete with sample data, move the clock, discard."""

from __future__ import annotations

import re

import pytest

from tests.webui.conftest import csrf_token

FILE = "pre_return_visit.bpmn"


@pytest.fixture(autouse=True)
def no_trial_left(app):  # type: ignore[no-untyped-def]
    """Close the trials a test leaves, deleting their scratch databases."""
    yield
    app.extensions["reintegra_trials"].close_all()


@pytest.fixture
def owner(auth, law):  # type: ignore[no-untyped-def]
    return auth.login_as("process_owner", username="po1")


@pytest.fixture
def draft_id(law, owner) -> int:  # type: ignore[no-untyped-def]
    draft = law.create_draft("pre_return_visit", user_id=owner.id)
    xml = draft.files[FILE].replace('name="Record the visit request"', 'name="Note the visit request"')
    return law.save_draft(draft.id, files={FILE: xml}, expected_revision=draft.revision, user_id=owner.id).id


def base(draft_id: int) -> str:
    return f"/models/drafts/{draft_id}/trial"


def start(client, draft_id: int, first_day: str = "2026-05-01"):  # type: ignore[no-untyped-def]
    return client.post(f"{base(draft_id)}/start", data={"first_day_of_incapacity": first_day,
                                                        "csrf_token": csrf_token(client, "/")})


def posted_form(page: str, item_id: int) -> dict[str, str]:
    """The values a task's form on the trial page carries (inputs, selected options, checked radios)."""
    form = re.search(rf'action="[^"]*/complete/{item_id}"(.*?)</form>', page, re.S)
    assert form, f"no form for task {item_id}"
    html, values = form.group(1), {}
    for tag in re.findall(r"<input[^>]*>", html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and value and ('type="radio"' not in tag or "checked" in tag):
            values[name.group(1)] = value.group(1)
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        values[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        values[name] = text
    return values


def open_item_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'action="[^"]*/complete/(\d+)"', page)]


def test_the_draft_page_offers_to_try_it_seven_months_back(client, law, draft_id):
    page = client.get(f"/models/drafts/{draft_id}").get_data(as_text=True)
    assert "Try this draft" in page and f'action="{base(draft_id)}/start"' in page
    assert 'value="2026-05-21"' in page


def test_an_owner_starts_and_sees_a_trial_of_the_draft(client, law, draft_id):
    response = start(client, draft_id)
    assert response.status_code == 302 and response.headers["Location"].endswith(base(draft_id))
    page = client.get(base(draft_id)).get_data(as_text=True)
    assert "Trial on a scratch case: no real case is touched; nothing is kept." in page
    assert "Note the visit request" in page and "TRIAL-1" in page and "21/12/2026" in page
    assert 'value="2026-12-21"' in page and "po1 opened the case on 21/12/2026." in page
    assert law.work_items(state=None) == [] and "Continue the running trial" in client.get(
        f"/models/drafts/{draft_id}").get_data(as_text=True)


def test_sample_data_posted_back_completes_the_task(client, law, draft_id):
    start(client, draft_id)
    page = client.get(base(draft_id)).get_data(as_text=True)
    [item_id] = open_item_ids(page)
    data = posted_form(page, item_id)
    assert data["requested_by"] == "employee" and data["employee_objects_to_informing_employer"] == "no"
    done = client.post(f"{base(draft_id)}/complete/{item_id}", data=data, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "Task completed on the scratch case" in text
    assert "Hold the pre-return visit" in text and "T15" in text and "10 working days left" in text


def test_invalid_data_shows_the_field_error_and_loses_nothing(client, draft_id):
    start(client, draft_id)
    page = client.get(base(draft_id)).get_data(as_text=True)
    [item_id] = open_item_ids(page)
    data = {**posted_form(page, item_id), "request_received_on": "2027-03-01"}
    refused = client.post(f"{base(draft_id)}/complete/{item_id}", data=data)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Must not be after today (21/12/2026)." in text
    assert 'value="2027-03-01"' in text and open_item_ids(text) == [item_id]
    assert open_item_ids(client.get(base(draft_id)).get_data(as_text=True)) == [item_id]


def test_moving_the_clock_fires_the_timer_and_shows_the_missed_term(client, draft_id):
    start(client, draft_id)
    page = client.get(base(draft_id)).get_data(as_text=True)
    [item_id] = open_item_ids(page)
    client.post(f"{base(draft_id)}/complete/{item_id}", data=posted_form(page, item_id))
    token = csrf_token(client, base(draft_id))
    moved = client.post(f"{base(draft_id)}/advance", data={"days": "7", "csrf_token": token}, follow_redirects=True)
    assert "0 timers fired" in moved.get_data(as_text=True) and "28/12/2026" in moved.get_data(as_text=True)
    moved = client.post(f"{base(draft_id)}/advance", data={"days": "30", "csrf_token": token}, follow_redirects=True)
    text = moved.get_data(as_text=True)
    assert "1 timer fired" in text and "missed" in text and "Explain the late visit and plan it" in text


@pytest.mark.parametrize("days", ["0", "400", "soon", ""])
def test_a_wrong_number_of_days_is_shown_and_the_clock_stays(client, draft_id, days):
    start(client, draft_id)
    token = csrf_token(client, base(draft_id))
    refused = client.post(f"{base(draft_id)}/advance", data={"days": days, "csrf_token": token})
    assert refused.status_code == 422 and "Move the clock by 1 to 366 days." in refused.get_data(as_text=True)
    assert "21/12/2026" in client.get(base(draft_id)).get_data(as_text=True)


def test_discarding_closes_the_trial_and_deletes_its_database(app, client, owner, draft_id):
    start(client, draft_id)
    path = app.extensions["reintegra_trials"].get((draft_id, owner.id)).path
    discarded = client.post(f"{base(draft_id)}/discard", data={"csrf_token": csrf_token(client, base(draft_id))})
    assert discarded.status_code == 302 and not path.exists()
    assert client.get(base(draft_id)).status_code == 302
    assert app.extensions["reintegra_trials"].get((draft_id, owner.id)) is None


def test_starting_again_replaces_the_old_trial(app, client, owner, draft_id):
    start(client, draft_id)
    first = app.extensions["reintegra_trials"].get((draft_id, owner.id))
    start(client, draft_id, "2026-04-01")
    assert not first.path.exists()
    assert "01/04/2026" in client.get(base(draft_id)).get_data(as_text=True)


def test_a_start_rule_refusal_is_shown_on_the_draft_page(client, law, owner):
    """T36: medical force majeure needs 6 months of incapacity."""
    draft = law.create_draft("medical_force_majeure", user_id=owner.id)
    refused = start(client, draft.id, "2026-11-01")
    assert refused.status_code == 302 and "trial_first_day=2026-11-01" in refused.headers["Location"]
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Not allowed now under rule T36; allowed from" in page and 'value="2026-11-01"' in page


def test_an_unreadable_first_day_is_refused_on_the_draft_page(client, draft_id):
    refused = start(client, draft_id, "someday")
    assert refused.status_code == 302
    assert "Choose the first day of incapacity" in client.get(refused.headers["Location"]).get_data(as_text=True)


def test_without_a_trial_the_trial_pages_send_back_to_the_draft(client, draft_id):
    token = csrf_token(client, "/")
    assert client.get(base(draft_id)).status_code == 302
    assert client.post(f"{base(draft_id)}/advance", data={"days": "1", "csrf_token": token}).status_code == 302
    assert client.post(f"{base(draft_id)}/complete/1", data={"csrf_token": token}).status_code == 302


@pytest.mark.parametrize("role", ["employer", "compliance_officer", "occupational_physician"])
def test_only_process_owners_and_admins_try_drafts(client, auth, law, draft_id, role):
    auth.login_as(role, username=f"{role}-1")
    token = csrf_token(client, "/")
    assert client.post(f"{base(draft_id)}/start", data={"first_day_of_incapacity": "2026-05-01",
                                                       "csrf_token": token}).status_code == 403
    assert client.get(base(draft_id)).status_code == 403
    assert client.post(f"{base(draft_id)}/complete/1", data={"csrf_token": token}).status_code == 403
    assert client.post(f"{base(draft_id)}/advance", data={"days": "1", "csrf_token": token}).status_code == 403
    assert client.post(f"{base(draft_id)}/discard", data={"csrf_token": token}).status_code == 403


def test_an_admin_may_try_a_draft(client, auth, law, draft_id):
    auth.login_as("admin", username="admin-1")
    assert start(client, draft_id).status_code == 302
    assert "Note the visit request" in client.get(base(draft_id)).get_data(as_text=True)


@pytest.mark.parametrize("path", ["start", "complete/1", "advance", "discard"])
def test_every_post_needs_the_csrf_token(client, draft_id, path):
    assert client.post(f"{base(draft_id)}/{path}", data={"days": "1"}).status_code == 400
