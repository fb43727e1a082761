"""Readable records: the trace, the evidence pack, the trial and the case file tell each event as a sentence in
the reader's language, with the person's display name, Belgian dates and the values' field labels."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timezone

import pytest

import engine
from tests.scenarios.test_formal_reintegration import INVITATION, REQUEST, Trajectory, decision
from tests.webui.conftest import PASSWORD, csrf_token
from tests.webui.test_trial import posted_form
from webui import records

DECIDED = {
    "en": "Dr. Peeters recorded decision B on 12/01/2027.",
    "nl": "Dr. Peeters registreerde beslissing B op 12/01/2027.",
    "fr": "Dr. Peeters a enregistré la décision B le 12/01/2027.",
}
CODES = ("task_completed", "case_opened", "timers_fired", "message_received", "work_item_claimed",
         "medical_data_read", "instance_state", "process_id")
FORM_KEYS = sorted(key for key in {*decision("B"), *REQUEST, *INVITATION, "request_admissible"} if "_" in key)
LANGUAGES = ("nl", "fr", "en")


def decided_b(law: engine.Engine, clock: engine.SettableClock) -> Trajectory:
    """A trajectory in which Dr. Peeters (account ``dr-peeters``) records decision B on 12 January 2027."""
    law.create_user(username="dr-peeters", password=PASSWORD, display_name="Dr. Peeters",
                    roles=["occupational_physician"], organisations=["Mensura"], language="nl", actor="test")
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("B"), "dr-peeters")
    return rit


def visible(page: str) -> str:
    """The text a reader sees: no scripts, styles or tags, entities decoded, spaces folded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def assert_readable(text: str) -> None:
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), re.search(r".{60}\d{4}-\d{2}-\d{2}.{20}", text)
    assert not re.search(r"\b(True|False|None)\b", text)
    assert '{"' not in text and "{'" not in text
    for code in CODES + tuple(FORM_KEYS):
        assert code not in text, code


def read(client, path: str, language: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"{path}?lang={language}")
    assert response.status_code == 200, path
    return visible(response.get_data(as_text=True))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_trace_tells_who_recorded_which_decision_on_which_day(client, auth, law, clock, language):
    rit = decided_b(law, clock)
    auth.login_as("compliance_officer")
    text = read(client, f"/compliance/instances/{rit.instance.id}", language)
    assert DECIDED[language] in text
    assert_readable(text)


