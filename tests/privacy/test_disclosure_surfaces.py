"""Who reads which recorded value, on the case page, the task page and the API, with the shipped law (issue 14)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import engine
from engine.store.models import ProcessInstance
from tests.privacy.parties import name_parties
from tests.scenarios.conftest import certificate
from tests.scenarios.test_formal_reintegration import INVITATION, REQUEST, Trajectory, decision
from tests.scenarios.test_rtw_coordination import Track
from tests.webui.conftest import FORMS, PROCESSES

SECRET = "Burn-out, therapy twice a week"
PARTIES = {"prevention_service": "Mensura", "sickness_fund": "CM"}
USERS = {"hr": ("employer", "Acme NV"), "oa": ("occupational_physician", "Mensura"),
         "aa": ("advisory_physician", "CM"), "tnwc": ("rtw_coordinator", "CM"), "officer": ("compliance_officer", "")}


def fields_read(client, law, user: engine.UserView, case_id: int) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    token = law.issue_token(user.id, "test")
    body = client.get(f"/api/v1/cases/{case_id}", headers={"Authorization": f"Bearer {token}"})
    assert body.status_code == 200
    found: dict[str, set[str]] = {}
    for document in body.get_json()["documents"]:
        found.setdefault(document["task"], set()).update(f["name"] for f in document["fields"])
    return found


def sign_in(auth, name: str, worker: str):  # type: ignore[no-untyped-def]
    if name == "worker":
        return auth.login_as("employee", username=worker, organisations=())
    role, organisation = USERS[name]
    return auth.login_as(role, username=name, organisations=(organisation,) if organisation else ())


@pytest.fixture
def track(law, clock):  # type: ignore[no-untyped-def]
    """A coordinator track with its questionnaire, quickscan, first contact and plan recorded."""
    tnw = Track(law, clock, {"entry": "questionnaire"})
    name_parties(law, tnw.case.id, employee_account="dina", **PARTIES)
    tnw.do("send_questionnaire", {"sent_on": "2026-12-14"})
    tnw.do("return_questionnaire", {"returned_on": "2026-12-14", "expects_to_return": True, "wants_support": True})
    tnw.until(2027, 1, 20)
    tnw.do("quickscan", {"category": "4", "decided_on": "2027-01-20"})
    tnw.until(2027, 2, 1)
    tnw.do("first_contact", {"contacted_on": "2027-02-01", "engaged": True})
    tnw.do("draft_plan", {"drafted_on": "2027-02-01", "objectives": "Back at Acme, part time.",
                          "direction": "current_employer", "employer_measures": "A standing desk"})
    return tnw


CASE_TRACK = {"send_questionnaire": {"sent_on"}, "return_questionnaire": {"returned_on"},
              "quickscan": {"decided_on"}, "first_contact": {"contacted_on"},
              "draft_plan": {"drafted_on", "objectives", "direction", "employer_measures"}}
ALL_TRACK = {**CASE_TRACK, "return_questionnaire": {"returned_on", "expects_to_return", "wants_support"},
             "quickscan": {"decided_on", "category"}, "first_contact": {"contacted_on", "engaged"}}


@pytest.mark.parametrize(("name", "expected"), [
    ("hr", {"draft_plan": {"employer_measures"}}),
    ("oa", CASE_TRACK),
    ("officer", CASE_TRACK),
    ("tnwc", {**ALL_TRACK, "quickscan": {"decided_on"}}),
    ("aa", ALL_TRACK),
    ("worker", ALL_TRACK),
])
def test_the_coordinator_track_as_each_reader_reads_it(client, auth, law, track, name, expected):
    user = sign_in(auth, name, "dina")
    documents = fields_read(client, law, user, track.case.id)
    read = {task: names for task, names in documents.items() if names}
    assert read == expected and (name != "hr" or set(documents) == {"draft_plan"})
    page = client.get(f"/cases/{track.case.id}").get_data(as_text=True)
    assert ("Back at Acme, part time." in page) is ("objectives" in expected.get("draft_plan", set()))
    assert ("A standing desk" in page) is True


@pytest.mark.parametrize(("name", "sees_steps"), [("hr", False), ("aa", True), ("tnwc", True), ("worker", True)])
def test_the_employer_learns_that_a_track_exists_not_how_it_goes(client, auth, law, track, name, sees_steps):
    user = sign_in(auth, name, "dina")
    token = {"Authorization": f"Bearer {law.issue_token(user.id, 'test')}"}
    body = client.get(f"/api/v1/cases/{track.case.id}", headers=token).get_json()
    assert [i["process_id"] for i in body["instances"]] == ["rtw_coordination"]
    assert bool(body["deadlines"]) is sees_steps and bool(body["work_items"]) is sees_steps
    terms = client.get(f"/api/v1/cases/{track.case.id}/deadlines", headers=token).get_json()
    assert bool(terms) is sees_steps


def test_the_coordinator_reads_the_track_on_the_task_page_without_the_quickscan_category(client, auth, law, track):
    user = sign_in(auth, "tnwc", "dina")
    token = law.issue_token(user.id, "test")
    item = track.item("follow_up")
    body = client.get(f"/api/v1/work-items/{item.id}", headers={"Authorization": f"Bearer {token}"}).get_json()
    read = {d["task"]: {f["name"] for f in d["fields"]} for d in body["documents"]}
    assert read["quickscan"] == {"decided_on"} and "engaged" in read["first_contact"]
    assert set(body["schema"]["properties"]) == {"met_on", "outcome", "notes"}
    page = client.get(f"/tasks/{item.id}")
    assert page.status_code == 200 and "Sickness insurance: visible to the worker" in page.get_data(as_text=True)


@pytest.fixture
def trajectory(law, clock):  # type: ignore[no-untyped-def]
    """A formal trajectory: a request with the worker's certificate, decision A with its justification, a plan."""
    rit = Trajectory(law, clock)
    name_parties(law, rit.case.id, employee_account="an", **PARTIES)
    rit.do("record_request", {**REQUEST, "certificate_received_on": "2027-01-04", **certificate(law, rit.case.id)},
           "oa1")
    rit.until(2027, 1, 5)
    rit.do("send_invitation", INVITATION, "oa1")
    rit.until(2027, 1, 12)
    rit.do("record_attendance", {"attended": True}, "oa1")
    rit.do("assess", {**decision("A"), "medical_justification": SECRET}, "oa1")
    rit.do("draft", {"kind": "plan", "delivered_on": "2027-01-12", "valid_from": "2027-01-20",
                     "valid_until": "2027-06-30", "consulted_on": "2027-01-12", "consulted": "Dr Peeters, HR",
                     "measures": [{"measure": "Standing desk"}], "workstation_adaptations": "Standing desk"}, "hr1")
    return rit


