"""The legal letters (issue 17): each rendered in Dutch and French from a played case, read back from the PDF.

A letter is checked for what the law makes it carry: the names, the recorded dates (dd/mm/yyyy), the articles and
the terms (the 21-day appeal, the 14-day reply to a plan, the registered letter, ...).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pypdf
import pytest

import engine
from tests.scenarios.test_formal_reintegration import REQUEST, Trajectory, decision, plan, report
from tests.scenarios.test_medical_force_majeure import ForceMajeure


def text_of(pdf: bytes) -> str:
    """The text of a PDF in single spaces, with words and article numbers broken at a line end joined again."""
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return re.sub(r"\bI\. (\d)", r"I.\1", re.sub(r"(\w)- (\w)", r"\1-\2", text))


@dataclass
class People:
    """The accounts acting in the letters' cases."""

    oa: int
    hr: int
    worker: int
    stranger: int


def people(law: engine.Engine) -> People:
    def add(username: str, role: str, organisations: list[str], language: str = "nl") -> int:
        return law.create_user(username=username, password="a long test password", display_name=username.title(),
                               roles=[role], organisations=organisations, language=language, actor="test").id
    return People(add("oa1", "occupational_physician", ["Mensura", "Acme NV"]), add("hr1", "employer", ["Acme NV"]),
                  add("an", "employee", [], language="fr"), add("hr-other", "employer", ["Other NV"]))


@dataclass
class Played:
    """A case played to where a letter is offered: generate it at ``work_item_id`` or for ``case_id``."""

    law: engine.Engine
    author: int
    case_id: int
    work_item_id: int | None = None

    def letter(self, letter: str, language: str) -> engine.LetterView:
        if self.work_item_id is not None:
            return self.law.letters.generate(letter, language, user_id=self.author, work_item_id=self.work_item_id)
        return self.law.letters.generate(letter, language, user_id=self.author, case_id=self.case_id)


def rit(law: engine.Engine, clock: engine.SettableClock) -> Trajectory:
    return Trajectory(law, clock)


def at_invitation(law, clock, who: People) -> Played:
    """The physician typed the invitation's dates and saved them as a draft: the letter goes out before the task
    is completed, so its dates come from the draft."""
    trajectory = rit(law, clock)
    trajectory.do("record_request", REQUEST)
    item = trajectory.item("send_invitation").id
    law.form_drafts.save(item, {"invited_on": "2027-01-05", "appointment_on": "2027-01-12"}, user_id=who.oa)
    return Played(law, who.oa, trajectory.case.id, item)


def assessed_b(law, clock, who: People) -> Played:
    trajectory = rit(law, clock)
    trajectory.examined()
    trajectory.do("assess", {**decision("B"), "medical_justification": "Hernia L5 met uitstraling",
                             "employee_received_on": "2027-01-13"}, "oa1")
    return Played(law, who.oa, trajectory.case.id)


def plan_to_sign(law, clock, who: People) -> Played:
    """Decision B, no appeal, a plan delivered on 3 February 2027: the worker's reply task is open."""
    trajectory = rit(law, clock)
    trajectory.examined()
    trajectory.do("assess", decision("B"), "oa1")
    trajectory.until(2027, 2, 3)
    trajectory.do("confirm_appeal", {"appeal_arrived": False}, "hr1")
    trajectory.do("draft", plan("2027-02-03", adapted_or_other_work="Onthaal, voormiddagen.",
                                consulted="Worker, physician"), "hr1")
    return Played(law, who.worker, trajectory.case.id, trajectory.item("reply").id)


def reported(law, clock, who: People) -> Played:
    trajectory = rit(law, clock)
    trajectory.examined()
    trajectory.do("assess", decision("A"), "oa1")
    trajectory.until(2027, 2, 1)
    trajectory.do("draft", {**report("2027-02-01"), "report_reasons": "Geen aangepast werk in een kleine kmo."},
                  "hr1")
    return Played(law, who.hr, trajectory.case.id)


def force_majeure(law, clock) -> ForceMajeure:
    return ForceMajeure(law, clock)


def mfm_found(law, clock, who: People) -> Played:
    mfm = force_majeure(law, clock)
    mfm.found_unfit()
    return Played(law, who.oa, mfm.case.id)


def mfm_terminated(law, clock, who: People) -> Played:
    """Terminated on 15 April 2027; HR typed the day it notified RIZIV in its draft of the open task."""
    mfm = force_majeure(law, clock)
    mfm.terminated()
    item = mfm.item("notify_fund").id
    law.form_drafts.save(item, {"notified_on": "2027-04-20", "contribution_paid": "yes"}, user_id=who.hr)
    return Played(law, who.hr, mfm.case.id, item)


