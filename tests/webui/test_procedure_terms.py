"""What to do first: a task born when a term of its procedure expired says which term, and how long ago."""

from __future__ import annotations

import html

from tests.scenarios.test_formal_reintegration import REQUEST, Trajectory


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
