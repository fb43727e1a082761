"""A model brought in from elsewhere (bpmn.io, Camunda Modeler, SpiffArena, another Reintegra): one ``.bpmn`` file,
or a zip of BPMN files and forms as ``model_archive`` makes them, read into what a new draft holds.

Only input that cannot be read is refused (``InvalidInput`` with a coded message, nothing kept): too large, a damaged
zip or one that unpacks too large, not XML, XML with DTDs or entities, XML that is not BPMN 2.0, no process, a form
that is no JSON object. Everything else comes in as it is, whatever our conventions say of it: validating the draft
lists those problems, and the process owner fixes them in the modeler.

One change is made on the way in. A process marked ``isExecutable="false"`` (bpmn.io and Camunda Modeler mark every
new diagram so) would deploy nothing and hide every other problem behind that one, so each such process that holds
a flow element is marked executable; an empty process (a participant drawn as a black box) is left as it is.
``Imported.made_executable`` names them, and the import's audit event records them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException
from lxml import etree

from ..errors import InvalidInput
from . import model_archive, model_files
from .diagram_expressions import NS
from .problem_codes import problem
from .validation import MAX_FILE_BYTES

MAX_UPLOAD_BYTES = 20_000_000
MAX_PROCESS_ID = 100
"""The length the store keeps of a process id."""

BPMN_DEFINITIONS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}definitions"
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,95}\.bpmn$")
_PROCESS_TAG = re.compile(r"<(?:[\w.-]+:)?process\b[^>]*>")
_NOT_EXECUTABLE = re.compile(r"""(\bisExecutable\s*=\s*)(["'])false\2""")
_NOT_FLOW = frozenset({"documentation", "extensionElements", "laneSet", "property", "ioSpecification"})


@dataclass(frozen=True)
class Imported:
    """What an upload brings: its main process, its BPMN files (name → text), its forms and what was made executable."""

    process_id: str
    files: dict[str, str]
    forms: dict[str, dict]
    made_executable: tuple[str, ...]


def read(filename: str, data: bytes) -> Imported:
    """Read an upload named ``filename``: a zip (by its content) or one BPMN file; ``InvalidInput`` when unreadable."""
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload"
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refused(problem("import.too_large", name=name, limit=MAX_UPLOAD_BYTES))
    if data.startswith(b"PK\x03\x04") or name.lower().endswith(".zip"):
        raw_files, raw_forms = model_archive.sources(data, name)
        if not raw_files:
            raise _refused(problem("import.no_bpmn", name=name))
    else:
        raw_files, raw_forms = {name: data}, {}
    trees = {file: _tree(file, content) for file, content in raw_files.items()}
    process_id = _main_process(trees)
    texts, made_executable = {}, []
    for file, (text, tree) in trees.items():
        text, marked = _made_executable(text, tree)
        texts[_file_name(file, tree)] = text
        made_executable.extend(marked)
    forms = {form: _form(form, content) for form, content in raw_forms.items()}
    return Imported(process_id, texts, forms, tuple(made_executable))


def _refused(message: str) -> InvalidInput:
    return InvalidInput(message, {"file": [message]})


def _tree(name: str, data: bytes) -> tuple[str, etree._Element]:
    """The file's text (declared UTF-8) and its element tree, read as safely as validation reads it."""
    if len(data) > MAX_FILE_BYTES:
        raise _refused(problem("import.too_large", name=name, limit=MAX_FILE_BYTES))
    try:
        text = model_files.xml_text(data)
    except model_files.Unreadable as err:
        raise _refused(problem("import.unreadable", name=name, reason=err.args[0])) from err
    try:
        safe_xml.fromstring(text.encode(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
        tree = etree.fromstring(text.encode(), parser=_SAFE_PARSER)
    except DefusedXmlException as err:
        raise _refused(problem("import.unsafe_xml", name=name, kind=type(err).__name__)) from err
    except RecursionError as err:
        raise _refused(problem("import.too_deep", name=name)) from err
    except (safe_xml.ParseError, etree.XMLSyntaxError) as err:
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise _refused(problem("import.not_xml", name=name, detail=detail)) from err
    if tree.tag != BPMN_DEFINITIONS:
        raise _refused(problem("import.not_bpmn", name=name, root=etree.QName(tree).localname))
    if tree.find("bpmn:process[@id]", NS) is None:
        raise _refused(problem("import.no_process", name=name))
    return text, tree


def _main_process(trees: dict[str, tuple[str, etree._Element]]) -> str:
    """The process the upload is about: the first (by file name) that holds flow elements and that no other process of
    it calls; a pool drawn as a black box comes last."""
    processes = [p for _, (_, tree) in sorted(trees.items()) for p in tree.iterfind("bpmn:process[@id]", NS)]
    called = {call.get("calledElement") for _, tree in trees.values() for call in tree.iterfind(".//bpmn:callActivity",
                                                                                                 NS)}
    ordered = sorted(processes, key=lambda p: (not _has_flow(p), p.get("id") in called))
    process_id = ordered[0].get("id")
    if len(process_id) > MAX_PROCESS_ID:
        raise _refused(problem("import.process_id_too_long", process_id=process_id[:40] + "…", limit=MAX_PROCESS_ID))
    return process_id


def _file_name(name: str, tree: etree._Element) -> str:
    """The upload's own name when it is a plain ``.bpmn`` name, else one after its first process."""
    if _FILE_NAME.match(name):
        return name
    first = tree.find("bpmn:process[@id]", NS)
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", first.get("id") if first is not None else "model")[:90]
    return f"{stem}.bpmn"


def _made_executable(text: str, tree: etree._Element) -> tuple[str, list[str]]:
    """``text`` with every non-executable process that holds flow elements marked executable, and their ids."""
    wanted = {process.get("id") for process in tree.iterfind("bpmn:process[@isExecutable='false']", NS)
              if _has_flow(process)}
    marked: list[str] = []

    def mark(tag: re.Match) -> str:
        ids = set(re.findall(r"""\bid\s*=\s*["']([^"']*)["']""", tag.group(0)))
        if not ids & wanted:
            return tag.group(0)
        marked.extend(sorted(ids & wanted))
        return _NOT_EXECUTABLE.sub(r"\1\2true\2", tag.group(0), count=1)

    return _PROCESS_TAG.sub(mark, text), marked


def _has_flow(process: etree._Element) -> bool:
    return any(etree.QName(child).localname not in _NOT_FLOW for child in process if isinstance(child.tag, str))


def _form(name: str, content: bytes) -> dict:
    try:
        schema = model_files.load_json(content)
    except model_files.Unreadable as err:
        raise _refused(problem("import.form_unreadable", name=name, detail=str(err.args[0]))) from err
    if not isinstance(schema, dict):
        raise _refused(problem("import.form_unreadable", name=name, detail=type(schema).__name__))
    return schema
