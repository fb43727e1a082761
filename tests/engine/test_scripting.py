"""Diagram code runs restricted: known escapes fail with a clear error, honest code still works."""

from __future__ import annotations

import threading
import time

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.errors import EngineError
from engine.scripting import ScriptLimitExceeded, ScriptRejected, compile_problems, script_engine


def double(n: int) -> int:
    return 2 * n


ENGINE = script_engine({"double": double}, time_limit_seconds=0.5)


def run(source: str, data: dict | None = None) -> dict:
    context = dict(data or {})
    ENGINE.environment.execute(source, context, {})
    return context


def evaluate(source: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    return ENGINE.environment.evaluate(source, dict(data or {}), {})


ESCAPES = [
    "import os",
    "from os import system",
    "__import__('os')",
    "leak = open('/etc/hostname').read()",
    "exec('x = 1')",
    "eval('1')",
    "compile('1', '', 'eval')",
    "x = ().__class__.__base__.__subclasses__()",
    "x = [].__class__.__mro__",
    "x = getattr((), '__class__')",
    "x = type(())",
    "x = globals()",
    "x = locals()",
    "x = vars()",
    "x = (lambda: 0).__globals__",
    "x = (i for i in []).gi_frame",
    "x = '{0.__class__}'.format(1)",
    "x = '{a.__class__}'.format_map({'a': 1})",
    "x = f'{().__class__}'",
    "x = double.__module__",
    "x = double.__globals__",
    "x = double.__code__",
    "x = __builtins__['open']",
    "setattr(double, 'y', 1)",
    "delattr(double, 'y')",
    "class Evil: pass",
    "while True: pass",
    "def f(n):\n    return f(n + 1)\nf(0)",
    "x = 'a' * 10**10",
    "x = [0] * 10**10",
    "x = 2 ** 10**9",
    "x = 1 << 10**9",
    "x = pow(2, 10**9)",
    "x = 'x'.ljust(10**10)",
    "x = f'{1:>999999999}'",
    "x = '%*d' % (10**9, 1)",
    "x = list(range(10**9))",
    "x = dict.fromkeys(range(10**8))",
    "x = 'ab'\nfor i in range(60):\n    x = x + x",
    "x = 'ab'\nfor i in range(60):\n    x += x",
    "x = [c for c in ().__class__.__bases__]",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_known_escapes_fail_with_a_clear_error(source):
    began = time.monotonic()
    with pytest.raises((ScriptRejected, ScriptLimitExceeded, NameError, ValueError, TypeError)) as refused:
        run(source)
    assert time.monotonic() - began < 3
    assert str(refused.value)


@pytest.mark.parametrize("source", ["import os", "x = ().__class__", "x = (", "class Evil: pass"])
def test_compile_problems_lists_refused_sources(source):
    assert compile_problems(source, "exec")


HONEST_DATA = {"x": 5, "y": False, "items": [1, 2, 3, 4], "name": " an ", "record": {"city": "Gent"}}


@pytest.mark.parametrize(("expression", "expected"), [
    ("1 + 2 * 3", 7),
    ("x > 3 and not y", True),
    ("[n * n for n in items if n % 2]", [1, 9]),
    ("name.strip().upper()", "AN"),
    ("', '.join(['a', 'b'])", "a, b"),
    ("record['city']", "Gent"),
    ("double(x)", 10),
    ("sum(items) + max(items) + min(items) + len(items)", 19),
    ("sorted(items, reverse=True)[0]", 4),
    ("f'{x} days'", "5 days"),
    ("'x' * 3", "xxx"),
    ("2 ** 10", 1024),
    ("{k: v for k, v in record.items()}", {"city": "Gent"}),
])
def test_honest_expressions_still_work(expression, expected):
    assert evaluate(expression, HONEST_DATA) == expected


def test_honest_scripts_assign_results_to_the_task_data():
    result = run("total = 0\nfor n in items:\n    total += n\na, b = 1, 2\nlabel = 'x' + str(double(total))",
                 {"items": [1, 2, 3]})
    assert (result["total"], result["a"], result["b"], result["label"]) == (6, 1, 2, "x12")
    assert "double" not in result and "__builtins__" not in result


def test_a_script_changing_nested_data_does_not_rewrite_the_original():
    original = {"addr": {"city": "Gent"}}
    data = {"case": original}
    result = run("case['addr']['city'] = 'Brussel'", data)
    assert result["case"]["addr"]["city"] == "Brussel"
    assert original["addr"]["city"] == "Gent"


def test_task_data_may_not_shadow_an_exposed_function():
    with pytest.raises(ScriptRejected):
        run("x = 1", {"double": 3})


def test_the_time_limit_works_outside_the_main_thread():
    errors: list[BaseException] = []

    def spin() -> None:
        try:
            run("while True:\n    pass")
        except EngineError as err:
            errors.append(err)

    thread = threading.Thread(target=spin)
    thread.start()
    thread.join(timeout=10)
    assert [type(e) for e in errors] == [ScriptLimitExceeded]


DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="compute"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>SCRIPT</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="gw" default="f4"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:endEvent id="big"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="small"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute"/>
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="gw"/>
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="big">
      <bpmn:conditionExpression>total &gt; 10</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="small"/>
  </bpmn:process>
</bpmn:definitions>"""


def workflow(script: str, seen: list) -> BpmnWorkflow:  # type: ignore[type-arg]
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(DIAGRAM.replace("SCRIPT", script).encode())
    engine = script_engine({"who": lambda: seen.append(engine.current_task.task_spec.bpmn_id) or 1})
    return BpmnWorkflow(parser.get_spec("p"), script_engine=engine)


def test_spiffworkflow_runs_scripts_and_conditions_through_the_restricted_engine():
    seen: list[str] = []
    wf = workflow("total = double_it = 3 * 7 + who()", seen)
    wf.do_engine_steps()
    assert wf.completed and wf.data["total"] == 22
    assert [t.task_spec.bpmn_id for t in wf.get_tasks() if t.task_spec.bpmn_id == "big"]
    assert seen == ["compute"]


def test_a_malicious_script_task_stops_the_workflow_with_our_error():
    wf = workflow("x = ().__class__.__base__.__subclasses__()", [])
    with pytest.raises(WorkflowTaskException) as stopped:
        wf.do_engine_steps()
    assert "not allowed" in str(stopped.value) or "invalid attribute" in str(stopped.value)
