"""Instances created + stepped + saved per second: the engine (with its database) vs raw SpiffWorkflow."""

from __future__ import annotations

import time

from common import DEMO, new_engine, open_case
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

N = 300


def raw_per_second() -> float:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(DEMO.read_bytes())
    spec, subprocesses = parser.get_spec("visit_demo"), parser.get_subprocess_specs("visit_demo")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    began = time.perf_counter()
    for _ in range(N):
        workflow = BpmnWorkflow(spec, subprocesses)
        workflow.do_engine_steps()
        serializer.serialize_json(workflow)
    return N / (time.perf_counter() - began)


def engine_per_second() -> float:
    eng, _ = new_engine()
    eng.deploy(DEMO, actor="bench")
    case = open_case(eng)
    began = time.perf_counter()
    for _ in range(N):
        eng.start(case.id, "visit_demo", {}, actor="bench")
    rate = N / (time.perf_counter() - began)
    eng.close()
    return rate


def main() -> None:
    raw, ours = raw_per_second(), engine_per_second()
    print(f"instances created+stepped+saved per second ({N} instances, visit_demo):")
    print(f"  raw SpiffWorkflow in memory : {raw:8.0f}/s")
    print(f"  Reintegra engine + database : {ours:8.0f}/s")
    print(f"  ratio engine/raw            : {ours / raw:8.2f}")


if __name__ == "__main__":
    main()
