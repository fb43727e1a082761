"""The explanation of a due date as data: parts a page can render in any language, and the same English sentence."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import engine
from engine.law import deadlines, explanations
from tests.scenarios.conftest import PROCESSES, at

EASTER_MONDAY = {"on": "2026-04-06", "name": {"en": "Easter Monday", "nl": "Paasmaandag", "fr": "Lundi de Pâques"}}


def kinds(computation: deadlines.Computation) -> dict[str, dict]:
    return {part["kind"]: part for part in computation.explanation_parts}


def test_T15_a_working_day_term_over_easter_names_the_holiday_in_every_language():
    """T15 (art. I.4-36): received Fri 3 April 2026, ten working days later is Mon 20 April; Easter Monday and
    three weekends do not count."""
    computation = deadlines.compute("T15", date(2026, 4, 3))
    parts = kinds(computation)
    assert parts["start"]["on"] == "2026-04-03" and parts["start"]["event"]["en"] == "OA's receipt of the visit request"
    assert parts["counting"] == {"kind": "counting", "from": "day_after"}
    assert parts["count"] == {"kind": "count", "duration": 10, "unit": "working_days", "skipped": [EASTER_MONDAY],
                              "weekends": 3, "is_clipped": False}
    assert parts["due"]["on"] == "2026-04-20" and parts["due"]["rule"] == "T15"
    assert parts["due"]["legal_source"]["en"] == "Codex welzijn op het werk, art. I.4-36"
    assert "rolled" not in parts and "regime" not in parts


def test_T28_a_term_counted_back_says_so():
    """T28: the working day before Tue 7 April 2026 is Fri 3 April, over Easter Monday and one weekend."""
    parts = kinds(deadlines.compute("T28", "2026-04-07"))
    assert parts["counting"]["from"] == "back"
    count = parts["count"]
    assert (count["duration"], count["skipped"], count["weekends"]) == (-1, [EASTER_MONDAY], 1)


def test_T13_a_rolled_forward_term_keeps_the_counted_day_and_its_unverified_basis():
    """T13: 14 calendar days after Sat 19 December 2026 is Sat 2 January 2027, rolled forward to Mon 4 January."""
    parts = kinds(deadlines.compute("T13", date(2026, 12, 19)))
    assert parts["rolled"]["counted"] == "2027-01-02" and parts["rolled"]["is_unverified"] is True
    assert parts["rolled"]["basis"]["en"] == "art. 53 Judicial Code, by analogy"
    assert parts["due"]["on"] == "2027-01-04"


def test_T11_a_month_term_says_it_was_clipped_to_the_month_end():
    """T11: six months after 31 August 2026 is 28 February 2027, the last day of that month."""
    assert kinds(deadlines.compute("T11", "2026-08-31"))["count"] == {
        "kind": "count", "duration": 6, "unit": "months", "skipped": [], "weekends": 0, "is_clipped": True}
    assert kinds(deadlines.compute("T11", "2026-03-15"))["count"]["is_clipped"] is False


def test_T12_the_disputed_start_is_a_part_of_its_own():
    parts = kinds(deadlines.compute("T12", date(2027, 1, 12), alternative_start="2027-01-08"))
    assert (parts["alternative"]["from"], parts["alternative"]["due"]) == ("2027-01-08", "2027-03-12")


def test_the_parts_carry_the_rules_own_words_in_dutch_and_french():
    rule = deadlines.find("T13")
    texts = {"nl": {"start_event": "ontvangst van het plan door de werknemer", "legal_source": "Codex, art. I.4-74",
                    "roll_forward_basis": "art. 53 Ger.W., naar analogie"},
             "fr": {"start_event": "réception du plan par le travailleur"}}
    parts = kinds(deadlines.compute("T13", "2026-12-19", rules={"T13": replace(rule, texts=texts)}))
    assert parts["start"]["event"] == {"en": "worker's receipt of the plan",
                                       "nl": "ontvangst van het plan door de werknemer",
                                       "fr": "réception du plan par le travailleur"}
    assert parts["due"]["legal_source"]["nl"] == "Codex, art. I.4-74"
    assert parts["due"]["legal_source"]["fr"] == rule.legal_source
    assert parts["rolled"]["basis"]["nl"] == "art. 53 Ger.W., naar analogie"


def test_the_english_sentence_is_made_of_the_parts_and_reads_as_before():
    computation = deadlines.compute("T15", "2026-04-03")
    assert computation.explanation == explanations.english(list(computation.explanation_parts)) == (
        "OA's receipt of the visit request 2026-04-03; counting from the day after; +10 Belgian working days, "
        "skipping Mon 6 Apr 2026 (Easter Monday) and weekends = 2026-04-20 (T15, Codex welzijn op het werk, "
        "art. I.4-36)")


def test_the_parts_are_plain_json():
    """T36 has several regimes, T23 is a window that opens, T12 has a disputed start."""
    for rule, start in (("T15", "2026-04-03"), ("T13", "2026-12-19"), ("T36", "2025-06-10"), ("T23", "2026-04-03")):
        parts = list(deadlines.compute(rule, start).explanation_parts)
        assert json.loads(json.dumps(parts)) == parts
    parts = list(deadlines.compute("T12", "2027-01-12", alternative_start="2027-01-08").explanation_parts)
    assert json.loads(json.dumps(parts)) == parts


def test_a_kept_deadline_stores_its_parts_with_the_note_that_it_was_late_from_the_start(database_url, clock):
    """T02: an incapacity from 5 January 2026 opened on 1 April 2026 was due on 2 February, before it was computed."""
    clock.set(at(2026, 4, 1))
    eng = engine.Engine(database_url, clock=clock)
    eng.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    case = eng.open_case(reference="LATE-1", employee="Noor", employer="Acme NV",
                         first_day_of_incapacity=date(2026, 1, 5), actor="hr1")
    row = next(d for d in eng.deadlines(case.id) if d.rule == "T02")
    eng.close()
    assert row.explanation_parts is not None
    assert row.explanation_parts[-1] == {"kind": "late", "on": "2026-04-01", "term": "period"}
    assert row.explanation == explanations.english(list(row.explanation_parts))
    assert row.explanation.endswith(" Already elapsed when computed on 2026-04-01: the fact it counts from is older.")
