"""Legal terms from the rules file: literal due dates written by hand, per catalogue id (legal-rules.md, section 5)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import InvalidInput, InvalidModel, NotFound
from engine.law import deadline_rules, deadlines

UTC = timezone.utc
_AFTER = {13: ("b",), 32: ("b",), 34: ("a", "b"), 46: ("b",)}
"""Rules beyond the catalogue that follow their term: T13b, T32b, T46b; T34a and T34b (the advisory physician's
steps the "Corrections after review" name as not yet in the catalogue)."""
CATALOGUE_IDS = [f"T{n:02d}{tail}" for n in range(1, 48) if n != 7 for tail in ("", *_AFTER.get(n, ()))]
RULES = deadlines.load_rules()

GOOD_ENTRY = """
[G1]
name = "good"
title = "t"
kind = "deadline"
acting_role = "employer"
start_event = "s"
on_expiry = "e"
legal_source = "l"
sources = ["S1"]
confidence = "V"
unverified = false
[[G1.regimes]]
effective_from = 2022-01-01
duration = 3
unit = "months"
counting_from = "day_after"
roll_forward = false
[G1.nl]
title = "t-nl"
start_event = "s-nl"
on_expiry = "e-nl"
legal_source = "l-nl"
[G1.fr]
title = "t-fr"
start_event = "s-fr"
on_expiry = "e-fr"
legal_source = "l-fr"
"""
EARLIER_REGIME = """[[G1.regimes]]
effective_from = 2021-01-01
duration = 2
unit = "months"
counting_from = "day_after"
roll_forward = false
"""


def due(rule: str, start: date, regime_on: date | None = None) -> date:
    return deadlines.compute(rule, start, regime_on=regime_on).due_on


def test_the_rules_file_has_every_numbered_term_of_the_catalogue_in_order():
    """T07 (a count of invitations) is not a term; T13b, T32b and T46b follow their T13, T32 and T46."""
    assert [rule for rule in RULES if rule.startswith("T")] == CATALOGUE_IDS
    assert [rule for rule in RULES if not rule.startswith("T")] == ["C06", "C47"]


def test_T20_the_contact_term_is_the_employer_cadence_with_28_days_by_default():
    """T20 has no legal number: its length is the case's contact_every_days (the employer's work regulations);
    without it, the row's 28 calendar days, the product default the employer policy reads from the row."""
    from engine.store import employer_policy

    assert RULES["T20"].length_from == "contact_every_days"
    assert employer_policy.DEFAULT_CONTACT_EVERY_DAYS == RULES["T20"].regimes[-1].duration == 28
    assert due("T20", date(2026, 3, 2)) == date(2026, 3, 30)
    computation = deadlines.compute("T20", date(2026, 3, 2), length=14)
    assert (computation.due_on, computation.duration) == (date(2026, 3, 16), 14)
    assert deadlines.compute("T08", date(2026, 3, 2), length=14).due_on == due("T08", date(2026, 3, 2))
    with pytest.raises(InvalidInput):
        deadlines.compute("T20", date(2026, 3, 2), length=0)
    with pytest.raises(InvalidInput):
        deadlines.compute("T20", date(2025, 6, 2))  # a 2026 duty


