"""Issue 13, point 6: starting a procedure through the API never rewrites the law.

Start data holds only the fields of the procedure's start form, within size and depth limits; it never names a
fact of the case or of the rules (who requested, good reasons after decision C, the first day of incapacity); a
procedure that starts with the case is never started again by hand. Real HTTP with API tokens, both databases.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.scenarios.conftest import at
from tests.scenarios.test_formal_reintegration import Trajectory, decision
from tests.webui.conftest import open_law_case
from tests.webui.test_api import Api


@pytest.fixture
def api_as(client, auth, law):  # type: ignore[no-untyped-def]
    def make(*roles: str, username: str) -> Api:
        user = auth.eng.create_user(username=username, password="correct horse battery", display_name=username,
                                    roles=list(roles), organisations=["Acme NV"], actor="test")
        return Api(client, law.issue_token(user.id, "test"))
    return make


def refused_keys(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.get_json()
    return [d["field"] for d in response.get_json()["details"]]


def started(law, case_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.process_id for i in law.instances(case_id)]


def test_T04_an_employer_cannot_name_the_requester_in_the_start_data(api_as, law):
    """T04: before 3 months the employer is refused; calling itself the employee is refused as data, by name."""
    case = open_law_case(law, first_day=date(2026, 11, 2))
    hr = api_as("employer", username="hr1")
    forged = hr.post(f"/cases/{case.id}/procedures", {"process_id": "formal_reintegration",
                                                      "data": {"requested_by": "employee"}})
    assert refused_keys(forged) == ["requested_by"]
    beside = hr.post(f"/cases/{case.id}/procedures", {"process_id": "formal_reintegration",
                                                      "requested_by": "employee"})
    assert refused_keys(beside) == ["requested_by"]
    honest = hr.post(f"/cases/{case.id}/procedures", {"process_id": "formal_reintegration"})
    assert honest.status_code == 403 and honest.get_json()["details"][0]["rule"] == "T04"
    assert "formal_reintegration" not in started(law, case.id)


def test_T14_good_reasons_after_decision_c_are_no_start_data(api_as, law, clock):
    """T14: good reasons are the occupational physician's finding on the recorded request, never a starter's flag."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("C", "2027-01-12"), "oa1")
    hr = api_as("employer", username="hr1")
    flagged = hr.post(f"/cases/{rit.case.id}/procedures", {"process_id": "formal_reintegration",
                                                           "data": {"good_reasons_after_decision_c": True}})
    assert refused_keys(flagged) == ["good_reasons_after_decision_c"]
    plain = hr.post(f"/cases/{rit.case.id}/procedures", {"process_id": "formal_reintegration"})
    assert plain.status_code == 403 and plain.get_json()["details"][0] == {"rule": "T14",
                                                                           "allowed_from": "2027-04-12"}
    assert started(law, rit.case.id) == ["formal_reintegration"]


def test_0_6_the_follow_up_that_starts_with_the_case_is_never_started_again(api_as, law):
    """0.6: one legal clock per period; a second follow-up (with a forged first day or not) is a 409 naming it."""
    hr = api_as("employer", username="hr1")
    case = hr.post("/cases", {"reference": "API-FU", "employee": "Eva", "employer": "Acme NV",
                              "first_day_of_incapacity": "2026-11-02"}).get_json()
    rows = len(law.deadlines(case["id"]))
    for data in ({"first_day_of_incapacity": "2026-01-05"}, {}):
        again = hr.post(f"/cases/{case['id']}/procedures", {"process_id": "incapacity_follow_up", "data": data})
        assert again.status_code == 409
        assert again.get_json()["details"] == [{"rule": "0.6", "process_id": "incapacity_follow_up"}]
    assert started(law, case["id"]) == ["incapacity_follow_up", "employer_obligations"]
    assert len(law.deadlines(case["id"])) == rows
    assert {d.explanation.count("2026-01-05") for d in law.deadlines(case["id"])} == {0}


@pytest.mark.parametrize(("data", "refused"), [
    ({"first_day_of_incapacity": "2026-01-05"}, ["first_day_of_incapacity"]),    # the case's fact
    ({"case_id": 999, "case_reference": "OTHER"}, ["case_id", "case_reference"]),
    ({"visit_held": True}, ["visit_held"]),                                       # a variable of the diagram
    ({"note": "x" * 17 * 1024}, ["data"]),                                        # larger than 16 KB
    ({"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}, ["data"]),                      # 6 levels deep
])
def test_start_data_holds_only_what_the_start_form_declares_within_limits(api_as, law, data, refused):
    """A procedure without a start form takes no data; size, depth and case facts are refused by name."""
    case = open_law_case(law)
    oa = api_as("occupational_physician", username="oa1")
    response = oa.post(f"/cases/{case.id}/procedures", {"process_id": "pre_return_visit", "data": data})
    assert sorted(refused_keys(response)) == refused
    assert "pre_return_visit" not in started(law, case.id)


def test_a_route_takes_the_fields_of_its_start_form_and_nothing_else(api_as, law):
    """Step 3.3, route B: the request's date is start data; a first day of incapacity beside it is refused."""
    case = open_law_case(law)
    eva = api_as("employee", username="eva")
    body = {"process_id": "rtw_coordination", "route": "request"}
    forged = eva.post(f"/cases/{case.id}/procedures",
                      {**body, "data": {"requested_on": "2026-12-01", "first_day_of_incapacity": "2026-11-30"}})
    assert refused_keys(forged) == ["first_day_of_incapacity"]
    assert eva.post(f"/cases/{case.id}/procedures", {**body, "data": {"requested_on": "2026-12-01"}}).status_code == 201


def test_0_6_the_case_file_no_longer_offers_the_follow_up_once_it_ended(client, auth, law, clock):
    """0.6: after a return of 14 days the follow-up ends; a new incapacity starts it again, never the start form."""
    case = open_law_case(law)
    law.deliver(case.id, "work_resumed", {"resumed_on": "2026-12-21"}, actor="hr1")
    clock.set(at(2027, 1, 6))
    law.fire_due_timers()
    assert [i.state for i in law.instances(case.id) if i.process_id == "incapacity_follow_up"] == ["completed"]
    auth.login_as("employer", username="hr1")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'name="process_id"' in page and '<option value="incapacity_follow_up">' not in page


def test_start_data_nested_a_hundred_thousand_deep_is_a_400(client, auth, law):
    """The JSON decoder's own recursion limit is an answer about the body, never a server error."""
    case = open_law_case(law)
    user = auth.eng.create_user(username="oa1", password="correct horse battery", display_name="oa1",
                                roles=["occupational_physician"], organisations=["Acme NV"], actor="test")
    deep = '{"process_id": "pre_return_visit", "data": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post(f"/api/v1/cases/{case.id}/procedures", data=deep, content_type="application/json",
                           headers={"Authorization": f"Bearer {law.issue_token(user.id, 'test')}"})
    assert refused_keys(response) == ["_body"]
    assert "pre_return_visit" not in started(law, case.id)
