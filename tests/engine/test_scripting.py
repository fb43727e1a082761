"""Diagram code runs restricted: known escapes fail with a clear error, honest code still works."""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.runtime.scripting import ScriptLimitExceeded, ScriptRejected, compile_problems, script_engine

TIME_LIMIT = 0.3


def double(n: int) -> int:
    return 2 * n


ENGINE = script_engine({"double": double}, time_limit_seconds=TIME_LIMIT)


def run(source: str, data: dict | None = None) -> dict:
    context = dict(data or {})
    ENGINE.environment.execute(source, context, {})
    return context


def evaluate(source: str, data: dict | None = None) -> Any:
    return ENGINE.environment.evaluate(source, dict(data or {}), {})


def failure_of(action: Callable[[], Any], seconds: float = 30) -> BaseException | None:
    """Run ``action`` in its own thread, so that a hang fails the test instead of stalling the run."""
    failures: list[BaseException] = []

    def attempt() -> None:
        try:
            action()
        except BaseException as err:  # noqa: B036 - the test inspects whatever came out
            failures.append(err)

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "diagram code was not stopped"
    return failures[0] if failures else None


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
    "x = [].mro",
    "x = getattr((), '__class__')",
    "x = type(())",
    "x = globals()",
    "x = locals()",
    "x = vars()",
    "x = (lambda: 0).__globals__",
    "x = (i for i in []).gi_frame",
    "x = '{0.__class__}'.format(1)",
    "x = '{a.__class__}'.format_map({'a': 1})",
    "x = str.format('{0.__class__}', 1)",
    "x = f'{().__class__}'",
    "x = '%s' % 1",
    "x = double.__module__",
    "x = double.__globals__",
    "x = double.__code__",
    "x = __builtins__['open']",
    "setattr(double, 'y', 1)",
    "delattr(double, 'y')",
    "double.y = 1",
    "del double.y",
    "class Evil: pass",
    "print('hello')",
    "while True: pass",
    "while True:\n    x = 1",
    "while True:\n    try:\n        while True: pass\n    except:\n        pass",
    "def f(n):\n    return f(n + 1)\nf(0)",
    "x = 'a' * 10**10",
    "x = [0] * 10**10",
    "x = 10**10 * [0]",
    "x = 2 ** 10**9",
    "x = 3 ** 10**400",
    "x = int('9' * 4000) ** 4",
    "x = pow(2, 10**9)",
    "x = 1 << 10**9",
    "x = round(1, -10**9)",
    "x = 'x'.ljust(10**10)",
    "x = 'x'.zfill(10**10)",
    "x = 'x\\t'.expandtabs(10**9)",
    "x = (1).to_bytes(10**10, 'big')",
    "x = f'{1:>999999999}'",
    "w = 10**9\nx = f'{1:>{w}}'",
    "x = '%*d' % (10**9, 1)",
    "x = list(range(10**9))",
    "x = dict.fromkeys(range(10**8))",
    "x = 'ab'\nfor i in range(60):\n    x = x + x",
    "x = 'ab'\nfor i in range(60):\n    x += x",
    "x = [0]\nfor i in range(60):\n    x.extend(x)",
    "x = [0]\nfor i in range(60):\n    x[:0] = x",
    "x = [0]\nfor i in range(60):\n    x = [*x, *x]",
    "s = 'a' * 99999\nx = s.replace('a', s)",
    "s = 'a' * 99999\nx = s.join([s] * 99999)",
    "x = sum([[0] * 1000] * 1000, [])",
    "a = [0] * 99999\nx = list(zip(*[a] * 99999))",
    "a = [0] * 99999\nx = list(map(list, [a] * 99999))",
    "a = [0] * 99999\nx = sorted([a] * 99999, key=list)",
    "a = [0] * 99999\nx = sorted([a] * 99999, **{'key': list})",
    "a = [0] * 99999\nb = [a] * 99999\nb.sort(key=tuple)",
    "a = list(range(999)) * 100\nx = max(a, key=a.count)",
    "a = [0] * 99999\nb = [a] * 99999\nx = str(b)",
    "a = [0] * 99999\nb = [a] * 99999\nx = f'{b}'",
    "a = [0] * 1000\nb = [a] * 1000\nc = [b] * 1000",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_a_known_escape_is_stopped_by_a_limit_with_a_clear_error(source):
    refused = failure_of(lambda: run(source))
    assert isinstance(refused, (ScriptRejected, ScriptLimitExceeded)), refused
    assert refused.message and refused.code in {"script_rejected", "script_limit_exceeded"}


