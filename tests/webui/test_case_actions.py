"""The case file's actions: open a case, start a procedure (or learn why not yet), record an outside event."""

from __future__ import annotations

from datetime import date

from tests.webui.conftest import csrf_token, open_law_case


def test_my_cases_lists_only_the_cases_of_my_organisations(client, auth, law):
    open_law_case(law, "MINE-1")
    open_law_case(law, "THEIRS-1", employer="Other NV")
    auth.login_as("employer", username="hr1")
    page = client.get("/cases").get_data(as_text=True)
    assert "MINE-1" in page and "THEIRS-1" not in page


def test_hr_opens_a_case_and_its_legal_follow_up_starts(client, auth, law):
    auth.login_as("employer", username="hr1")
    response = client.post("/cases/new", data={
        "reference": "NEW-1", "employee": "Eva Peeters", "employer": "Acme NV",
        "first_day_of_incapacity": "2026-12-01", "prevention_service": "Mensura",
        "csrf_token": csrf_token(client, "/cases/new")}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "NEW-1" in page and "Follow-up of an incapacity" in page


def test_opening_a_case_with_missing_data_keeps_what_was_typed(client, auth, law):
    auth.login_as("employer", username="hr1")
    response = client.post("/cases/new", data={"reference": "NEW-2", "employee": "", "employer": "Acme NV",
                                               "first_day_of_incapacity": "soon",
                                               "csrf_token": csrf_token(client, "/cases/new")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="NEW-2"' in page and 'id="employee-error"' in page and 'id="first_day_of_incapacity-error"' in page


def test_hr_cannot_open_a_case_for_another_employer(client, auth, law):
    auth.login_as("employer", username="hr1")
    response = client.post("/cases/new", data={"reference": "X-1", "employee": "Jan", "employer": "Other NV",
                                               "first_day_of_incapacity": "2026-12-01",
                                               "csrf_token": csrf_token(client, "/cases/new")})
    assert response.status_code == 403
    assert law.cases(auth.eng.authenticate("hr1", "correct horse battery").id) == []


def test_an_employee_starts_a_formal_trajectory_from_the_case_file(client, auth, law):
    case = open_law_case(law)
    auth.login_as("employee", username="eva", organisations=())
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'name="process_id"' in page and "Formal re-integration trajectory" in page
    response = client.post(f"/cases/{case.id}/procedures", data={
        "process_id": "formal_reintegration", "csrf_token": csrf_token(client, f"/cases/{case.id}")},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Procedure started." in page and "Record the re-integration request" in page
    assert [i.process_id for i in law.instances(case.id)].count("formal_reintegration") == 1


def test_a_refused_start_names_the_rule_and_the_date_it_becomes_allowed(client, auth, law):
    case = open_law_case(law, first_day=date(2026, 10, 1))
    auth.login_as("employer", username="hr1")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "T36" in page and "01/04/2027" in page
    response = client.post(f"/cases/{case.id}/procedures", data={
        "process_id": "medical_force_majeure", "csrf_token": csrf_token(client, f"/cases/{case.id}")},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert 'Not allowed now under rule <a href="/law#T36">T36</a>; allowed from 01/04/2027.' in page
    assert "medical_force_majeure" not in [i.process_id for i in law.instances(case.id)]


def test_a_role_that_may_not_start_a_procedure_is_refused(client, auth, law):
    case = open_law_case(law)
    auth.login_as("regional_counsellor", username="vdab1")  # VDAB, named on the case
    response = client.post(f"/cases/{case.id}/procedures", data={
        "process_id": "medical_force_majeure", "csrf_token": csrf_token(client, f"/cases/{case.id}")},
        follow_redirects=True)
    assert "None of your roles may start Medical force majeure." in response.get_data(as_text=True)
    assert [i.process_id for i in law.instances(case.id)] == [
        "incapacity_follow_up", "contact_procedure", "employer_obligations"]


def test_recording_that_work_resumed_reaches_the_follow_up(client, auth, law):
    case = open_law_case(law)
    auth.login_as("employer", username="hr1")
    token = csrf_token(client, f"/cases/{case.id}")
    refused = client.post(f"/cases/{case.id}/events/work_resumed", data={"resumed_on": "", "csrf_token": token})
    assert refused.status_code == 422 and 'id="work_resumed-resumed_on-error"' in refused.get_data(as_text=True)
    response = client.post(f"/cases/{case.id}/events/work_resumed", data={
        "resumed_on": "2026-12-21", "under_health_surveillance": "no", "csrf_token": token}, follow_redirects=True)
    assert "Event recorded." in response.get_data(as_text=True)
    trail = law.audit_trail(f"instance:{law.instances(case.id)[0].id}")
    assert any(e.action == "message_received" and e.actor == "hr1" for e in trail)


def test_an_unknown_event_gives_404(client, auth, law):
    case = open_law_case(law)
    auth.login_as("employer", username="hr1")
    response = client.post(f"/cases/{case.id}/events/party_time",
                           data={"csrf_token": csrf_token(client, f"/cases/{case.id}")})
    assert response.status_code == 404


def test_T04_the_employers_start_page_offers_the_routes_the_law_allows_and_refuses_the_others(client, auth, law):
    """T04: before 3 months the employer sees each route: the 3-month one refused with its first day, others open."""
    case = open_law_case(law, first_day=date(2026, 11, 2))
    auth.login_as("employer", username="hr1")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "after 3 months of incapacity: Not allowed now under rule" in page and "allowed from 02/02/2027." in page
    assert "with a certificate of definitive unfitness: allowed now" in page
    assert '<option value="consent">' in page and '<option value="three_months">' not in page
    response = client.post(f"/cases/{case.id}/procedures", data={
        "process_id": "formal_reintegration", "route": "three_months",
        "csrf_token": csrf_token(client, f"/cases/{case.id}")}, follow_redirects=True)
    assert 'class="flash error"' in response.get_data(as_text=True)
    assert "formal_reintegration" not in [i.process_id for i in law.instances(case.id)]
    response = client.post(f"/cases/{case.id}/procedures", data={
        "process_id": "formal_reintegration", "route": "certificate",
        "csrf_token": csrf_token(client, f"/cases/{case.id}")}, follow_redirects=True)
    assert "Procedure started." in response.get_data(as_text=True)


def test_0_7_the_case_file_names_the_running_procedure_that_blocks_a_start(client, auth, law):
    """0.7: the refusal on the start page names the procedure that runs."""
    case = open_law_case(law)
    running = law.start(case.id, "formal_reintegration", {}, role="employee", actor="eva")
    auth.login_as("employer", username="hr1")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Medical force majeure: Not allowed now under rule" in page
    assert f"Formal re-integration trajectory (instance {running.id}) is running; allowed once it has ended." in page
