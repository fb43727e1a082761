"""The names of a diagram's elements in Dutch and French, written in the diagram beside the English name.

An element with a ``name`` carries its translations as two attributes in the namespace ``NAMES_NS``::

    <bpmn:userTask id="send_invitation" name="Send the registered invitation"
                   reintegra:nameNl="De aangetekende uitnodiging versturen"
                   reintegra:nameFr="Envoyer l'invitation recommandée">

BPMN lets any element carry attributes of another namespace, so the file stays valid, the modeler keeps them,
and they are versioned with the diagram. The English ``name`` stays the source: pages look a name up by its
English text (``DiagramNames``), so a name recorded when a task ran (a work item, an end event) reads in the
reader's language too. Technical names (data inputs and outputs, messages, signals, errors) are not shown to
people and need no translation.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree
from sqlalchemy import select

from ..store.models import Bundle, ProcessDefinition

if TYPE_CHECKING:
    from ..wiring import Wiring

NAMES_NS = "http://reintegra.example/bpmn/names"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
LANGUAGES = ("nl", "fr")
ATTRIBUTES = {language: f"{{{NAMES_NS}}}name{language.capitalize()}" for language in LANGUAGES}
"""The attribute holding each language's name (``reintegra:nameNl``, ``reintegra:nameFr``)."""
TECHNICAL = frozenset({"dataInput", "dataOutput", "message", "signal", "error", "escalation", "dataObject"})
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass(frozen=True)
class Untranslated:
    """A named element without its name in one or more languages."""

    element_id: str
    kind: str
    name: str
    missing: tuple[str, ...]
    file: str = ""


def named_elements(tree: etree._Element) -> Iterator[etree._Element]:
    """The BPMN elements of ``tree`` whose name people read (every named one but the technical kinds)."""
    for element in tree.iter(f"{{{BPMN_NS}}}*"):
        if (element.get("name") or "").strip() and etree.QName(element).localname not in TECHNICAL:
            yield element


def untranslated(tree: etree._Element) -> list[Untranslated]:
    """The named elements of a parsed diagram that lack a Dutch or French name."""
    found = []
    for element in named_elements(tree):
        missing = tuple(language for language, attribute in ATTRIBUTES.items()
                        if not (element.get(attribute) or "").strip())
        if missing:
            found.append(Untranslated(element.get("id") or "", etree.QName(element).localname,
                                      element.get("name").strip(), missing))
    return found


def untranslated_in(files: Mapping[str, str]) -> list[Untranslated]:
    """The named elements of each diagram in ``files`` (file name -> XML) that lack a Dutch or French name."""
    found = []
    for file, text in sorted(files.items()):
        try:
            tree = etree.fromstring(text.encode(), parser=_PARSER)
        except etree.XMLSyntaxError:
            continue  # validation reports an unreadable file
        found += [Untranslated(u.element_id, u.kind, u.name, u.missing, file) for u in untranslated(tree)]
    return found


def translations(texts: Iterable[str]) -> dict[str, dict[str, str]]:
    """English name -> language -> name, over the diagrams ``texts`` (a later diagram wins a shared name)."""
    found: dict[str, dict[str, str]] = {}
    for text in texts:
        try:
            tree = etree.fromstring(text.encode(), parser=_PARSER)
        except etree.XMLSyntaxError:
            continue
        for element in named_elements(tree):
            named = {language: value.strip() for language, attribute in ATTRIBUTES.items()
                     if (value := element.get(attribute) or "").strip()}
            if named:
                found.setdefault(element.get("name").strip(), {}).update(named)
    return found


class DiagramNames:
    """The names of the deployed diagrams in the reader's language (composed into ``Engine.diagram_names``).

    Deployed versions never change, so the table is rebuilt only when a version was deployed since."""

    def __init__(self, wiring: Wiring) -> None:
        self._wiring = wiring
        self._lock = threading.Lock()
        self._known: tuple[str, ...] = ()
        self._table: dict[str, dict[str, str]] = {}

    def table(self) -> dict[str, dict[str, str]]:
        """English name -> language -> name; the newest version of a diagram wins."""
        with self._wiring.database.unit_of_work() as session:
            hashes = tuple(session.scalars(select(ProcessDefinition.bundle_hash)
                                           .order_by(ProcessDefinition.deployed_at, ProcessDefinition.id)))
            with self._lock:
                if hashes == self._known:
                    return self._table
            ordered = list(dict.fromkeys(hashes))
            bundles = {b.hash: b for b in session.scalars(select(Bundle).where(Bundle.hash.in_(ordered)))}
            table = translations(text for h in ordered for text in bundles[h].files.values())
        with self._lock:
            self._known, self._table = hashes, table
        return table

    def name(self, english: str | None, language: str) -> str:
        """``english`` (a diagram element's name) in ``language``; as it is when it has no translation."""
        if not english:
            return english or ""
        return self.table().get(english.strip(), {}).get(language, english)