@pytest.mark.parametrize(("name", "certificate", "justification", "consulted"), [
    ("hr", False, False, True), ("officer", False, False, False), ("tnwc", False, False, False),
    ("oa", True, True, True), ("aa", True, True, True), ("worker", True, True, True)])
def test_the_formal_trajectory_as_each_reader_reads_it(client, auth, law, trajectory, name, certificate,
                                                       justification, consulted):
    user = sign_in(auth, name, "an")
    read = fields_read(client, law, user, trajectory.case.id)
    assert ("certificate_received_on" in read["record_request"]) is certificate
    assert ("medical_justification" in read["assess"]) is justification
    assert ("consulted" in read["draft"]) is consulted
    assert "decided_on" in read["assess"] and "workstation_adaptations" in read["draft"]
    page = client.get(f"/cases/{trajectory.case.id}").get_data(as_text=True)
    assert (SECRET in page) is justification and ("Dr Peeters, HR" in page) is consulted


def _loosened_forms(tmp_path: Path) -> Path:
    forms = tmp_path / "forms"
    shutil.copytree(FORMS, forms)
    decision_form = json.loads((forms / "reintegration_decision.json").read_text(encoding="utf-8"))
    decision_form["properties"]["medical_justification"]["x-classification"] = "case"
    (forms / "reintegration_decision.json").write_text(json.dumps(decision_form), encoding="utf-8")
    return forms


def test_a_new_version_may_not_loosen_what_was_recorded_as_medical(client, auth, law, trajectory, tmp_path):
    law.forms_dir = _loosened_forms(tmp_path)
    with pytest.raises(engine.InvalidModel) as refused:
        law.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    assert "form 'reintegration_decision.json', field 'medical_justification': recorded data is medical; the new " \
           "form would make it case" in str(refused.value.details)


def test_a_move_to_a_version_that_loosens_recorded_data_is_refused_and_the_value_stays_hidden(
        client, auth, law, clock, tmp_path):
    rit = Trajectory(law, clock)
    law.forms_dir = _loosened_forms(tmp_path)
    [loose] = [v for v in law.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
               if v.process_id == "formal_reintegration"]
    rit.examined()
    rit.do("assess", {**decision("A"), "medical_justification": SECRET}, "oa1")
    owner = auth.login_as("process_owner", username="po")
    preview = law.migration_preview(_definition_of(law, rit.instance.id), loose.id, user_id=owner.id)
    [move] = preview.instances
    assert not move.eligible and [(b.kind, b.old, b.new) for b in move.blockers] == [
        ("classification", "reintegration_decision.json.medical_justification: medical", "case")]
    with law.database.unit_of_work() as session:  # as if it had moved anyway
        row = session.get(ProcessInstance, rit.instance.id)
        assert row is not None
        row.definition_id = loose.id
        session.commit()
    hr = auth.login_as("employer", username="hr2")
    assert "medical_justification" not in fields_read(client, law, hr, rit.case.id)["assess"]
    assert SECRET not in client.get(f"/cases/{rit.case.id}").get_data(as_text=True)


def _definition_of(law, instance_id: int) -> int:  # type: ignore[no-untyped-def]
    with law.database.unit_of_work() as session:
        row = session.get(ProcessInstance, instance_id)
        assert row is not None
        return row.definition_id