def test_the_trace_labels_values_and_names_the_legal_term_that_expired(client, auth, law, clock):
    rit = decided_b(law, clock)
    rit.until(2027, 2, 3)
    auth.login_as("compliance_officer")
    text = read(client, f"/compliance/instances/{rit.instance.id}", "en")
    assert "Decided on: 12/01/2027" in text and "The worker came: Yes" in text
    assert "A legal term expired on 03/02/2027: “" in text
    assert "field Medical justification (health file only) recorded by Dr. Peeters: its value is withheld" in text
    assert "(medical)" not in text
    assert_readable(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_evidence_pack_tells_the_events_as_sentences(client, auth, law, clock, language):
    rit = decided_b(law, clock)
    auth.login_as("compliance_officer")
    text = read(client, f"/compliance/cases/{rit.case.id}/evidence", language)
    assert DECIDED[language] in text
    opened = {"en": "hr1 opened the case on 04/01/2027.", "nl": "hr1 opende het dossier op 04/01/2027.",
              "fr": "hr1 a ouvert le dossier le 04/01/2027."}
    assert opened[language] in text
    assert_readable(text)


def test_the_evidence_json_keeps_the_values_as_recorded(client, auth, law, clock):
    rit = decided_b(law, clock)
    auth.login_as("compliance_officer")
    text = client.get(f"/compliance/cases/{rit.case.id}/evidence.json").get_data(as_text=True)
    assert '"action": "task_completed"' in text and '"decided_on": "2027-01-12"' in text
    assert '"record"' not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_case_file_says_who_recorded_each_document_and_when(client, auth, law, clock, language):
    rit = decided_b(law, clock)
    auth.login_as("employer")
    text = read(client, f"/cases/{rit.case.id}", language)
    assert DECIDED[language] in text
    assert_readable(text)


@pytest.fixture
def trial_page(client, auth, law):  # type: ignore[no-untyped-def]
    """A trial of the pre-return visit whose first task the trial's user completed with the sample data."""
    owner = auth.login_as("process_owner", username="po1")
    draft = law.create_draft("pre_return_visit", user_id=owner.id)
    base = f"/models/drafts/{draft.id}/trial"
    client.post(f"{base}/start", data={"first_day_of_incapacity": "2026-05-01", "csrf_token": csrf_token(client, "/")})
    page = client.get(base).get_data(as_text=True)
    [item_id] = [int(n) for n in re.findall(r'action="[^"]*/complete/(\d+)"', page)]
    assert client.post(f"{base}/complete/{item_id}", data=posted_form(page, item_id)).status_code == 302
    yield base
    client.application.extensions["reintegra_trials"].close_all()


@pytest.mark.parametrize(("language", "done"), [
    ("en", "Trial user completed “Record the visit request” on 21/12/2026."),
    ("nl", "Trial user voltooide “"),
    ("fr", "Trial user a accompli « "),
])
def test_the_trial_tells_its_events_as_sentences(client, trial_page, language, done):
    text = read(client, trial_page, language)
    assert done in text and "21/12/2026" in text
    timeline = text[text.index({"en": "Timeline", "nl": "Tijdlijn", "fr": "Chronologie"}[language]):]
    assert_readable(timeline)


def test_the_evidence_pack_tells_an_outside_event_with_its_labelled_values(client, auth, law, clock):
    rit = decided_b(law, clock)
    rit.until(2027, 1, 13)
    hr = law.create_user(username="hr-jansen", password=PASSWORD, display_name="An Jansen", roles=["employer"],
                         organisations=["Acme NV"], language="en", actor="test")
    law.record_event(rit.case.id, "work_resumed", {"resumed_on": "2027-01-13", "under_health_surveillance": False},
                     user_id=hr.id)
    auth.login_as("compliance_officer")
    text = read(client, f"/compliance/cases/{rit.case.id}/evidence", "en")
    assert "An Jansen recorded a return to work on 13/01/2027 (recorded on 13/01/2027)." in text
    assert "An Jansen recorded the event “Work resumed” on 13/01/2027" in text
    assert "Resumed on: 13/01/2027" in text and "Under health surveillance: No" in text
    assert_readable(text)
    assert "resumed_on" not in text and "under_health_surveillance" not in text


KINDS = {
    "started": {"process_id": "formal_reintegration", "version": 1},
    "task_completed": {"instance_state": "completed"},
    "late_act_recorded": {}, "late_act_refused": {"irreversible": "Decide"},
    "message_received": {}, "message_not_waiting": {},
    "incapacity_event_recorded": {"kind": "incapacity", "on": date(2027, 3, 1)},
    "timers_fired": {"fired": ["Appeal window over"]},
    "timer_failed": {"error": "no rule T99", "instance_state": "error"},
    "incident_retried": {"attempts": 2, "reason": "fixed the rule"}, "incident_moved_on": {"reason": "obsolete"},
    "work_item_claimed": {}, "work_item_released": {},
    "medical_data_read": {"work_items": [("medical_findings", {"en": "Medical findings", "nl": "Medische bevindingen"}),
                                         ("travel_costs_eur", {})]},
    "migrated": {"to_version": 2, "reason": "new law"}, "migration_reverted": {"reason": "mistake"},
    "deadline_verdict_corrected": {"rule": "T09", "first_verdict": "missed", "verdict": "met",
                                   "act_on": date(2027, 1, 20), "due_on": date(2027, 2, 2),
                                   "reason": "act dated 2027-01-20 recorded on 2027-03-12, after the timer had fired"},
    "case_opened": {"reference": "R-1"}, "case_pseudonymised": {}, "instance_pseudonymised": {},
    "subject_export": {}, "evidence_exported": {},
}
"""Every kind of audit event a case's or an instance's stream holds, with the facts the engine records."""


def test_every_kind_of_event_reads_as_one_sentence_in_every_language(app):
    for kind in sorted(KINDS):
        record = engine.EventRecord(kind, "Dr. Peeters", True, datetime(2027, 3, 12, 9, tzinfo=timezone.utc),
                                    "assess", "Assess and decide A, B or C", {"en": "Work resumed"}, (), KINDS[kind])
        for language in LANGUAGES:
            with app.test_request_context(f"/?lang={language}"):
                said = records.sentence(record)
                lines = [f"{line.label}: {line.text}" for line in records.lines(record)]
            assert ("Dr. Peeters" in said or kind in ("timers_fired", "timer_failed")) and "12/03/2027" in said, said
            assert said.endswith(".") and "%(" not in said and ("_" not in kind or kind not in said), said
            assert_readable(" ".join([said, *lines]))


def test_the_scheduler_acts_under_its_own_name_and_values_read_as_words(app):
    value = engine.RecordedValue("measures", {"en": "Measures"}, [{"measure": "No lifting", "hours": 4.5}],
                                 columns={"measure": {"labels": {"en": "Measure"}, "choices": {}}})
    record = engine.EventRecord("task_completed", "scheduler", False, datetime(2027, 3, 12, 9, tzinfo=timezone.utc),
                                None, None, {}, (value,), {})
    with app.test_request_context("/?lang=en"):
        assert records.sentence(record).startswith("The scheduler completed")
        [line] = records.lines(record)
        assert records.text(True) == "Yes" and records.text(None) == "—" and records.text(engine.WITHHELD) == "withheld"
        assert records.text(["a", "b", "c"]) == "a, b, and c" and records.text(date(2027, 1, 2)) == "02/01/2027"
    assert (line.label, line.text) == ("Measures", "Measure: No lifting; Hours: 4.5")


def test_a_read_of_medical_data_names_the_fields_by_their_labels(client, auth, law, clock):
    rit = decided_b(law, clock)
    doctor = client.application.test_client()
    doctor.post("/login", data={"username": "dr-peeters", "password": PASSWORD, "csrf_token": csrf_token(doctor)})
    assert doctor.get(f"/cases/{rit.case.id}").status_code == 200
    auth.login_as("compliance_officer")
    text = read(client, f"/compliance/instances/{rit.instance.id}", "en")
    assert ("Dr. Peeters read medical data on 12/01/2027; only the names of the fields are recorded: "
            "Medical justification (health file only).") in text
    assert_readable(text)
