"""Form fields that hold a document: ``"x-document": true`` on an integer field (the certificate of definitive
unfitness on the re-integration request).

The value is the id of a file uploaded at that very task of that case (``case_documents.upload`` with the task's
work item): the web page uploads the file the field asks for and completes the task with its id; a program uploads
first and completes with the id. A completion naming anything else (another case's document, one uploaded on the
case or at another task, a generated letter) is refused at the field, as is a document whose class protects less
than the field's (a certificate uploaded as ``case`` would show a medical document to the employer). Whether the
field must be filled is the form's ordinary JSON Schema (``required``, ``dependentRequired``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from ..errors import Coded, InvalidInput
from ..store.models import WorkItem
from ..store.paper_models import CaseDocument
from .disclosure import field_class, loosens
from .problem_codes import problem

FLAG = "x-document"


def names(schema: Mapping[str, Any] | None) -> list[str]:
    """The fields of ``schema`` that hold a document."""
    return [name for name, spec in (schema or {}).get("properties", {}).items()
            if isinstance(spec, dict) and spec.get(FLAG) is True]


def check(session: Session, schema: Mapping[str, Any] | None, data: Mapping[str, Any], item: WorkItem) -> None:
    """Refuse (``InvalidInput`` per field) document fields of ``data`` that name no file uploaded at ``item``, or
    one whose class protects less than the field's. A value that is no id is left to the form's own validation."""
    errors: dict[str, list[str]] = {}
    for name in names(schema):
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            continue
        message = _refusal(session.get(CaseDocument, value), value, item,
                           field_class((schema or {})["properties"][name]).classification)
        if message is not None:
            errors[name] = [message]
    if errors:
        raise InvalidInput("a document field names no document uploaded at this task", errors)


def _refusal(document: CaseDocument | None, value: int, item: WorkItem, needed: str) -> Coded | None:
    if document is None or document.case_id != item.case_id or document.work_item_id != item.id \
            or document.kind != "upload":
        return problem("document.not_at_task", document=value)
    if loosens(needed, document.classification):
        return problem("document.class_too_loose", document=value, classification=document.classification,
                       required=needed)
    return None


def convention_problems(spec: Mapping[str, Any]) -> list[str]:
    """How a field's ``x-document`` breaks the conventions: a boolean, and only on an integer field without a
    choice (the value is a document's id)."""
    if FLAG not in spec:
        return []
    if not isinstance(spec[FLAG], bool):
        return [problem("form.flag_not_boolean", flag=FLAG)]
    if spec[FLAG] and (spec.get("type") != "integer" or "enum" in spec):
        return [problem("form.document_not_integer", flag=FLAG)]
    return []
