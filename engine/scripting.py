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
import math
import operator
import re
import sys
import time
from collections.abc import Callable, Mapping
from functools import lru_cache, partial
from types import CodeType, FrameType, FunctionType
from typing import Any

import RestrictedPython as rp
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from .errors import EngineError

MAX_ITEMS = 100_000  # items of one sequence, characters of one string or of one value written out as text
MAX_INT_BITS = 10_000
MAX_FORMAT_WIDTH = 10_000
MAX_DATA_SIZE = 1_000_000  # items and characters of the data a script leaves, shared references counted each time
MAX_STARRED = 10  # ``*x`` unpackings in one source
MAX_ZIPPED = 16  # sequences zipped together: zip(*rows) of many long rows would build every tuple in C
DIAGRAM_FILE = "<string>"  # SpiffWorkflow finds the failing line of a script by this file name
DENIED_ATTRIBUTES = frozenset(  # padding allocates in C, and x.extend(x) doubles in C (x += y is guarded)
    "format format_map mro translate ljust rjust center zfill expandtabs to_bytes extend".split())
DENIED_PREFIXES = ("_", "gi_", "cr_", "ag_", "f_", "tb_", "co_")


class ScriptRejected(EngineError):
    """Diagram code uses something the restricted engine does not allow; ``details`` lists compile problems."""

    code = "script_rejected"


class ScriptLimitExceeded(EngineError):
    """Diagram code ran too long, recursed too deeply or tried to build a value that is too large."""

    code = "script_limit_exceeded"


