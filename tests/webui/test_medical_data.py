"""Fields classified medical: shown to medical roles only, on every page and API answer, and every read audited."""

from __future__ import annotations

import pytest

from tests.privacy.parties import name_parties
from tests.scenarios.test_formal_reintegration import Trajectory, decision

SECRET = "Burn-out, therapy twice a week"


@pytest.fixture
def assessed(law, clock):  # type: ignore[no-untyped-def]
    """A trajectory with decision A recorded, its medical justification included."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", {**decision("A"), "medical_justification": SECRET}, "oa1")
    return rit


def medical_reads(law, case_id):  # type: ignore[no-untyped-def]
    return [e for e in law.audit_trail(f"case:{case_id}") if e.action == "medical_data_read"]


def test_the_occupational_physician_reads_the_justification_and_the_read_is_audited(client, auth, assessed, law):
    auth.login_as("occupational_physician", username="oa1")
    page = client.get(f"/cases/{assessed.case.id}").get_data(as_text=True)
    assert SECRET in page and "Re-integration assessment" in page
    reads = medical_reads(law, assessed.case.id)
    assert len(reads) == 1 and reads[0].actor == "oa1"
    assert SECRET not in str(reads[0].after) and "medical_justification" in str(reads[0].after)


@pytest.mark.parametrize(("role", "has_case"), [
    ("employer", True), ("compliance_officer", True), ("admin", True), ("employee", False),
    ("rtw_coordinator", True), ("regional_counsellor", True), ("process_owner", False)])
def test_other_roles_never_see_the_justification(client, auth, assessed, law, role, has_case):
    """Who has the case (a relation to it: the fund and the regional service the case names, or oversight) reads
    its decision, never the justification; the worker named on this case is another account, and a process owner
    has no case: for them the case does not exist."""
    auth.login_as(role, username=f"{role}-1")
    response = client.get(f"/cases/{assessed.case.id}")
    if response.status_code == 404:
        return
    page = response.get_data(as_text=True)
    assert SECRET not in page and ("Decided on" in page) is has_case
    assert "not shown to you" in page
    assert medical_reads(law, assessed.case.id) == []


def test_the_worker_reads_her_own_file_on_the_task_page_with_its_medical_fields(client, auth, assessed, law):
    name_parties(law, assessed.case.id, employee_account="an")
    assessed.do("draft", {"kind": "plan", "delivered_on": "2027-01-12", "valid_from": "2027-01-20",
                          "valid_until": "2027-06-30", "consulted_on": "2027-01-12",
                          "measures": [{"measure": "Standing desk"}],
                          "workstation_adaptations": "Standing desk"}, "oa1")
    auth.login_as("employee", username="an")
    item = assessed.item("reply")
    page = client.get(f"/tasks/{item.id}").get_data(as_text=True)
    assert "Standing desk" in page and SECRET in page


def test_the_api_leaves_out_medical_fields_for_other_roles_and_audits_medical_reads(client, auth, assessed, law):
    employer = auth.login_as("employer", username="hr1")
    physician = auth.login_as("occupational_physician", username="oa1")
    for user, shown in ((employer, False), (physician, True)):
        token = law.issue_token(user.id, "test")
        body = client.get(f"/api/v1/cases/{assessed.case.id}", headers={"Authorization": f"Bearer {token}"})
        assert body.status_code == 200 and (SECRET in body.get_data(as_text=True)) is shown
    assert [e.actor for e in medical_reads(law, assessed.case.id)] == ["oa1"]
