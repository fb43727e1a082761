"""The script engine handed to SpiffWorkflow: every diagram expression and script runs restricted.

Timers, conditions, scripts, DMN cells, message payloads and correlations are compiled by RestrictedPython with
our policy (no imports, classes, ``try`` or ``_`` names) and run with few builtins and only the functions the
engine exposes, never modules, under a wall-clock limit that works in any thread, on deep copies of the task
data (SpiffWorkflow 3.2.0 shares nested data). A trace cannot interrupt one C-level operation, so whatever could
build a huge value in one step is checked first. Not blocked: allocating about a gigabyte in a loop within the
time limit, and comparing or hashing values that share nested references many times over, which can keep a CPU
busy past it. RestrictedPython is no hard boundary; deploying diagrams stays a privileged act.
"""

from __future__ import annotations

import ast
import builtins
import copy
import gc
import sys
import threading
import time
from collections.abc import Callable, Mapping
from functools import lru_cache
from types import CodeType, FrameType, FunctionType
from typing import Any

import RestrictedPython as rp
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from ..errors import EngineError
from . import sandbox_limits as limits
from . import script_data
from .sandbox_limits import ScriptLimitExceeded, ScriptRejected

__all__ = ["RestrictedEnvironment", "RestrictedScriptEngine", "ScriptLimitExceeded", "ScriptRejected",
           "compile_problems", "script_engine"]

DIAGRAM_FILE = "<string>"  # SpiffWorkflow finds the failing line of a script by this file name


class _Policy(rp.RestrictingNodeTransformer):
    """RestrictedPython's checks, plus: refuse more statements and route risky operations through guards."""

    REFUSED = {ast.Import: "imports", ast.ImportFrom: "imports", ast.ClassDef: "classes", ast.Try: "try statements"}
    GUARDED = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
               ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
               ast.MatMult: "@"}

    @staticmethod
    def guard(name: str, node: ast.AST, *args: ast.expr) -> ast.Call:
        call = ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])
        return ast.fix_missing_locations(ast.copy_location(call, node))

    def visit(self, node: ast.AST) -> Any:
        refused = self.REFUSED.get(type(node))
        if not isinstance(getattr(node, "ctx", ast.Load()), ast.Load) and (
                isinstance(node, ast.Attribute) or isinstance(getattr(node, "slice", None), ast.Slice)):
            refused = "attribute and slice assignments"
        if refused:
            self.error(node, f"{refused} are not allowed in diagram code")
            return node
        return super().visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        return self.guard("_binop_", node, ast.Constant(self.GUARDED[type(node.op)]), node.left, node.right)

    def visit_Constant(self, node: ast.Constant) -> Any:
        if isinstance(node.value, int) and node.value.bit_length() > limits.MAX_INT_BITS:
            self.error(node, f"integers are limited to {limits.MAX_INT_BITS} bits in diagram code")
        return super().visit_Constant(node)

    def visit_Set(self, node: ast.Set) -> ast.AST:
        node = self.node_contents_visit(node)
        for element in node.elts:
            if isinstance(element, ast.Starred):
                element.value = self.guard("_hashed_", element, element.value)
        return node

    def visit_Dict(self, node: ast.Dict) -> ast.AST:
        node = self.node_contents_visit(node)
        node.values = [self.guard("_hashed_", value, value) if key is None else value
                       for key, value in zip(node.keys, node.values, strict=True)]
        return node

    def visit_Starred(self, node: ast.Starred) -> ast.AST:
        node = self.node_contents_visit(node)
        if isinstance(node.ctx, ast.Load):
            self.starred = getattr(self, "starred", 0) + 1
            if self.starred > limits.MAX_STARRED:
                self.error(node, f"more than {limits.MAX_STARRED} *-unpackings are not allowed")
            node.value = self.guard("_starred_", node, node.value)
        return node

    def visit_keyword(self, node: ast.keyword) -> ast.AST:
        node = self.node_contents_visit(node)
        if node.arg == "key":
            node.value = self.guard("_key_", node, node.value)
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        node = self.node_contents_visit(node)
        spec = node.format_spec or ast.Constant("")
        literal = "".join(str(p.value) for p in getattr(spec, "values", [spec]) if isinstance(p, ast.Constant))
        if limits.is_too_wide(literal):
            self.error(node, f"format widths above {limits.MAX_FORMAT_WIDTH} are not allowed")
        call = self.guard("_format_", node, node.value, ast.Constant(node.conversion), spec)
        return ast.copy_location(ast.FormattedValue(call, -1, None), node)