def test_a_length_from_that_names_no_variable_is_refused(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(GOOD_ENTRY.replace('unverified = false', 'unverified = false\nlength_from = "Every Days"'))
    with pytest.raises(InvalidModel, match="length_from"):
        deadlines.load_rules(path)


def test_C06_a_return_of_less_than_14_days_does_not_interrupt_the_incapacity():
    """Convention 0.6: the clock restarts only if the worker works at least 14 days."""
    computation = deadlines.compute("C06", date(2027, 2, 1))
    assert (computation.due_on, computation.kind) == (date(2027, 2, 14), "period")


def test_terms_tagged_unverified_or_conflicting_must_be_reviewed():
    """Tags with U or C (T19, T37, T40, T45, T46, T47, and the second plan terms T13b, T46b) mark a rule
    unverified; the others are not."""
    unverified = {rule.id for rule in RULES.values() if rule.is_unverified}
    assert unverified == {"C47", "T13b", "T19", "T32b", "T37", "T40", "T45", "T46", "T46b", "T47"}
    assert (RULES["T01"].confidence, RULES["T37"].confidence, RULES["T15"].confidence) == ("V/R", "V+/C", "V+")


def test_windows_say_when_they_open():
    """T23 (in the 4th month) and T35 (months 2-3) are the only windows."""
    assert {rule.id: rule.opens_after for rule in RULES.values() if rule.opens_after} == {
        "T23": (3, "months"), "T35": (1, "months")}


@pytest.mark.parametrize(("rule", "start", "expected"), [
    ("T08", date(2026, 12, 23), date(2027, 2, 10)),
    ("T08", date(2026, 1, 31), date(2026, 3, 21)),     # falls on a Saturday: no roll-forward
    ("T08", date(2026, 3, 2), date(2026, 4, 20)),
    ("T09", date(2026, 12, 14), date(2027, 1, 4)),
    ("T09", date(2026, 2, 10), date(2026, 3, 3)),
    ("T12", date(2026, 11, 2), date(2027, 1, 4)),
    ("T12", date(2026, 1, 1), date(2026, 3, 5)),
    ("T13", date(2026, 12, 24), date(2027, 1, 7)),
    ("T13", date(2026, 2, 20), date(2026, 3, 6)),
    ("T37", date(2026, 12, 28), date(2027, 1, 7)),
    ("T37", date(2026, 2, 25), date(2026, 3, 7)),
    ("T41", date(2027, 2, 10), date(2027, 3, 3)),
    ("T41", date(2026, 12, 15), date(2027, 1, 5)),
    ("T47", date(2026, 12, 1), date(2027, 1, 15)),
    ("T47", date(2026, 5, 20), date(2026, 7, 4)),
])
def test_calendar_day_terms_count_from_the_day_after_the_start_event(rule, start, expected):
    """T08 (49 days, art. I.4-72 to I.4-82), T09 (21, art. I.4-80), T12 (63), T13 (14),
    T37 (10, art. I.4-82/1), T41 (21, art. I.4-82/1), T47 (45): due = start + N calendar days."""
    assert due(rule, start) == expected


@pytest.mark.parametrize(("rule", "start", "expected"), [
    ("T11", date(2026, 8, 31), date(2027, 2, 28)),     # end-of-month clipping
    ("T11", date(2027, 8, 31), date(2028, 2, 29)),     # into a leap February
    ("T11", date(2026, 3, 15), date(2026, 9, 15)),
    ("T11", date(2026, 5, 31), date(2026, 11, 30)),
    ("T14", date(2026, 11, 30), date(2027, 2, 28)),
    ("T14", date(2026, 5, 12), date(2026, 8, 12)),
    ("T34", date(2028, 2, 29), date(2029, 2, 28)),     # leap day, common year
    ("T34", date(2026, 3, 10), date(2027, 3, 10)),
])
def test_month_and_year_terms_clip_to_the_end_of_shorter_months(rule, start, expected):
    """T11 (plan after decision B, 6 months, art. I.4-72 to I.4-82), T14 (3 months after decision C),
    T34 (invalidity after one year of primary incapacity)."""
    assert due(rule, start) == expected


@pytest.mark.parametrize(("received", "expected"), [
    (date(2026, 3, 2), date(2026, 3, 16)),    # plain fortnight
    (date(2026, 4, 3), date(2026, 4, 20)),    # Easter Monday skipped
    (date(2026, 12, 23), date(2027, 1, 8)),   # Christmas and New Year skipped
])
def test_pre_return_visit_is_due_ten_working_days_after_receipt(received, expected):
    """T15: the visit takes place within 10 working days following the day of receipt (art. I.4-36)."""
    assert deadlines.compute("pre_return_visit", start=received).due_on == expected


@pytest.mark.parametrize(("resumed", "expected"), [
    (date(2026, 7, 13), date(2026, 7, 28)),   # 21 July skipped
    (date(2026, 12, 23), date(2027, 1, 8)),
])
def test_resumption_exam_is_due_on_the_tenth_working_day_after_resumption(resumed, expected):
    """T18: at the latest on the 10th working day after resumption (art. I.4-34)."""
    assert due("T18", resumed) == expected


def test_resumption_exam_window_opens_on_the_day_of_resumption():
    """T17: at the earliest on the day of resumption (art. I.4-34)."""
    assert due("T17", date(2026, 7, 13)) == date(2026, 7, 13)


@pytest.mark.parametrize(("resumption", "expected"), [
    (date(2026, 3, 2), date(2026, 2, 27)),    # Monday: the Friday before
    (date(2026, 4, 7), date(2026, 4, 3)),     # back over Easter Monday and the weekend
    (date(2026, 5, 26), date(2026, 5, 22)),   # back over Whit Monday and the weekend
])
def test_progressive_resumption_request_is_due_the_working_day_before(resumption, expected):
    """T28: at the latest on the working day before the resumption (art. 100 §2 GVU-wet)."""
    assert due("T28", resumption) == expected


@pytest.mark.parametrize(("resumption", "expected"), [
    (date(2026, 3, 2), date(2026, 4, 13)),    # Easter Monday skipped
    (date(2026, 12, 24), date(2027, 2, 5)),   # Christmas and New Year skipped
])
def test_progressive_resumption_decision_counts_the_first_day_of_resumption(resumption, expected):
    """T30: by the 30th working day counted from the first day of resumption (art. 100 §2 GVU-wet)."""
    assert due("T30", resumption) == expected


@pytest.mark.parametrize(("regime_on", "expected"), [
    (date(2025, 12, 1), date(2026, 3, 10)),   # 9 months before 2026
    (date(2026, 1, 5), date(2025, 12, 10)),   # 6 months from 2026
])
def test_force_majeure_eligibility_follows_the_regime_in_force(regime_on, expected):
    """T36: art. 34 Arbeidsovereenkomstenwet, 9 months until 31 Dec 2025, 6 months since 1 Jan 2026."""
    assert due("T36", date(2025, 6, 10), regime_on) == expected


@pytest.mark.parametrize(("rule", "start", "opens", "expected"), [
    ("T23", date(2026, 1, 15), date(2026, 4, 15), date(2026, 5, 14)),
    ("T35", date(2026, 1, 31), date(2026, 2, 28), date(2026, 4, 30)),
])
def test_window_terms_open_before_they_fall_due(rule, start, opens, expected):
    """T23: the quickscan in the 4th month of incapacity; T35: the employer contribution in months 2-3."""
    computation = deadlines.compute(rule, start)
    assert (computation.opens_on, computation.due_on) == (opens, expected)


def test_T23_quickscan_is_due_on_the_last_day_of_the_fourth_month():
    """T23, corrected after review: "in the course of the 4th month" of an incapacity that began on 5 October
    ends on 4 February (the month from 5 January to 4 February is the fourth)."""
    computation = deadlines.compute("T23", date(2026, 10, 5))
    assert (computation.opens_on, computation.due_on) == (date(2027, 1, 5), date(2027, 2, 4))


@pytest.mark.parametrize(("rule", "start", "expected"), [
    ("T09", date(2027, 1, 22), date(2027, 2, 12)),     # a Friday: nothing to move
    ("T09", date(2026, 12, 19), date(2027, 1, 11)),    # Saturday 9 January -> Monday 11 January
    ("T41", date(2027, 3, 8), date(2027, 3, 30)),      # Easter Monday 29 March 2027 -> Tuesday 30 March
    ("T43", date(2026, 12, 18), date(2026, 12, 28)),   # Friday 25 December: Christmas -> Monday 28 December
    ("T13", date(2026, 12, 19), date(2027, 1, 4)),     # Saturday 2 January -> Monday 4 January
    ("T46", date(2027, 5, 2), date(2027, 5, 18)),      # Whit Sunday 16 May, Whit Monday 17 May -> Tuesday 18
    ("T13b", date(2027, 4, 14), date(2027, 4, 28)),    # a Wednesday: nothing to move
    ("T46b", date(2027, 4, 27), date(2027, 5, 11)),    # a Tuesday: nothing to move
])
def test_windows_that_protect_a_right_roll_forward_to_the_next_working_day(rule, start, expected):
    """T09 and T41 (appeals, art. I.4-80, I.4-82/1), T43 (late adapted-work request), T13/T46 and T13b/T46b
    (the worker's reply to a plan): a last day on a weekend or Belgian holiday moves to the next working day
    (art. 53 Judicial Code by analogy, Corrections after review, unverified)."""
    assert due(rule, start) == expected


def test_T12_the_explanation_shows_the_assessment_date_beside_the_receipt():
    """T12 (Corrections after review): the 63 days count from the employer's receipt of form A; the seed counts
    from the assessment. The due date follows the receipt, and the explanation shows both dates."""
    computation = deadlines.compute("T12", date(2027, 1, 12), alternative_start=date(2027, 1, 8))
    assert computation.due_on == date(2027, 3, 16)
    assert computation.explanation.endswith("; counted from the re-integration assessment (the seed text counts the "
                                            "63 days from it) 2027-01-08 it would be 2027-03-12 (not applied, "
                                            "unverified)")
    assert "counted from" not in deadlines.compute("T08", date(2027, 1, 12), alternative_start="2027-01-08").explanation


def test_a_rolled_forward_window_names_its_unverified_basis():
    """T13: the explanation says the term moved, and on which unverified basis."""
    explanation = deadlines.compute("T13", date(2026, 12, 19)).explanation
    assert "Sat 2 Jan 2027 is not a working day, rolled forward to the next one (art. 53 Judicial Code, by " \
           "analogy, unverified) = 2027-01-04" in explanation
    assert {rule.id for rule in RULES.values() if rule.roll_forward_basis} == {
        "T09", "T13", "T13b", "T41", "T43", "T46", "T46b"}


@pytest.mark.parametrize(("rule", "start", "due_day", "expires"), [
    ("T15", date(2026, 12, 23), date(2027, 1, 8), datetime(2027, 1, 8, 23, 0, tzinfo=UTC)),     # winter: UTC+1
    ("T18", date(2026, 7, 13), date(2026, 7, 28), datetime(2026, 7, 28, 22, 0, tzinfo=UTC)),    # summer: UTC+2
    ("T08", date(2026, 2, 7), date(2026, 3, 28), datetime(2026, 3, 28, 23, 0, tzinfo=UTC)),     # eve of summer time
    ("T08", date(2026, 9, 6), date(2026, 10, 25), datetime(2026, 10, 25, 23, 0, tzinfo=UTC)),   # winter time returns
])
def test_a_term_expires_when_its_due_day_is_over_in_brussels(rule, start, due_day, expires):
    """T15 (art. I.4-36), T18 (art. I.4-34), T08: expiry is 00:00 Brussels time on the day after the due date."""
    computation = deadlines.compute(rule, start)
    assert (computation.due_on, computation.expires_at) == (due_day, expires)


def test_the_explanation_names_the_skipped_holidays_and_the_article():
    """T15: art. I.4-36, received the day before Christmas Eve."""
    assert deadlines.compute("T15", "2026-12-23").explanation == (
        "OA's receipt of the visit request 2026-12-23; counting from the day after; +10 Belgian working days, "
        "skipping Fri 25 Dec 2026 (Christmas Day), Fri 1 Jan 2027 (New Year's Day) and weekends "
        "= 2027-01-08 (T15, Codex welzijn op het werk, art. I.4-36)")


def test_the_explanation_of_a_term_counted_back_names_what_it_skipped():
    """T28: the working day before a resumption on the Tuesday after Easter."""
    explanation = deadlines.compute("T28", "2026-04-07").explanation
    assert "-1 Belgian working day, skipping Mon 6 Apr 2026 (Easter Monday) and the weekend = 2026-04-03" in explanation


def test_the_explanation_says_when_a_month_end_was_clipped():
    """T11: six months from 31 August end on 28 February."""
    explanation = deadlines.compute("T11", "2026-08-31").explanation
    assert "+6 months, clipped to the end of the month = 2027-02-28" in explanation
    assert "clipped" not in deadlines.compute("T11", "2026-03-15").explanation


@pytest.mark.parametrize(("regime_on", "mentioned"), [
    ("2025-12-01", "regime from 2022-11-28: 9 months"),
    ("2026-01-05", "regime from 2026-01-01: 6 months"),
])
def test_the_explanation_names_the_regime_when_a_rule_has_several(regime_on, mentioned):
    """T36: art. 34 Arbeidsovereenkomstenwet changed on 1 January 2026."""
    assert mentioned in deadlines.compute("T36", "2025-06-10", regime_on=regime_on).explanation
    assert "regime" not in deadlines.compute("T15", "2026-03-02").explanation


def test_a_due_date_on_a_weekend_rolls_forward_when_the_rule_says_so():
    """A rule with roll_forward: 14 calendar days from Saturday 19 December end on Saturday 2 January."""
    rule = deadlines.Rule(
        id="X1", name="rolled", title="t", kind="deadline", start_event="receipt", on_expiry="e",
        legal_source="test rule", sources=(), confidence="U", is_unverified=True, opens_after=None,
        regimes=(deadlines.Regime(date(2022, 1, 1), 14, "calendar_days", "day_after", True),),
    )
    computation = deadlines.compute("rolled", date(2026, 12, 19), rules={"X1": rule})
    assert computation.due_on == date(2027, 1, 4)
    assert "Sat 2 Jan 2027 is not a working day, rolled forward" in computation.explanation


def test_a_rule_is_found_by_its_name_as_well_as_its_id():
    """T15: pre_return_visit."""
    assert deadlines.compute("pre_return_visit", "2026-03-02") == deadlines.compute("T15", date(2026, 3, 2))


def test_an_iso_datetime_start_counts_from_its_date_part():
    """T15: a receipt stamped 2026-03-02T09:30 counts from 2026-03-02."""
    assert due("T15", "2026-03-02T09:30:00+01:00") == date(2026, 3, 16)


@pytest.mark.parametrize("rule", ["T99", "T07", "no_such_rule"])
def test_an_unknown_rule_is_not_found(rule):
    with pytest.raises(NotFound, match=rule):
        deadlines.compute(rule, date(2026, 1, 1))


@pytest.mark.parametrize(("rule", "start", "message"), [
    ("T05", date(2025, 6, 1), "T05 does not apply before 2026-01-01"),
    ("T36", date(2022, 3, 1), "T36 does not apply before 2022-11-28"),
])
def test_a_rule_does_not_apply_before_its_first_regime(rule, start, message):
    """T05: the mandatory request of the 2026 reform; T36: medical force majeure since 28 Nov 2022."""
    with pytest.raises(InvalidInput, match=message) as refused:
        deadlines.compute(rule, start)
    assert "regime_on" in refused.value.fields


@pytest.mark.parametrize(("field", "start", "regime_on"), [
    ("start", "next tuesday", None),
    ("start", "2026-02-30", None),
    ("start", "", None),
    ("start", 20260302, None),
    ("regime_on", "2026-03-02", "soon"),
])
def test_a_date_that_is_no_date_is_invalid_input(field, start, regime_on):
    with pytest.raises(InvalidInput) as refused:
        deadlines.compute("T08", start, regime_on=regime_on)
    assert field in refused.value.fields


def test_a_rule_survives_its_snapshot():
    """T23: the window and the regimes come back from the stored JSON."""
    for rule_id in ("T23", "T36"):
        assert deadline_rules.rule_from_dict(deadline_rules.rule_to_dict(RULES[rule_id])) == RULES[rule_id]


def test_a_malformed_rules_file_lists_every_bad_entry(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(GOOD_ENTRY + """
[X1]
name = "one"
title = "t"
kind = "deadline"
start_event = "s"
on_expiry = "e"
legal_source = "l"
sources = []
confidence = "V"
unverified = false
[[X1.regimes]]
effective_from = 2022-01-01
duration = 3
unit = "fortnights"
counting_from = "day_before"
roll_forward = false

[X2]
name = "two"
kind = "sometimes"
""")
    with pytest.raises(InvalidModel) as refused:
        deadlines.load_rules(path)
    problems = {problem.element_id: problem.message for problem in refused.value.problems}
    assert set(problems) == {"X1", "X2"}
    assert "fortnights" in problems["X1"] and "day_before" in problems["X1"]
    assert "'title' must be text" in problems["X2"]


@pytest.mark.parametrize(("entry", "complaint"), [
    (GOOD_ENTRY.replace('confidence = "V"', 'confidence = "V/U"'), "unverified must be true"),
    (GOOD_ENTRY.replace('kind = "deadline"', 'kind = "sometimes"'), "kind 'sometimes'"),
    (GOOD_ENTRY.replace('acting_role = "employer"\n', ""), "acting_role None is not one of employer"),
    (GOOD_ENTRY.replace('acting_role = "employer"', 'acting_role = "hr"'), "acting_role 'hr' is not one of"),
    (GOOD_ENTRY.replace('name = "good"', 'name = "Good Rule"'), "not snake_case"),
    (GOOD_ENTRY.replace("roll_forward = false", ""), "roll_forward"),
    (GOOD_ENTRY.replace("roll_forward = false", "roll_forward = true"), "roll_forward_basis must say why"),
    (GOOD_ENTRY.replace("[[G1.regimes]]", 'roll_forward_basis = "x"\n[[G1.regimes]]'), "no regime rolls forward"),
    (GOOD_ENTRY.replace("duration = 3", "duration = -3").replace('"day_after"', '"event_day"'), "negative duration"),
    (GOOD_ENTRY + EARLIER_REGIME, "sorted by effective_from"),
    (GOOD_ENTRY + EARLIER_REGIME.replace("2021-01-01", "2022-01-01"), "each later than the one before"),
    (GOOD_ENTRY.split("[[G1.regimes]]")[0], "at least one"),
    (GOOD_ENTRY.replace("[[G1.regimes]]", 'opens_after = { duration = 1, unit = "moons" }\n[[G1.regimes]]'), "moons"),
])
def test_each_bad_rule_entry_says_what_is_wrong(tmp_path, entry, complaint):
    path = tmp_path / "rules.toml"
    path.write_text(entry)
    with pytest.raises(InvalidModel) as refused:
        deadlines.load_rules(path)
    assert [problem.element_id for problem in refused.value.problems] == ["G1"]
    assert complaint in refused.value.problems[0].message


def test_two_rules_may_not_share_a_name(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(GOOD_ENTRY + GOOD_ENTRY.replace("G1", "G2"))
    with pytest.raises(InvalidModel) as refused:
        deadlines.load_rules(path)
    assert [problem.element_id for problem in refused.value.problems] == ["G1", "G2"]


def test_a_rules_file_that_is_no_toml_is_an_invalid_model(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("[T15\nname = ")
    with pytest.raises(InvalidModel) as refused:
        deadlines.load_rules(path)
    assert refused.value.problems[0].file == str(path)


@given(st.sampled_from(CATALOGUE_IDS), st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)),
       st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)))
