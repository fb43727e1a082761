"""Recording an act posted in time that arrived after a window's confirmation, from the case file and the API."""

from __future__ import annotations

from tests.scenarios.test_medical_force_majeure import NOTIFICATION, ForceMajeure
from tests.webui.conftest import csrf_token
from tests.webui.test_api import api_as  # noqa: F401 (fixture)


def appeal_window_confirmed(law, clock) -> tuple[ForceMajeure, int]:  # type: ignore[no-untyped-def]
    """T41: the worker asked for adapted work, the employer confirmed on 14 April that no appeal arrived."""
    mfm = ForceMajeure(law, clock)
    mfm.found_unfit({**NOTIFICATION, "adapted_work_requested": True})
    mfm.finding_final()
    mfm.until(2027, 4, 20)
    item = next(i for i in law.work_items(case_id=mfm.case.id, state="completed") if i.task == "confirm_appeal")
    return mfm, item.id


def test_T41_the_employer_records_from_the_case_file_an_appeal_posted_in_time(client, auth, law, clock):
    """T41: the confirmation in the case file offers the late act; recorded, the appeal goes to the inspector."""
    mfm, item_id = appeal_window_confirmed(law, clock)
    auth.login_as("employer", username="hr.acme")
    page = client.get(f"/cases/{mfm.case.id}").get_data(as_text=True)
    assert f'href="/tasks/{item_id}/late-act"' in page
    form = client.get(f"/tasks/{item_id}/late-act").get_data(as_text=True)
    assert "An act posted in time arrived after this confirmation" in form
    response = client.post(f"/tasks/{item_id}/late-act", data={
        "appeal_arrived": "yes", "lodged_on": "2027-04-13",
        "csrf_token": csrf_token(client, f"/tasks/{item_id}/late-act")})
    assert response.status_code == 302
    assert mfm.tasks() == ["decide"]


def test_T41_an_appeal_posted_after_the_window_is_refused_at_the_field(client, auth, law, clock):
    """T41: posted the day after the window closed (13 April): 422, the field says when the window closed."""
    mfm, item_id = appeal_window_confirmed(law, clock)
    auth.login_as("employer", username="hr.acme")
    response = client.post(f"/tasks/{item_id}/late-act", data={
        "appeal_arrived": "yes", "lodged_on": "2027-04-14",
        "csrf_token": csrf_token(client, f"/tasks/{item_id}/late-act")})
    assert response.status_code == 422
    assert "window closed on 13/04/2027: the act is late" in response.get_data(as_text=True)
    assert mfm.tasks() == ["describe_adapted_work"]
    client.get("/?lang=fr")
    response = client.post(f"/tasks/{item_id}/late-act", data={
        "appeal_arrived": "yes", "lodged_on": "2027-04-14",
        "csrf_token": csrf_token(client, f"/tasks/{item_id}/late-act")})
    assert "Envoyé après l&#39;expiration du délai le 13/04/2027" in response.get_data(as_text=True)


def test_T41_other_roles_see_no_late_act_on_the_confirmation(client, auth, law, clock):
    """Only the role that confirmed the window may record a late act on it."""
    mfm, item_id = appeal_window_confirmed(law, clock)
    auth.login_as("occupational_physician", username="oa.acme")
    assert f"/tasks/{item_id}/late-act" not in client.get(f"/cases/{mfm.case.id}").get_data(as_text=True)
    assert client.get(f"/tasks/{item_id}/late-act").status_code == 404


def test_T41_the_api_records_a_late_act_and_refuses_it_after_a_termination(api_as, law, clock):  # noqa: F811
    """T41 through the API: 200 with the instance running on; after a termination 403 naming the act."""
    mfm, item_id = appeal_window_confirmed(law, clock)
    hr = api_as("employer", username="hr.api")
    answer = hr.post(f"/work-items/{item_id}/late-act", {"data": {"appeal_arrived": True, "lodged_on": "2027-04-13"}})
    assert answer.status_code == 200 and answer.get_json()["state"] == "running"
    terminated = ForceMajeure(law, clock, reference="MFM-2")
    terminated.terminated()
    confirmed = next(i for i in law.work_items(case_id=terminated.case.id, state="completed")
                     if i.task == "confirm_appeal")
    refused = hr.post(f"/work-items/{confirmed.id}/late-act",
                      {"data": {"appeal_arrived": True, "lodged_on": "2027-04-13"}})
    assert refused.status_code == 403 and refused.get_json()["details"][0]["rule"] == "T41"
    assert "review" in terminated.tasks()
