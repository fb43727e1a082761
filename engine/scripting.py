"""The script engine handed to SpiffWorkflow: diagram expressions and scripts run restricted.

Every source is compiled by RestrictedPython with our policy (no imports, no names or attributes
starting with ``_``, no string formatting that reaches attributes, size-guarded ``+ * ** << %``),
runs with guarded builtins and only the functions the engine exposes (never modules), under a time
limit that works in any thread, on deep copies of the task data (SpiffWorkflow 3.2.0 shares nested
task data by reference). RestrictedPython is not a hard security boundary: it keeps honest diagrams
honest and blocks the known escapes; deploying diagrams stays a privileged act.
"""

from __future__ import annotations

import ast
import copy
import operator
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from types import CodeType, FrameType
from typing import Any

from RestrictedPython import RestrictingNodeTransformer, compile_restricted_eval, compile_restricted_exec
from RestrictedPython import safe_builtins as _rp_safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from RestrictedPython.Limits import limited_range
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from .errors import EngineError

MAX_ITEMS = 100_000
MAX_INT_BITS = 100_000
MAX_FORMAT_WIDTH = 10_000
DENIED_ATTRIBUTES = frozenset({"format", "format_map", "ljust", "rjust", "center", "zfill", "expandtabs",
                               "mro", "gi_frame", "gi_code", "f_globals", "f_locals", "f_back", "cr_frame"})


class ScriptRejected(EngineError):
    """A diagram expression or script uses something the restricted engine does not allow."""

    code = "script_rejected"


