"""A plan with part-time work during the incapacity, as the worker and the employer see it (T28, art. 100 §2
GVU-wet): the worker signs the plan and finds the request to the advisory physician in the inbox, due the working
day before the first part-time day; the employer cannot record the plan as carried out before that request."""

from __future__ import annotations

import html

from tests.scenarios.test_formal_reintegration import Trajectory, decision, plan
from tests.scenarios.test_progressive_resumption_from_plan import HALF_DAYS
from tests.webui.conftest import csrf_token
from tests.webui.test_date_rules import _error_at


def _item(rit: Trajectory, task: str) -> int:
    return next(i.id for i in rit.law.work_items(case_id=rit.case.id) if i.task == task)


def test_T28_the_worker_signs_a_plan_with_half_days_and_the_inbox_shows_the_request_date_before_the_first_day(
        client, auth, law, clock):
    """First part-time day Monday 15 February 2027: the request is due Friday 12 February (dd/mm/yyyy)."""
    rit = Trajectory(law, clock, "RIT-PT-W")
    rit.examined()
    rit.do("assess", decision("A"), "oa1")
    rit.until(2027, 2, 1)
    rit.do("draft", plan("2027-02-01", **HALF_DAYS), "hr1")
    auth.login_as("employee", username="an", organisations=())
    client.get("/?lang=nl")
    reply = _item(rit, "reply")
    response = client.post(f"/tasks/{reply}", data={"decision": "accept", "replied_on": "2027-02-01",
                                                     "confirmed": "yes", "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    inbox = html.unescape(client.get("/").get_data(as_text=True))
    assert "De adviserend arts om toelating vragen" in inbox
    assert "12/02/2027" in inbox and 'href="/law#T28"' in inbox

    auth.login_as("employer", username="hr-pt")
    client.get("/?lang=nl")
    execute = _item(rit, "execute_plan")
    response = client.post(f"/tasks/{execute}", data={"resumed_on": "2027-02-01",
                                                       "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 422
    assert ("Het plan voorziet deeltijds werk tijdens de arbeidsongeschiktheid vanaf 15/02/2027: het kan niet "
            "worden uitgevoerd voordat de aanvraag van de werknemer om toelating van de adviserend arts "
            "geregistreerd is (T28, art. 100 §2 GVU-wet).") in _error_at(response.get_data(as_text=True), "resumed_on")
    assert execute in [i.id for i in law.work_items(case_id=rit.case.id)]
