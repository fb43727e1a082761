"""Records as people read them: one sentence per audit event in the reader's language, and each recorded
value with its field's label, in Belgian dates, yes/no, choice titles and readable lists.

The trace timeline, the evidence pack, the trial and the case file all draw events through these helpers, so
no page shows an event's code, a field's key, a Python value or JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.lists import format_list
from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, get_locale, lazy_gettext
from flask_babel import gettext as _

import engine

from .context import language
from .labels import DEADLINE_STATES, STATE_NAMES, element_name, procedure_title

SENTENCES = {
    "started": lazy_gettext("%(actor)s started the procedure “%(procedure)s” on %(date)s"),
    "task_completed": lazy_gettext("%(actor)s completed “%(task)s” on %(date)s"),
    "late_act_recorded": lazy_gettext("%(actor)s recorded on %(date)s an act posted in time for “%(task)s”"),
    "late_act_refused": lazy_gettext("%(actor)s tried on %(date)s to record an act posted in time for “%(task)s”; "
                                     "an irreversible act came first, so a compliance officer reviews the case"),
    "message_received": lazy_gettext("%(actor)s recorded the event “%(event)s” on %(date)s"),
    "message_not_waiting": lazy_gettext("%(actor)s recorded the event “%(event)s” on %(date)s; no procedure was "
                                        "waiting for it"),
    "timers_fired": lazy_gettext("A legal term expired on %(date)s: %(timers)s"),
    "timer_failed": lazy_gettext("A legal term could not be processed on %(date)s: the procedure stopped"),
    "incident_retried": lazy_gettext("%(actor)s resolved an incident on %(date)s: the procedure was retried and "
                                     "runs again"),
    "incident_moved_on": lazy_gettext("%(actor)s resolved an incident on %(date)s by moving on: the procedure was "
                                      "cancelled"),
    "work_item_claimed": lazy_gettext("%(actor)s took on “%(task)s” on %(date)s"),
    "work_item_released": lazy_gettext("%(actor)s released “%(task)s” on %(date)s"),
    "medical_data_read": lazy_gettext("%(actor)s read medical data on %(date)s; only the names of the fields are "
                                      "recorded: %(fields)s"),
    "migrated": lazy_gettext("%(actor)s moved the procedure to version %(version)s on %(date)s"),
    "migration_reverted": lazy_gettext("%(actor)s undid a move to another version on %(date)s"),
    "deadline_verdict_corrected": lazy_gettext("%(actor)s recorded on %(date)s an act dated %(act)s: the verdict on "
                                               "term %(rule)s changed from %(first)s to %(verdict)s"),
    "case_opened": lazy_gettext("%(actor)s opened the case on %(date)s"),
    "case_pseudonymised": lazy_gettext("%(actor)s pseudonymised the case on %(date)s"),
    "instance_pseudonymised": lazy_gettext("%(actor)s pseudonymised the records of the procedure on %(date)s"),
    "subject_export": lazy_gettext("%(actor)s exported the personal data of a data subject on %(date)s"),
    "evidence_exported": lazy_gettext("%(actor)s exported the evidence pack on %(date)s"),
}
DECISION = lazy_gettext("%(actor)s recorded decision %(decision)s on %(date)s")
INCAPACITY = {
    "return": lazy_gettext("%(actor)s recorded a return to work on %(on)s (recorded on %(date)s)"),
    "incapacity": lazy_gettext("%(actor)s recorded a new incapacity from %(on)s (recorded on %(date)s)"),
}
ANY_EVENT = lazy_gettext("%(actor)s recorded an event on %(date)s")
DATED_FACT = lazy_gettext("%(actor)s recorded a dated fact of the case on %(date)s. %(fact)s")
FACTS = {"assessed_against_all_occupations": lazy_gettext(
    "From %(on)s the advisory physician assesses the incapacity against all occupations the worker could do, no "
    "longer against the usual occupation")}
"""The dated facts of a case (``engine.DatedFact``, ``fact_recorded`` events) as sentences, by fact name."""
ENGINE_ACTORS = {"scheduler": lazy_gettext("The scheduler"), "system": lazy_gettext("The system")}
FACT_LABELS = {"reason": lazy_gettext("Reason"), "error": lazy_gettext("Error"),
               "attempts": lazy_gettext("Attempts")}
"""The engine's own facts a record lists below its sentence (the others are in the sentence or not shown)."""
ENGINE_FIELDS = {"request_admissible": lazy_gettext("Admissible on its date"),
                 "request_admissible_rule": lazy_gettext("Rule that made it inadmissible"),
                 "request_admissible_reason": lazy_gettext("Why it was inadmissible")}
"""What the engine concludes from recorded data and records with it (``eligibility.RECORDED``): no form labels it."""


@dataclass(frozen=True)
class Line:
    """One recorded value as a page lists it: its label, the value before (when it changed) and after."""

    label: str
    text: str
    before: str | None = None
    is_withheld: bool = False


def register(app: Flask) -> None:
    """Make the sentence and value helpers available to every template."""
    app.add_template_global(sentence, "event_sentence")
    app.add_template_global(lines, "event_lines")
    app.add_template_global(document_sentence, "document_sentence")
    app.add_template_global(text, "value_text")
    app.add_template_global(fact_sentence, "fact_sentence")