def test_a_later_start_never_gives_an_earlier_due_date_for_any_rule(rule, first, second):
    early, late = min(first, second), max(first, second)
    regime_on = date(2026, 6, 1)
    assert due(rule, early, regime_on) <= due(rule, late, regime_on)


@pytest.mark.parametrize(("first_day", "reached"), [
    (date(2025, 1, 15), date(2025, 10, 15)),   # 9 months, all before 2026
    (date(2025, 5, 15), date(2026, 1, 1)),     # 9 months would end in 2026, 6 months ended in 2025
    (date(2025, 10, 1), date(2026, 4, 1)),     # 6 months, the regime in force on that day
    (date(2026, 6, 1), date(2026, 12, 1)),
])
def test_T36_threshold_date_is_judged_by_the_regime_in_force_on_the_day_it_is_reached(first_day, reached):
    """T36: art. 34 Arbeidsovereenkomstenwet; 9 months until 31 Dec 2025, 6 months since 1 Jan 2026."""
    assert deadlines.threshold_date("T36", first_day) == reached


@pytest.mark.parametrize(("last_day", "reminder"), [
    (date(2028, 3, 1), date(2028, 2, 1)),     # plain month back
    (date(2028, 3, 31), date(2028, 2, 29)),   # clipped to the end of February in a leap year
    (date(2027, 12, 31), date(2027, 11, 30)),  # clipped to a 30-day month
])
def test_the_renewal_reminder_falls_a_month_before_the_authorisation_ends(last_day, reminder):
    """T32b: the worker is reminded one month before the last day of a progressive-resumption authorisation."""
    assert due("T32b", last_day) == reminder
