"""Compares two versions of a process definition: what a process owner must know before deploying one.

Pure: bundles' contents in, changes in plain English out. BPMN elements are matched by id within their
file and compared on what changes behaviour (type, name, lane, form, timer and its deadline rules,
messages, conditions, scripts, references, documentation), never on layout: moving a shape is no change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from ..errors import InvalidModel, Problem
from .problem_codes import problem

KINDS = ("added", "removed", "changed")
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
FORM_PROPERTY = "formJsonSchemaFilename"
RULES_PROPERTY = "deadlineRules"
_DEADLINE_CALL = re.compile(r"""deadline\(\s*["'](T\d+)""")
_TEXT_CHILDREN = {"documentation": "documentation", "script": "script", "conditionExpression": "condition",
                  "condition": "condition", "text": "text", "timeDate": "timer expression",
                  "timeDuration": "timer expression", "timeCycle": "timer expression"}
_NOT_ELEMENTS = {"definitions", "laneSet", "childLaneSet", "incoming", "outgoing", "flowNodeRef", "extensionElements",
                 *_TEXT_CHILDREN}
_ATTRIBUTE_LABELS = {"sourceRef": "source", "targetRef": "target", "calledElement": "called process",
                     "attachedToRef": "attached to", "cancelActivity": "interrupts", "default": "default flow",
                     "messageRef": "message", "signalRef": "signal", "errorRef": "error",
                     "escalationRef": "escalation", "processRef": "process", "type": "type attribute"}
_ORDER = ("type", "name", "lane", "form", "deadline rule", "timer expression", "event definition", "message",
          "signal", "source", "target", "condition", "default flow", "called process", "attached to",
          "interrupts", "script", "documentation", "text")
_SUMMARISED = {"documentation", "script", "condition", "timer expression", "text", "other content"}
_SUMMARY_FACTS = ("lane", "form", "deadline rule", "called process", "source", "target", "message")
_FIELD_ASPECTS = {"x-classification": "classification", "x-employer": "shared with the employer", "x-help": "help",
                  "x-choice-labels": "choice labels"}
_FORM_KEYWORDS = {"properties", "required", "x-order", "x-title"}


@dataclass(frozen=True)
class Side:
    """One version's content as a stored ``Bundle`` holds it: BPMN file name → XML text, form file
    name → JSON Schema dict, deadline rule id → the snapshot of ``deadline_rules.rule_to_dict``."""

    files: Mapping[str, str | bytes]
    forms: Mapping[str, dict] = field(default_factory=dict)
    rules: Mapping[str, dict] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """One element that was added, removed or changed, with readable lines saying what changed.

    ``element_type`` is the BPMN tag (``userTask``, ``sequenceFlow``, ``lane``…), ``form`` or ``rule``.
    ``file`` is the BPMN file holding the element (ids repeat across files); empty for forms and rules.
    """

    element_id: str
    kind: str
    element_type: str
    name: str
    details: tuple[str, ...] = ()
    file: str = ""


@dataclass(frozen=True)
class Comparison:
    """Every change between two versions, ordered by kind (added, removed, changed), then element id."""

    changes: tuple[Change, ...]

    @property
    def added(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == "added")

    @property
    def removed(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == "removed")

    @property
    def changed(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == "changed")

    def element_ids(self, kind: str, file: str | None = None) -> frozenset[str]:
        """The ids of the elements with changes of ``kind``, in one BPMN ``file`` when given (to colour it)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        return frozenset(c.element_id for c in self.changes if c.kind == kind and file in (None, c.file))


def compare(old: Side, new: Side) -> Comparison:
    """Compare two versions of a process definition: its BPMN elements, forms and deadline rules.

    Raises ``InvalidModel`` listing every BPMN file of either side that cannot be read.
    """
    problems: list[Problem] = []
    before, after = _nodes(old, "old", problems), _nodes(new, "new", problems)
    if problems:
        raise InvalidModel(problem("compare.unreadable"), problems)
    changes = [*_changes(before, after, _node_change), *_changes(old.forms, new.forms, _form_change),
               *_changes(old.rules, new.rules, _rule_change)]
    return Comparison(tuple(sorted(changes, key=lambda c: (KINDS.index(c.kind), c.element_id, c.file))))


def _changes(before: Mapping, after: Mapping, describe: Callable[..., Change]) -> list[Change]:
    pairs = ((key, before.get(key), after.get(key)) for key in before.keys() | after.keys())
    return [describe(key, "added" if old is None else "removed" if new is None else "changed", old, new)
            for key, old, new in pairs if old != new]


def _nodes(side: Side, label: str, problems: list[Problem]) -> dict[tuple[str, str], dict[str, str]]:
    """Each BPMN element's facts by (file, id): its ``type``, ``name`` and what else it says."""
    nodes = {}
    for file, text in side.files.items():
        try:
            root = safe_xml.fromstring(text, forbid_dtd=True)
        except (DefusedXmlException, safe_xml.ParseError) as err:
            line = getattr(err, "position", (None,))[0]
            message = problem(f"compare.{label}_unreadable", kind=type(err).__name__)
            problems.append(Problem(None, message, file, line))
            continue
        lanes = _lanes(root)
        nodes.update({(file, e.get("id", "")): _node(e, lanes) for e in root.iter() if _is_element(e)})
    return nodes


def _local(element: Element, namespace: str) -> str | None:
    tag = element.tag
    return tag[len(namespace):] if isinstance(tag, str) and tag.startswith(namespace) else None


def _is_element(element: Element) -> bool:
    """Whether ``element`` is compared on its own; event definitions and the like belong to their parent."""
    tag = _local(element, BPMN)
    folded = tag in _NOT_ELEMENTS or str(tag).endswith(("EventDefinition", "LoopCharacteristics"))
    return bool(tag and element.get("id") and not folded)


def _lanes(root: Element) -> dict[str, str]:
    """The lane each flow node is in; a nested lane comes after its parent, so the innermost wins."""
    membership: dict[str, str] = {}
    for lane in root.iter(f"{BPMN}lane"):
        for ref in lane.iterfind(f"{BPMN}flowNodeRef"):
            membership[(ref.text or "").strip()] = lane.get("name") or lane.get("id") or ""
    return membership


def _node(element: Element, lanes: Mapping[str, str]) -> dict[str, str]:
    facts = {"type": _local(element, BPMN) or "", "name": element.get("name", "")}
    _fold_attributes(element, facts)
    if (lane := lanes.get(element.get("id", ""))) is not None:
        facts["lane"] = lane
    for child in element:
        _fold(child, facts)
    listed = re.findall(r"T\d+", facts.pop(f"property {RULES_PROPERTY}", ""))
    if rules := {*_DEADLINE_CALL.findall(facts.get("timer expression", "")), *listed}:
        facts["deadline rule"] = ", ".join(sorted(rules))
    return facts


def _fold_attributes(element: Element, facts: dict[str, str]) -> None:
    for key, value in element.attrib.items():
        name = key.rsplit("}", 1)[-1]
        if name not in ("id", "name") and not key.endswith("}type"):
            facts[_ATTRIBUTE_LABELS.get(name, name)] = value


def _fold(child: Element, facts: dict[str, str]) -> None:
    """Fold what ``child`` says about its parent into the parent's facts."""
    tag = _local(child, BPMN)
    if tag in _TEXT_CHILDREN:
        text = (child.text or "").strip()
        facts[_TEXT_CHILDREN[tag]] = f"{tag}: {text}" if tag.startswith("time") else text
    elif tag == "extensionElements":
        _fold_extensions(child, facts)
    elif tag and tag.endswith("EventDefinition"):
        kinds = [k for k in facts.get("event definition", "").split(", ") if k]
        facts["event definition"] = ", ".join([*kinds, tag.removesuffix("EventDefinition")])
        _fold_attributes(child, facts)
        for part in child:
            _fold(part, facts)
    elif tag not in _NOT_ELEMENTS and not _is_element(child):
        facts["other content"] = facts.get("other content", "") + _canonical(child)


def _fold_extensions(extensions: Element, facts: dict[str, str]) -> None:
    for extension in extensions:
        tag = _local(extension, SPIFF)
        if tag == "properties":
            for prop in extension:
                name = prop.get("name", "")
                facts["form" if name == FORM_PROPERTY else f"property {name}"] = prop.get("value", "")
        elif tag and not len(extension):
            facts[tag] = (extension.text or "").strip()
        else:
            facts["other content"] = facts.get("other content", "") + _canonical(extension)


def _canonical(element: Element) -> str:
    attributes = " ".join(f"{k}={v}" for k, v in sorted(element.attrib.items()))
    return f"<{element.tag} {attributes}>{(element.text or '').strip()}{''.join(map(_canonical, element))}</>"


def _node_change(key: tuple[str, str], kind: str, old: dict[str, str] | None, new: dict[str, str] | None) -> Change:
    (file, element_id), node = key, new or old or {}
    if old is None or new is None:
        summary = tuple(f"{label}: {node[label]}" for label in _SUMMARY_FACTS if label in node)
        return Change(element_id, kind, node["type"], node["name"], summary, file)
    return Change(element_id, kind, new["type"], new["name"] or old["name"], _fact_lines(old, new), file)


def _fact_lines(old: Mapping[str, str], new: Mapping[str, str]) -> tuple[str, ...]:
    labels = {label for label in old.keys() | new.keys() if old.get(label) != new.get(label)}
    ordered = sorted(labels, key=lambda label: (_ORDER.index(label) if label in _ORDER else len(_ORDER), label))
    return tuple(_fact_line(label, old.get(label, ""), new.get(label, "")) for label in ordered)


def _fact_line(label: str, old: str, new: str) -> str:
    if label == "name":
        return f"name: '{old}' → '{new}'"
    if label in _SUMMARISED or any("\n" in value or len(value) > 80 for value in (old, new)):
        return f"{label} changed"
    return f"{label}: {old or '(none)'} → {new or '(none)'}"


def _form_change(name: str, kind: str, old: dict | None, new: dict | None) -> Change:
    schema = new if new is not None else old or {}
    titles = schema.get("x-title")
    title = str(titles.get("en", "")) if isinstance(titles, dict) else str(schema.get("title", ""))
    if old is None or new is None:
        return Change(name, kind, "form", title)
    fields_before, fields_after = old.get("properties", {}), new.get("properties", {})
    lines = [f"field added: {f}" for f in sorted(fields_after.keys() - fields_before.keys())]
    lines += [f"field removed: {f}" for f in sorted(fields_before.keys() - fields_after.keys())]
    common = fields_before.keys() & fields_after.keys()
    return Change(name, kind, "form", title, (*lines, *_fact_lines(_form_facts(old, common), _form_facts(new, common))))


def _form_facts(schema: Mapping, fields: set[str]) -> dict[str, str]:
    """What a form says, flattened: titles, field order, other keywords, and each field's label, type, …"""
    facts = _languages("title", schema.get("x-title"))
    facts["field order"] = ", ".join(name for name in schema.get("x-order", []) if name in fields)
    facts |= {key: _show(value) for key, value in schema.items() if key not in _FORM_KEYWORDS}
    for name in fields:
        spec = schema["properties"][name]
        facts |= _languages(f"field {name}: label", spec.get("x-label"))
        facts |= {f"field {name}: {_FIELD_ASPECTS.get(k, k)}": _show(v) for k, v in spec.items() if k != "x-label"}
        facts[f"field {name}: required"] = "yes" if name in schema.get("required", []) else "no"
    return facts


def _languages(prefix: str, texts: object) -> dict[str, str]:
    """One entry per language of a text given in nl, fr and en (or a single text)."""
    if isinstance(texts, dict):
        return {f"{prefix} ({lang})": f"'{text}'" for lang, text in texts.items()}
    return {} if texts is None else {prefix: f"'{texts}'"}


def _show(value: object) -> str:
    if isinstance(value, list | tuple) and all(isinstance(item, str | int) for item in value):
        return ", ".join(str(item) for item in value)
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)