@pytest.mark.parametrize("expression", [
    "().__class__", "'a' * 10**10", "2 ** 10**9", "f'{1:>999999999}'", "''.join(['a' * 99999] * 99999)",
    "[c for c in range(10**9)]", "open('/etc/hostname')",
    "[0 for x in range(999) for y in range(999) for z in range(999)]",
])
def test_a_known_escape_fails_as_an_expression_too(expression):
    assert isinstance(failure_of(lambda: evaluate(expression)), (ScriptRejected, ScriptLimitExceeded))


HONEST_DATA = {"x": 5, "y": False, "items": [1, 2, 3, 4], "name": " an ", "record": {"city": "Gent"}}


@pytest.mark.parametrize(("expression", "expected"), [
    ("1 + 2 * 3 - 4 / 2", 5.0),
    ("x > 3 and not y", True),
    ("x % 2 == 1 and x // 2 == 2", True),
    ("[n * n for n in items if n % 2]", [1, 9]),
    ("{k: v for k, v in record.items()}", {"city": "Gent"}),
    ("name.strip().upper()", "AN"),
    ("', '.join(['a', 'b'])", "a, b"),
    ("'a-b'.split('-') + ['c']", ["a", "b", "c"]),
    ("'Gent'.replace('G', 'K')", "Kent"),
    ("record['city'] + str(x)", "Gent5"),
    ("isinstance(name, str) and isinstance(x, int)", True),
    ("double(x) + double(1)", 12),
    ("sum(items) + max(items) + min(items) + len(items)", 19),
    ("sorted(items, reverse=True)[0]", 4),
    ("round(2.675, 1) + abs(-1)", 3.7),
    ("f'{x} days, {x:>3}, {name!r}, {2.5:.2f}'", "5 days,   5, ' an ', 2.50"),
    ("'x' * 3 + 'y' * 0", "xxx"),
    ("2 ** 10 + (1 << 4) + pow(3, 2) + 7 % 3", 1050),
    ("list(range(3)) + [*items]", [0, 1, 2, 1, 2, 3, 4]),
    ("max(*items)", 4),
    ("sorted(items, key=lambda n: -n)[0] + max(items, key=lambda n: n % 4)", 7),
    ("dict(zip(['a', 'b'], items))", {"a": 1, "b": 2}),
    ("[i * n for i, n in enumerate(reversed(items))]", [0, 3, 4, 3]),
    ("any(n > 3 for n in items) and all(n > 0 for n in items)", True),
])
def test_honest_expressions_still_work(expression, expected):
    assert evaluate(expression, HONEST_DATA) == expected


def test_honest_scripts_assign_their_results_to_the_task_data():
    script = ("total = 0\nfor n in items:\n    total += n\ntotal *= 2\na, b = 1, 2\n"
              "for i, n in enumerate(items):\n    last = (i, n)\nlabel = 'x' + str(double(total))\n"
              "def helper(v):\n    return v + 1\nnext_total = helper(total)\nitems.append(4)")
    result = run(script, {"items": [1, 2, 3]})
    assert result == {"items": [1, 2, 3, 4], "total": 12, "a": 1, "b": 2, "i": 2, "n": 3, "last": (2, 3),
                      "label": "x24", "next_total": 13}


def test_a_script_changing_nested_data_does_not_rewrite_the_callers_data():
    original = {"addr": {"city": "Gent"}, "tags": ["a"]}
    result = run("case['addr']['city'] = 'Brussel'\ncase['tags'].append('b')", {"case": original})
    assert result["case"] == {"addr": {"city": "Brussel"}, "tags": ["a", "b"]}
    assert original == {"addr": {"city": "Gent"}, "tags": ["a"]}


