"""What to do first: a task born when a term of its procedure expired says which term, and how long ago."""

from __future__ import annotations

import html
from datetime import date

from tests.scenarios.conftest import at
from tests.scenarios.test_formal_reintegration import REQUEST, Trajectory
from tests.webui.conftest import csrf_token, open_law_case


def task_id(rit: Trajectory, task: str) -> int:
    return next(i.id for i in rit.law.work_items(case_id=rit.case.id) if i.task == task)


def test_T08_a_task_born_when_the_term_expired_says_which_term_and_how_long_ago(client, auth, law, clock):
    rit = Trajectory(law, clock)
    rit.examined()
    rit.until(2027, 2, 26)
    auth.login_as("occupational_physician", username="oa1")
    client.get("/?lang=nl")
    page = client.get(f"/tasks/{task_id(rit, 'explain_late_assessment')}").get_data(as_text=True)
    assert "Deze taak bestaat omdat een termijn van de procedure verstreken is:" in page
    assert 'href="/law#T08"' in page and "vervallen op 22/02/2027" in page and "4 kalenderdagen geleden" in page


def test_T08_recording_the_request_and_inviting_show_the_term_of_their_procedure(client, auth, law, clock):
    rit = Trajectory(law, clock)
    auth.login_as("occupational_physician", username="oa1")
    client.get("/?lang=fr")
    page = client.get(f"/tasks/{task_id(rit, 'record_request')}").get_data(as_text=True)
    assert "Relève du délai de la procédure :" in page and 'href="/law#T08"' in page
    assert ("Son échéance se compte à partir d'une date encore à enregistrer : réception de la demande de "
            "réintégration par le conseiller en prévention-médecin du travail.") in html.unescape(page)
    rit.do("record_request", REQUEST, "oa1")
    client.get("/?lang=nl")
    page = client.get(f"/tasks/{task_id(rit, 'send_invitation')}").get_data(as_text=True)
    assert "Valt onder de termijn van de procedure:" in page and "22/02/2027, nog 49 kalenderdagen" in page
    inbox = client.get("/").get_data(as_text=True)
    assert "22/02/2027" in inbox and 'href="/law#T08"' in inbox


def test_T28_the_worker_starts_progressive_resumption_and_the_inbox_shows_the_request_date_before_the_first_day(
        client, auth, law, clock):
    """T28: planned half-time work from Monday 2 March 2026; the request to the advisory physician is due on
    Friday 27 February, and the worker's inbox says so with the rule's link."""
    clock.set(at(2026, 2, 16))
    case = open_law_case(law, "PR-W", first_day=date(2026, 1, 5))
    auth.login_as("employee", username="eva", organisations=())
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Progressive resumption during incapacity" in page
    client.post(f"/cases/{case.id}/procedures", data={
        "process_id": "progressive_resumption", "csrf_token": csrf_token(client, f"/cases/{case.id}")})
    plan = next(i for i in law.work_items(case_id=case.id) if i.task == "plan_resumption")
    law.complete(plan.id, {"planned_first_day": "2026-03-02", "regime": "fewer_days_per_week",
                           "work_fraction_percent": 60}, actor="eva")
    client.get("/?lang=nl")
    inbox = html.unescape(client.get("/").get_data(as_text=True))
    assert "De adviserend arts om toelating vragen" in inbox
    assert "27/02/2026" in inbox and 'href="/law#T28"' in inbox
