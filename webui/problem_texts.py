"""The engine's coded messages in the reader's language: one gettext text per code, its parameters filled in.

The engine gives a message as ``engine.Coded``: a stable code, its parameters and English text (for logs and the
API). ``message_text`` looks the code up here and fills the translation in; a message without a code here (a
plain string, or a code newer than this table) stays as the engine said it. Dates read dd/mm/yyyy, a parameter
that is itself coded is translated too, and states and diagram names read in the reader's language.

A ``detail`` parameter carries a toolchain's own text (lxml's XML and XSD messages, SpiffWorkflow's parser, the
Python compiler, jsonschema): it stays English, quoted inside the translated sentence, because those libraries
speak no Dutch or French and their texts are too many and too changeable to translate by pattern.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Flask
from flask_babel import format_date, lazy_gettext

import engine

from .labels import ROLE_NAMES, STATE_NAMES, element_name, procedure_title

TEXTS = {
    "form.texts_missing": lazy_gettext("%(key)s needs texts in %(languages)s"),
    "form.text_missing": lazy_gettext("%(key)s has no text in %(languages)s"),
    "form.decides_without_irreversible": lazy_gettext(
        "x-decides-on is for an act that cannot be undone: say what it decides in x-irreversible"),
    "form.order_incomplete": lazy_gettext("x-order must list every field exactly once"),
    "form.field": lazy_gettext("field '%(field)s': %(problem)s"),
    "form.row_field": lazy_gettext("row field '%(field)s': %(problem)s"),
    "form.classification": lazy_gettext("x-classification must be one of %(classifications)s"),
    "form.flag_not_boolean": lazy_gettext("%(flag)s must be true or false"),
    "form.employer_flag_misplaced": lazy_gettext("%(flag)s is allowed only on case and personal fields"),
    "form.date_rule_names": lazy_gettext("%(rule)s must be a name or a list of names"),
    "form.not_json_schema": lazy_gettext("not a valid JSON Schema: %(detail)s"),
    "form.shape": lazy_gettext("%(where)s: %(detail)s"),
    "form.pattern_not_linear": lazy_gettext(
        "pattern '%(pattern)s' cannot be evaluated in linear time (no backreferences or lookarounds)"),
    "form.pattern_properties": lazy_gettext("patternProperties is not supported: a form names its fields"),
    "work_item.not_open": lazy_gettext("Task %(item)s is already %(state)s."),
    "work_item.claimed": lazy_gettext("Task %(item)s is claimed by %(assignee)s."),
    "work_item.not_claimed": lazy_gettext("Task %(item)s is not claimed by %(user)s."),
    "work_item.instance_failed": lazy_gettext("Instance %(instance)s failed; repair it first."),
    "work_item.medical_fields": lazy_gettext("Only medical roles may record medical fields."),
    "case.reference_taken": lazy_gettext("A case with reference '%(reference)s' already exists."),
    "document.empty": lazy_gettext("the file is empty"),
    "document.too_large": lazy_gettext("the file is larger than %(limit)s MiB"),
    "document.type_not_accepted": lazy_gettext("files of this type are not accepted; accepted: %(accepted)s"),
    "document.content_mismatch": lazy_gettext(
        "the content of this .%(extension)s file is not %(claimed)s: it holds %(found)s"),
    "document.classification": lazy_gettext("the classification must be one of %(classifications)s"),
    "document.not_at_task": lazy_gettext("document %(document)s is no document uploaded at this task of this case"),
    "document.class_too_loose": lazy_gettext(
        "document %(document)s was uploaded as %(classification)s: this field needs a document classified at least "
        "%(required)s"),
    "form.document_not_integer": lazy_gettext(
        "%(flag)s is allowed only on an integer field without choices (a document's id)"),
    "comment.empty": lazy_gettext("write a comment: it is empty"),
    "comment.too_long": lazy_gettext("a comment holds at most %(limit)s characters"),
    "comment.nul": lazy_gettext("a comment may not hold a NUL character"),
    "run.task_not_waiting": lazy_gettext("Task '%(task)s' is no longer waiting to be done."),
    "run.endless_steps": lazy_gettext(
        "The diagram keeps running without waiting: more than %(steps)s automatic steps or %(seconds)s s in one "
        "engine call."),
    "run.too_many_instances": lazy_gettext(
        "A multi-instance activity may create at most %(limit)s instances, not %(count)s."),
    "run.cardinality_too_high": lazy_gettext("loop cardinality %(value)s is above the limit of %(limit)s instances"),
    "run.failed": lazy_gettext("The diagram failed while running: %(detail)s"),
    "run.name_unset": lazy_gettext(
        "'%(name)s' has no value when this element runs: nothing set it on the path this case took"),
    "run.code_failed": lazy_gettext(
        "the diagram's code stopped here (%(kind)s): check what it computes from the data the case has at this point"),
    "model.file_too_large": lazy_gettext("file is larger than %(limit)s bytes"),
    "model.unknown_encoding": lazy_gettext("unknown encoding '%(encoding)s'; save the file as UTF-8"),
    "model.bad_encoding": lazy_gettext("the file is not valid %(encoding)s (byte %(byte)s); save it as UTF-8"),
    "model.json_too_deep": lazy_gettext("nested more than %(limit)s levels deep"),
    "model.xml_declarations": lazy_gettext(
        "refused: DTDs, entity declarations and external references are not allowed (%(kind)s)"),
    "model.xml_malformed": lazy_gettext("malformed XML: %(detail)s"),
    "model.xml_too_deep": lazy_gettext("refused: elements nested too deeply"),
    "model.xml_depth_limit": lazy_gettext("refused: elements nested more than 255 levels deep"),
    "model.xml_syntax": lazy_gettext("XML error: %(detail)s"),
    "model.bpmn_schema": lazy_gettext("not valid against the BPMN schema: %(detail)s"),
    "model.bpmn_parser": lazy_gettext("SpiffWorkflow refuses the diagram: %(detail)s"),
    "model.data_reference": lazy_gettext("reads or writes %(refs)s, which is no data object or data store of "
                                         "this process"),
    "model.not_executable": lazy_gettext(
        "process '%(process)s' is marked isExecutable=\"false\", so this file would deploy nothing; mark the process "
        "executable to run it"),
    "model.builtin_unavailable": lazy_gettext(
        "'%(name)s' is not available to diagram code: the script would fail when a case reaches it"),
    "model.script_empty": lazy_gettext(
        "this script task has no script: write what it computes, or make it another kind of task"),
    "model.unset_variable": lazy_gettext(
        "'%(name)s' is read here, but no form, script, message or start variable sets it before this point on every "
        "path"),
    "model.output_unset": lazy_gettext(
        "the process returns '%(name)s' (a data output), but nothing sets it on every path to this end"),
    "model.call_unknown": lazy_gettext("calls '%(called)s', which is neither deployed with it nor deployed before"),
    "model.no_lanes": lazy_gettext("process has no lanes: put every task in a lane named for a role (%(roles)s)"),
    "model.lane_unnamed": lazy_gettext("this lane has no name: name it after the role that works in it (%(roles)s)"),
    "model.lane_without_role": lazy_gettext("lane '%(lane)s' maps to no role (known roles: %(roles)s)"),
    "model.task_in_no_lane": lazy_gettext("user task is in no lane, so no role can do it"),
    "model.task_without_form": lazy_gettext("user task names no form (property %(property)s)"),
    "model.form_missing": lazy_gettext("form '%(form)s' does not exist"),
    "model.form_not_schema": lazy_gettext("form '%(form)s' is not a valid JSON Schema: %(detail)s"),
    "model.form_convention": lazy_gettext("form '%(form)s': %(problem)s"),
    "model.deadline_twice": lazy_gettext(
        "user task '%(task)s' lists deadline rules and says it is not time-bound; keep one of the two"),
    "model.untimed_without_reason": lazy_gettext(
        "user task '%(task)s' is marked not time-bound without a reason: say why the law sets no term (property "
        "%(property)s)"),
    "model.task_without_deadline": lazy_gettext(
        "user task '%(task)s' is in a legal lane but has no deadline: attach a boundary timer with a deadline rule, "
        "list the rules that bound it elsewhere (property %(rules)s), or say why the law sets no term (property "
        "%(untimed)s)"),
    "model.unknown_rule": lazy_gettext("unknown deadline rule '%(rule)s'"),
    "model.act_date_missing": lazy_gettext(
        "boundary timer guards the deadline %(rules)s but names no act date: set the property %(property)s to the "
        "variable holding the legal date of the act that meets the term (e.g. decided_on), so the verdict follows "
        "that date and not the order of processing"),
    "model.event_based_gateway": lazy_gettext(
        "event-based gateways are unreliable in SpiffWorkflow 3.2.0; use boundary timer and message events on a task "
        "instead"),
    "model.service_task": lazy_gettext("service tasks are not supported"),
    "model.business_rule_task": lazy_gettext("business rule tasks are not supported yet"),
    "model.message_unnamed": lazy_gettext("message event names no message with a name"),
    "model.receive_unnamed": lazy_gettext("receive task names no message with a name"),
    "model.expression_nested": lazy_gettext("nested more than %(limit)s levels deep; split it into steps"),
    "model.expression_syntax": lazy_gettext("%(detail)s on line %(line)s"),
    "model.expression_empty": lazy_gettext("the expression is empty: write the condition or value it stands for"),
    "model.expression_too_long": lazy_gettext("too long or nested too deeply to compile (limit %(limit)s levels)"),
    "model.expression": lazy_gettext("expression does not compile: %(problem)s"),
    "model.not_a_variable": lazy_gettext("'%(name)s' is not a variable name"),
    "model.assignment_unrun": lazy_gettext("data assignments are not run by this engine; use a script task"),
    "model.transformation_unrun": lazy_gettext("data transformations are not run by this engine; use a script task"),
    "model.timer_expressions": lazy_gettext("a timer needs exactly one time expression"),
    "model.timer_expression": lazy_gettext("timer expression does not compile: %(problem)s"),
    "model.timer_one_call": lazy_gettext(
        "a timer takes its date from one deadline rule: the whole expression is one call such as %(example)s, nothing "
        "around it; a rule held in a variable needs the property %(property)s listing the rules"),
    "model.deadline_arguments": lazy_gettext(
        "deadline() takes the rule, the start date and at most a regime date and an alternative start"),
    "model.deadline_keywords": lazy_gettext("deadline() accepts only the keywords %(keywords)s"),
    "model.deadline_literal_start": lazy_gettext(
        "the start of a term is a date of the case (a variable), never a literal"),
    "model.deadline_nested": lazy_gettext("a timer computes one deadline: no deadline() inside its arguments"),
    "model.deadline_duration": lazy_gettext("deadline() gives a date: use timeDate, not timeDuration"),
    "model.cycle_not_repeating": lazy_gettext(
        "timeCycle repeats the timer, but the law does not repeat %(rules)s (repeats = true in deadlines.toml); use "
        "timeDate"),
    "model.cycle_uneven": lazy_gettext(
        "a timeCycle repeats a fixed length, but %(rules)s counts in months, years or working days: model the "
        "repetition as a loop whose timeDate counts each term again"),
    "model.rule_other_role": lazy_gettext(
        "rule %(rule)s is a term for the role '%(acting_role)s' to act, but the timer guards '%(task)s' in the lane "
        "'%(lane_role)s': check that this is the term that bounds this task"),
    "model.rule_counts_from_later": lazy_gettext(
        "the timer counts %(rule)s from '%(start)s', which only '%(task)s' itself or a later step records: that date "
        "is not yet known when the task begins (or is an earlier round's), so the term can be due before the task "
        "exists"),
    "compare.unreadable": lazy_gettext("Cannot compare versions with unreadable BPMN files."),
    "compare.old_unreadable": lazy_gettext("old version: unreadable XML (%(kind)s)"),
    "compare.new_unreadable": lazy_gettext("new version: unreadable XML (%(kind)s)"),
    "move.reverted_already": lazy_gettext("migration %(migration)s cannot be reverted: it was reverted already"),
    "move.instance_ended": lazy_gettext("migration %(migration)s cannot be reverted: the instance is %(state)s"),
    "move.blocked": lazy_gettext("the instance moved on since its migration and cannot move back: %(blockers)s"),
    "run.instance_changed": lazy_gettext("Instance %(instance)s changed since version %(version)s; reload it."),
    "run.instance_not_running": lazy_gettext("Instance %(instance)s is %(state)s."),
    "incident.resolved": lazy_gettext("Incident %(incident)s is already resolved."),
    "incident.not_stopped": lazy_gettext("Instance %(instance)s is no longer stopped by an error."),
    "start.automatic": lazy_gettext(
        "%(process)s starts with the case, and again with each new period of incapacity (0.6); it is never started by "
        "hand once the case has one."),
    "start.role": lazy_gettext("None of your roles may start %(process)s."),
    "start.route_role": lazy_gettext("None of your roles starts %(process)s on route %(route)s."),
    "event.role": lazy_gettext("None of your roles records %(message)s."),
    "late_act.no_window": lazy_gettext(
        "'%(task)s' confirms no closed window: only a confirmation can take a late act."),
    "archive.not_zip": lazy_gettext("%(label)s is not a zip file."),
    "archive.entry_unreadable": lazy_gettext("%(label)s is damaged: its entry %(entry)s cannot be unpacked."),
    "archive.too_many_files": lazy_gettext("%(label)s holds more than %(limit)s files."),
    "archive.file_too_large": lazy_gettext("%(label)s holds a file larger than %(limit)s bytes."),
    "archive.too_large": lazy_gettext("%(label)s unpacks to more than %(limit)s bytes."),
    "import.too_large": lazy_gettext("%(name)s is larger than %(limit)s bytes."),
    "import.no_bpmn": lazy_gettext("%(name)s holds no BPMN file (.bpmn)."),
    "import.unreadable": lazy_gettext("%(name)s cannot be read: %(reason)s"),
    "import.not_xml": lazy_gettext("%(name)s is not XML: %(detail)s"),
    "import.unsafe_xml": lazy_gettext(
        "%(name)s is refused: DTDs, entity declarations and external references are not allowed (%(kind)s)."),
    "import.too_deep": lazy_gettext("%(name)s is refused: its elements nest too deeply."),
    "import.not_bpmn": lazy_gettext(
        "%(name)s is XML but not BPMN 2.0: its root is <%(root)s>, not the definitions of the BPMN model namespace."),
    "import.no_process": lazy_gettext("%(name)s holds no process."),
    "import.process_id_too_long": lazy_gettext("Process id '%(process_id)s' is longer than %(limit)s characters."),
    "import.form_unreadable": lazy_gettext("Form %(name)s is not a JSON object: %(detail)s"),
    "draft.saved_since": lazy_gettext("Draft %(draft)s was saved by %(user)s since revision %(revision)s; reload it."),
    "draft.deployed": lazy_gettext("Draft %(draft)s is deployed; start a new draft."),
    "draft.already_deployed": lazy_gettext("Draft %(draft)s is already deployed."),
    "draft.needs_approval": lazy_gettext(
        "%(process)s needs a second process owner's approval: revision %(revision)s of draft %(draft)s has none. Ask "
        "a colleague to review it."),
    "draft.approval_outdated": lazy_gettext(
        "Draft %(draft)s was approved at revision %(approved)s and saved again since (revision %(revision)s). Ask for "
        "a review of what will be deployed."),
    "draft.approver_deploys": lazy_gettext(
        "%(user)s approved draft %(draft)s, so another process owner deploys it: four eyes."),
    "draft.author_approves": lazy_gettext(
        "%(user)s edited draft %(draft)s; a process owner who did not edit it approves it."),
    "draft.approval_problems": lazy_gettext(
        "Draft %(draft)s does not validate; a draft with problems cannot be approved."),
    "plan.part_time_not_requested": lazy_gettext(
        "The plan includes part-time work during the incapacity from %(first_day)s: it cannot be carried out before "
        "the worker's request for the advisory physician's authorisation is recorded (T28, art. 100 §2 GVU-wet)."),
}
"""Each code of ``engine.MESSAGE_CODES`` as the reader reads it; ``%(name)s`` are the message's parameters."""

