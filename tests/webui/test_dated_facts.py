"""T34a: the switch after six months to an assessment against all occupations is a dated fact the case file lists
under "Dated facts" and the readable records tell as a sentence, in Dutch, French and English."""

from __future__ import annotations

from datetime import date

import pytest

from tests.scenarios.conftest import at
from tests.webui.conftest import open_law_case
from tests.webui.test_readable_records import assert_readable, read

HEADING = {"nl": "Gedateerde feiten", "fr": "Faits datés", "en": "Dated facts"}
FACT = {
    "nl": "Vanaf 04/07/2027 beoordeelt de adviserend arts de arbeidsongeschiktheid ten opzichte van alle beroepen die "
          "de werknemer zou kunnen uitoefenen, niet langer ten opzichte van het gewone beroep ( T34a ).",
    "fr": "À partir du 04/07/2027, le médecin-conseil évalue l'incapacité de travail par rapport à toutes les "
          "professions que le travailleur pourrait exercer, et non plus par rapport à sa profession habituelle "
          "( T34a ).",
    "en": "From 04/07/2027 the advisory physician assesses the incapacity against all occupations the worker could "
          "do, no longer against the usual occupation ( T34a ).",  # the rule links to the legal reference
}
RECORDED = {
    "nl": "Het systeem registreerde op 05/07/2027 een gedateerd feit van het dossier. Vanaf 04/07/2027 beoordeelt",
    "fr": "Le système a enregistré le 05/07/2027 un fait daté du dossier. À partir du 04/07/2027, le médecin-conseil",
    "en": "The system recorded a dated fact of the case on 05/07/2027. From 04/07/2027 the advisory physician",
}


@pytest.fixture
def six_months(law, clock):  # type: ignore[no-untyped-def]
    """An incapacity from 4 January 2027, its clock past six months."""
    clock.set(at(2027, 1, 4))
    case = open_law_case(law, "FACT-1", first_day=date(2027, 1, 4))
    [follow_up] = [i for i in law.instances(case.id) if i.process_id == "incapacity_follow_up"]
    clock.set(at(2027, 7, 5))
    law.fire_due_timers()
    return case, follow_up


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_T34a_the_case_file_lists_the_dated_fact_in_the_readers_language(client, auth, six_months, language):
    case, _ = six_months
    auth.login_as("employer")
    text = read(client, f"/cases/{case.id}", language)
    assert HEADING[language] in text and FACT[language] in text
    assert_readable(text)


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_T34a_the_trace_tells_the_dated_fact_as_a_sentence(client, auth, six_months, language):
    _, follow_up = six_months
    auth.login_as("compliance_officer")
    text = read(client, f"/compliance/instances/{follow_up.id}", language)
    assert RECORDED[language] in text
    assert_readable(text)


def test_a_case_file_without_dated_facts_says_so(client, auth, law, clock):
    clock.set(at(2027, 1, 4))
    case = open_law_case(law, "FACT-2", first_day=date(2027, 1, 4))
    auth.login_as("employer")
    text = read(client, f"/cases/{case.id}", "en")
    assert "No dated fact yet: the law has not changed how this incapacity is judged." in text