Setup = Callable[..., Played]
LETTERS: dict[str, tuple[Setup, dict[str, list[str]]]] = {
    "invitation": (at_invitation, {
        "nl": ["An Peeters", "Acme NV", "RIT-1", "01/09/2026", "12/01/2027", "Aangetekende zending",
               "verstuurd op 05/01/2027", "art. I.4-72", "14 kalenderdagen", "drie keer", "verplicht",
               "Datum (datum van de handeling) 05/01/2027"],
        "fr": ["An Peeters", "Acme NV", "12/01/2027", "Envoi recommandé", "expédié le 05/01/2027", "art. I.4-72",
               "14 jours calendrier", "trois fois", "obligatoire"]}),
    "assessment_employer": (assessed_b, {
        "nl": ["An Peeters", "Acme NV", "12/01/2027", "13/01/2027", "art. I.4-73", "art. I.4-80",
               "21 kalenderdagen vanaf de dag na de ontvangst", "aangetekende brief", "arts-sociaal inspecteur",
               "42 kalenderdagen", "63 kalenderdagen", "6 maanden", "Half days, no lifting.", "Mensura"],
        "fr": ["An Peeters", "12/01/2027", "art. I.4-80", "21 jours calendrier à compter du lendemain",
               "lettre recommandée", "médecin-inspecteur social", "42 jours calendrier"]}),
    "assessment_worker": (assessed_b, {
        "nl": ["An Peeters", "art. I.4-80", "21 kalenderdagen", "Hernia L5 met uitstraling",
               "alleen in het exemplaar van de werknemer"],
        "fr": ["An Peeters", "art. I.4-80", "21 jours calendrier", "Hernia L5 met uitstraling"]}),
    "plan": (plan_to_sign, {
        "nl": ["An Peeters", "Acme NV", "03/02/2027", "31/12/2027", "Mornings only, no lifting.",
               "Onthaal, voormiddagen.", "art. I.4-74", "14 kalenderdagen vanaf de dag na de ontvangst",
               "motiveren", "geldt dat als een weigering", "voor akkoord"],
        "fr": ["An Peeters", "03/02/2027", "Mornings only, no lifting.", "art. I.4-74",
               "14 jours calendrier à compter du lendemain", "motivé", "vaut refus"]}),
    "reply_slip": (plan_to_sign, {
        "nl": ["An Peeters", "Acme NV", "03/02/2027", "14 kalenderdagen", "akkoord", "weiger", "gemotiveerd"],
        "fr": ["An Peeters", "03/02/2027", "14 jours calendrier", "J'accepte", "Je refuse", "motivé"]}),
    "report": (reported, {
        "nl": ["An Peeters", "Acme NV", "01/02/2027", "Geen aangepast werk in een kleine kmo.", "art. I.4-74",
               "technisch of objectief onmogelijk", "eindigt het re-integratietraject"],
        "fr": ["An Peeters", "01/02/2027", "Geen aangepast werk in een kleine kmo.", "art. I.4-74",
               "techniquement ou objectivement impossible", "met fin au trajet de réintégration"]}),
    "mfm_notification": (mfm_found, {
        "nl": ["Cas", "Acme NV", "01/03/2027", "01/06/2026", "art. 34", "art. I.4-82/1", "Aangetekende zending",
               "aangepast of ander werk", "vakbondsafvaardiging", "10 kalenderdagen"],
        "fr": ["Cas", "01/03/2027", "art. 34", "art. I.4-82/1", "Envoi recommandé", "travail adapté",
               "délégation syndicale", "10 jours calendrier"]}),
    "mfm_invitation": (mfm_found, {
        "nl": ["Cas", "12/03/2027", "22/03/2027", "01/03/2027", "art. I.4-82/1", "Aangetekende zending",
               "drie keer uit binnen een periode van drie maanden", "14 kalenderdagen", "vakbondsafvaardiging"],
        "fr": ["Cas", "12/03/2027", "22/03/2027", "art. I.4-82/1", "trois fois dans une période de trois mois",
               "14 jours calendrier"]}),
    "mfm_finding": (mfm_found, {
        "nl": ["Cas", "22/03/2027", "23/03/2027", "art. 34", "art. I.4-82/1", "21 kalenderdagen",
               "arts-sociaal inspecteur", "7 kalenderdagen", "30 kalenderdagen", "Aangetekende zending"],
        "fr": ["Cas", "22/03/2027", "23/03/2027", "21 jours calendrier", "médecin-inspecteur social",
               "7 jours calendrier", "30 jours calendrier", "Envoi recommandé"]}),
    "fund_notification": (mfm_terminated, {
        "nl": ["Cas", "Acme NV", "15/04/2027", "20/04/2027", "RIZIV", "1.800 euro", "Terug-naar-werkfonds",
               "45 kalenderdagen", "art. 34"],
        "fr": ["Cas", "15/04/2027", "20/04/2027", "INAMI", "1.800 euros", "Fonds Retour au travail",
               "45 jours calendrier"]}),
}


