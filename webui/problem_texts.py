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
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

import engine

from .labels import STATE_NAMES, element_name, procedure_title

TEXTS = {
    "form.texts_missing": _l("%(key)s needs texts in %(languages)s"),
    "form.text_missing": _l("%(key)s has no text in %(languages)s"),
    "form.decides_without_irreversible": _l(
        "x-decides-on is for an act that cannot be undone: say what it decides in x-irreversible"),
    "form.order_incomplete": _l("x-order must list every field exactly once"),
    "form.field": _l("field '%(field)s': %(problem)s"),
    "form.row_field": _l("row field '%(field)s': %(problem)s"),
    "form.classification": _l("x-classification must be one of %(classifications)s"),
    "form.flag_not_boolean": _l("%(flag)s must be true or false"),
    "form.employer_flag_misplaced": _l("%(flag)s is allowed only on case and personal fields"),
    "form.date_rule_names": _l("%(rule)s must be a name or a list of names"),
    "form.not_json_schema": _l("not a valid JSON Schema: %(detail)s"),
    "form.shape": _l("%(where)s: %(detail)s"),
    "form.pattern_not_linear": _l(
        "pattern '%(pattern)s' cannot be evaluated in linear time (no backreferences or lookarounds)"),
    "form.pattern_properties": _l("patternProperties is not supported: a form names its fields"),
    "work_item.not_open": _l("Task %(item)s is already %(state)s."),
    "work_item.claimed": _l("Task %(item)s is claimed by %(assignee)s."),
    "work_item.not_claimed": _l("Task %(item)s is not claimed by %(user)s."),
    "work_item.instance_failed": _l("Instance %(instance)s failed; repair it first."),
    "work_item.medical_fields": _l("Only medical roles may record medical fields."),
    "case.reference_taken": _l("A case with reference '%(reference)s' already exists."),
    "run.task_not_waiting": _l("Task '%(task)s' is no longer waiting to be done."),
    "run.endless_steps": _l(
        "The diagram keeps running without waiting: more than %(steps)s automatic steps or %(seconds)s s in one "
        "engine call."),
    "run.too_many_instances": _l("A multi-instance activity may create at most %(limit)s instances, not %(count)s."),
    "run.cardinality_too_high": _l("loop cardinality %(value)s is above the limit of %(limit)s instances"),
    "run.failed": _l("The diagram failed while running: %(detail)s"),
    "model.file_too_large": _l("file is larger than %(limit)s bytes"),
    "model.unknown_encoding": _l("unknown encoding '%(encoding)s'; save the file as UTF-8"),
    "model.bad_encoding": _l("the file is not valid %(encoding)s (byte %(byte)s); save it as UTF-8"),
    "model.json_too_deep": _l("nested more than %(limit)s levels deep"),
    "model.xml_declarations": _l(
        "refused: DTDs, entity declarations and external references are not allowed (%(kind)s)"),
    "model.xml_malformed": _l("malformed XML: %(detail)s"),
    "model.xml_too_deep": _l("refused: elements nested too deeply"),
    "model.xml_depth_limit": _l("refused: elements nested more than 255 levels deep"),
    "model.xml_syntax": _l("XML error: %(detail)s"),
    "model.bpmn_schema": _l("not valid against the BPMN schema: %(detail)s"),
    "model.bpmn_parser": _l("SpiffWorkflow refuses the diagram: %(detail)s"),
    "model.call_unknown": _l("calls '%(called)s', which is not among the processes deployed with it"),
    "model.no_lanes": _l("process has no lanes: put every task in a lane named for a role (%(roles)s)"),
    "model.lane_without_role": _l("lane '%(lane)s' maps to no role (known roles: %(roles)s)"),
    "model.task_in_no_lane": _l("user task is in no lane, so no role can do it"),
    "model.task_without_form": _l("user task names no form (property %(property)s)"),
    "model.form_missing": _l("form '%(form)s' does not exist"),
    "model.form_not_schema": _l("form '%(form)s' is not a valid JSON Schema: %(detail)s"),
    "model.form_convention": _l("form '%(form)s': %(problem)s"),
    "model.deadline_twice": _l(
        "user task '%(task)s' lists deadline rules and says it is not time-bound; keep one of the two"),
    "model.untimed_without_reason": _l(
        "user task '%(task)s' is marked not time-bound without a reason: say why the law sets no term (property "
        "%(property)s)"),
    "model.task_without_deadline": _l(
        "user task '%(task)s' is in a legal lane but has no deadline: attach a boundary timer with a deadline rule, "
        "list the rules that bound it elsewhere (property %(rules)s), or say why the law sets no term (property "
        "%(untimed)s)"),
    "model.unknown_rule": _l("unknown deadline rule '%(rule)s'"),
    "model.act_date_missing": _l(
        "boundary timer guards the deadline %(rules)s but names no act date: set the property %(property)s to the "
        "variable holding the legal date of the act that meets the term (e.g. decided_on), so the verdict follows "
        "that date and not the order of processing"),
    "model.event_based_gateway": _l(
        "event-based gateways are unreliable in SpiffWorkflow 3.2.0; use boundary timer and message events on a task "
        "instead"),
    "model.service_task": _l("service tasks are not supported"),
    "model.business_rule_task": _l("business rule tasks are not supported yet"),
    "model.message_unnamed": _l("message event names no message with a name"),
    "model.receive_unnamed": _l("receive task names no message with a name"),
    "model.expression_nested": _l("nested more than %(limit)s levels deep; split it into steps"),
    "model.expression_syntax": _l("does not compile: %(detail)s (line %(line)s)"),
    "model.expression_too_long": _l("too long or nested too deeply to compile (limit %(limit)s levels)"),
    "model.expression": _l("expression does not compile: %(problem)s"),
    "model.not_a_variable": _l("'%(name)s' is not a variable name"),
    "model.assignment_unrun": _l("data assignments are not run by this engine; use a script task"),
    "model.transformation_unrun": _l("data transformations are not run by this engine; use a script task"),
    "model.timer_expressions": _l("a timer needs exactly one time expression"),
    "model.timer_expression": _l("timer expression does not compile: %(problem)s"),
    "model.timer_one_call": _l(
        "a timer takes its date from one deadline rule: the whole expression is one call such as %(example)s, nothing "
        "around it; a rule held in a variable needs the property %(property)s listing the rules"),
    "model.deadline_arguments": _l(
        "deadline() takes the rule, the start date and at most a regime date and an alternative start"),
    "model.deadline_keywords": _l("deadline() accepts only the keywords %(keywords)s"),
    "model.deadline_literal_start": _l("the start of a term is a date of the case (a variable), never a literal"),
    "model.deadline_nested": _l("a timer computes one deadline: no deadline() inside its arguments"),
    "model.deadline_duration": _l("deadline() gives a date: use timeDate, not timeDuration"),
    "model.cycle_not_repeating": _l(
        "timeCycle repeats the timer, but the law does not repeat %(rules)s (repeats = true in deadlines.toml); use "
        "timeDate"),
    "model.cycle_uneven": _l(
        "a timeCycle repeats a fixed length, but %(rules)s counts in months, years or working days: model the "
        "repetition as a loop whose timeDate counts each term again"),
    "compare.unreadable": _l("Cannot compare versions with unreadable BPMN files."),
    "compare.old_unreadable": _l("old version: unreadable XML (%(kind)s)"),
    "compare.new_unreadable": _l("new version: unreadable XML (%(kind)s)"),
    "move.reverted_already": _l("migration %(migration)s cannot be reverted: it was reverted already"),
    "move.instance_ended": _l("migration %(migration)s cannot be reverted: the instance is %(state)s"),
    "move.blocked": _l("the instance moved on since its migration and cannot move back: %(blockers)s"),
    "run.instance_changed": _l("Instance %(instance)s changed since version %(version)s; reload it."),
    "run.instance_not_running": _l("Instance %(instance)s is %(state)s."),
    "incident.resolved": _l("Incident %(incident)s is already resolved."),
    "incident.not_stopped": _l("Instance %(instance)s is no longer stopped by an error."),
    "start.automatic": _l(
        "%(process)s starts with the case, and again with each new period of incapacity (0.6); it is never started by "
        "hand once the case has one."),
    "start.role": _l("None of your roles may start %(process)s."),
    "start.route_role": _l("None of your roles starts %(process)s on route %(route)s."),
    "event.role": _l("None of your roles records %(message)s."),
    "late_act.no_window": _l("'%(task)s' confirms no closed window: only a confirmation can take a late act."),
    "draft.saved_since": _l("Draft %(draft)s was saved by %(user)s since revision %(revision)s; reload it."),
    "draft.deployed": _l("Draft %(draft)s is deployed; start a new draft."),
    "draft.already_deployed": _l("Draft %(draft)s is already deployed."),
}
"""Each code of ``engine.MESSAGE_CODES`` as the reader reads it; ``%(name)s`` are the message's parameters."""

_WORDS = {"the form": _l("the form")}
_PARAMETERS: dict[str, Callable[[object], object]] = {
    "process": lambda value: procedure_title(str(value)),
    "state": lambda value: STATE_NAMES.get(str(value), value),
    "task": lambda value: element_name(str(value)),
    "where": lambda value: _WORDS.get(str(value), value),
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
