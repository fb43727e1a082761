"""Issue 13.1: incidents in the web app: who sees them, and "retry" and "move on", audited with who and why."""

from __future__ import annotations

from datetime import timedelta

import pytest

import engine
from tests.security.test_incidents_sweep import EXPIRES, incident_of, owner, poisoned, waiting
from tests.webui.conftest import csrf_token

HEALS_NEXT_DAY = 'late = 1 / days_between("2027-01-09", today())'


@pytest.fixture
def stopped(app, clock) -> int:  # type: ignore[no-untyped-def]
    """An instance of Acme NV stopped by an error on its timer path (it divides by zero on 9 January only)."""
    eng: engine.Engine = app.extensions["reintegra"]
    owner(eng)
    eng.deploy(poisoned(HEALS_NEXT_DAY), actor="owner")
    instance_id = waiting(eng, "C-stopped", "visit_poisoned")
    clock.set(EXPIRES + timedelta(seconds=1))
    assert eng.fire_due_timers().failed_instance_ids == (instance_id,)
    return instance_id


def incident(eng: engine.Engine, instance_id: int) -> engine.IncidentView:
    """The incident of an instance, as the process owner ``owner`` (made by ``stopped``) sees it."""
    return incident_of(eng, eng.user(1), instance_id)


def post(client, path: str, reason: str | None = None):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf_token(client, "/cases")}
    if reason is not None:
        data["reason"] = reason
    return client.post(path, data=data)


@pytest.mark.parametrize("role", ["compliance_officer", "process_owner", "admin"])
def test_the_people_who_repair_see_the_open_incident_with_its_element_error_and_attempts(client, auth, stopped,
                                                                                         role):
    auth.login_as(role)
    page = client.get("/incidents")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "C-stopped" in text and "<code>crash</code>" in text and "ZeroDivisionError" in text
    assert "Retry now" in text and "Move on" in text
    if role == "process_owner":
        assert "1 instance stopped by an error waits to be retried or moved on." in client.get("/models").get_data(
            as_text=True)
    if role == "compliance_officer":
        assert 'href="/incidents"' in client.get("/compliance/instances").get_data(as_text=True)


@pytest.mark.parametrize("role", ["employer", "occupational_physician", "employee"])
def test_other_roles_neither_see_nor_repair_incidents(app, client, auth, stopped, role):
    auth.login_as(role)
    assert client.get("/incidents").status_code == 403
    number = incident(app.extensions["reintegra"], stopped).id
    assert post(client, f"/incidents/{number}/retry").status_code == 403
    assert post(client, f"/incidents/{number}/move-on", "no").status_code == 403
    assert incident(app.extensions["reintegra"], stopped).state == "open"


def test_a_compliance_officer_of_another_employer_does_not_see_the_incident(app, client, auth, stopped):
    auth.login_as("compliance_officer", organisations=("Other NV",))
    assert "C-stopped" not in client.get("/incidents").get_data(as_text=True)
    number = incident(app.extensions["reintegra"], stopped).id
    assert post(client, f"/incidents/{number}/retry").status_code == 404


def test_retry_runs_the_instance_now_counts_a_failed_attempt_and_resolves_once_it_runs(app, client, auth, clock,
                                                                                       stopped):
    eng: engine.Engine = app.extensions["reintegra"]
    number = incident(eng, stopped).id
    auth.login_as("process_owner", username="paula")
    page = client.get(post(client, f"/incidents/{number}/retry", "first try").location).get_data(as_text=True)
    assert f"Instance {stopped} failed again" in page
    assert (incident(eng, stopped).attempts, incident(eng, stopped).state) == (2, "open")
    clock.advance(timedelta(days=1))
    page = client.get(post(client, f"/incidents/{number}/retry", "the 9th is over").location).get_data(as_text=True)
    assert f"Instance {stopped} runs again" in page
    resolved = incident(eng, stopped)
    assert (resolved.state, resolved.resolution, resolved.resolved_by, resolved.reason) == (
        "resolved", "retried", "paula", "the 9th is over")
    assert eng.instance(stopped).state == "running"
    events = eng.trace(stopped).events
    assert [e.action for e in events][-3:] == ["timer_failed", "timers_fired", "incident_retried"]
    assert events[-3].actor == "paula" and events[-1].actor == "paula"
    assert events[-1].after["reason"] == "the 9th is over"
    assert [i.task for i in eng.work_items(case_id=eng.instance(stopped).case_id)] == ["explain_delay"]
    assert post(client, f"/incidents/{number}/retry").status_code == 409


def test_move_on_needs_a_reason_then_cancels_the_instance_and_shows_in_the_trace(app, client, auth, stopped):
    eng: engine.Engine = app.extensions["reintegra"]
    number = incident(eng, stopped).id
    auth.login_as("compliance_officer", username="cora")
    refused = client.get(post(client, f"/incidents/{number}/move-on", "  ").location).get_data(as_text=True)
    assert "moving on needs a reason" in refused
    assert incident(eng, stopped).state == "open"
    post(client, f"/incidents/{number}/move-on", "the employee resumed work; escalation no longer needed")
    resolved = incident(eng, stopped)
    assert (resolved.state, resolved.resolution, resolved.resolved_by) == ("resolved", "moved_on", "cora")
    assert eng.instance(stopped).state == "cancelled"
    case_id = eng.instance(stopped).case_id
    assert eng.work_items(case_id=case_id) == []
    assert eng.next_due() is None
    assert [d.state for d in eng.deadlines(case_id)] == ["cancelled"]
    last = eng.trace(stopped).events[-1]
    assert (last.action, last.actor) == ("incident_moved_on", "cora")
    assert last.after["reason"] == "the employee resumed work; escalation no longer needed"
    trace = client.get(f"/compliance/instances/{stopped}").get_data(as_text=True)
    assert "resolved an incident on" in trace and "by moving on: the procedure was cancelled" in trace
    assert "the employee resumed work" in trace
