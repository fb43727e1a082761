"""The compliance pages: find instances, the deadline dashboard and its drill-down, for overseers only."""

from __future__ import annotations

import pytest

from tests.engine.test_compliance import REQUEST, VISIT, do, request_visit
from tests.scenarios.conftest import at

PAGES = ("/compliance/instances", "/compliance/dashboard",
         "/compliance/dashboard/drilldown?rule=T15&outcome=due")


@pytest.fixture
def played(law, clock):  # type: ignore[no-untyped-def]
    """Acme NV's visit held on its last day (ACME-1); Other NV's visit late (OTHER-1)."""
    clock.set(at(2026, 12, 23, 10))
    acme = request_visit(law, "ACME-1", "Acme NV", REQUEST)
    clock.set(at(2026, 12, 23, 11))
    request_visit(law, "OTHER-1", "Other NV", REQUEST)
    clock.set(at(2027, 1, 8, 15))
    do(law, acme, "hold_visit", {**VISIT, "held_on": "2027-01-08"})
    clock.set(at(2027, 1, 12))
    law.fire_due_timers()
    return law


def test_an_admin_finds_every_instance_and_its_deadlines(client, auth, played):
    auth.login_as("admin")
    page = client.get("/compliance/instances").get_data(as_text=True)
    assert "ACME-1" in page and "OTHER-1" in page and "2 instances found." in page
    assert '<span class="employee">An</span>' in page  # whose case it is, on every row
    assert 'href="/compliance/instances/' in page
    missed = client.get("/compliance/instances?has_missed_deadline=yes").get_data(as_text=True)
    assert "OTHER-1" in missed and "ACME-1" not in missed


def test_an_officer_of_one_employer_sees_only_its_cases(client, auth, played):
    auth.login_as("compliance_officer", organisations=("Acme NV",))
    found = client.get("/compliance/instances").get_data(as_text=True)
    assert "OTHER-1" not in found
    assert '<option value="Acme NV">' in found and '<option value="Other NV">' not in found
    board = client.get("/compliance/dashboard").get_data(as_text=True)
    assert "Acme NV" in board and "Other NV" not in board
    drill = client.get("/compliance/dashboard/drilldown?rule=T15&outcome=due&period_from=2027-01-01"
                       "&period_to=2027-12-31").get_data(as_text=True)
    assert "ACME-1" in drill and "OTHER-1" not in drill


def test_the_dashboard_shows_this_years_numbers_linked_to_their_deadlines(client, auth, played):
    auth.login_as("compliance_officer", organisations=())
    response = client.get("/compliance/dashboard")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "T15" in page and "I.4-36" in page and 'value="2027-01-01"' in page and "<svg" in page
    assert "/compliance/dashboard/drilldown?rule=T15&amp;outcome=near_miss" in page
    near = client.get("/compliance/dashboard/drilldown?rule=T15&outcome=near_miss").get_data(as_text=True)
    assert "ACME-1" in near and "0 days left" in near and "OTHER-1" not in near
    late = client.get("/compliance/dashboard/drilldown?rule=T15&outcome=missed").get_data(as_text=True)
    assert "OTHER-1" in late and "4 days late" in late


def test_instances_are_found_by_how_they_ended(client, auth, played):
    acme = next(i for i in played.work_items(state="ready") if i.task == "answer_recommendations").instance_id
    do(played, acme, "answer_recommendations", {"answered_on": "2027-01-12", "adaptations_agreed": True,
                                                "answer": "Desk ordered."})
    auth.login_as("compliance_officer", organisations=())
    page = client.get("/compliance/instances").get_data(as_text=True)
    assert '<optgroup label="Pre-return visit">' in page
    assert '<option value="pre_return_visit:end_answered" >Employer answered (1)</option>' in page
    assert "<strong>Employer answered</strong>" in page and "Pre-return visit" in page
    ended = client.get("/compliance/instances?ended_with=pre_return_visit:end_answered").get_data(as_text=True)
    assert "ACME-1" in ended and "OTHER-1" not in ended and "1 instance found." in ended
    trace = client.get(f"/compliance/instances/{acme}").get_data(as_text=True)
    assert "<dt>Ended with</dt><dd>Employer answered</dd>" in trace


def test_the_case_file_links_overseers_to_the_trace_and_the_evidence(client, auth, played):
    acme = next(i for i in played.work_items(state="ready") if i.task == "answer_recommendations")
    trace_link = f'href="/compliance/instances/{acme.instance_id}"'
    evidence_link = f'href="/compliance/cases/{acme.case_id}/evidence"'
    auth.login_as("compliance_officer", organisations=("Acme NV",))
    page = client.get(f"/cases/{acme.case_id}").get_data(as_text=True)
    assert trace_link in page and evidence_link in page
    client.post("/logout", data={"csrf_token": _token(client)})
    auth.login_as("employer")
    page = client.get(f"/cases/{acme.case_id}").get_data(as_text=True)
    assert "ACME-1" in page and trace_link not in page and evidence_link not in page


def test_the_previous_page_link_keeps_the_filters(client, auth, played):
    auth.login_as("admin")
    page = client.get("/compliance/instances?organisation=Acme+NV&page=2").get_data(as_text=True)
    assert "/compliance/instances?organisation=Acme+NV&amp;page=1" in page


def test_the_navigation_shows_compliance_to_overseers_only(client, auth, app):
    auth.login_as("compliance_officer")
    assert 'href="/compliance/instances">' in client.get("/cases").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": _token(client)})
    auth.login_as("employer")
    assert 'href="/compliance/instances">' not in client.get("/cases").get_data(as_text=True)


def _token(client):  # type: ignore[no-untyped-def]
    from tests.webui.conftest import csrf_token
    return csrf_token(client, "/cases")


@pytest.mark.parametrize("role", ["employer", "occupational_physician", "process_owner", "employee"])
@pytest.mark.parametrize("path", PAGES + ("/compliance/instances?page=abc",))
def test_other_roles_are_refused(client, auth, role, path):
    auth.login_as(role)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize(("path", "message"), [
    ("/compliance/instances?page=abc", "A whole number"),
    ("/compliance/instances?started_from=31/12/2026", "A date, like"),
    ("/compliance/instances?state=stuck", "Choose a state"),
    ("/compliance/instances?ended_with=end_answered", "Choose an end from the list"),
    ("/compliance/instances?process_id=formal_reintegration&ended_with=pre_return_visit:end_answered",
     "Choose an end from the list"),
    ("/compliance/dashboard?period_from=2027-13-01", "A date, like"),
    ("/compliance/dashboard?period_from=2027-02-01&period_to=2027-01-01", "ends before it starts"),
    ("/compliance/dashboard/drilldown?rule=T15&outcome=late", "Choose what to list"),
])
def test_bad_query_values_are_answered_with_a_message(client, auth, path, message):
    auth.login_as("admin")
    response = client.get(path)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_pages_need_sign_in(client):
    assert client.get("/compliance/dashboard").status_code == 302