def test_an_expression_changing_nested_data_does_not_rewrite_the_callers_data():
    context = {"items": [1]}
    assert evaluate("items.append(2) or items", context) == [1, 2]
    assert context == {"items": [1]}


def test_a_failing_script_leaves_the_task_data_as_it_was():
    context = {"count": 1}
    with pytest.raises(ZeroDivisionError):
        ENGINE.environment.execute("count = 2\nx = 1 / 0", context, {})
    assert context == {"count": 1}


def test_task_data_may_not_shadow_an_exposed_function():
    with pytest.raises(ScriptRejected, match="double"):
        run("x = 1", {"double": 3})
    with pytest.raises(ScriptRejected, match="double"):
        evaluate("1", {"double": 3})


@pytest.mark.parametrize("functions", [
    {"sys": sys}, {"kind": dict}, {"_hidden": double}, {"value": 3}, {"bound": partial(double, 2)},
])
def test_only_functions_with_public_names_may_be_exposed(functions):
    with pytest.raises(TypeError):
        script_engine(functions)


def test_the_time_limit_works_outside_the_main_thread():
    stopped = failure_of(lambda: run("while True:\n    pass"))
    assert isinstance(stopped, ScriptLimitExceeded)
    assert "time limit" in stopped.message


def test_only_the_diagram_line_is_stopped_never_code_running_meanwhile():
    """A garbage collector's callback once received the diagram's error and the run failed on it."""
    finished: list[str] = []

    def note() -> None:
        finished.append("note")

    def overrun() -> None:
        until = time.thread_time() + TIME_LIMIT * 2
        while time.thread_time() < until:
            pass
        note()
        finished.append("overrun")

    engine = script_engine({"overrun": overrun}, time_limit_seconds=TIME_LIMIT)
    stopped = failure_of(lambda: engine.environment.execute("overrun()\nx = 1", {}, {}))
    assert isinstance(stopped, ScriptLimitExceeded)
    assert finished == ["note", "overrun"]


def test_time_spent_collecting_garbage_is_not_the_diagrams():
    """A full collection of a large heap during a one-line condition once made it overrun its limit."""
    armed: list[bool] = []

    def slow_collection(phase: str, info: Any) -> None:
        if phase == "start" and armed:
            armed.clear()
            until = time.thread_time() + TIME_LIMIT * 2
            while time.thread_time() < until:
                pass

    def arm() -> None:
        armed.append(True)

    engine = script_engine({"arm": arm}, time_limit_seconds=TIME_LIMIT)
    gc.callbacks.append(slow_collection)
    try:
        allocating = "arm() or len([[i, j] for i in range(100) for j in range(50)])"
        assert engine.environment.evaluate(allocating, {}, {}) == 5000
    finally:
        gc.callbacks.remove(slow_collection)
    assert not armed, "no collection ran inside the diagram"


def test_the_time_limit_restores_the_trace_function_that_was_set_before():
    def tracer(frame: Any, event: str, arg: Any) -> None:
        return None

    before = sys.gettrace()
    sys.settrace(tracer)
    try:
        run("x = 1")
        with pytest.raises(ScriptLimitExceeded):
            run("while True: pass")
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(before)


def test_a_misspelt_attribute_is_an_error_rather_than_none():
    with pytest.raises(AttributeError):
        evaluate("name.uppr()", HONEST_DATA)


def test_a_scripts_own_error_keeps_a_short_text_message():
    with pytest.raises(KeyError) as failed:
        run("x = {}[1]")
    assert failed.value.args == ("1",)
    with pytest.raises(ValueError) as failed:
        run("a = [0] * 99999\nraise ValueError([a] * 99999)")
    assert failed.value.args == ("list",)


@pytest.mark.parametrize(("source", "mode"), [
    ("total > 10 and not late", "eval"), ('deadline("T01", start)', "eval"), ("x = 1\ny = [x, 2]", "exec"),
])
def test_compile_problems_accepts_honest_code(source, mode):
    assert compile_problems(source, mode) == []