def sentence(record: engine.EventRecord) -> str:
    """The event in one sentence in the reader's language, ended by what became of the procedure."""
    facts = record.facts
    words = {"actor": actor(record), "date": _day(record.at), "task": element_name(record.task_name or record.task),
             "event": _pick(record.event_titles, record.task or "")}
    said = _said(record, facts, words)
    state = facts.get("instance_state")
    if state in STATE_NAMES and record.kind not in ("incident_retried", "incident_moved_on", "timer_failed"):
        said += ". " + _("The procedure is now %(state)s.", state=STATE_NAMES[state])
    return said if said.endswith(".") else said + "."


def _said(record: engine.EventRecord, facts: Mapping[str, Any], words: dict[str, str]) -> str:
    decision = record.decision
    if decision is not None and record.kind == "task_completed":
        return str(DECISION % {**words, "decision": _decision(decision.value, decision.choice_labels)})
    if record.kind == "fact_recorded":
        return str(DATED_FACT % {**words, "fact": fact_sentence(str(facts.get("fact", "")), facts.get("on"))})
    if record.kind == "incapacity_event_recorded" and facts.get("kind") in INCAPACITY:
        return str(INCAPACITY[facts["kind"]] % {**words, "on": text(facts.get("on"))})
    if record.kind == "started":
        words["procedure"] = procedure_title(str(facts.get("process_id", "")))
    if record.kind == "timers_fired":
        words["timers"] = _list([f"“{element_name(str(t))}”" for t in facts.get("fired", [])])
    if record.kind == "medical_data_read":
        words["fields"] = _list([_pick(labels, _humane(name)) for name, labels in facts.get("work_items", [])])
    if record.kind == "migrated":
        words["version"] = text(facts.get("to_version"))
    if record.kind == "deadline_verdict_corrected":
        words.update(act=text(facts.get("act_on")), rule=str(facts.get("rule", "")),
                     first=str(DEADLINE_STATES.get(str(facts.get("first_verdict")), "")),
                     verdict=str(DEADLINE_STATES.get(str(facts.get("verdict")), "")))
    return str(SENTENCES.get(record.kind, ANY_EVENT) % words)


def fact_sentence(name: str, on: Any) -> str:
    """A dated fact of the case in one sentence (without its full stop), its date in Belgian form."""
    words = FACTS.get(name)
    return str(words % {"on": text(on)}) if words is not None else name.replace("_", " ")


def actor(record: engine.EventRecord) -> str:
    """Who did it: the person's display name, or the part of the engine that acted."""
    return record.actor if record.is_person else str(ENGINE_ACTORS.get(record.actor, record.actor))


def lines(record: engine.EventRecord) -> list[Line]:
    """The values the event recorded, labelled, then the engine's facts a reader needs (reason, error); a corrected
    verdict's reason only repeats its sentence, in the engine's English."""
    found = [Line(_pick(v.labels, _humane(v.name)), "" if v.is_withheld else text(v.value, v.choice_labels,
                                                                                   v.columns),
                  text(v.before, v.choice_labels, v.columns) if v.has_before and v.before != v.value else None,
                  v.is_withheld) for v in record.values]
    if record.kind == "deadline_verdict_corrected":
        return found
    return found + [Line(str(label), text(record.facts[name])) for name, label in FACT_LABELS.items()
                    if record.facts.get(name) not in (None, "")]


def document_sentence(doc: engine.Document) -> str:
    """Who completed a document's task and when, naming the decision when it records one."""
    words = {"actor": doc.completed_by_name or doc.completed_by or "", "date": _day(doc.completed_at),
             "task": element_name(doc.name)}
    decision = doc.decision
    if decision is not None:
        return str(DECISION % {**words, "decision": _decision(decision.value, decision.choice_labels)}) + "."
    return str(SENTENCES["task_completed"] % words) + "."


def text(value: Any, choices: Mapping | None = None, columns: Mapping | None = None) -> str:
    """A recorded value in words: dates dd/mm/yyyy, yes/no, a choice's title, numbers, lists and rows."""
    if value is None or value == "":
        return "—"
    if value == engine.WITHHELD:
        return _("withheld")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if choices:
        return _pick(choices, str(value))
    if isinstance(value, datetime):
        return format_datetime(value, "dd/MM/yyyy HH:mm")
    if isinstance(value, date):
        return format_date(value, "dd/MM/yyyy")
    if isinstance(value, int | float):
        return format_decimal(value)
    if isinstance(value, list):
        return _list([text(v, columns=columns) for v in value])
    if isinstance(value, dict):
        return _("; ").join(_cell(k, v, (columns or {}).get(k, {})) for k, v in value.items())
    return str(value)


def _cell(name: str, value: Any, column: Mapping) -> str:
    choice = (column.get("choices") or {}).get(str(value))
    return f"{_pick(column.get('labels') or {}, _humane(name))}{_(': ')}{text(value, choice)}"


def _decision(value: object, labels: Mapping | None) -> str:
    """A decision by its legal letter (A, B, C) when it has one, else by its title."""
    code = str(value)
    return code if len(code) <= 2 and code.isupper() else _pick(labels or {}, code)


def _pick(labels: Mapping, fallback: str) -> str:
    return labels.get(language()) or labels.get("en") or fallback


def _humane(name: str) -> str:
    """A field name no form labels: the engine's word for it, else the name as words rather than a key."""
    return str(ENGINE_FIELDS[name]) if name in ENGINE_FIELDS else name.replace("_", " ").strip().capitalize()


def _list(items: list[str]) -> str:
    return format_list(items, locale=str(get_locale() or "en")) if items else "—"


def _day(value: datetime | None) -> str:
    return format_date(value, "dd/MM/yyyy") if value else ""
