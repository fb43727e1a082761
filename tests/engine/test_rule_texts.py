"""The words of each legal term in Dutch and French: the ``[Txx.nl]`` and ``[Txx.fr]`` sub-tables of
``processes/deadlines.toml``, checked when the rules are read and kept in each version's snapshot."""

from __future__ import annotations

import dataclasses

import pytest

from engine.errors import InvalidModel
from engine.law import deadline_rules
from tests.engine.test_deadlines import GOOD_ENTRY

RULES = deadline_rules.load_rules()


def english_fields(rule: deadline_rules.Rule) -> set[str]:
    return {name for name in deadline_rules.TRANSLATED_FIELDS if getattr(rule, name) is not None}


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_the_shipped_rules_translate_every_english_text_field_into_dutch_and_french(rule_id):
    rule = RULES[rule_id]
    for language in deadline_rules.LANGUAGES:
        assert set(rule.texts[language]) == english_fields(rule)
        for name in english_fields(rule):
            assert rule.text(name, language) != getattr(rule, name) or name == "legal_source"


def test_T08_speaks_dutch_and_french_in_the_law_s_own_names():
    """T08: re-integration assessment within 49 calendar days (Codex welzijn op het werk, art. I.4-72 to I.4-82)."""
    t08 = RULES["T08"]
    assert t08.text("title", "nl") == "De preventieadviseur-arbeidsarts rondt de re-integratiebeoordeling af"
    assert t08.text("legal_source", "nl") == "Codex welzijn op het werk, art. I.4-72 tot I.4-82"
    assert t08.text("legal_source", "fr") == "Code du bien-être au travail, art. I.4-72 à I.4-82"
    assert "I.4-80" in RULES["T09"].text("legal_source", "fr")
    assert RULES["T09"].text("roll_forward_basis", "fr") == "art. 53 du Code judiciaire, par analogie"
    assert "Arbeidsovereenkomstenwet art. 34" in RULES["T36"].text("legal_source", "nl")
    assert "Loi du 3 juillet 1978 relative aux contrats de travail, art. 34" in RULES["T36"].text("legal_source", "fr")


def test_a_translated_legal_source_keeps_the_articles_of_the_english_one():
    for rule in RULES.values():
        articles = set(_articles(rule.legal_source))
        for language in deadline_rules.LANGUAGES:
            assert set(_articles(rule.text("legal_source", language) or "")) == articles, rule.id


def _articles(text: str) -> list[str]:
    return [word.strip(",;()") for word in text.split() if any(ch.isdigit() for ch in word) and "." in word]


@pytest.mark.parametrize(("entry", "complaint"), [
    (GOOD_ENTRY.replace('on_expiry = "e-nl"\n', ""), "[nl] lacks a translation of 'on_expiry'"),
    (GOOD_ENTRY.replace('title = "t-fr"', 'title = ""'), "[fr] lacks a translation of 'title'"),
    (GOOD_ENTRY.replace('title = "t-fr"', "title = 3"), "[fr] 'title' must be text"),
    (GOOD_ENTRY.replace('title = "t-nl"', 'title = "t-nl"\nname = "goed"'), "[nl] 'name' is not a field to translate"),
    (GOOD_ENTRY.replace('title = "t-nl"', 'title = "t-nl"\nroll_forward_basis = "x"'),
     "[nl] 'roll_forward_basis' is not a field to translate"),
    (GOOD_ENTRY.split("[G1.fr]")[0], "needs a [fr] table translating title, start_event, on_expiry, legal_source"),
    (GOOD_ENTRY.replace("[G1.nl]", '[G1.nl.more]\ntitle = "x"\n[G1.nl]'), "[nl] 'more' is not a field to translate"),
    (GOOD_ENTRY.replace('kind = "deadline"', 'kind = "deadline"\nalternative_start_event = "a"'),
     "[nl] lacks a translation of 'alternative_start_event'"),
])
def test_a_rule_without_a_full_translation_is_refused_naming_the_language_and_field(tmp_path, entry, complaint):
    path = tmp_path / "rules.toml"
    path.write_text(entry, encoding="utf-8")
    with pytest.raises(InvalidModel) as refused:
        deadline_rules.load_rules(path)
    [problem] = refused.value.problems
    assert problem.element_id == "G1"
    assert complaint in problem.message
    assert str(problem).endswith(f"G1: {problem.message}")


def test_a_rule_refused_for_its_translation_does_not_hide_the_other_rules_problems(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(GOOD_ENTRY.replace('legal_source = "l-fr"\n', "")
                    + GOOD_ENTRY.replace("G1", "G2").replace('name = "good"', 'name = "other"')
                    .replace("[G2.nl]", "[G2.en]"), encoding="utf-8")
    with pytest.raises(InvalidModel) as refused:
        deadline_rules.load_rules(path)
    messages = {problem.element_id: problem.message for problem in refused.value.problems}
    assert messages["G1"] == "[fr] lacks a translation of 'legal_source'"
    assert "needs a [nl] table" in messages["G2"] and "'en' is not" not in messages["G2"]


def test_a_snapshot_keeps_the_translations():
    for rule in RULES.values():
        again = deadline_rules.rule_from_dict(deadline_rules.rule_to_dict(rule))
        assert again == rule
        assert again.texts == rule.texts
        assert again.text("title", "fr") == rule.text("title", "fr")


def test_a_snapshot_stored_before_the_translations_speaks_english():
    """A version deployed before issue 15 keeps a snapshot without texts: its words stay English."""
    data = deadline_rules.rule_to_dict(dataclasses.replace(RULES["T15"], texts={}))
    assert "texts" not in data
    old = deadline_rules.rule_from_dict(data)
    assert old.text("title", "nl") == "Pre-return visit held"
    assert old.text("legal_source", "fr") == "Codex welzijn op het werk, art. I.4-36"
    assert old.text("alternative_start_event", "nl") is None
