"""The coded messages a process owner meets: why a diagram or a form is refused, and why instances cannot move.

Each code names an English template whose ``{name}`` fields the message fills in (``Coded.filled``); user
interfaces translate by code. A code never changes meaning: a new meaning gets a new code. ``CODES`` gathers this
layer's codes with those of the layers below it (``casework``, ``runtime``): every coded message of the engine.

A ``detail`` parameter carries a toolchain's own text (lxml's XML and XSD messages, SpiffWorkflow's parser, the
Python compiler, jsonschema); it stays English, quoted inside the translated sentence, because those libraries
have no Dutch or French.
"""

from __future__ import annotations

from typing import Any

from ..casework import problem_codes as casework_codes
from ..errors import Coded
from ..runtime import problem_codes as runtime_codes

MODELLING_CODES = {
    "model.file_too_large": "file is larger than {limit} bytes",
    "model.unknown_encoding": "unknown encoding '{encoding}'; save the file as UTF-8",
    "model.bad_encoding": "the file is not valid {encoding} (byte {byte}); save it as UTF-8",
    "model.json_too_deep": "nested more than {limit} levels deep",
    "model.xml_declarations": "refused: DTDs, entity declarations and external references are not allowed ({kind})",
    "model.xml_malformed": "malformed XML: {detail}",
    "model.xml_too_deep": "refused: elements nested too deeply",
    "model.xml_depth_limit": "refused: elements nested more than 255 levels deep",
    "model.xml_syntax": "{detail}",
    "model.bpmn_schema": "{detail}",
    "model.bpmn_parser": "{detail}",
    "model.data_reference": "reads or writes {refs}, which is no data object or data store of this process",
    "model.not_executable": "process '{process}' is marked isExecutable=\"false\", so this file would deploy "
                            "nothing; mark the process executable to run it",
    "model.builtin_unavailable": "'{name}' is not available to diagram code: the script would fail when a case "
                                 "reaches it",
    "model.script_empty": "this script task has no script: write what it computes, or make it another kind of task",
    "model.unset_variable": "'{name}' is read here, but no form, script, message or start variable sets it before "
                            "this point on every path",
    "model.output_unset": "the process returns '{name}' (a data output), but nothing sets it on every path to this "
                          "end",
    "model.call_unknown": "calls '{called}', which is neither deployed with it nor deployed before",
    "model.no_lanes": "process has no lanes: put every task in a lane named for a role ({roles})",
    "model.lane_unnamed": "this lane has no name: name it after the role that works in it ({roles})",
    "model.lane_without_role": "lane '{lane}' maps to no role (known roles: {roles})",
    "model.task_in_no_lane": "user task is in no lane, so no role can do it",
    "model.task_without_form": "user task names no form (property {property})",
    "model.form_missing": "form '{form}' does not exist",
    "model.form_not_schema": "form '{form}' is not a valid JSON Schema: {detail}",
    "model.form_convention": "form '{form}': {problem}",
    "model.deadline_twice": "user task '{task}' lists deadline rules and says it is not time-bound; keep one of the "
                            "two",
    "model.untimed_without_reason": "user task '{task}' is marked not time-bound without a reason: say why the law "
                                    "sets no term (property {property})",
    "model.task_without_deadline": "user task '{task}' is in a legal lane but has no deadline: attach a boundary timer "
                                   "with a deadline rule, list the rules that bound it elsewhere (property {rules}), "
                                   "or say why the law sets no term (property {untimed})",
    "model.unknown_rule": "unknown deadline rule '{rule}'",
    "model.act_date_missing": "boundary timer guards the deadline {rules} but names no act date: set the property "
                              "{property} to the variable holding the legal date of the act that meets the term "
                              "(e.g. decided_on), so the verdict follows that date and not the order of processing",
    "model.event_based_gateway": "event-based gateways are unreliable in SpiffWorkflow 3.2.0; use boundary timer and "
                                 "message events on a task instead",
    "model.service_task": "service tasks are not supported",
    "model.business_rule_task": "business rule tasks are not supported yet",
    "model.message_unnamed": "message event names no message with a name",
    "model.receive_unnamed": "receive task names no message with a name",
    "model.expression_nested": "nested more than {limit} levels deep; split it into steps",
    "model.expression_syntax": "{detail} on line {line}",
    "model.expression_empty": "the expression is empty: write the condition or value it stands for",
    "model.expression_too_long": "too long or nested too deeply to compile (limit {limit} levels)",
    "model.expression": "expression does not compile: {problem}",
    "model.not_a_variable": "'{name}' is not a variable name",
    "model.assignment_unrun": "data assignments are not run by this engine; use a script task",
    "model.transformation_unrun": "data transformations are not run by this engine; use a script task",
    "model.timer_expressions": "a timer needs exactly one time expression",
    "model.timer_expression": "timer expression does not compile: {problem}",
    "model.timer_one_call": "a timer takes its date from one deadline rule: the whole expression is one call such as "
                            "{example}, nothing around it; a rule held in a variable needs the property {property} "
                            "listing the rules",
    "model.deadline_arguments": "deadline() takes the rule, the start date and at most a regime date and an "
                                "alternative start",
    "model.deadline_keywords": "deadline() accepts only the keywords {keywords}",
    "model.deadline_literal_start": "the start of a term is a date of the case (a variable), never a literal",
    "model.deadline_nested": "a timer computes one deadline: no deadline() inside its arguments",
    "model.deadline_duration": "deadline() gives a date: use timeDate, not timeDuration",
    "model.cycle_not_repeating": "timeCycle repeats the timer, but the law does not repeat {rules} (repeats = true in "
                                 "deadlines.toml); use timeDate",
    "model.cycle_uneven": "a timeCycle repeats a fixed length, but {rules} counts in months, years or working days: "
                          "model the repetition as a loop whose timeDate counts each term again",
    "archive.not_zip": "{label} is not a zip file",
    "archive.entry_unreadable": "{label} is damaged: its entry {entry} cannot be unpacked",
    "archive.too_many_files": "{label} holds more than {limit} files",
    "archive.file_too_large": "{label} holds a file larger than {limit} bytes",
    "archive.too_large": "{label} unpacks to more than {limit} bytes",
    "import.too_large": "{name} is larger than {limit} bytes",
    "import.no_bpmn": "{name} holds no BPMN file (.bpmn)",
    "import.unreadable": "{name} cannot be read: {reason}",
    "import.not_xml": "{name} is not XML: {detail}",
    "import.unsafe_xml": "{name} is refused: DTDs, entity declarations and external references are not allowed "
                         "({kind})",
    "import.too_deep": "{name} is refused: its elements nest too deeply",
    "import.not_bpmn": "{name} is XML but not BPMN 2.0: its root is <{root}>, not the definitions of the BPMN "
                       "model namespace",
    "import.no_process": "{name} holds no process",
    "import.process_id_too_long": "process id '{process_id}' is longer than {limit} characters",
    "import.form_unreadable": "form {name} is not a JSON object: {detail}",
    "model.rule_other_role": "rule {rule} is a term for the role '{acting_role}' to act, but the timer guards "
                             "'{task}' in the lane '{lane_role}': check that this is the term that bounds this task",
    "model.rule_counts_from_later": "the timer counts {rule} from '{start}', which only '{task}' itself or a later "
                                    "step records: that date is not yet known when the task begins (or is an earlier "
                                    "round's), so the term can be due before the task exists",
    "compare.unreadable": "cannot compare versions with unreadable BPMN files",
    "compare.old_unreadable": "old version: unreadable XML ({kind})",
    "compare.new_unreadable": "new version: unreadable XML ({kind})",
    "draft.saved_since": "draft {draft} was saved by {user} since revision {revision}; reload it",
    "draft.deployed": "draft {draft} is deployed; start a new draft",
    "draft.already_deployed": "draft {draft} is already deployed",
    "draft.needs_approval": "process '{process}' needs a second process owner's approval: revision {revision} of "
                            "draft {draft} has none; ask a colleague to review it",
    "draft.approval_outdated": "draft {draft} was approved at revision {approved} and saved again since (revision "
                               "{revision}); ask for a review of what will be deployed",
    "draft.approver_deploys": "{user} approved draft {draft}, so another process owner deploys it: four eyes",
    "draft.author_approves": "{user} edited draft {draft}; a process owner who did not edit it approves it",
    "draft.approval_problems": "draft {draft} does not validate; a draft with problems cannot be approved",
    "move.reverted_already": "migration {migration} cannot be reverted: it was reverted already",
    "move.instance_ended": "migration {migration} cannot be reverted: the instance is {state}",
    "move.blocked": "the instance moved on since its migration and cannot move back: {blockers}",
}
"""The modelling layer's own codes."""

CODES = {**casework_codes.CODES, **runtime_codes.CODES, **MODELLING_CODES}
"""Every coded message of the engine, by code, with its English template."""


def problem(code: str, **params: Any) -> Coded:
    """The modelling message ``code`` filled in with ``params``."""
    return Coded.filled(code, MODELLING_CODES[code], **params)
