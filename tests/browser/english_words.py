"""The English words of the law as Reintegra ships it: the names in the diagrams, the rules' words and the forms'
titles and labels. A page drawn for a Dutch or French reader must show none of them (only those whose translation
differs, and long enough not to be a word both languages share)."""

from __future__ import annotations

import json
import tomllib
from functools import cache
from pathlib import Path

from lxml import etree
from playwright.sync_api import Page

from engine.modelling.diagram_names import ATTRIBUTES, named_elements

ROOT = Path(__file__).resolve().parents[2]
SHOWN_ONLY_ON_THE_DIAGRAM = {"sequenceFlow", "exclusiveGateway", "parallelGateway", "participant"}
RULE_WORDS = ("title", "start_event", "on_expiry", "legal_source")


@cache
def english(language: str) -> frozenset[str]:
    """English phrases that read otherwise in ``language`` (nl or fr)."""
    pairs: list[tuple[str, str | None]] = []
    for path in (ROOT / "processes" / "bpmn").glob("*.bpmn"):
        for element in named_elements(etree.parse(str(path)).getroot()):
            if etree.QName(element).localname not in SHOWN_ONLY_ON_THE_DIAGRAM:
                pairs.append((element.get("name"), element.get(ATTRIBUTES[language])))
    rules = tomllib.loads((ROOT / "processes" / "deadlines.toml").read_text())
    pairs += [(rule[word], rule.get(language, {}).get(word)) for rule in rules.values() for word in RULE_WORDS]
    for path in (ROOT / "forms").glob("*.json"):
        form = json.loads(path.read_text())
        pairs.append((form["x-title"]["en"], form["x-title"].get(language)))
        fields = list(form.get("properties", {}).values())
        fields += [c for f in fields for c in (f.get("items") or {}).get("properties", {}).values()]
        pairs += [(field["x-label"]["en"], field["x-label"].get(language)) for field in fields if "x-label" in field]
    return frozenset(en.strip() for en, other in pairs if en and other and en.strip() != other.strip()
                     and len(en.strip()) >= 12)


def assert_no_english(page: Page, language: str) -> None:
    """The page's visible text holds none of the English phrases of the law."""
    text = page.locator("body").inner_text()
    found = sorted(phrase for phrase in english(language) if phrase in text)
    assert found == [], f"English on {page.url}: {found}"
