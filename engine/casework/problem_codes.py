"""The coded messages of casework: how a form breaks the conventions, and why a work item refuses an act.

Each code names an English template whose ``{name}`` fields the message fills in (``Coded.filled``); user
interfaces translate by code. A code never changes meaning: a new meaning gets a new code.
"""

from __future__ import annotations

from typing import Any

from ..errors import Coded

CODES = {
    "form.texts_missing": "{key} needs texts in {languages}",
    "form.text_missing": "{key} has no text in {languages}",
    "form.decides_without_irreversible": "x-decides-on is for an act that cannot be undone: say what it decides in "
                                         "x-irreversible",
    "form.order_incomplete": "x-order must list every field exactly once",
    "form.field": "field '{field}': {problem}",
    "form.row_field": "row field '{field}': {problem}",
    "form.classification": "x-classification must be one of {classifications}",
    "form.flag_not_boolean": "{flag} must be true or false",
    "form.employer_flag_misplaced": "{flag} is allowed only on case and personal fields",
    "form.date_rule_names": "{rule} must be a name or a list of names",
    "form.not_json_schema": "not a valid JSON Schema: {detail}",
    "form.shape": "{where}: {detail}",
    "form.pattern_not_linear": "pattern {pattern!r} cannot be evaluated in linear time (no backreferences or "
                               "lookarounds)",
    "form.document_not_integer": "{flag} is allowed only on an integer field without choices (a document's id)",
    "form.pattern_properties": "patternProperties is not supported: a form names its fields",
    "work_item.not_open": "work item {item} is already {state}",
    "work_item.claimed": "work item {item} is claimed by {assignee}",
    "work_item.not_claimed": "work item {item} is not claimed by {user}",
    "work_item.instance_failed": "instance {instance} failed; repair it first",
    "work_item.medical_fields": "only medical roles may record medical fields",
    "case.reference_taken": "a case with reference '{reference}' already exists",
    "start.automatic": "{process} starts with the case, and again with each new period of incapacity (0.6); it is "
                       "never started by hand once the case has one",
    "start.role": "none of your roles may start {process}",
    "start.route_role": "none of your roles starts {process} on route {route}",
    "event.role": "none of your roles records {message}",
    "late_act.no_window": "'{task}' confirms no closed window: only a confirmation can take a late act",
    "plan.part_time_not_requested": "the plan includes part-time work during the incapacity from {first_day}: it "
                                    "cannot be carried out before the worker's request for the advisory physician's "
                                    "authorisation is recorded (T28, art. 100 §2 GVU-wet)",
    "document.empty": "the file is empty",
    "document.too_large": "the file is larger than {limit} MiB",
    "document.type_not_accepted": "files of this type are not accepted; accepted: {accepted}",
    "document.content_mismatch": "the content of this .{extension} file is not {claimed}: it holds {found}",
    "document.classification": "the classification must be one of {classifications}",
    "document.not_at_task": "document {document} is no document uploaded at this task of this case",
    "document.class_too_loose": "document {document} was uploaded as {classification}: this field needs a document "
                                "classified at least {required}",
    "comment.empty": "write a comment: it is empty",
    "comment.too_long": "a comment holds at most {limit} characters",
    "comment.nul": "a comment may not hold a NUL character",
}
"""Every casework message a user may see, by code."""


def problem(code: str, **params: Any) -> Coded:
    """The casework message ``code`` filled in with ``params``."""
    return Coded.filled(code, CODES[code], **params)