@pytest.mark.parametrize("letter", list(LETTERS))
def test_each_letter_carries_the_names_dates_and_legal_terms_in_dutch_and_french(law, clock, letter):
    setup, expected = LETTERS[letter]
    played = setup(law, clock, people(law))
    for language in ("nl", "fr"):
        generated = played.letter(letter, language)
        text = text_of(generated.content)
        missing = [words for words in expected[language] if words not in text]
        assert not missing, f"{letter} in {language} misses {missing}: {text}"
        assert (generated.media_type, generated.language, generated.letter) == ("application/pdf", language, letter)


def test_the_employers_copy_of_the_assessment_carries_no_medical_justification_and_the_workers_does(law, clock):
    played = assessed_b(law, clock, people(law))
    employer = text_of(played.letter("assessment_employer", "nl").content)
    worker = played.letter("assessment_worker", "nl")
    assert "Hernia" not in employer and "gezondheidsdossier" in employer
    assert "Hernia L5 met uitstraling" in text_of(worker.content)
    assert (worker.classification, worker.addressed_to) == ("medical", "employee")


def test_the_employer_is_not_offered_nor_may_generate_the_workers_copy(law, clock):
    who = people(law)
    played = assessed_b(law, clock, who)
    with pytest.raises(engine.NotFound):
        law.letters.generate("assessment_worker", "nl", user_id=who.hr, case_id=played.case_id)
    assert law.letters.generate("assessment_employer", "nl", user_id=who.hr, case_id=played.case_id).letter == (
        "assessment_employer")


def test_the_same_data_gives_the_same_bytes_and_one_stored_document(law, clock):
    """Regenerated a day later with the same recorded data: the letter is dated by its act (the plan's delivery),
    so the bytes are the same and the document stored first is reused."""
    played = plan_to_sign(law, clock, people(law))
    first = played.letter("plan", "nl")
    clock.advance(timedelta(days=1))
    again = played.letter("plan", "nl")
    assert again.content == first.content and again.sha256 == first.sha256
    assert (again.document_id, again.is_reused, first.is_reused) == (first.document_id, True, False)
    assert (first.dated_on.isoformat(), first.is_dated_by_act) == ("2027-02-03", True)


def test_the_sha256_of_each_generation_is_in_the_cases_audit_trail(law, clock):
    played = plan_to_sign(law, clock, people(law))
    generated = played.letter("plan", "fr")
    assert generated.sha256 == hashlib.sha256(generated.content).hexdigest()
    [event] = [e for e in law.audit_trail(f"case:{played.case_id}") if e.action == "letter_generated"]
    assert event.actor == "an"
    assert {k: event.after[k] for k in ("document_id", "letter", "language", "sha256")} == {
        "document_id": generated.document_id, "letter": "plan", "language": "fr", "sha256": generated.sha256}
    assert law.verify_audit(f"case:{played.case_id}").is_intact


def test_a_letter_without_a_recorded_act_is_dated_the_legal_day_of_its_generation(law, clock):
    """The force-majeure notification has no act date of its own in the case: it carries the day it was made."""
    played = mfm_found(law, clock, people(law))
    generated = played.letter("mfm_notification", "en")
    assert not generated.is_dated_by_act
    assert generated.dated_on == law.today()
    assert f"Date (date of issue) {generated.dated_on.strftime('%d/%m/%Y')}" in text_of(generated.content)


def test_the_task_offers_its_letters_with_the_addressees_language(law, clock):
    played = plan_to_sign(law, clock, people(law))
    offered = law.letters.offered(played.work_item_id, user_id=played.author)
    assert [(o.letter, o.addressed_to, o.suggested_language) for o in offered] == [
        ("plan", "employee", "fr"), ("reply_slip", "employer", "fr")]
    assert offered[0].titles["nl"] == "Re-integratieplan"


def test_someone_who_may_not_act_on_the_task_gets_not_found(law, clock):
    who = people(law)
    played = plan_to_sign(law, clock, who)
    for user in (who.stranger, who.hr):
        with pytest.raises(engine.NotFound):
            law.letters.generate("plan", "nl", user_id=user, work_item_id=played.work_item_id)
    with pytest.raises(engine.NotFound):
        law.letters.generate("plan", "nl", user_id=who.stranger, case_id=played.case_id)
    with pytest.raises(engine.NotFound):
        law.letters.generate("invitation", "nl", user_id=who.worker, work_item_id=played.work_item_id)


def test_a_value_typed_into_a_form_is_text_in_the_letter_never_markup(law, clock):
    who = people(law)
    trajectory = rit(law, clock)
    trajectory.examined()
    trajectory.do("assess", {**decision("A"), "conditions": "<b>Half days</b> {{ 7 * 7 }}"}, "oa1")
    generated = law.letters.generate("assessment_employer", "en", user_id=who.oa, case_id=trajectory.case.id)
    assert "<b>Half days</b> {{ 7 * 7 }}" in text_of(generated.content)


def test_the_plan_is_not_offered_when_the_employer_delivers_a_report(law, clock):
    who = people(law)
    played = reported(law, clock, who)
    with pytest.raises(engine.NotFound):
        law.letters.generate("plan", "nl", user_id=who.hr, case_id=played.case_id)