@pytest.mark.parametrize(("source", "mode", "words"), [
    ("import os", "exec", "imports"),
    ("x = ().__class__", "exec", "__class__"),
    ("().__class__", "eval", "__class__"),
    ("x = (", "exec", "SyntaxError"),
    ("return 1", "exec", "outside function"),
    ("f'{1:>999999999}'", "eval", "format widths"),
    ("try:\n    x = 1\nexcept:\n    pass", "exec", "try statements"),
    ("x = 1", "eval", "SyntaxError"),
])
def test_compile_problems_explains_refused_code(source, mode, words):
    problems = compile_problems(source, mode)
    assert problems and words in " ".join(problems)


DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="setup"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing>
      <bpmn:script>case = {"addr": {"city": "Gent"}}</bpmn:script></bpmn:scriptTask>
    <bpmn:scriptTask id="compute"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>SCRIPT</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="gw" default="f4"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:endEvent id="big"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="small"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="setup"/>
    <bpmn:sequenceFlow id="f1" sourceRef="setup" targetRef="compute"/>
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="gw"/>
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="big">
      <bpmn:conditionExpression>who() and total &gt; 10</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="small"/>
  </bpmn:process>
</bpmn:definitions>"""


def workflow(script: str, seen: list[str]) -> BpmnWorkflow:
    """A workflow whose diagram code may call ``who()``, which records the task the engine says is running."""

    def who() -> bool:
        seen.append(engine.current_task.task_spec.bpmn_id)
        return True

    parser = SpiffBpmnParser()
    parser.add_bpmn_str(DIAGRAM.replace("SCRIPT", script).encode())
    engine = script_engine({"who": who, "double": double}, time_limit_seconds=TIME_LIMIT)
    return BpmnWorkflow(parser.get_spec("p"), script_engine=engine)


def data_of(wf: BpmnWorkflow, bpmn_id: str) -> dict:
    return next(t for t in wf.get_tasks() if t.task_spec.bpmn_id == bpmn_id).data


def test_spiffworkflow_runs_scripts_and_conditions_through_the_restricted_engine():
    seen: list[str] = []
    wf = workflow("total = double(3 * 3) + 1 if who() else 0\ncase['addr']['city'] = 'Brussel'", seen)
    wf.do_engine_steps()
    assert wf.completed and wf.data["total"] == 19
    assert [t.task_spec.bpmn_id for t in wf.get_tasks() if t.task_spec.bpmn_id in ("big", "small")] == ["big"]
    assert seen == ["compute", "gw"]
    assert wf.script_engine.current_task is None


def test_a_script_task_does_not_rewrite_the_data_of_earlier_tasks():
    wf = workflow("case['addr']['city'] = 'Brussel'\ntotal = 1", [])
    wf.do_engine_steps()
    assert data_of(wf, "compute")["case"]["addr"]["city"] == "Brussel"
    assert data_of(wf, "setup")["case"]["addr"]["city"] == "Gent"


@pytest.mark.parametrize(("script", "error"), [
    ("x = ().__class__.__base__.__subclasses__()", ScriptRejected),
    ("x = 'a' * 10**10", ScriptLimitExceeded),
    ("while True:\n    pass", ScriptLimitExceeded),
])
def test_a_malicious_script_task_stops_the_workflow_with_our_error(script, error):
    wf = workflow(script, [])
    with pytest.raises(WorkflowTaskException) as stopped:
        wf.do_engine_steps()
    assert isinstance(stopped.value.__cause__, error)
    assert stopped.value.task.task_spec.bpmn_id == "compute"
    assert wf.script_engine.current_task is None


def test_a_script_error_with_a_number_still_becomes_spiffs_task_error_with_its_line():
    wf = workflow("total = 1\ntotal = {}[1]", [])
    with pytest.raises(WorkflowTaskException, match="KeyError") as failed:
        wf.do_engine_steps()
    assert (failed.value.line_number, failed.value.error_line) == (2, "total = {}[1]")


def test_service_tasks_are_refused():
    wf = workflow("total = 1", [])
    with pytest.raises(WorkflowTaskException) as refused:
        wf.script_engine.call_service(wf.get_tasks()[0], operation_name="http/GetRequest", operation_params={})
    assert isinstance(refused.value.__cause__, ScriptRejected)