@lru_cache(maxsize=1024)
def _compile(source: str, mode: str) -> CodeType:
    compiler = {"eval": rp.compile_restricted_eval, "exec": rp.compile_restricted_exec}[mode]
    try:  # RestrictedPython reports parse errors, but compiling its rewritten tree can still raise
        result = compiler(source.strip() if mode == "eval" else source, filename=DIAGRAM_FILE, policy=_Policy)
    except (SyntaxError, ValueError, TypeError) as err:
        raise ScriptRejected(f"does not compile: {err}", [f"does not compile: {err}"]) from err
    if result.errors or result.code is None:
        raise ScriptRejected("; ".join(result.errors), list(result.errors))
    return result.code


def compile_problems(source: str, mode: str) -> list[str]:
    """List why ``source`` is refused in ``mode`` ("eval" or "exec"); empty when it compiles under our policy."""
    try:
        _compile(source, mode)
    except ScriptRejected as err:
        return err.details
    return []


class _CollectorTime(threading.local):
    """Processor time each thread spent collecting garbage: a full collection of a large heap is the server's
    work, not the diagram's, and once made a one-line condition overrun its limit."""

    started = 0.0
    spent = 0.0

    def __call__(self, phase: str, info: Mapping[str, Any]) -> None:
        if phase == "start":
            self.started = time.thread_time()
        else:
            self.spent += time.thread_time() - self.started


_COLLECTOR_TIME = _CollectorTime()
gc.callbacks.insert(0, _COLLECTOR_TIME)


def _diagram_time() -> float:
    return time.thread_time() - _COLLECTOR_TIME.spent


