"""Legal terms from the rules file: literal due dates written by hand, per catalogue id."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from engine import deadlines
from engine.errors import InvalidInput, InvalidModel, NotFound

UTC = timezone.utc
EXPECTED_IDS = {f"T{n:02d}" for n in range(1, 48)} - {"T07", "T20"}


def due(rule: str, start: date, regime_on: date | None = None) -> date:
    return deadlines.compute(rule, start, regime_on=regime_on).due_on


def test_the_rules_file_has_every_numbered_term_of_the_catalogue():
    assert set(deadlines.load_rules()) == EXPECTED_IDS


def test_unverified_and_conflicting_terms_are_marked_unverified():
    rules = deadlines.load_rules()
    assert {r for r in rules if rules[r].is_unverified} >= {"T45", "T46", "T47", "T40"}
    assert not rules["T08"].is_unverified


@pytest.mark.parametrize(("received", "expected"), [
    (date(2026, 12, 23), date(2027, 2, 10)),
    (date(2026, 1, 31), date(2026, 3, 21)),
])
def test_assessment_is_due_49_calendar_days_after_receipt_of_the_request(received, expected):
    """T08: the occupational physician assesses within 49 calendar days (art. I.4-72 ff.)."""
    assert due("T08", received) == expected


def test_appeal_window_against_decision_b_is_21_days_from_the_day_after_receipt():
    """T09: art. I.4-80, 21 calendar days from the day after receipt of the assessment form."""
    assert due("T09", date(2026, 12, 14)) == date(2027, 1, 4)


@pytest.mark.parametrize(("received", "expected"), [
    (date(2026, 8, 31), date(2027, 2, 28)),   # end-of-month clipping
    (date(2027, 8, 31), date(2028, 2, 29)),   # into a leap February
    (date(2026, 3, 15), date(2026, 9, 15)),
])
def test_plan_after_decision_b_is_due_six_months_after_receipt(received, expected):
    """T11: plan or motivated report within 6 months after decision B."""
    assert due("T11", received) == expected


def test_plan_after_decision_a_is_due_63_days_after_receipt():
    """T12: plan or motivated report within 63 calendar days after decision A."""
    assert due("T12", date(2026, 11, 2)) == date(2027, 1, 4)


def test_plan_reply_window_starts_the_day_after_receipt():
    """T13: the worker has 14 calendar days from the day after receipt of the plan."""
    assert due("T13", date(2026, 12, 24)) == date(2027, 1, 7)


def test_new_trajectory_after_decision_c_waits_three_months():
    """T14: a new request only 3 months after decision C."""
    assert due("T14", date(2026, 11, 30)) == date(2027, 2, 28)


@pytest.mark.parametrize(("received", "expected"), [
    (date(2026, 3, 2), date(2026, 3, 16)),    # plain fortnight
    (date(2026, 4, 3), date(2026, 4, 20)),    # Easter Monday skipped
    (date(2026, 12, 23), date(2027, 1, 8)),   # Christmas and New Year skipped
])
def test_pre_return_visit_is_due_ten_working_days_after_receipt(received, expected):
    """T15: the visit takes place within 10 working days following the day of receipt (art. I.4-36)."""
    assert deadlines.compute("pre_return_visit", start=received).due_on == expected


def test_resumption_exam_is_due_on_the_tenth_working_day_after_resumption():
    """T18: art. I.4-34, at the latest on the 10th working day after resumption."""
    assert due("T18", date(2026, 7, 13)) == date(2026, 7, 28)


def test_resumption_window_opens_on_the_day_of_resumption():
    """T17: art. I.4-34, at the earliest on the day of resumption."""
    assert due("T17", date(2026, 7, 13)) == date(2026, 7, 13)


def test_progressive_resumption_request_is_due_the_working_day_before():
    """T28: at the latest on the working day before the resumption (art. 100 §2 GVU-wet)."""
    assert due("T28", date(2026, 4, 7)) == date(2026, 4, 3)


def test_progressive_resumption_decision_counts_the_first_day_of_resumption():
    """T30: by the 30th working day counted from the first day of resumption."""
    assert due("T30", date(2026, 3, 2)) == date(2026, 4, 13)


def test_invalidity_starts_one_year_after_a_leap_day_on_28_february():
    """T34: invalidity after one year of primary incapacity."""
    assert due("T34", date(2028, 2, 29)) == date(2029, 2, 28)


@pytest.mark.parametrize(("regime_on", "expected"), [
    (date(2025, 12, 1), date(2026, 3, 10)),   # 9 months before 2026
    (date(2026, 1, 5), date(2025, 12, 10)),   # 6 months from 2026
])
def test_force_majeure_eligibility_follows_the_regime_in_force(regime_on, expected):
    """T36: art. 34 Arbeidsovereenkomstenwet, 9 months until 31 Dec 2025, 6 months since 1 Jan 2026."""
    assert due("T36", date(2025, 6, 10), regime_on) == expected


def test_force_majeure_invitation_not_before_day_ten():
    """T37: the occupational physician invites at the earliest 10 calendar days after notification."""
    assert due("T37", date(2026, 12, 28)) == date(2027, 1, 7)


def test_force_majeure_appeal_window_is_21_days():
    """T41: 21 calendar days from the day after receipt of the finding."""
    assert due("T41", date(2027, 2, 10)) == date(2027, 3, 3)


def test_return_to_work_fund_notification_is_due_45_days_after_termination():
    """T47: notify RIZIV within 45 calendar days of a termination for medical force majeure."""
    assert due("T47", date(2026, 12, 1)) == date(2027, 1, 15)


@pytest.mark.parametrize(("due_day", "expires"), [
    (date(2027, 1, 8), datetime(2027, 1, 8, 23, 0, tzinfo=UTC)),   # winter: UTC+1
    (date(2026, 7, 28), datetime(2026, 7, 28, 22, 0, tzinfo=UTC)),  # summer: UTC+2
])
def test_a_term_expires_when_its_due_day_is_over_in_brussels(due_day, expires):
    rule = "T15" if due_day.year == 2027 else "T18"
    start = date(2026, 12, 23) if rule == "T15" else date(2026, 7, 13)
    computation = deadlines.compute(rule, start)
    assert (computation.due_on, computation.expires_at) == (due_day, expires)


def test_the_explanation_names_the_skipped_holidays_and_the_article():
    explanation = deadlines.compute("T15", "2026-12-23").explanation
    assert "2026-12-23" in explanation and "+10 Belgian working days" in explanation
    assert "25 Dec 2026 (Christmas Day)" in explanation and "1 Jan 2027 (New Year's Day)" in explanation
    assert explanation.endswith("= 2027-01-08 (T15, Codex welzijn op het werk, art. I.4-36)")


def test_explanations_say_when_a_month_end_was_clipped_and_which_regime_applied():
    assert "clipped" in deadlines.compute("T11", "2026-08-31").explanation
    assert "regime from 2026-01-01" in deadlines.compute("T36", "2025-06-10", regime_on="2026-01-05").explanation


def test_window_rules_say_when_the_window_opens():
    """T23: the quickscan takes place in the 4th month of incapacity."""
    computation = deadlines.compute("T23", "2026-01-15")
    assert (computation.opens_on, computation.due_on) == (date(2026, 4, 15), date(2026, 5, 15))


def test_an_unknown_rule_is_not_found():
    with pytest.raises(NotFound):
        deadlines.compute("T99", date(2026, 1, 1))


def test_a_2026_rule_does_not_apply_before_2026():
    with pytest.raises(InvalidInput) as refused:
        deadlines.compute("T05", date(2025, 6, 1))
    assert "2026-01-01" in refused.value.message


def test_a_start_that_is_no_date_is_invalid_input():
    with pytest.raises(InvalidInput):
        deadlines.compute("T08", "next tuesday")


def test_a_rule_survives_its_snapshot():
    rule = deadlines.find("T36")
    assert deadlines.rule_from_dict(deadlines.rule_to_dict(rule)) == rule


def test_a_malformed_rules_file_lists_every_bad_entry(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("""
[X1]
name = "one"
title = "t"
kind = "deadline"
start_event = "s"
on_expiry = "e"
legal_source = "l"
confidence = "V"
unverified = false
[[X1.regimes]]
effective_from = 2022-01-01
duration = 3
unit = "fortnights"
counting_from = "day_after"

[X2]
name = "two"
kind = "sometimes"
""")
    with pytest.raises(InvalidModel) as refused:
        deadlines.load_rules(path)
    assert {p.element_id for p in refused.value.problems} == {"X1", "X2"}