class _Policy(rp.RestrictingNodeTransformer):
    """RestrictedPython's checks, plus: refuse more statements and route risky operations through guards."""

    REFUSED = {ast.Import: "imports", ast.ImportFrom: "imports", ast.ClassDef: "classes", ast.Try: "try statements"}
    GUARDED = {ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%"}

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
        symbol = self.GUARDED.get(type(node.op))
        return node if symbol is None else self.guard("_binop_", node, ast.Constant(symbol), node.left, node.right)

    def visit_Starred(self, node: ast.Starred) -> ast.AST:
        node = self.node_contents_visit(node)
        if isinstance(node.ctx, ast.Load):
            self.starred = getattr(self, "starred", 0) + 1
            if self.starred > MAX_STARRED:
                self.error(node, f"more than {MAX_STARRED} *-unpackings are not allowed")
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
        if _is_too_wide("".join(str(p.value) for p in getattr(spec, "values", [spec]) if isinstance(p, ast.Constant))):
            self.error(node, f"format widths above {MAX_FORMAT_WIDTH} are not allowed")
        call = self.guard("_format_", node, node.value, ast.Constant(node.conversion), spec)
        return ast.copy_location(ast.FormattedValue(call, -1, None), node)


def _is_too_wide(format_spec: str) -> bool:
    return any(len(digits) > 6 or int(digits) > MAX_FORMAT_WIDTH for digits in re.findall(r"[1-9]\d*", format_spec))


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


def _check_size(size: float, what: str, limit: int = MAX_ITEMS) -> None:
    if size > limit:
        raise ScriptLimitExceeded(f"{what} would build a value larger than the limit of {limit}")


def _check_data(value: Any, what: str, limit: int = MAX_ITEMS) -> None:
    """Refuse ``value`` when writing it out as text or JSON would exceed ``limit`` items and characters."""
    sizes: dict[int, int] = {}

    def size(item: Any) -> int:
        if isinstance(item, (str, bytes)):
            return len(item)
        if not isinstance(item, (dict, list, tuple, set, frozenset)):
            return 1
        if id(item) not in sizes:
            sizes[id(item)] = 1  # a value that contains itself is written out as "[...]"
            parts = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            sizes[id(item)] = 1 + sum(size(part) for part in parts)
        return sizes[id(item)]

    _check_size(size(value), what, limit)


OPERATORS = {"+": "add", "-": "sub", "*": "mul", "/": "truediv", "//": "floordiv", "%": "mod", "**": "pow",
             "<<": "lshift", ">>": "rshift", "&": "and_", "|": "or_", "^": "xor", "@": "matmul"}


def _binop(symbol: str, left: Any, right: Any, in_place: bool = False) -> Any:
    if symbol == "%" and isinstance(left, (str, bytes)):
        raise ScriptRejected("%-formatting is not allowed in diagram code; use f-strings")
    size, limit = _result_size(symbol, left, right)
    _check_size(size, f"'{symbol}'", limit)
    name = OPERATORS[symbol]
    return getattr(operator, "i" + name.rstrip("_") if in_place else name)(left, right)


def _result_size(symbol: str, left: Any, right: Any) -> tuple[float, int]:
    """Estimate, before computing it, how large ``left <symbol> right`` would be, and the limit that applies."""
    if isinstance(left, int) and isinstance(right, int):
        if symbol == "**" and abs(left) > 1:
            return min(right, MAX_INT_BITS + 1) * math.log2(abs(left)), MAX_INT_BITS
        if symbol == "<<" and left:
            return left.bit_length() + right, MAX_INT_BITS
        return (left.bit_length() + right.bit_length() if symbol == "*" else 0), MAX_INT_BITS
    lengths = [len(v) if isinstance(v, (str, bytes, list, tuple)) else 0 for v in (left, right)]
    times = right if isinstance(right, int) else left if isinstance(left, int) else 0
    return {"+": sum(lengths), "*": max(lengths) * times}.get(symbol, 0), MAX_ITEMS


def _format(value: Any, conversion: int, format_spec: str) -> str:
    if _is_too_wide(format_spec):
        raise ScriptLimitExceeded(f"format widths above {MAX_FORMAT_WIDTH} are not allowed")
    _check_data(value, "an f-string")
    if conversion != -1:
        value = (str if conversion == ord("s") else repr if conversion == ord("r") else ascii)(value)
    return format(value, format_spec)


def _starred(value: Any) -> Any:
    _check_size(len(value) if hasattr(value, "__len__") else 0, "'*' unpacking")
    return value


def _key(function: Any) -> Any:
    if function is not None and not isinstance(function, FunctionType):  # sorted() calls a C key untraced
        raise ScriptRejected("key= takes a lambda or a def in diagram code")
    return function


def _join(separator: str | bytes, items: Any) -> str | bytes:
    items = list(items)
    pieces = sum(len(item) for item in items if isinstance(item, (str, bytes)))
    _check_size(pieces + len(separator) * max(len(items) - 1, 0), "join()")
    return separator.join(items)


def _replace(text: str | bytes, old: Any, new: Any, count: int = -1) -> str | bytes:
    hits = text.count(old) if count < 0 else min(count, text.count(old))
    _check_size(len(text) + hits * (len(new) - len(old)), "replace()")
    return text.replace(old, new, count)


AMPLIFIERS: dict[str, tuple[tuple[type, ...], Callable[..., Any]]] = {"join": ((str, bytes), _join),
                                                                       "replace": ((str, bytes), _replace)}


def _getattr(obj: Any, name: str) -> Any:
    if name.startswith(DENIED_PREFIXES) or name in DENIED_ATTRIBUTES:
        raise ScriptRejected(f"attribute '{name}' is not allowed in diagram code")
    kinds, guard = AMPLIFIERS.get(name, ((), None))
    if kinds and isinstance(obj, type):
        raise ScriptRejected(f"call '{name}' on a value, not on its type")
    if guard is not None and isinstance(obj, kinds):
        return partial(guard, obj)
    return rp.Guards.safer_getattr_raise(obj, name)


class _StrType(type):
    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, str)


class _Str(str, metaclass=_StrType):
    """``str`` for diagram code: refuses to write out too large a value; ``isinstance(x, str)`` still works."""

    def __new__(cls, value: Any = "", *args: Any) -> str:  # type: ignore[misc]
        _check_data(value, "str()")
        return str(value, *args)


