"""processes/LEGAL.md cannot drift from the rules and the diagrams: every rule has its anchored section, every
``diagram.bpmn#element`` it cites exists, and every timer that names a rule is cited in that rule's section.
Rendering keeps our anchors and shows any other raw HTML as text."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from lxml import etree

import engine

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes"
TEXT = (PROCESSES / "LEGAL.md").read_text(encoding="utf-8")
ANCHOR = re.compile(r'<a id="([A-Za-z0-9._-]+)"></a>')
CITATION = re.compile(r"\b([a-z_]+\.bpmn)#([A-Za-z0-9_]+)")
RULE_CALL = re.compile(r'deadline\(\s*"([A-Z0-9]+)"')
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"


def rule_ids() -> list[str]:
    """Every catalogue term T01-T47, every rule of processes/deadlines.toml and the conventions 0.1-0.7."""
    with open(PROCESSES / "deadlines.toml", "rb") as handle:
        in_toml = set(tomllib.load(handle))
    return sorted({f"T{n:02d}" for n in range(1, 48)} | in_toml | {f"0.{n}" for n in range(1, 8)})


def sections() -> dict[str, str]:
    """Anchor id → the text from that anchor up to the next heading of the same or a higher level."""
    found = {}
    for match in ANCHOR.finditer(TEXT):
        rest = TEXT[match.end():]
        end = re.search(r"^#{1,3} ", rest, re.MULTILINE)
        found[match.group(1)] = rest[: end.start() if end else len(rest)]
    return found


def element_ids() -> dict[str, set[str]]:
    return {path.name: {el.get("id") for el in etree.parse(str(path)).iter() if el.get("id")}
            for path in sorted((PROCESSES / "bpmn").glob("*.bpmn"))}


def timers_naming_rules() -> list[tuple[str, str, str]]:
    """(rule, diagram, element id) for every timer event that calls deadline("Txx", ...) or lists deadlineRules."""
    found = []
    for path in sorted((PROCESSES / "bpmn").glob("*.bpmn")):
        for event in etree.parse(str(path)).iter(f"{BPMN}boundaryEvent", f"{BPMN}intermediateCatchEvent"):
            expression = " ".join(t.text or "" for t in event.iter(f"{BPMN}timeDate", f"{BPMN}timeDuration"))
            listed = [p.get("value", "") for p in event.iter(f"{SPIFF}property") if p.get("name") == "deadlineRules"]
            rules = set(RULE_CALL.findall(expression)) | {r.strip() for v in listed for r in v.split(",") if r.strip()}
            found += [(rule, path.name, event.get("id")) for rule in sorted(rules)]
    return found


@pytest.mark.parametrize("rule", rule_ids())
def test_every_rule_has_a_section_with_its_anchor(rule):
    """LEGAL.md#<rule> exists for T01-T47, the rules of deadlines.toml and 0.1-0.7, with a heading that names it."""
    assert rule in sections(), f"LEGAL.md has no <a id=\"{rule}\"></a>"
    assert re.search(rf'^#+ <a id="{re.escape(rule)}"></a>{re.escape(rule)} — ', TEXT, re.MULTILINE)


def test_anchors_are_unique():
    anchors = ANCHOR.findall(TEXT)
    assert len(anchors) == len(set(anchors))


def test_every_cited_diagram_element_exists():
    ids = element_ids()
    cited = CITATION.findall(TEXT)
    assert cited, "LEGAL.md cites no diagram element"
    missing = [f"{diagram}#{element}" for diagram, element in cited if element not in ids.get(diagram, set())]
    assert not missing, f"LEGAL.md cites elements that are not in processes/bpmn: {missing}"


@pytest.mark.parametrize(("rule", "diagram", "element"), timers_naming_rules(),
                         ids=lambda value: str(value))
def test_every_timer_that_names_a_rule_is_cited_in_that_rules_section(rule, diagram, element):
    assert f"{diagram}#{element}" in sections()[rule]


def test_every_section_says_whether_the_rule_is_verified():
    """Each rule section carries a status line: verified, or an assumption, or not modelled yet."""
    for rule in rule_ids():
        assert re.search(r"\*\*Status:\*\* (verified|assumption|partly verified)", sections()[rule]), rule


def test_the_html_keeps_our_anchors_and_shows_other_raw_html_as_text(tmp_path):
    source = tmp_path / "LEGAL.md"
    source.write_text('### <a id="T08"></a>T08 — Assessment\n\n<script>alert(1)</script>\n\n'
                      'Inline <img src=x onerror=alert(1)> and [a link](javascript:alert(1)).\n\n'
                      '<a id="T09" onclick="x()"></a>\n', encoding="utf-8")
    html = engine.legal_reference_html(source)
    assert '<h3><a id="T08"></a>T08 — Assessment</h3>' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and 'href="javascript' not in html
    assert '<a id="T09" onclick' not in html and "&lt;a id=&quot;T09&quot; onclick" in html


def test_the_shipped_reference_renders_every_anchor():
    html = engine.legal_reference_html()
    for rule in rule_ids():
        assert f'<a id="{rule}"></a>' in html
