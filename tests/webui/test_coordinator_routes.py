"""Starting the back-to-work coordinator track on each route the law names, from the case file and the API."""

from __future__ import annotations

from datetime import date

import pytest

from tests.webui.conftest import csrf_token, open_law_case
from tests.webui.test_api import api_as  # noqa: F401 (fixture)

ROUTES = [  # role, route, start-form field, its date, the term it opens and its due date (hand-counted)
    ("advisory_physician", "advisory_physician_referral", "referred_on", "2026-12-18", "T24", date(2027, 1, 18)),
    ("rtw_coordinator", "request", "requested_on", "2026-12-01", "T24", date(2027, 1, 1)),
    ("employee", "request", "requested_on", "2026-12-21", "T24", date(2027, 1, 21)),
    ("regional_counsellor", "invalidity", "asked_on", "2026-12-17", "T27", date(2026, 12, 24)),
    ("occupational_physician", "occupational_physician_referral", "referred_on", "2026-12-14", "T24",
     date(2027, 1, 14)),
]


def _case(law, reference: str = "R-1"):  # type: ignore[no-untyped-def]
    """A case in invalidity (incapacity since 1 June 2025), so that every route is open on 21 December 2026."""
    return open_law_case(law, reference, first_day=date(2025, 6, 1))


def _login(auth, role: str) -> None:  # type: ignore[no-untyped-def]
    if role == "employee":
        auth.login_as("employee", username="eva", organisations=())
    else:
        auth.login_as(role, organisations=("Acme NV", "Mensura", "CM", "VDAB"))


@pytest.mark.parametrize(("role", "route", "field", "day", "rule", "due"), ROUTES)
def test_T24_T27_each_starter_starts_the_track_on_its_route_from_the_case_file(client, auth, law, role, route,
                                                                               field, day, rule, due):
    """T24/T27, step 3.3: the case file offers each starter its routes with their start form; the term counts
    from the date recorded there."""
    case = _case(law)
    _login(auth, role)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'id="start-rtw_coordination-{route}"' in page and f'id="rtw_coordination-{route}-{field}"' in page
    response = client.post(f"/cases/{case.id}/procedures", data={
        "process_id": "rtw_coordination", "route": route, field: day,
        "csrf_token": csrf_token(client, f"/cases/{case.id}")}, follow_redirects=True)
    assert response.status_code == 200 and "Procedure started." in response.get_data(as_text=True)
    rows = [(d.rule, d.due_on) for d in law.deadlines(case.id) if d.rule in ("T24", "T27")]
    assert rows == [(rule, due)]


def test_the_questionnaire_route_starts_from_the_case_file_without_data(client, auth, law):
    """T21/T22, step 3.1: the advisory physician opens the questionnaire route as the week-10 clock does."""
    case = _case(law)
    _login(auth, "advisory_physician")
    response = client.post(f"/cases/{case.id}/procedures", data={
        "process_id": "rtw_coordination", "route": "questionnaire",
        "csrf_token": csrf_token(client, f"/cases/{case.id}")}, follow_redirects=True)
    assert "Procedure started." in response.get_data(as_text=True)
    assert ("advisory_physician", "send_questionnaire") in [(i.role, i.task) for i in law.work_items(case_id=case.id)]


def test_T24_a_start_without_the_routes_date_is_422_with_the_error_at_the_field(client, auth, law):
    """T24, step 3.3: the request's date is what the term counts from; without it the page says so in place."""
    case = _case(law)
    _login(auth, "employee")
    response = client.post(f"/cases/{case.id}/procedures", data={
        "process_id": "rtw_coordination", "route": "request", "csrf_token": csrf_token(client, f"/cases/{case.id}")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="rtw_coordination-request-requested_on-error">Required.' in page
    assert "rtw_coordination" not in [i.process_id for i in law.instances(case.id)]


def test_T24_a_request_dated_before_the_incapacity_is_422_naming_the_first_day(client, auth, law):
    """T24, step 3.3 route B: possible from the first day of incapacity, not before."""
    case = _case(law)
    _login(auth, "rtw_coordinator")
    response = client.post(f"/cases/{case.id}/procedures", data={
        "process_id": "rtw_coordination", "route": "request", "requested_on": "2025-05-31",
        "csrf_token": csrf_token(client, f"/cases/{case.id}")})
    assert response.status_code == 422
    assert "Must not be before “First day of incapacity” (01/06/2025)." in response.get_data(as_text=True)


def test_a_role_may_start_only_its_own_routes(client, auth, law):
    """Step 3.3: route D is the occupational physician's referral; the employee's own route is B."""
    case = _case(law)
    _login(auth, "employee")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="start-rtw_coordination-request"' in page
    assert 'id="start-rtw_coordination-occupational_physician_referral"' not in page
    response = client.post(f"/cases/{case.id}/procedures", data={
        "process_id": "rtw_coordination", "route": "occupational_physician_referral", "referred_on": "2026-12-01",
        "csrf_token": csrf_token(client, f"/cases/{case.id}")})
    assert response.status_code == 303


def test_T34_route_c_before_a_year_shows_the_day_it_opens(client, auth, law):
    """T34, step 3.3 route C: offered as not allowed now, with the day invalidity begins."""
    case = open_law_case(law, "R-2", first_day=date(2026, 6, 1))
    _login(auth, "regional_counsellor")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "allowed from 02/06/2027" in page and 'href="/law#T34"' in page


def test_T24_the_api_starts_a_route_with_its_data_and_refuses_a_start_without_it(client, law, api_as):  # noqa: F811
    """T24, step 3.3: the API takes the route and the start form's data; without the date, 400 names the field."""
    case = _case(law)
    api = api_as("occupational_physician", username="oa", organisations=("Acme NV", "Mensura"))
    refused = api.post(f"/cases/{case.id}/procedures", {"process_id": "rtw_coordination",
                                                        "route": "occupational_physician_referral"})
    assert refused.status_code == 400
    assert refused.get_json()["details"] == [{"field": "referred_on",
                                              "messages": ["'referred_on' is a required property"]}]
    no_route = api.post(f"/cases/{case.id}/procedures", {"process_id": "rtw_coordination"})
    assert no_route.status_code == 400 and [d["field"] for d in no_route.get_json()["details"]] == ["route"]
    started = api.post(f"/cases/{case.id}/procedures", {"process_id": "rtw_coordination",
                                                        "route": "occupational_physician_referral",
                                                        "data": {"referred_on": "2026-12-14"}})
    assert started.status_code == 201 and started.get_json()["process_id"] == "rtw_coordination"
    assert [(d.rule, d.due_on) for d in law.deadlines(case.id) if d.rule == "T24"] == [("T24", date(2027, 1, 14))]
