"""Issue 13 points 5 and 1: diagrams that never wait, fan out without bound or leave data JSON cannot hold.

Each attack runs in a thread while a page is requested through the Flask test client: the page is never delayed
beyond the limit, the attack ends with a clear error, and nothing of the failed call is kept. SQLite and
PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

import pytest

import engine
from tests.security import test_sandbox_scripts as scripts

DELAY_LIMIT_SECONDS = 2.5
HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="{pid}" name="Attack" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="Employee">{refs}</bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f_start</bpmn:outgoing></bpmn:startEvent>
    {nodes}
    <bpmn:endEvent id="end"><bpmn:incoming>f_end</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""
ASK = """<bpmn:userTask id="ask" name="Ask">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="visit_request.json"/>
        <spiffworkflow:property name="notTimeBound" value="A test task."/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing></bpmn:userTask>"""


def script(task_id: str, source: str, incoming: str, outgoing: str, extra: str = "") -> str:
    return (f'<bpmn:scriptTask id="{task_id}"><bpmn:incoming>{incoming}</bpmn:incoming>'
            f"<bpmn:outgoing>{outgoing}</bpmn:outgoing>{extra}<bpmn:script>{escape(source)}</bpmn:script>"
            "</bpmn:scriptTask>")


def flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    body = f"<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>" if condition else ""
    return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">{body}</bpmn:sequenceFlow>'


def diagram(pid: str, nodes: list[str], flows: list[tuple]) -> bytes:
    ids = ["start", "end", *(n.split('id="', 1)[1].split('"', 1)[0] for n in nodes)]
    refs = "".join(f"<bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>" for i in ids)
    body = "\n    ".join([*nodes, *(flow(*f) for f in flows)])
    return HEADER.format(pid=pid, refs=refs, nodes=body).encode()


def script_then_ask(pid: str, source: str, extra: str = "") -> bytes:
    """start → a script task → ask → end."""
    return diagram(pid, [script("work", source, "f_start", "f1", extra), ASK.format(incoming="f1", outgoing="f_end")],
                   [("f_start", "start", "work"), ("f1", "work", "ask"), ("f_end", "ask", "end")])


def ask_then_script(pid: str, source: str) -> bytes:
    """start → ask → a script task → end."""
    return diagram(pid, [ASK.format(incoming="f_start", outgoing="f1"), script("work", source, "f1", "f_end")],
                   [("f_start", "start", "ask"), ("f1", "ask", "work"), ("f_end", "work", "end")])


def cycle(pid: str) -> bytes:
    """start → count → a gateway that always goes back to count: an automatic cycle that never waits."""
    gateway = ('<bpmn:exclusiveGateway id="again" default="f_out"><bpmn:incoming>f2</bpmn:incoming>'
               "<bpmn:outgoing>f_back</bpmn:outgoing><bpmn:outgoing>f_out</bpmn:outgoing></bpmn:exclusiveGateway>")
    nodes = [script("init", "loops = 0", "f_start", "f1"),
             script("count", "loops = loops + 1", "f1</bpmn:incoming><bpmn:incoming>f_back", "f2"),
             gateway, ASK.format(incoming="f_out", outgoing="f_end")]
    return diagram(pid, nodes, [("f_start", "start", "init"), ("f1", "init", "count"), ("f2", "count", "again"),
                                ("f_back", "again", "count", "loops > 0"), ("f_out", "again", "ask"),
                                ("f_end", "ask", "end")])


def fan_out(cardinality: str) -> str:
    return ('<bpmn:multiInstanceLoopCharacteristics isSequential="false"><bpmn:loopCardinality>'
            f"{cardinality}</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>")


def open_case(eng: engine.Engine) -> engine.CaseView:
    """A case of Acme NV whose worker signs in as ``eva``."""
    return eng.open_case(reference="A-1", employee="An Peeters", employer="Acme NV",
                         first_day_of_incapacity=date(2026, 9, 1), actor="hr1", parties={"employee_account": "eva"})


def under_attack(client: Any, attack: Callable[[], Any], seconds: float = 60) -> tuple[BaseException | None, float]:
    """Run ``attack`` in a thread while the sign-in page is requested; its error and the slowest page's time."""

    def sign_in_page() -> None:
        assert client.get("/login").status_code == 200

    return scripts.under_attack(attack, seconds, request=sign_in_page)