def _builtins() -> dict[str, Any]:
    """Builtins for diagram code; no ``map`` or ``filter``, since a C function applied by C code runs untraced."""

    def round_(number: Any, ndigits: int | None = None) -> Any:
        _check_size(abs(ndigits or 0), "round()", MAX_INT_BITS // 4)  # round(n, -d) computes 10 ** d first
        return round(number, ndigits)

    def zip_(*sequences: Any) -> Any:
        _check_size(len(sequences), "zip()", MAX_ZIPPED)
        return zip(*sequences, strict=False)

    def sum_(numbers: Any, start: Any = 0) -> Any:
        if not isinstance(start, (int, float)):  # sum(lists, []) would copy ever longer lists in C
            raise ScriptRejected("sum() adds numbers only in diagram code")
        return sum(numbers, start)

    def range_(*args: int) -> Any:
        range(*args)  # Python's own errors first: a zero step is not a size problem
        try:
            return rp.Limits.limited_range(*args)
        except (ValueError, OverflowError) as err:
            raise ScriptLimitExceeded(str(err)) from err

    removed = {"__build_class__", "_getattr_", "setattr", "delattr", "hash", "id", "repr"}
    allowed = {k: v for k, v in {**rp.safe_builtins, **rp.limited_builtins}.items() if k not in removed}
    return {**allowed, "min": min, "max": max, "any": any, "all": all, "enumerate": enumerate, "sorted": sorted,
            "reversed": reversed, "dict": dict, "list": list, "tuple": tuple, "set": set, "frozenset": frozenset,
            "str": _Str, "range": range_, "round": round_, "zip": zip_, "sum": sum_,
            "pow": lambda base, exponent: _binop("**", base, exponent)}  # pow(a, b, m) on huge ints runs long in C


GUARDS = {"_getattr_": _getattr, "_getitem_": rp.Eval.default_guarded_getitem, "_write_": rp.Guards.full_write_guard,
          "_getiter_": rp.Eval.default_guarded_getiter, "_unpack_sequence_": rp.Guards.guarded_unpack_sequence,
          "_iter_unpack_sequence_": rp.Guards.guarded_iter_unpack_sequence, "_key_": _key,
          "_binop_": _binop, "_inplacevar_": lambda op, x, y: _binop(op[:-1], x, y, in_place=True),
          "_format_": _format, "_starred_": _starred,
          "_apply_": lambda f, /, *args, **kw: f(*args, **{k: _key(v) if k == "key" else v for k, v in kw.items()})}


def _run_limited(action: Callable[[], Any], seconds: float) -> Any:
    """Run ``action``, stopping diagram code after ``seconds`` in any thread; this module's frames run untraced."""
    deadline = time.monotonic() + seconds

    def trace(frame: FrameType, event: str, arg: Any) -> Callable | None:
        if event == "call":
            if frame.f_code.co_filename == __file__:
                return None
            frame.f_trace_opcodes = frame.f_code.co_filename == DIAGRAM_FILE  # one-line loops emit no lines
        if time.monotonic() > deadline:
            raise ScriptLimitExceeded(f"diagram code exceeded its time limit of {seconds} s")
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
        super().__init__({**self.functions, "__builtins__": _builtins(), **GUARDS})

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        code = _compile(expression, "eval")
        namespace = self._namespace(context, external_context)
        result = self._run(lambda: eval(code, namespace))
        _check_data(result, "the value of an expression", MAX_DATA_SIZE)
        return result

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        code = _compile(script, "exec")
        namespace = self._namespace(context, external_context)
        self._run(lambda: exec(code, namespace))
        hidden = set(self.globals) | set(external_context or {})
        results = {k: v for k, v in namespace.items() if k not in hidden and not k.startswith("_") and not callable(v)}
        _check_data(results, "the task data a script leaves", MAX_DATA_SIZE)
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
