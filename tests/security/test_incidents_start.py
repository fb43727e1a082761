"""Issue 13.1: a script leaving a value JSON cannot hold makes start and completion a clear 400, never a 500."""

from __future__ import annotations

import pytest

from tests.security.test_incidents_sweep import POISONS
from tests.webui.conftest import PROCESSES, open_law_case
from tests.webui.test_api import Api

REQUEST = {"request_received_on": "2026-06-10", "requested_by": "employee",
           "employee_objects_to_informing_employer": False}


def poisoned_visit(script: str, flow: str) -> str:
    """The shipped pre-return visit with a script task on the sequence flow ``flow`` (f1: at the start, f2: after
    the first task)."""
    source, target = {"f1": ("start", "record_request"), "f2": ("record_request", "hold_visit")}[flow]
    return (PROCESSES / "pre_return_visit.bpmn").read_text().replace(
        f'<bpmn:sequenceFlow id="{flow}" sourceRef="{source}" targetRef="{target}"/>',
        f'<bpmn:sequenceFlow id="{flow}" sourceRef="{source}" targetRef="poison"/>'
        f'<bpmn:scriptTask id="poison"><bpmn:incoming>{flow}</bpmn:incoming><bpmn:outgoing>{flow}b</bpmn:outgoing>'
        f'<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
        f'<bpmn:sequenceFlow id="{flow}b" sourceRef="poison" targetRef="{target}"/>',
    ).replace(f'<bpmn:incoming>{flow}</bpmn:incoming>', f'<bpmn:incoming>{flow}b</bpmn:incoming>', 2)


@pytest.fixture
def physician(client, auth, law) -> Api:  # type: ignore[no-untyped-def]
    user = auth.eng.create_user(username="oa1", password="correct horse battery", display_name="OA",
                                roles=["occupational_physician"], organisations=["Mensura"], actor="test")
    return Api(client, law.issue_token(user.id, "test"))


@pytest.mark.parametrize("kind", ["bytes", "complex", "generator"])
def test_starting_a_procedure_whose_script_leaves_an_unstorable_value_is_a_clear_400(law, physician, kind):
    law.deploy(poisoned_visit(POISONS[kind], "f1"), actor="owner")
    case = open_law_case(law)
    answer = physician.post(f"/cases/{case.id}/procedures", {"process_id": "pre_return_visit"})
    assert answer.status_code == 400
    body = answer.get_json()
    assert body["error"] == "invalid_model"
    assert [d["element"] for d in body["details"]] == ["poison"]
    assert "'late'" in body["message"] and kind in body["message"]
    instances = physician.get(f"/cases/{case.id}").get_json()["instances"]
    assert "pre_return_visit" not in [i["process_id"] for i in instances]


def test_completing_a_task_whose_next_script_leaves_an_unstorable_value_is_a_clear_400(law, physician):
    law.deploy(poisoned_visit(POISONS["exception"], "f2"), actor="owner")
    case = open_law_case(law)
    started = physician.post(f"/cases/{case.id}/procedures", {"process_id": "pre_return_visit"})
    assert started.status_code == 201
    [item] = [i for i in physician.get("/work-items").get_json() if i["task"] == "record_request"]
    answer = physician.post(f"/work-items/{item['id']}/complete", {"data": REQUEST})
    assert answer.status_code == 400
    assert "'late'" in answer.get_json()["message"] and "ValueError" in answer.get_json()["message"]
    tasks = [i["task"] for i in physician.get("/work-items").get_json()]
    assert "record_request" in tasks and "hold_visit" not in tasks
