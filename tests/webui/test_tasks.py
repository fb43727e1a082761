"""The inbox shows the work items of my roles with their legal deadline, and nothing else."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import engine
from tests.conftest import FIXTURES
from tests.webui.conftest import LAW_PARTIES, csrf_token

DEMO = FIXTURES / "bpmn" / "visit_demo.bpmn"


def requested_visit(eng):  # type: ignore[no-untyped-def]
    eng.deploy(DEMO, actor="owner")
    case = eng.open_case(reference="C-1", employee="An", employer="Acme NV", first_day_of_incapacity=date(2026, 9, 1),
                         parties={**LAW_PARTIES, "employee_account": "an"}, actor="hr1")
    eng.start(case.id, "visit_demo", {}, actor="e1")
    item = eng.work_items(role="employee")[0]
    eng.complete(item.id, {"request_received_on": "2026-12-23"}, actor="e1")
    return case


def test_the_inbox_lists_my_roles_tasks_with_due_date_and_legal_basis(client, auth):
    requested_visit(auth.eng)
    auth.login_as("occupational_physician", username="oa1")
    page = client.get("/").get_data(as_text=True)
    assert "Hold the pre-return visit" in page
    assert '<span class="employee">An</span>' in page  # whose case it is, on the row
    assert "08/01/2027" in page and "T15" in page and "art. I.4-36" in page
    assert "Christmas Day (Fri 25/12/2026)" in page


def test_other_roles_do_not_see_the_task(client, auth):
    requested_visit(auth.eng)
    auth.login_as("employer", username="hr1")
    page = client.get("/").get_data(as_text=True)
    assert "Hold the pre-return visit" not in page and "Nothing to do." in page


def test_an_overdue_task_stands_out(client, auth, clock):
    requested_visit(auth.eng)
    clock.advance(timedelta(days=40))
    auth.login_as("occupational_physician", username="oa1")
    page = client.get("/").get_data(as_text=True)
    assert 'class="overdue"' in page and "days late" in page


def test_the_inbox_speaks_the_language_asked_for(client, auth):
    auth.login_as("employer", username="hr1")
    assert 'lang="fr"' in client.get("/?lang=fr").get_data(as_text=True)


def test_a_user_of_another_employer_sees_neither_the_task_nor_its_page(client, auth):
    requested_visit(auth.eng)
    item = auth.eng.work_items(role="occupational_physician")[0]
    auth.login_as("occupational_physician", username="oa2", organisations=("Other NV",))
    assert "Hold the pre-return visit" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/tasks/{item.id}").status_code == 404


def test_a_prevention_service_named_in_the_case_gives_its_physicians_access(client, auth):
    eng = auth.eng
    eng.deploy(DEMO, actor="owner")
    case = eng.open_case(reference="C-2", employee="Bo", employer="Beta NV", first_day_of_incapacity=date(2026, 9, 1),
                         parties={"prevention_service": "Mensura"}, actor="hr1")
    eng.start(case.id, "visit_demo", {}, actor="e1")
    eng.complete(eng.work_items(case_id=case.id)[0].id, {"request_received_on": "2026-12-21"}, actor="e1")
    auth.login_as("occupational_physician", username="oa3", organisations=("Mensura",))
    assert "Hold the pre-return visit" in client.get("/").get_data(as_text=True)


def test_a_claimed_task_shows_who_has_it_and_only_they_may_complete_or_release_it(client, auth):
    requested_visit(auth.eng)
    item = auth.eng.work_items(role="occupational_physician")[0]
    colleague = auth.eng.create_user(username="oa9", password="long enough", display_name="Dr. Nine",
                                     roles=["occupational_physician"], organisations=["Acme NV"], actor="t")
    auth.eng.claim(item.id, colleague.id)
    me = auth.login_as("occupational_physician", username="oa1")
    page = client.get("/").get_data(as_text=True)
    assert "oa9" in page and f"/tasks/{item.id}/claim" not in page
    assert client.post(f"/tasks/{item.id}/claim", data={"csrf_token": csrf_token(client, "/")}).status_code == 409
    with pytest.raises(engine.NotAllowed):
        auth.eng.release(item.id, me.id)
    with pytest.raises(engine.Conflict):
        auth.eng.complete(item.id, {"held_on": "2026-12-21"}, actor="oa1", user_id=me.id)
    auth.eng.release(item.id, colleague.id)
    assert client.post(f"/tasks/{item.id}/claim", data={"csrf_token": csrf_token(client, "/")}).status_code == 302
    assert f"/tasks/{item.id}/release" in client.get("/").get_data(as_text=True)


def test_the_inbox_filters_by_role_procedure_and_claim(client, auth):
    requested_visit(auth.eng)
    me = auth.login_as("occupational_physician", "employer", username="both")
    assert "Hold the pre-return visit" not in client.get("/?role=employer").get_data(as_text=True)
    assert "Hold the pre-return visit" in client.get("/?role=occupational_physician").get_data(as_text=True)
    assert "Hold the pre-return visit" not in client.get("/?process_id=other").get_data(as_text=True)
    assert "Hold the pre-return visit" in client.get("/?process_id=visit_demo").get_data(as_text=True)
    assert "Hold the pre-return visit" not in client.get("/?claimed=mine").get_data(as_text=True)
    auth.eng.claim(auth.eng.inbox(me.id)[0].id, me.id)
    assert "Hold the pre-return visit" in client.get("/?claimed=mine").get_data(as_text=True)
    assert "Hold the pre-return visit" not in client.get("/?claimed=unclaimed").get_data(as_text=True)


def test_days_left_are_counted_in_working_days_when_the_rule_counts_them(client, auth):
    """T15 counts Belgian working days: from Mon 21 Dec 2026 to Fri 8 Jan 2027, skipping Christmas and New Year."""
    requested_visit(auth.eng)
    auth.login_as("occupational_physician", username="oa1")
    assert "12 working days left" in client.get("/").get_data(as_text=True)


def test_the_inbox_filters_overdue_and_due_soon_items(client, auth, clock):
    requested_visit(auth.eng)
    auth.login_as("occupational_physician", username="oa1")
    assert "Hold the pre-return visit" not in client.get("/?urgency=overdue").get_data(as_text=True)
    clock.advance(timedelta(days=16))
    assert "Hold the pre-return visit" in client.get("/?urgency=due_soon").get_data(as_text=True)
    clock.advance(timedelta(days=10))
    page = client.get("/?urgency=overdue").get_data(as_text=True)
    assert "Hold the pre-return visit" in page and "working days late" in page
