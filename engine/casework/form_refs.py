"""References inside a form: only local JSON pointers (``#/$defs/…``) that resolve and never lead back to where
they are, so validating and drawing a form always ends and never fetches anything.

Refused: a ``$ref`` to another document or over the network, ``$dynamicRef``/``$recursiveRef`` and anchors, an
``$id`` below the root (it would change what ``#`` means), and any chain of references that comes back to itself
(a form is a list of fields, never a recursive structure).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

MAX_REFS = 1_000
REFUSED_KEYWORDS = ("$dynamicRef", "$recursiveRef", "$anchor", "$dynamicAnchor", "$recursiveAnchor")
_DATA_KEYWORDS = ("enum", "const", "default", "examples")
"""Keywords whose values are data, not schemas: a ``$ref`` inside them is no reference."""

Path = tuple[str, ...]


def problems(schema: Any) -> list[str]:
    """Messages for every reference of ``schema`` that is not allowed, does not resolve or is part of a cycle."""
    refs, found = _references(schema)
    if len(refs) > MAX_REFS:
        return [f"more than {MAX_REFS} references"]
    targets: dict[Path, Path] = {}
    for where, ref in refs.items():
        target = _target(schema, ref)
        if isinstance(target, str):
            found.append(f"{_pointer(where)}: $ref '{ref}' {target}")
        else:
            targets[where] = target
    cyclic = _in_cycles(targets)
    found += [f"{_pointer(where)}: $ref '{refs[where]}' never ends: it leads into a cycle of references"
              for where in sorted(cyclic)]
    return found


def _references(schema: Any) -> tuple[dict[Path, str], list[str]]:
    """Every ``$ref`` by the path of the object holding it, and the refused keywords met on the way."""
    refs: dict[Path, str] = {}
    found: list[str] = []
    todo: list[tuple[Any, Path]] = [(schema, ())]
    while todo:
        node, path = todo.pop()
        if isinstance(node, list):
            todo.extend((item, (*path, str(i))) for i, item in enumerate(node))
        if not isinstance(node, dict):
            continue
        for key in REFUSED_KEYWORDS:
            if isinstance(node.get(key), str):
                found.append(f"{_pointer(path)}: {key} is not allowed in a form")
        if path and isinstance(node.get("$id"), str):
            found.append(f"{_pointer(path)}: $id is allowed only at the top of a form")
        if isinstance(node.get("$ref"), str):
            refs[path] = node["$ref"]
        todo.extend((value, (*path, key)) for key, value in node.items() if key not in _DATA_KEYWORDS)
    return refs, found


def _target(schema: Any, ref: str) -> Path | str:
    """The path ``ref`` points to, or why it is refused."""
    if not ref.startswith("#") or (len(ref) > 1 and not ref.startswith("#/")):
        return "is refused: a form may refer only to its own parts (#/…), never to another document"
    path: Path = tuple(unquote(part).replace("~1", "/").replace("~0", "~") for part in ref[2:].split("/")) \
        if len(ref) > 1 else ()
    node = schema
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return "points to nothing in the form"
    return path


def _in_cycles(targets: dict[Path, Path]) -> set[Path]:
    """The references from which following references never ends (Kahn's algorithm: what cannot be ordered)."""
    follows = {ref: [other for other in targets if other[:len(target)] == target] for ref, target in targets.items()}
    waiting = {ref: len(nexts) for ref, nexts in follows.items()}
    needed_by: dict[Path, list[Path]] = {ref: [] for ref in targets}
    for ref, nexts in follows.items():
        for other in nexts:
            needed_by[other].append(ref)
    done = [ref for ref, count in waiting.items() if count == 0]
    while done:
        for ref in needed_by[done.pop()]:
            waiting[ref] -= 1
            if waiting[ref] == 0:
                done.append(ref)
    return {ref for ref, count in waiting.items() if count > 0}


def _pointer(path: Path) -> str:
    return "/".join(path) or "the form"
