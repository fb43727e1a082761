"""Words the pages share: role, party and state names in the reader's language, and Belgian date formats."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, g
from flask_babel import format_date, format_datetime, get_locale, lazy_gettext

from .context import came_from, current_engine, home_url

ROLE_NAMES = {
    "employer": lazy_gettext("Employer (HR)"),
    "occupational_physician": lazy_gettext("Occupational physician"),
    "advisory_physician": lazy_gettext("Advisory physician"),
    "rtw_coordinator": lazy_gettext("Back-to-work coordinator"),
    "regional_counsellor": lazy_gettext("Regional employment counsellor"),
    "medical_inspector": lazy_gettext("Medical inspector"),
    "employee": lazy_gettext("Employee"),
    "treating_physician": lazy_gettext("Treating physician"),
    "process_owner": lazy_gettext("Process owner"),
    "compliance_officer": lazy_gettext("Compliance officer"),
    "admin": lazy_gettext("Administrator"),
    "supervisor": lazy_gettext("Supervisor (told when a term of their organisations expires)"),
}
PARTY_NAMES = {
    "prevention_service": lazy_gettext("Prevention service"),
    "sickness_fund": lazy_gettext("Sickness fund"),
    "employee_account": lazy_gettext("Employee's username"),
    "regional_service": lazy_gettext("Regional employment service"),
    "inspectorate": lazy_gettext("Medical inspectorate"),
    "treating_physician_account": lazy_gettext("Treating physician's username"),
}
STATE_NAMES = {
    "running": lazy_gettext("running"),
    "completed": lazy_gettext("completed"),
    "error": lazy_gettext("stopped by an error"),
    "cancelled": lazy_gettext("cancelled"),
    "replaced": lazy_gettext("replaced by a migration"),
}
LANGUAGE_NAMES = {"nl": lazy_gettext("Dutch"), "fr": lazy_gettext("French"), "en": lazy_gettext("English")}
DEADLINE_STATES = {
    "pending": lazy_gettext("pending"),
    "met": lazy_gettext("met"),
    "missed": lazy_gettext("missed"),
    "cancelled": lazy_gettext("cancelled"),
}


def register(app: Flask) -> None:
    """Add the date filters and the shared names to every template."""
    app.add_template_filter(_day, "day")
    app.add_template_filter(_moment, "moment")
    app.add_template_filter(element_name, "element_name")
    app.add_template_filter(lambda code: LANGUAGE_NAMES.get(code, code), "language_name")
    app.context_processor(_names)
    app.add_template_global(home_url, "home_url")
    app.add_template_global(came_from, "came_from")
    app.add_template_global(rule_text, "rule_text")


def _day(value: date | str | None) -> str:
    if value is None or value == "":
        return ""
    return format_date(date.fromisoformat(value) if isinstance(value, str) else value, "dd/MM/yyyy")


def _moment(value: datetime | None) -> str:
    return format_datetime(value, "dd/MM/yyyy HH:mm") if value else ""


CLASSIFICATION_NAMES = {
    "case": lazy_gettext("Case: everyone with the case"),
    "personal": lazy_gettext("Personal: not the employer"),
    "medical": lazy_gettext("Medical: the worker and the physicians"),
    "insurance": lazy_gettext("Insurance: the worker and the sickness fund"),
}
"""Who reads a document or a comment of each class, in a word (``disclosure`` has the whole rule)."""

ROUTE_NAMES = {
    "three_months": lazy_gettext("after 3 months of incapacity"),
    "certificate": lazy_gettext("with a certificate of definitive unfitness"),
    "consent": lazy_gettext("with the worker's consent (2026 rules)"),
    "work_potential": lazy_gettext("when the estimate of work potential shows potential (2026 rules)"),
}
"""T04: the routes by which an employer may request a trajectory (engine.eligibility.EMPLOYER_ROUTES)."""


def element_name(english: str | None) -> str:
    """A diagram element's name (a task, an event, an end) in the reader's language; as the diagram says it when
    it has no translation. The deployed diagrams' names are read once per request."""
    if not english:
        return ""
    if "diagram_names" not in g:
        g.diagram_names = current_engine().diagram_names.table()
    return g.diagram_names.get(english.strip(), {}).get(str(get_locale()), english)


def rule_text(rule_id: str, field: str, english: str) -> str:
    """A legal term's words (its title, start_event, on_expiry or legal_source) in the reader's language, from the
    engine's current rules; ``english``, the words a page already has, for a rule those rules do not hold."""
    return current_engine().rule_text(rule_id, field, str(get_locale() or "en")) or english


def procedure_title(process_id: str) -> str:
    """The procedure's title in the reader's language; a shared part (no title) keeps its id."""
    titles = {p.process_id: p.titles for p in current_engine().procedures()}
    return titles.get(process_id, {}).get(str(get_locale())) or process_id


def _names() -> dict:
    eng = current_engine()
    titles = {p.process_id: p.titles for p in eng.procedures()}
    return {"route_names": ROUTE_NAMES, "role_names": ROLE_NAMES, "party_names": PARTY_NAMES,
            "state_names": STATE_NAMES,
            "classification_names": CLASSIFICATION_NAMES, "deadline_states": DEADLINE_STATES, "demo_today": eng.today(),
            "procedure_titles": titles, "procedure_title": procedure_title}