def _rule_change(rule_id: str, kind: str, old: dict | None, new: dict | None) -> Change:
    """A changed rule names the figures that moved; an added or removed rule shows its regimes."""
    if old is None or new is None:
        rule = new or old or {}
        summary = tuple(f"{rule_id}: {_amount(r)} from {r['effective_from']}" for r in rule.get("regimes", []))
        return Change(rule_id, kind, "rule", rule.get("title", ""), summary)
    texts_before, texts_after = ({k: _show(v) for k, v in rule.items() if k != "regimes"} for rule in (old, new))
    details = (*_fact_lines(texts_before, texts_after), *_regime_lines(rule_id, old["regimes"], new["regimes"]))
    return Change(rule_id, kind, "rule", new.get("title", ""), details)


def _amount(regime: Mapping) -> str:
    return f"{regime['duration']} {regime['unit']}"


def _regime_lines(rule_id: str, old: list[dict], new: list[dict]) -> list[str]:
    """Lines for changed regimes (matched by start date unless each side has one), then: due dates move."""
    single = len(old) == len(new) == 1
    by_old, by_new = ({"" if single else r["effective_from"]: r for r in regimes} for regimes in (old, new))
    lines = []
    for only, other, word in ((by_old, by_new, "removed"), (by_new, by_old, "added")):
        lines += [f"{rule_id}: regime from {day} {word} ({_amount(only[day])})" for day in sorted(only.keys() - other)]
    for day in sorted(by_old.keys() & by_new.keys()):
        label, before, after = f"{rule_id} from {day}" if day else rule_id, by_old[day], by_new[day]
        lines += [f"{label}: {_amount(before)} → {_amount(after)}"] if _amount(before) != _amount(after) else []
        lines += [f"{label} {key}: {_show(before[key])} → {_show(after[key])}"
                  for key in ("counting_from", "effective_from", "roll_forward") if before[key] != after[key]]
    if lines:
        lines.append(f"due dates under {rule_id} move for instances of the new version")
    return lines
