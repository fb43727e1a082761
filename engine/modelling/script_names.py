"""Which variables of the task data a piece of diagram code reads, and which it sets, found with Python's ``ast``.

A script reads a name when it loads it before any earlier statement of the same script assigned it. A compound
statement (``if``, ``for``, ``with``, ``try``…) counts as a whole: what it assigns anywhere inside counts as set for
its own reads and for the statements after it, so a name set in one branch of an ``if`` passes (few scripts
branch, and a warning there would more often be wrong than right). Names a comprehension, a lambda or a ``def``
binds are local and never read from the task data. A name tested with ``'name' in …`` is guarded: the code
looks before it reads, so it is not counted as read. Nor is a read that only some runs make: in an operand of
``and``/``or`` after the first, a branch of ``… if … else …``, the body of an ``if``, a loop or a ``match``, a
comprehension's element or filter (``late_request and requested_on <= …`` reads ``requested_on`` only on the path
where the request was recorded; a data-flow check cannot follow such a correlation, so it trusts it).

Code that does not parse reads and sets nothing here: the compiler's problem is reported elsewhere.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import lru_cache

_PARSE_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError)


def reads(source: str, mode: str) -> list[str]:
    """The names ``source`` (an ``eval`` expression or ``exec`` script) reads from the task data, in order."""
    return list(_reads(source, mode))


def assigned(source: str) -> set[str]:
    """The names the script ``source`` sets in the task data (those it binds outside comprehensions and defs)."""
    return set(_assigned(source))


@lru_cache(maxsize=4096)
def _reads(source: str, mode: str) -> tuple[str, ...]:
    tree = _parse(source, mode)
    if tree is None:
        return ()
    skipped = _local_names(tree) | _guarded_names(tree)
    conditional = _conditional(tree)
    if not isinstance(tree, ast.Module):
        return tuple(_unique(n for n in _loaded(tree, conditional) if n not in skipped))
    found: list[str] = []
    assigned: set[str] = set()
    for statement in tree.body:
        inside = _stored(statement) if _is_compound(statement) else set()
        found += [n for n in _loaded(statement, conditional) if n not in assigned | inside | skipped]
        assigned |= _stored(statement)
    return tuple(_unique(found))


@lru_cache(maxsize=4096)
def _assigned(source: str) -> frozenset[str]:
    tree = _parse(source, "exec")
    if not isinstance(tree, ast.Module):
        return frozenset()
    return frozenset({n for statement in tree.body for n in _stored(statement)} - _local_names(tree))


def _parse(source: str, mode: str) -> ast.AST | None:
    try:
        return ast.parse(source.strip() if mode == "eval" else source, mode=mode)
    except _PARSE_ERRORS:
        return None


def _is_compound(statement: ast.stmt) -> bool:
    return any(isinstance(getattr(statement, part, None), list) for part in ("body", "orelse", "handlers", "cases"))


def _loaded(tree: ast.AST, conditional: set[int]) -> list[str]:
    names = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in conditional]
    augmented = [n.target.id for n in ast.walk(tree) if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)
                 and id(n.target) not in conditional]
    return augmented + [n.id for n in sorted(names, key=_position) if isinstance(n.ctx, ast.Load)]


def _conditional(tree: ast.AST) -> set[int]:
    """The ``Name`` nodes that only some runs of the code evaluate (by ``id``)."""
    parts: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BoolOp):
            parts += node.values[1:]
        elif isinstance(node, ast.IfExp):
            parts += [node.body, node.orelse]
        elif isinstance(node, ast.If | ast.While | ast.For | ast.AsyncFor):
            parts += [*node.body, *node.orelse]
        elif isinstance(node, ast.Match):
            parts += [statement for case in node.cases for statement in case.body]
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
            parts += [node.elt, *(test for generator in node.generators for test in generator.ifs)]
        elif isinstance(node, ast.DictComp):
            parts += [node.key, node.value, *(test for generator in node.generators for test in generator.ifs)]
    return {id(name) for part in parts for name in ast.walk(part) if isinstance(name, ast.Name)}


def _position(node: ast.Name) -> tuple[int, int]:
    return node.lineno, node.col_offset


def _stored(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _local_names(tree: ast.AST) -> set[str]:
    """Names bound by comprehensions, lambdas and defs (and their arguments): local to that code."""
    local: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.comprehension):
            local |= _stored(node.target)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            local |= {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            local.add(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            local.add(node.name)
    return local


def _guarded_names(tree: ast.AST) -> set[str]:
    """Names the code tests for before it reads them: ``'name' in data`` or ``'name' not in data``."""
    return {
        node.left.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
        and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
    }


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))
