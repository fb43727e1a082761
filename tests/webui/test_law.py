"""The legal reference page /law: signed-in users only, every rule anchored, and the pages that show a rule link
to its section (case file timeline and refusals, task page, trace)."""

from __future__ import annotations

from datetime import date

from tests.webui.conftest import csrf_token, open_law_case
from tests.webui.test_tasks import requested_visit
from tests.webui.test_trace import late_visit


def test_the_legal_reference_needs_a_signed_in_user(client):
    response = client.get("/law")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_legal_reference_renders_every_rule_with_its_anchor(client, auth):
    auth.login_as("employee", username="eva", organisations=())
    page = client.get("/law").get_data(as_text=True)
    for rule in ("T01", "T08", "T13", "T36", "T47", "C06", "0.1", "0.6", "0.7"):
        assert f'<a id="{rule}"></a>' in page
    assert "<script" not in page.split("<article", 1)[1]


def test_the_legal_reference_says_in_dutch_that_it_is_in_english(client, auth, app):
    user = auth.login_as("employer", username="hr1")
    auth.eng.set_language(user.id, "nl")
    page = client.get("/law").get_data(as_text=True)
    assert "Deze referentie is in het Engels." in page and "Wettelijke regels" in page


def test_the_case_file_links_each_deadline_rule_to_the_legal_reference(client, auth, law):
    case = open_law_case(law, first_day=date(2026, 6, 1))
    auth.login_as("employer", username="hr1")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert '<a href="/law#T01"' in page


def test_a_refused_start_links_its_rule_to_the_legal_reference(client, auth, law):
    """T36: the refusal on the case file, in the list and in the message after trying, links to /law#T36."""
    case = open_law_case(law, first_day=date(2026, 10, 1))
    auth.login_as("employer", username="hr1")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert '<a href="/law#T36"' in page
    response = client.post(f"/cases/{case.id}/procedures", data={
        "process_id": "medical_force_majeure", "csrf_token": csrf_token(client, f"/cases/{case.id}")},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert 'Not allowed now under rule <a href="/law#T36">T36</a>; allowed from 01/04/2027.' in page


def test_the_task_page_links_its_legal_term_to_the_legal_reference(client, auth):
    """T15: the task's legal basis (due date and explanation) links to /law#T15."""
    requested_visit(auth.eng)
    item = auth.eng.work_items(role="occupational_physician")[0]
    auth.login_as("occupational_physician", username="oa1")
    page = client.get(f"/tasks/{item.id}").get_data(as_text=True)
    assert '<summary><a href="/law#T15"' in page


def test_the_trace_links_each_deadline_verdict_to_the_legal_reference(client, auth, law, clock):
    """T15: the verdict row of the trace links its rule to /law#T15."""
    instance = late_visit(law, clock)
    auth.login_as("compliance_officer")
    page = client.get(f"/compliance/instances/{instance.id}").get_data(as_text=True)
    assert '<td><a href="/law#T15"' in page
