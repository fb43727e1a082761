"""Diagram names in Dutch and French: written in the diagram, versioned with it, looked up by their English name."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.modelling.diagram_names import ATTRIBUTES, named_elements, untranslated

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "processes" / "bpmn").glob("*.bpmn"))
DEMO = (ROOT / "tests" / "fixtures" / "bpmn" / "visit_demo.bpmn").read_text()
NS = 'xmlns:reintegra="http://reintegra.example/bpmn/names" id="defs_visit_demo"'


def named(xml: str, english: str, nl: str, fr: str) -> str:
    """The demo diagram with Dutch and French names for the element named ``english``."""
    translated = f'name="{english}" reintegra:nameNl="{nl}" reintegra:nameFr="{fr}"'
    return xml.replace('id="defs_visit_demo"', NS, 1).replace(f'name="{english}"', translated, 1)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_name_people_read_in_a_shipped_diagram_is_in_dutch_and_french(path):
    missing = untranslated(etree.parse(str(path)).getroot())
    assert not missing, "\n".join(f"{u.element_id} ({u.kind}) '{u.name}': no {', '.join(u.missing)}"
                                  for u in missing)


def test_a_name_pages_show_reads_the_same_in_every_shipped_diagram():
    """Pages look a name up by its English text: one English name, one translation (flows are only drawn)."""
    found: dict[str, set[tuple]] = {}
    for path in SHIPPED:
        for element in named_elements(etree.parse(str(path)).getroot()):
            if etree.QName(element).localname != "sequenceFlow":
                found.setdefault(element.get("name").strip(), set()).add(
                    tuple(element.get(a) for a in ATTRIBUTES.values()))
    assert {name: sorted(t) for name, t in found.items() if len(t) > 1} == {}


def test_a_name_without_its_translation_is_reported_and_technical_names_are_not():
    xml = named(DEMO, "Hold the pre-return visit", "Het bezoek houden", "")
    missing = {u.element_id: u.missing for u in untranslated(etree.fromstring(xml.encode()))}
    assert missing["hold_visit"] == ("fr",)
    assert missing["request_visit"] == ("nl", "fr")
    assert "msg_work_resumed" not in missing  # a message name is a technical key


def test_names_read_in_the_reader_language_and_follow_the_newest_version(eng):
    eng.deploy(named(DEMO, "Hold the pre-return visit", "Het bezoek houden", "Tenir la visite"), actor="owner")
    names = eng.diagram_names
    assert names.name("Hold the pre-return visit", "nl") == "Het bezoek houden"
    assert names.name("Hold the pre-return visit", "fr") == "Tenir la visite"
    assert names.name("Hold the pre-return visit", "en") == "Hold the pre-return visit"
    assert names.name("Request a pre-return visit", "nl") == "Request a pre-return visit"  # untranslated

    eng.deploy(named(DEMO, "Hold the pre-return visit", "Het bezoek voorafgaand aan de werkhervatting houden",
                     "Tenir la visite"), actor="owner")
    assert names.name("Hold the pre-return visit", "nl") == "Het bezoek voorafgaand aan de werkhervatting houden"


def test_a_diagram_with_translated_names_deploys_and_keeps_them_in_its_version(eng):
    xml = named(DEMO, "Visit wanted", "Bezoek gevraagd", "Visite demandée")
    [version] = eng.deploy(xml, actor="owner")
    [text] = eng.version_files(version.id).values()
    assert 'reintegra:nameNl="Bezoek gevraagd"' in text