def _run_limited(action: Callable[[], Any], seconds: float) -> Any:
    """Run ``action``, stopping diagram code after ``seconds`` of its thread's processor time, in any thread.

    Only a diagram frame is stopped: other code the interpreter runs meanwhile (a garbage collector's callback,
    say) must not receive the diagram's error. Processor time, not wall time, so a busy server does not
    make a script fail; time spent collecting garbage does not count. Only diagram frames are traced line by line:
    the code they call (our deadline rules, the holiday calendar, a cold cache filled on a process's first script)
    runs untraced, at full speed. Processor time costs a system call to read, wall time almost nothing; a thread's
    processor time grows no faster than the wall clock, so it is read again only once the wall clock has gone as far
    as the time left: as exact, and a script that stays within its limit reads it about once.
    """
    deadline = _diagram_time() + seconds
    next_look = [time.perf_counter() + seconds]

    def trace(frame: FrameType, event: str, arg: Any) -> Callable | None:
        in_diagram = frame.f_code.co_filename == DIAGRAM_FILE
        if event == "call":
            if not in_diagram:  # only diagram frames can be stopped: any other runs at full speed
                return None
            frame.f_trace_opcodes = True  # one-line loops emit no lines
        if in_diagram and time.perf_counter() >= next_look[0]:
            left = deadline - _diagram_time()
            if left < 0:
                raise ScriptLimitExceeded(f"diagram code exceeded its time limit of {seconds} s")
            next_look[0] = time.perf_counter() + left
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        return action()
    except RecursionError as err:
        raise ScriptLimitExceeded("diagram code recursed too deeply") from err
    finally:
        sys.settrace(previous)


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluate and execute diagram code restricted, under a time limit, on copies of the task data.

    Raises ScriptRejected or ScriptLimitExceeded; the code's own errors pass with short text arguments.
    """

    def __init__(self, functions: Mapping[str, Callable], time_limit_seconds: float = 1.0) -> None:
        bad = [n for n, f in functions.items() if n.startswith("_") or not isinstance(f, FunctionType)]
        if bad:
            raise TypeError(f"only functions with public names may be exposed to diagram code: {bad}")
        self.functions = dict(functions)
        self.time_limit_seconds = time_limit_seconds
        super().__init__({**self.functions, "__builtins__": limits.restricted_builtins(), **limits.GUARDS})

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        code = _compile(expression, "eval")
        namespace = self._namespace(context, external_context)
        result = self._run(lambda: eval(code, namespace))
        limits.check_data(result, "the value of an expression", limits.MAX_DATA_SIZE)
        return result

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        code = _compile(script, "exec")
        namespace = self._namespace(context, external_context)
        self._run(lambda: exec(code, namespace))
        hidden = set(self.globals) | set(external_context or {})
        results = {k: v for k, v in namespace.items() if k not in hidden and not k.startswith("_") and not callable(v)}
        script_data.check_results(results)
        context.clear()
        context.update(results)
        return True

    def _namespace(self, context: Mapping[str, Any], external_context: Mapping[str, Any] | None) -> dict[str, Any]:
        data = {**(external_context or {}), **context}
        clashes = sorted(set(data) & set(self.functions))
        if clashes:
            raise ScriptRejected(f"task data uses the names of functions diagrams may call: {clashes}")
        return {**copy.deepcopy(data), **self.globals}  # SpiffWorkflow 3.2.0 shares nested data between tasks

    def _run(self, action: Callable[[], Any]) -> Any:
        """Apply the time limit; name a missing builtin clearly and keep the script's own errors short."""
        try:
            return _run_limited(action, self.time_limit_seconds)
        except NameError as err:
            name = err.name or ""
            if name not in dir(builtins) and not name.startswith("_"):
                raise
            refused = ScriptRejected(f"'{name.strip('_')}' is not available in diagram code")
            raise refused.with_traceback(err.__traceback__) from err
        except EngineError:
            raise
        except Exception as err:
            err.args = tuple(  # Spiff appends args[0] to a str, and logs print it: keep them short text
                v[:500] if isinstance(v, str) else repr(v) if isinstance(v, (int, float)) and abs(v) < 1e100
                else type(v).__name__ for v in err.args[:3])
            raise


class RestrictedScriptEngine(PythonScriptEngine):
    """Spiff's PythonScriptEngine whose evaluate/execute run restricted, and which records the task being evaluated.

    ``current_task`` is the task whose code runs now, else None (one engine per workflow run; not shared between
    threads). Spiff's errors get the restricted environment's error as ``__cause__``.
    """

    def __init__(self, environment: RestrictedEnvironment) -> None:
        super().__init__(environment=environment)
        self.current_task: Any = None

    def evaluate(self, task: Any, expression: str, external_context: dict | None = None) -> Any:
        return self._running(task, lambda: PythonScriptEngine.evaluate(self, task, expression, external_context))

    def execute(self, task: Any, script: str, external_context: dict | None = None) -> Any:
        return self._running(task, lambda: PythonScriptEngine.execute(self, task, script, external_context))

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        refused = ScriptRejected("service tasks are not supported")
        raise WorkflowTaskException(refused.message, task=task, exception=refused) from refused

    def _running(self, task: Any, action: Callable[[], Any]) -> Any:
        previous, self.current_task = self.current_task, task
        try:
            return action()
        except SpiffWorkflowException as err:
            err.__cause__ = err.__cause__ or err.__context__
            raise
        finally:
            self.current_task = previous


def script_engine(functions: Mapping[str, Callable], *, time_limit_seconds: float = 1.0) -> RestrictedScriptEngine:
    """Build the script engine for one workflow, exposing exactly ``functions`` (TypeError for anything else)."""
    return RestrictedScriptEngine(RestrictedEnvironment(functions, time_limit_seconds))
