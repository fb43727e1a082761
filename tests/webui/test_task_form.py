"""The task page: the form drawn from its schema, errors next to the fields, medical fields for medical roles."""

from __future__ import annotations

import re
from datetime import date

import pytest

import engine
from tests.conftest import FIXTURES
from tests.webui.conftest import LAW_PARTIES, csrf_token, open_law_case


@pytest.fixture
def request_item(auth) -> engine.WorkItemView:  # type: ignore[no-untyped-def]
    auth.eng.deploy(FIXTURES / "bpmn" / "visit_demo.bpmn", actor="owner")
    case = auth.eng.open_case(reference="C-1", employee="An", employer="Acme NV",
                              first_day_of_incapacity=date(2026, 9, 1), actor="hr1",
                              parties={**LAW_PARTIES, "employee_account": "an"})
    auth.eng.start(case.id, "visit_demo", {}, actor="e1")
    return auth.eng.work_items(role="employee")[0]


def test_the_form_shows_labelled_fields_of_the_schema(client, auth, request_item):
    auth.login_as("employee", username="an")
    page = client.get(f"/tasks/{request_item.id}").get_data(as_text=True)
    assert 'for="request_received_on"' in page and 'type="date"' in page
    assert "Request received on" in page


def test_invalid_data_is_shown_next_to_the_field_and_kept(client, auth, request_item):
    auth.login_as("employee", username="an")
    response = client.post(f"/tasks/{request_item.id}", data={"request_received_on": "23/12/2026",
                                                                "csrf_token": csrf_token(client, "/")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="request_received_on-error"' in page and 'value="23/12/2026"' in page
    assert [i.id for i in auth.eng.work_items(role="employee")] == [request_item.id]


def test_completing_the_form_runs_the_engine_and_shows_what_happens_next(client, auth, request_item):
    auth.login_as("employee", username="an")
    response = client.post(f"/tasks/{request_item.id}", data={"request_received_on": "2026-12-21",
                                                                "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{request_item.case_id}#next")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Task completed" in page and "Hold the pre-return visit" in page and "Occupational physician" in page
    assert [i.task for i in auth.eng.work_items(role="occupational_physician")] == ["hold_visit"]


@pytest.mark.parametrize(("value", "message"), [
    ("", "Required."),
    ("2026-02-30", "Not a valid date."),
])
def test_field_errors_speak_to_the_reader_not_to_a_log(client, auth, request_item, value, message):
    auth.login_as("employee", username="an")
    response = client.post(f"/tasks/{request_item.id}", data={"request_received_on": value,
                                                                "csrf_token": csrf_token(client, "/")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and 'aria-invalid="true"' in page


def test_a_task_of_another_role_is_not_found(client, auth, request_item):
    auth.login_as("employer", username="hr1")
    assert client.get(f"/tasks/{request_item.id}").status_code == 404
    post = client.post(f"/tasks/{request_item.id}", data={"csrf_token": csrf_token(client, "/")})
    assert post.status_code == 404


def test_the_worker_records_the_medical_fields_about_themselves(client, auth, request_item):
    """The disclosure model: the worker reads (and so fills) all of their own data, medical fields too."""
    auth.login_as("employee", username="an")
    page = client.get(f"/tasks/{request_item.id}").get_data(as_text=True)
    assert "health_notes" in page
    employee = auth.eng.authenticate("an", "correct horse battery")
    auth.eng.complete(request_item.id, {"request_received_on": "2026-12-21", "health_notes": "x"},
                      actor="an", user_id=employee.id)
    assert request_item.id not in [i.id for i in auth.eng.work_items(role="employee")]


def test_medical_roles_see_medical_fields(client, auth, request_item):
    auth.login_as("employee", "occupational_physician", username="an")  # the worker, also a physician
    page = client.get(f"/tasks/{request_item.id}").get_data(as_text=True)
    assert re.search(r'id="health_notes"', page)


def test_a_date_in_the_future_is_refused_in_the_readers_words(client, auth, law):
    case = open_law_case(law)
    law.start(case.id, "formal_reintegration", actor="eva")
    item = next(i for i in law.work_items(case_id=case.id) if i.task == "record_request")
    auth.login_as("occupational_physician", username="oa1")
    response = client.post(f"/tasks/{item.id}", data={"request_received_on": "2027-01-05", "requested_by": "employee",
                                                       "csrf_token": csrf_token(client, "/")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Must not be after today (21/12/2026)." in page
    assert "2027-01-05" in page


def test_repeated_rows_are_drawn_added_and_recorded(client, auth, law, clock):
    from tests.scenarios.test_formal_reintegration import Trajectory, decision

    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("A"), "oa1")
    item = rit.item("draft")
    auth.login_as(item.role, username="drafter")
    token = csrf_token(client, "/")
    page = client.post(f"/tasks/{item.id}", data={"measures-0-measure": "Standing desk", "add_row": "measures",
                                                  "csrf_token": token}).get_data(as_text=True)
    assert 'name="measures-1-measure"' in page and 'value="Standing desk"' in page
    response = client.post(f"/tasks/{item.id}", data={
        "kind": "plan", "delivered_on": "2027-01-12", "valid_from": "2027-01-20", "valid_until": "2027-06-30",
        "consulted_on": "2027-01-12", "measures-0-measure": "Standing desk",
        "measures-0-starts_on": "2027-01-20", "measures-1-measure": "Half days", "measures-2-measure": "",
        "csrf_token": token})
    assert response.status_code == 302
    page = client.get(f"/cases/{rit.case.id}").get_data(as_text=True)
    assert "Standing desk" in page and "Half days" in page and "20/01/2027" in page
