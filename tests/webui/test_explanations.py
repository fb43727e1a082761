"""How a due date was counted, in the reader's language and with Belgian dates, on every page that explains one."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from flask import Flask

from tests.webui.test_tasks import requested_visit
from tests.webui.test_trace import late_visit
from webui.explanations import explain

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
T15_IN = {
    "nl": ("ontvangst van de aanvraag voor het bezoek door de preventieadviseur-arbeidsarts: 23/12/2026; "
           "te tellen vanaf de dag erna; +10 werkdagen, zonder Kerstmis (vr 25/12/2026), Nieuwjaar (vr 01/01/2027) "
           "en 2 weekends mee te tellen; vervalt op 08/01/2027 (T15, Codex welzijn op het werk, art. I.4-36)."),
    "fr": ("réception de la demande de visite par le conseiller en prévention-médecin du travail : 23/12/2026 ; "
           "à compter du lendemain ; +10 jours ouvrables, sans compter Noël (ven. 25/12/2026), Nouvel An "
           "(ven. 01/01/2027) et 2 week-ends ; échéance le 08/01/2027 (T15, Code du bien-être au travail, "
           "art. I.4-36)."),
}


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_T15_a_dutch_or_french_reader_reads_how_the_due_date_was_counted_in_their_language(client, auth, language):
    """T15 (art. I.4-36): received Wed 23 December 2026, ten working days later is Fri 8 January 2027, past
    Christmas, New Year and two weekends. The case file explains it in the task's legal basis and in its table."""
    case = requested_visit(auth.eng)
    auth.login_as("occupational_physician", username="oa1")
    page = client.get(f"/cases/{case.id}?lang={language}").get_data(as_text=True)
    assert page.count(T15_IN[language]) == 2
    assert "Belgian working days" not in page and "Christmas Day" not in page
    assert ISO_DATE.findall(page) == []


def test_an_english_reader_reads_belgian_dates_too(client, auth):
    case = requested_visit(auth.eng)
    auth.login_as("occupational_physician", username="oa1")
    page = client.get(f"/cases/{case.id}?lang=en").get_data(as_text=True)
    assert "+10 Belgian working days, skipping Christmas Day (Fri 25/12/2026)" in page
    assert "due on 08/01/2027 (T15, " in page and ISO_DATE.findall(page) == []


@pytest.mark.parametrize(("language", "words"), [("nl", "+10 werkdagen"), ("fr", "+10 jours ouvrables")])
def test_T15_the_trace_explains_the_verdicts_due_date_in_the_readers_language(client, auth, law, clock, language,
                                                                             words):
    instance = late_visit(law, clock)
    auth.login_as("compliance_officer")
    page = client.get(f"/compliance/instances/{instance.id}?lang={language}").get_data(as_text=True)
    assert words in page and "08/01/2027" in page and "counting from the day after" not in page


def test_a_deadline_kept_before_there_were_parts_shows_its_english_sentence(app: Flask):
    old = SimpleNamespace(explanation="receipt 2026-12-23; +10 Belgian working days = 2027-01-08",
                          explanation_parts=None)
    unknown = SimpleNamespace(explanation="as stored", explanation_parts=({"kind": "from_a_later_engine"},))
    with app.test_request_context("/?lang=nl"):
        assert explain(old) == old.explanation
        assert explain(unknown) == "as stored"


def test_a_rolled_forward_term_and_a_late_one_are_explained_in_french(app: Flask):
    """T13: 14 calendar days after Sat 19 December 2026 fall on Sat 2 January 2027, rolled forward to Monday."""
    parts = (
        {"kind": "start", "event": {"en": "worker's receipt of the plan", "fr": "réception du plan"},
         "on": "2026-12-19"},
        {"kind": "counting", "from": "day_after"},
        {"kind": "count", "duration": 14, "unit": "calendar_days", "skipped": [], "weekends": 0, "is_clipped": False},
        {"kind": "rolled", "counted": "2027-01-02", "basis": {"en": "art. 53 Judicial Code, by analogy"},
         "is_unverified": True},
        {"kind": "due", "on": "2027-01-04", "rule": "T13", "legal_source": {"en": "Codex, art. I.4-74"}},
        {"kind": "late", "on": "2027-01-05", "term": "deadline"},
    )
    with app.test_request_context("/?lang=fr"):
        text = explain(SimpleNamespace(explanation="", explanation_parts=parts))
    assert text.startswith("réception du plan : 19/12/2026 ; à compter du lendemain ; +14 jours calendrier ; "
                           "sam. 02/01/2027 n'est pas un jour ouvrable, reporté au jour ouvrable suivant "
                           "(art. 53 Judicial Code, by analogy, non vérifié) ; échéance le 04/01/2027 (T13, "
                           "Codex, art. I.4-74). Déjà échu lors de son calcul le 05/01/2027")
