"""The words of the law in the reader's language: the legal reference lists every term in Dutch or French, and a
case's deadlines name their legal source and title in that language (issue 15)."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from tests.webui.conftest import csrf_token, open_law_case

T08_TITLE = {"nl": "De preventieadviseur-arbeidsarts rondt de re-integratiebeoordeling af",
             "fr": "Le conseiller en prévention-médecin du travail achève l&#39;évaluation de réintégration"}
T08_SOURCE = {"nl": "Codex welzijn op het werk, art. I.4-72 tot I.4-82",
              "fr": "Code du bien-être au travail, art. I.4-72 à I.4-82"}
T01_TITLE = {"nl": "De preventieadviseur-arbeidsarts informeert de afwezige werknemer over de mogelijkheden om het "
                   "werk te hervatten",
             "fr": "Le conseiller en prévention-médecin du travail informe le travailleur absent des possibilités de "
                   "reprise du travail"}
T01_SOURCE = {"nl": "Codex welzijn op het werk, art. I.4-71/1 (nummering 2026)",
              "fr": "Code du bien-être au travail, art. I.4-71/1 (numérotation 2026)"}


def terms_section(page: str) -> str:
    return page.split('<section id="terms"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_the_legal_reference_lists_every_term_in_the_reader_s_language(client, auth, language):
    """T08 (art. I.4-72 to I.4-82): its title and legal source in Dutch or French, linked to its English section."""
    user = auth.login_as("employer", username="hr1")
    auth.eng.set_language(user.id, language)
    page = client.get("/law").get_data(as_text=True)
    terms = terms_section(page)
    assert T08_TITLE[language] in terms and T08_SOURCE[language] in terms
    assert '<a href="#T08">T08</a>' in terms and '<a id="T08"></a>' in page
    assert "Occupational physician completes the re-integration assessment" not in page
    assert "Codex welzijn op het werk, art. I.4-72 to I.4-82" not in terms
    assert all(f'id="term-{rule}"' in terms for rule in ("T01", "T13b", "T47", "C06", "C47"))


def test_an_english_reader_gets_the_reference_without_a_translated_list(client, auth):
    auth.login_as("employer", username="hr1")
    page = client.get("/law").get_data(as_text=True)
    assert '<section id="terms"' not in page and "This reference is in English." not in page


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_a_case_s_deadline_names_its_rule_and_legal_source_in_the_reader_s_language(client, auth, law, language):
    """T01 (art. I.4-71/1): the case file's deadline gives its legal source, and its rule's title on the link.
    (How the due date was counted is another part of issue 15.)"""
    case = open_law_case(law, first_day=date(2026, 6, 1))
    user = auth.login_as("employer", username="hr1")
    auth.eng.set_language(user.id, language)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    basis = re.split(r'<td data-label="[^"]+"><a href="/law#T01"', page, maxsplit=1)[1].split("</td>", 1)[0]
    assert basis == f' title="{T01_TITLE[language]}">T01</a> · {T01_SOURCE[language]}'
    assert "Occupational physician informs the absent worker" not in page


def test_an_english_reader_keeps_the_english_words_of_a_case_s_deadline(client, auth, law):
    case = open_law_case(law, first_day=date(2026, 6, 1))
    auth.login_as("employer", username="hr1")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert ('<a href="/law#T01" title="Occupational physician informs the absent worker of the return-to-work options">'
            'T01</a> · Codex welzijn op het werk, art. I.4-71/1 (2026 numbering)') in page


def test_the_modeler_offers_a_rule_with_its_title_and_source_in_the_reader_s_language(client, auth, law):
    """T15 (art. I.4-36): the deadline picker and the panel's help name the term and who acts in French."""
    user = auth.login_as("process_owner", username="po1")
    auth.eng.set_language(user.id, "fr")
    response = client.post("/models/pre_return_visit/drafts", data={"csrf_token": csrf_token(client, "/")})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<option value="T15" data-search="T15 Visite de pré-reprise effectuée Conseiller en prévention-médecin ' \
        'du travail ' in page
    assert ">T15 — Visite de pré-reprise effectuée — Conseiller en prévention-médecin du travail — " in page
    assert "— art. I.4-36</option>" in page
    data = json.loads(page.split('<script type="application/json" id="modeler-data">', 1)[1].split("</script>")[0])
    [t15] = [rule for rule in data["palette"]["rules"] if rule["id"] == "T15"]
    assert t15["title"] == "Visite de pré-reprise effectuée"
    assert t15["legal_source"] == "Code du bien-être au travail, art. I.4-36"
