"""What to do first: a task born when a term of its procedure expired says which term, and how long ago."""

from __future__ import annotations

from tests.scenarios.test_formal_reintegration import Trajectory


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