def test_an_automatic_cycle_ends_with_a_clear_error_keeps_nothing_and_delays_no_page(app, client):
    eng = app.extensions["reintegra"]
    eng.deploy(cycle("endless"), actor="owner")
    case = open_case(eng)
    error, slowest = under_attack(client, lambda: eng.start(case.id, "endless", {}, actor="hr1"))
    assert isinstance(error, engine.InvalidModel), error
    assert "keeps running without waiting" in error.message
    assert {p.element_id for p in error.problems} <= {"count", "again"}
    assert slowest < DELAY_LIMIT_SECONDS
    assert eng.instances(case.id) == []


def test_a_multi_instance_of_100000_is_refused_at_deploy(app):
    eng = app.extensions["reintegra"]
    with pytest.raises(engine.InvalidModel) as refused:
        eng.deploy(script_then_ask("wide", "x = 1", fan_out("100000")), actor="owner")
    assert [(p.element_id, "100000" in p.message) for p in refused.value.problems] == [("work", True)]


def test_a_multi_instance_of_100000_computed_at_run_time_ends_with_a_clear_error(app, client):
    eng = app.extensions["reintegra"]
    source = diagram("wide", [script("size", "n = 100000", "f_start", "f1"),
                              script("work", "x = 1", "f1", "f2", fan_out("n")),
                              ASK.format(incoming="f2", outgoing="f_end")],
                     [("f_start", "start", "size"), ("f1", "size", "work"), ("f2", "work", "ask"),
                      ("f_end", "ask", "end")])
    eng.deploy(source, actor="owner")
    case = open_case(eng)
    error, slowest = under_attack(client, lambda: eng.start(case.id, "wide", {}, actor="hr1"))
    assert isinstance(error, engine.InvalidModel), error
    assert "at most 1000 instances" in error.message
    assert slowest < DELAY_LIMIT_SECONDS
    assert eng.instances(case.id) == []


def test_a_small_multi_instance_still_runs(app):
    eng = app.extensions["reintegra"]
    eng.deploy(script_then_ask("narrow", "x = 1", fan_out("3")), actor="owner")
    case = open_case(eng)
    eng.start(case.id, "narrow", {}, actor="hr1")
    assert [i.task for i in eng.work_items(role="employee")] == ["ask"]


def test_a_start_whose_script_leaves_bytes_is_refused_naming_the_variable_and_keeps_nothing(app):
    eng = app.extensions["reintegra"]
    eng.deploy(script_then_ask("poison", "letter = 'x'.encode()"), actor="owner")
    case = open_case(eng)
    with pytest.raises(engine.InvalidModel) as refused:
        eng.start(case.id, "poison", {}, actor="hr1")
    assert "'letter'" in refused.value.message
    assert [p.element_id for p in refused.value.problems] == ["work"]
    assert eng.instances(case.id) == []


def test_completing_a_task_whose_script_leaves_a_set_answers_400_in_the_api_and_keeps_the_task(app, client):
    eng = app.extensions["reintegra"]
    eng.deploy(ask_then_script("poison", "seen = {1, 2}"), actor="owner")
    case = open_case(eng)
    eng.start(case.id, "poison", {}, actor="hr1")
    user = eng.create_user(username="eva", password="correct horse battery", display_name="Eva", roles=["employee"],
                           organisations=["Acme NV"], actor="test")
    item = eng.work_items(role="employee")[0]
    response = client.post(f"/api/v1/work-items/{item.id}/complete",
                           json={"data": {"request_received_on": "2026-12-21"}},
                           headers={"Authorization": f"Bearer {eng.issue_token(user.id, 'test')}"})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["error"] == "invalid_model" and "'seen'" in response.get_json()["message"]
    assert [i.id for i in eng.work_items(role="employee")] == [item.id]


def test_a_multi_instance_over_a_collection_of_5000_items_is_refused_and_keeps_nothing(app):
    eng = app.extensions["reintegra"]
    over_items = ('<bpmn:multiInstanceLoopCharacteristics isSequential="false"><bpmn:loopDataInputRef>items'
                  '</bpmn:loopDataInputRef><bpmn:inputDataItem id="item" name="item"/>'
                  "</bpmn:multiInstanceLoopCharacteristics>")
    source = diagram("each", [script("size", "items = [0] * 5000", "f_start", "f1"),
                              script("work", "x = item", "f1", "f2", over_items),
                              ASK.format(incoming="f2", outgoing="f_end")],
                     [("f_start", "start", "size"), ("f1", "size", "work"), ("f2", "work", "ask"),
                      ("f_end", "ask", "end")])
    eng.deploy(source, actor="owner")
    case = open_case(eng)
    with pytest.raises(engine.InvalidModel, match="at most 1000 instances, not 5000"):
        eng.start(case.id, "each", {}, actor="hr1")
    assert eng.instances(case.id) == []