_WORDS = {"the form": lazy_gettext("the form")}
_PARAMETERS: dict[str, Callable[[object], object]] = {
    "process": lambda value: procedure_title(str(value)),
    "state": lambda value: STATE_NAMES.get(str(value), value),
    "task": lambda value: element_name(str(value)),
    "where": lambda value: _WORDS.get(str(value), value),
    "acting_role": lambda value: ROLE_NAMES.get(str(value), value),
    "lane_role": lambda value: ROLE_NAMES.get(str(value), value),
}
"""Parameters whose values are words of the engine (a state, a procedure's id, a diagram's English name), not data."""


def register(app: Flask) -> None:
    """Make ``message_text`` a template filter."""
    app.add_template_filter(message_text, "message_text")


def message_text(message: object) -> str:
    """``message`` in the reader's language when it is a coded message this table knows; else as it is."""
    if not isinstance(message, engine.Coded) or message.code not in TEXTS:
        return str(message)
    return str(TEXTS[message.code]) % {name: _parameter(name, value) for name, value in message.params.items()}


def _parameter(name: str, value: object) -> object:
    if isinstance(value, engine.Coded):
        return message_text(value)
    if isinstance(value, date):
        return format_date(value, "dd/MM/yyyy")
    translate = _PARAMETERS.get(name)
    return str(translate(value)) if translate else value
