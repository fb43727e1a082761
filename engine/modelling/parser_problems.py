"""SpiffWorkflow's parser refusals as problems a process owner can act on: the element, its line, plain words.

The parser names an element by id; it sometimes prints an lxml object (``<Element {…}sourceRef at 0x…>``) where
it means the reference the element holds, and it loses the line of our trees. A data association it cannot
resolve gets its own message naming the references; any other refusal keeps the parser's text, with every
printed lxml object replaced by the tag it stands for. A called process the parser cannot find is left to the
validation's own check, which names the call activity (``model.call_unknown``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from ..errors import Problem
from .diagram_expressions import NS
from .problem_codes import problem

_PRINTED_ELEMENT = re.compile(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-fA-F]+>")
_PROCESS_NOT_FOUND = re.compile(r"The process '([^']*)' was not found")
_DATA_TARGETS = ("dataObject", "dataObjectReference", "dataStoreReference")


def parser_problem(err: ValidationException, trees: Mapping[str, etree._Element]) -> Problem | None:
    """The problem ``err`` stands for, located in ``trees`` (file name to parsed BPMN); None when a call activity
    calls the process the parser missed, which the validation reports on the call activity."""
    text = str(err.args[0] if err.args else err)
    missing = _PROCESS_NOT_FOUND.match(text)
    if missing and any(tree.xpath("//bpmn:callActivity[@calledElement=$id]", namespaces=NS, id=missing.group(1))
                       for tree in trees.values()):
        return None
    file = err.file_name or None
    element = _element(trees.get(file or ""), err.id)
    line = err.line_number or (element.sourceline if element is not None else None)
    refs = _unresolved_data_refs(element) if text.startswith("Cannot resolve data") and element is not None else []
    if refs:
        message = problem("model.data_reference", refs=", ".join(f"'{ref}'" for ref in refs))
    else:
        message = problem("model.bpmn_parser", detail=_PRINTED_ELEMENT.sub(r"bpmn:\1", text))
    return Problem(err.id or None, message, file, line or None)


def _element(tree: etree._Element | None, element_id: str | None) -> etree._Element | None:
    if tree is None or not element_id:
        return None
    return next(iter(tree.xpath("//*[@id=$id]", id=element_id)), None)


def _unresolved_data_refs(element: etree._Element) -> list[str]:
    root = element.getroottree()
    known = {e.get("id") for kind in _DATA_TARGETS for e in root.iterfind(f".//bpmn:{kind}", NS)}
    refs = [*element.iterfind("bpmn:dataInputAssociation/bpmn:sourceRef", NS),
            *element.iterfind("bpmn:dataOutputAssociation/bpmn:targetRef", NS)]
    return [ref.text.strip() for ref in refs if ref.text and ref.text.strip() not in known]
