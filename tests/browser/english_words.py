"""The English words of the law as Reintegra ships it: the names in the diagrams, the rules' words and the forms'
titles and labels. A page drawn for a Dutch or French reader must show none of them (only those whose translation
differs, and long enough not to be a word both languages share)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree
from playwright.sync_api import Page, expect

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


BUTTONS = {"nl": ("Taak afronden", "Taak afgerond: "), "fr": ("Terminer la tâche", "Tâche terminée : ")}
"""The button that completes a task, and how the page then confirms it, per language."""


@dataclass
class Reader:
    """Plays tasks through the pages in ``language``, checking every page for English words and saving screenshots."""

    language: str
    screenshot: Callable[[Page, str], object]

    def visit(self, page: Page, path: str, name: str) -> None:
        page.goto(path)
        assert_no_english(page, self.language)
        self.screenshot(page, f"{self.language}-{name}")

    def do(self, page: Page, task: str, values: dict[str, str], name: str, *, confirm: bool = False) -> None:
        """Open ``task`` (its name in the reader's language) from the inbox, fill its fields by name, complete it."""
        button, done = BUTTONS[self.language]
        self.visit(page, "/", f"{name}-inbox")
        page.get_by_role("link", name=task, exact=True).click()
        assert_no_english(page, self.language)
        for field, value in values.items():
            target = page.locator(f'[name="{field}"]')
            kind = target.first.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
            if kind == "select":
                target.select_option(value)
            elif kind == "radio":
                page.locator(f'[name="{field}"][value="{value}"]').check()
            else:
                target.fill(value)
        if confirm:
            page.locator('[name="confirmed"]').check()
        self.screenshot(page, f"{self.language}-{name}")
        page.get_by_role("button", name=button).click()
        expect(page.get_by_role("status")).to_contain_text(f"{done}{task}.")
        assert_no_english(page, self.language)