class ScriptLimitExceeded(EngineError):
    """A diagram expression or script ran too long or tried to build something too large."""

    code = "script_limit_exceeded"


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy plus size guards on ``+ * ** << %`` and bounded format widths."""

    _GUARDED = {ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%"}

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        symbol = self._GUARDED.get(type(node.op))
        if symbol is None:
            return node
        call = ast.Call(func=ast.Name("_binop_", ast.Load()), args=[ast.Constant(symbol), node.left, node.right],
                        keywords=[])
        return ast.fix_missing_locations(ast.copy_location(call, node))

    def visit_Import(self, node: ast.Import) -> ast.AST:
        self.error(node, "imports are not allowed")
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        self.error(node, "imports are not allowed")
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.error(node, "class definitions are not allowed")
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        for part in ast.walk(node.format_spec) if node.format_spec else ():
            if isinstance(part, ast.Constant) and any(int(n) > MAX_FORMAT_WIDTH for n in _numbers(part.value)):
                self.error(node, f"format widths above {MAX_FORMAT_WIDTH} are not allowed")
        return self.node_contents_visit(node)


def _numbers(text: object) -> list[str]:
    digits = "".join(c if c.isdigit() else " " for c in str(text))
    return digits.split()


_OPERATORS = {"+": operator.add, "*": operator.mul, "**": operator.pow, "<<": operator.lshift, "%": operator.mod}
_INPLACE: dict[str, Any] = {"+=": "+", "-=": operator.sub, "*=": "*", "/=": operator.truediv, "//=": operator.floordiv,
            "%=": "%", "**=": "**", "<<=": "<<", ">>=": operator.rshift, "&=": operator.and_, "|=": operator.or_,
            "^=": operator.xor}


def _size(value: object) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def _binop(symbol: str, left: Any, right: Any) -> Any:
    """Compute ``left <symbol> right`` unless the result would be too large."""
    if symbol == "%" and isinstance(left, str):
        raise ScriptRejected("%-formatting of strings is not allowed; use f-strings")
    _check_size(symbol, left, right)
    return _OPERATORS[symbol](left, right)


def _check_size(symbol: str, left: Any, right: Any) -> None:
    items = 0
    if symbol == "+":
        items = _size(left) + _size(right)
    elif symbol == "*" and isinstance(right, int) and _size(left):
        items = _size(left) * right
    elif symbol == "*" and isinstance(left, int) and _size(right):
        items = _size(right) * left
    bits = _result_bits(symbol, left, right)
    if items > MAX_ITEMS or bits > MAX_INT_BITS:
        raise ScriptLimitExceeded(f"'{symbol}' would build a value larger than the script limit")


def _result_bits(symbol: str, left: Any, right: Any) -> int:
    if not (isinstance(left, int) and isinstance(right, int)):
        return 0
    if symbol == "**":
        return abs(left).bit_length() * max(right, 0)
    if symbol == "<<":
        return left.bit_length() + max(right, 0)
    if symbol == "*":
        return left.bit_length() + right.bit_length()
    return 0


def _inplacevar(op: str, left: Any, right: Any) -> Any:
    action = _INPLACE.get(op)
    if action is None:
        raise ScriptRejected(f"operator {op} is not allowed")
    return _binop(action, left, right) if isinstance(action, str) else action(left, right)


def _getattr(obj: Any, name: str, default: Any = None) -> Any:
    if name.startswith("_") or name in DENIED_ATTRIBUTES:
        raise ScriptRejected(f"attribute '{name}' is not allowed")
    return safer_getattr(obj, name, default)


def _pow(base: Any, exponent: Any, modulo: Any = None) -> Any:
    if modulo is None:
        return _binop("**", base, exponent)
    return pow(base, exponent, modulo)


def _builtins() -> dict[str, Any]:
    allowed = {k: v for k, v in _rp_safe_builtins.items()
               if k not in {"__build_class__", "_getattr_", "setattr", "delattr", "pow"}}
    extra = {"sum": sum, "min": min, "max": max, "any": any, "all": all, "enumerate": enumerate, "sorted": sorted,
             "dict": dict, "list": list, "tuple": tuple, "set": set, "frozenset": frozenset, "reversed": reversed,
             "range": limited_range, "pow": _pow, "map": map, "filter": filter}
    return {**allowed, **extra}


_GUARDS = {"_getattr_": _getattr, "_getitem_": default_guarded_getitem, "_getiter_": default_guarded_getiter,
           "_iter_unpack_sequence_": guarded_iter_unpack_sequence, "_unpack_sequence_": guarded_unpack_sequence,
           "_write_": full_write_guard, "_inplacevar_": _inplacevar, "_binop_": _binop}


@lru_cache(maxsize=2048)
def _compile(source: str, mode: str) -> CodeType:
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(source.strip() if mode == "eval" else source, filename="<diagram>", policy=_Policy)
    if result.errors or result.code is None:
        raise ScriptRejected("; ".join(result.errors) or "does not compile")
    return result.code


def compile_problems(source: str, mode: str) -> list[str]:
    """Messages explaining why ``source`` is refused ("eval" or "exec" mode); empty when it compiles."""
    try:
        _compile(source, mode)
    except ScriptRejected as err:
        return [err.message]
    except (SyntaxError, ValueError) as err:
        return [f"syntax error: {err}"]
    return []


class _TimeLimit:
    """A per-thread trace function that stops a script after ``seconds`` of wall time."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def run(self, action: Callable[[], Any]) -> Any:
        deadline = time.monotonic() + self.seconds

        def tracer(frame: FrameType, event: str, arg: Any) -> Callable | None:
            if event == "call":
                frame.f_trace_opcodes = True  # a one-line loop emits no line events, only opcodes
            elif time.monotonic() > deadline:
                raise ScriptLimitExceeded(f"script exceeded its time limit of {self.seconds} s")
            return tracer

        previous = sys.gettrace()
        sys.settrace(tracer)
        try:
            return action()
        except RecursionError as err:
            raise ScriptLimitExceeded("script recursed too deeply") from err
        finally:
            sys.settrace(previous)


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates and executes diagram code restricted, on copies of the task data."""

    def __init__(self, functions: Mapping[str, Callable], time_limit_seconds: float = 1.0) -> None:
        super().__init__({"__builtins__": _builtins(), **_GUARDS, **functions})
        self.functions = dict(functions)
        self.limit = _TimeLimit(time_limit_seconds)

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        code = _compile(expression, "eval")
        namespace = {**self.globals, **(external_context or {}), **_isolated(context)}
        return self.limit.run(lambda: eval(code, namespace))

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        code = _compile(script, "exec")
        clashes = set(context) & set(self.functions)
        if clashes:
            raise ScriptRejected(f"task data uses the names of functions: {sorted(clashes)}")
        hidden = {**self.globals, **(external_context or {})}
        namespace = {**hidden, **_isolated(context)}
        self.limit.run(lambda: exec(code, namespace))
        results = {k: v for k, v in namespace.items() if k not in hidden and not k.startswith("_") and not callable(v)}
        context.clear()
        context.update(results)
        return True

    def call_service(self, context: dict, **kwargs: Any) -> Any:
        raise ScriptRejected("service tasks are not supported")


def _isolated(context: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the task data whose nested values the script may change without rewriting history."""
    return {k: copy.deepcopy(v) if isinstance(v, (dict, list, set)) else v for k, v in context.items()}


class RestrictedScriptEngine(PythonScriptEngine):
    """Spiff's PythonScriptEngine, restricted, remembering which task's code is running (``current_task``)."""

    def __init__(self, environment: RestrictedEnvironment) -> None:
        super().__init__(environment=environment)
        self.current_task: Any = None

    @contextmanager
    def _running(self, task: Any) -> Iterator[None]:
        self.current_task = task
        try:
            yield
        finally:
            self.current_task = None

    def evaluate(self, task: Any, expression: str, external_context: dict | None = None) -> Any:
        with self._running(task):
            return super().evaluate(task, expression, external_context)

    def execute(self, task: Any, script: str, external_context: dict | None = None) -> Any:
        with self._running(task):
            return super().execute(task, script, external_context)


def script_engine(functions: Mapping[str, Callable], *, time_limit_seconds: float = 1.0) -> RestrictedScriptEngine:
    """A restricted script engine exposing exactly ``functions`` to diagram code."""
    return RestrictedScriptEngine(RestrictedEnvironment(functions, time_limit_seconds))
