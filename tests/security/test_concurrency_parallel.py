"""Issue 13.3: parallel branches of one instance completed at once all succeed; one item still has one winner."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import engine

BRANCHES = 6


def parallel_diagram(branches: int = BRANCHES) -> str:
    """A split into ``branches`` user tasks of one role and a wait for work to resume, joined before the end."""
    tasks = "".join(f"""
    <bpmn:userTask id="check_{n}" name="Check {n}">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="visit_report.json"/>
        <spiffworkflow:property name="notTimeBound" value="A test branch; the law sets no term."/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>to_{n}</bpmn:incoming><bpmn:outgoing>from_{n}</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="to_{n}" sourceRef="split" targetRef="check_{n}"/>
    <bpmn:sequenceFlow id="from_{n}" sourceRef="check_{n}" targetRef="join"/>""" for n in range(branches))
    outgoing = "".join(f"<bpmn:outgoing>to_{n}</bpmn:outgoing>" for n in range(branches))
    incoming = "".join(f"<bpmn:incoming>from_{n}</bpmn:incoming>" for n in range(branches))
    refs = "".join(f"<bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>" for node in
                   ["start", "split", "join", "end", "resumed", *(f"check_{n}" for n in range(branches))])
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="defs_parallel_checks" targetNamespace="http://reintegra.example/bpmn">
  <bpmn:collaboration id="collab_parallel_checks">
    <bpmn:participant id="participant_parallel_checks" name="Parallel checks" processRef="parallel_checks"/>
  </bpmn:collaboration>
  <bpmn:message id="msg_work_resumed" name="work_resumed"/>
  <bpmn:process id="parallel_checks" name="Parallel checks" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane_oa" name="Occupational physician">{refs}</bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>to_split</bpmn:outgoing></bpmn:startEvent>
    <bpmn:parallelGateway id="split">
      <bpmn:incoming>to_split</bpmn:incoming>{outgoing}<bpmn:outgoing>to_resumed</bpmn:outgoing>
    </bpmn:parallelGateway>
    <bpmn:intermediateCatchEvent id="resumed" name="Work resumed">
      <bpmn:incoming>to_resumed</bpmn:incoming><bpmn:outgoing>from_resumed</bpmn:outgoing>
      <bpmn:messageEventDefinition id="med_resumed" messageRef="msg_work_resumed"/>
    </bpmn:intermediateCatchEvent>
    <bpmn:parallelGateway id="join">
      {incoming}<bpmn:incoming>from_resumed</bpmn:incoming><bpmn:outgoing>to_end</bpmn:outgoing>
    </bpmn:parallelGateway>
    <bpmn:sequenceFlow id="to_resumed" sourceRef="split" targetRef="resumed"/>
    <bpmn:sequenceFlow id="from_resumed" sourceRef="resumed" targetRef="join"/>
    <bpmn:endEvent id="end" name="All checked"><bpmn:incoming>to_end</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="to_split" sourceRef="start" targetRef="split"/>
    <bpmn:sequenceFlow id="to_end" sourceRef="join" targetRef="end"/>{tasks}
  </bpmn:process>
</bpmn:definitions>"""


def start_parallel(eng: engine.Engine) -> engine.InstanceView:
    eng.deploy(parallel_diagram(), actor="owner")
    case = eng.open_case(reference="P-1", employee="An Peeters", employer="Acme NV",
                         first_day_of_incapacity=date(2026, 9, 1), actor="hr1")
    return eng.start(case.id, "parallel_checks", {}, actor="oa1")


def resume(eng: engine.Engine, case_id: int) -> Callable[[], object]:
    def deliver() -> None:
        assert eng.deliver(case_id, "work_resumed", {"resumed_on": "2026-12-21"}, actor="hr1").instance_ids
    return deliver


def at_once(actions: list[Callable[[], object]]) -> list[str]:
    """Run every action in its own thread, released together; each outcome is 'won' or 'conflict'."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action: Callable[[], object]) -> None:
        barrier.wait()
        try:
            action()
            outcomes.append("won")
        except engine.Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def complete(eng: engine.Engine, item_id: int, actor: str) -> Callable[[], object]:
    return lambda: eng.complete(item_id, {"held_on": "2026-12-21"}, actor=actor)


def test_six_branches_completed_and_a_message_delivered_at_once_all_succeed_and_the_instance_joins(eng):
    instance = start_parallel(eng)
    items = eng.work_items(role="occupational_physician")
    assert len(items) == BRANCHES
    outcomes = at_once([complete(eng, item.id, f"oa{n}") for n, item in enumerate(items)]
                       + [resume(eng, instance.case_id)])
    assert outcomes == ["won"] * (BRANCHES + 1)
    done = eng.instance(instance.id)
    assert (done.state, done.end_event) == ("completed", "end")
    events = [e for e in eng.trace(instance.id).events if e.action == "task_completed"]
    assert sorted(e.task for e in events) == sorted(item.task for item in items)
    assert eng.work_items(role="occupational_physician") == []
    assert eng.verify_audit().is_intact


def test_one_item_completed_by_six_users_at_once_has_one_winner_and_five_conflicts(eng):
    instance = start_parallel(eng)
    item = eng.work_items(role="occupational_physician")[0]
    outcomes = at_once([complete(eng, item.id, f"oa{n}") for n in range(BRANCHES)])
    assert sorted(outcomes) == ["conflict"] * (BRANCHES - 1) + ["won"]
    events = [e for e in eng.trace(instance.id).events if e.action == "task_completed"]
    assert [e.task for e in events] == [item.task]
    assert len(eng.work_items(role="occupational_physician")) == BRANCHES - 1
    assert eng.verify_audit().is_intact
