"""A model from elsewhere comes in as a new draft, problems and all, is fixed, deployed and downloaded with nothing
lost; only input that cannot be read is refused, and then nothing is kept."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

import engine
from tests.conftest import FIXTURES, approve
from tests.engine.foreign_fixes import SPIFF, fix
from tests.engine.test_model_archive import entries
from tests.engine.test_workbench import DEMO, owner

FOREIGN = FIXTURES / "foreign"
CALLS = ("call_parent_follow_up.bpmn", "call_child_availability.bpmn")
CORPUS = [
    ("bpmnio_new_diagram.bpmn", "Process_1"),
    ("camunda7_adapted_work.bpmn", "adapted_work_request"),
    ("camunda8_workplace_visit.bpmn", "workplace_visit"),
    ("spiffarena_return_interview.bpmn", "return_interview"),
    ("collaboration_employer_and_worker.bpmn", "Process_employer"),
    ("calls.zip", "absence_follow_up"),
]


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(name: str) -> bytes:
    if name == "calls.zip":
        return zipped({f"diagrams/{file}": (FOREIGN / file).read_bytes() for file in CALLS})
    return (FOREIGN / name).read_bytes()


def originals(name: str) -> dict[str, str]:
    names = CALLS if name == "calls.zip" else (name,)
    return {file: (FOREIGN / file).read_text(encoding="utf-8") for file in names}


def fixed_in_the_modeler(eng: engine.Engine, draft: engine.DraftView, po: engine.UserView) -> engine.DraftView:
    """Fix what validation lists, file by file, saving each round, until nothing is left (at most four rounds)."""
    for _ in range(4):
        problems = eng.validate_draft(draft.id, user_id=po.id)
        if not problems:
            return draft
        files = {file: fix(xml, [p for p in problems if p.file == file]) for file, xml in draft.files.items()}
        draft = eng.save_draft(draft.id, files=files, expected_revision=draft.revision, user_id=po.id)
    raise AssertionError(f"still refused: {eng.validate_draft(draft.id)}")


def inventory(xml: str) -> dict[str, set]:
    """What must survive: every element with an id (kind, id, name: a lane's name is the role the fix gives it), every
    documentation and text, every attribute in another tool's namespace, every extension element of another tool (as
    canonical XML)."""
    tree = etree.fromstring(xml.encode())
    found: dict[str, set] = {"elements": set(), "texts": set(), "attributes": set(), "extensions": set()}
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if element.get("id"):
            found["elements"].add((local, element.get("id"), element.get("name") if local != "lane" else None))
        if local in ("documentation", "text"):
            found["texts"].add((element.text or "").strip())
        found["attributes"] |= {(element.get("id"), key, value) for key, value in element.attrib.items()
                                if key.startswith("{") and "XMLSchema-instance" not in key}
        parent = element.getparent()
        if parent is not None and etree.QName(parent).localname == "extensionElements" \
                and etree.QName(element) != etree.QName(SPIFF, "properties"):
            found["extensions"].add(etree.tostring(element, method="c14n"))
    return found


def contains(outer: dict[str, set], inner: dict[str, set]) -> bool:
    return all(inner[key] <= outer[key] for key in inner)


@pytest.mark.parametrize(("name", "process_id"), CORPUS)
def test_a_foreign_diagram_round_trips_through_import_fix_deploy_and_export_with_nothing_lost(eng, name, process_id):
    po = owner(eng)
    imported = eng.import_draft(name, upload(name), user_id=po.id)
    draft = imported.draft
    assert draft.process_id == process_id and draft.based_on is None
    assert set(draft.files) == set(originals(name))
    assert eng.validate_draft(draft.id, user_id=po.id), "a foreign diagram breaks some convention"

    fixed = fixed_in_the_modeler(eng, draft, po)
    approve(eng, fixed.id)
    versions = eng.deploy_draft(fixed.id, comment="brought in from elsewhere", user_id=po.id)

    own = next(v for v in versions if v.process_id == process_id)
    archive_name, content = eng.version_archive(own.id, user_id=po.id)
    exported = {file.removeprefix("bpmn/"): data.decode() for file, data in entries(content).items()
                if file.startswith("bpmn/")}
    assert exported == fixed.files
    for file, original in originals(name).items():
        assert contains(inventory(exported[file]), inventory(original)), file

    again = eng.import_draft(archive_name, content, user_id=po.id).draft
    assert (again.process_id, again.based_on, again.files) == (process_id, own.id, exported)
    assert eng.validate_draft(again.id, user_id=po.id) == []


def test_a_new_bpmn_io_diagram_is_marked_executable_on_import_and_a_black_box_pool_is_not(eng):
    po = owner(eng)
    imported = eng.import_draft("collab.bpmn", upload("collaboration_employer_and_worker.bpmn"), user_id=po.id)
    xml = imported.draft.files["collab.bpmn"]
    assert imported.made_executable == ("Process_employer",)
    assert '<bpmn:process id="Process_employer" name="Invite to a talk" isExecutable="true">' in xml
    assert '<bpmn:process id="Process_worker" isExecutable="false" />' in xml
    assert eng.audit_trail("repository")[-1].after["made_executable"] == ["Process_employer"]


def test_the_draft_belongs_to_the_process_with_flow_elements_even_after_a_black_box_pool(eng):
    po = owner(eng)
    black_box = '  <bpmn:process id="Process_worker" isExecutable="false" />\n'
    xml = upload("collaboration_employer_and_worker.bpmn").decode().replace(black_box, "")
    xml = xml.replace("  <bpmn:process id=\"Process_employer\"", black_box + "  <bpmn:process id=\"Process_employer\"")
    assert xml.index("Process_worker\" isExecutable") < xml.index("Process_employer\" name")
    assert eng.import_draft("collab.bpmn", xml.encode(), user_id=po.id).draft.process_id == "Process_employer"


def test_an_import_of_a_deployed_process_is_a_draft_of_its_newest_version_with_its_forms(eng):
    eng.deploy(DEMO, actor="po1")
    po = owner(eng)
    xml = DEMO.read_text(encoding="utf-8").replace('name="Visit wanted"', 'name="Visit asked"')
    draft = eng.import_draft("from_camunda.bpmn", xml.encode(), user_id=po.id).draft
    [latest] = eng.versions("visit_demo")
    assert (draft.process_id, draft.based_on) == ("visit_demo", latest.version.id)
    assert set(draft.forms) == {"visit_report.json", "visit_request.json"} and 'Visit asked' in draft.files[
        "from_camunda.bpmn"]
    assert eng.validate_draft(draft.id) == []


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bpmn/big.bpmn", b"<" + b" " * 6_000_000)
    return buffer.getvalue()


def _lying_zip() -> bytes:
    """A zip whose directory says its entry is smaller than what it unpacks to."""
    data = zipped({"bpmn/a.bpmn": (FOREIGN / "bpmnio_new_diagram.bpmn").read_bytes()})
    real = len((FOREIGN / "bpmnio_new_diagram.bpmn").read_bytes()).to_bytes(4, "little")
    return data.replace(real, (100).to_bytes(4, "little"))


UNREADABLE = [
    ("notes.bpmn", b"just some words", "import.not_xml"),
    ("dtd.bpmn", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>', "import.unsafe_xml"),
    ("svg.bpmn", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "import.not_bpmn"),
    ("empty.bpmn", b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"/>', "import.no_process"),
    ("huge.bpmn", b"<" + b" " * 20_000_001, "import.too_large"),
    ("latin.bpmn", b'<?xml version="1.0" encoding="x-unknown"?><a/>', "import.unreadable"),
    ("broken.zip", b"PK\x03\x04 not really a zip", "archive.not_zip"),
    ("bomb.zip", _bomb(), "archive.file_too_large"),
    ("lying.zip", _lying_zip(), "archive.entry_unreadable"),
    ("forms.zip", zipped({"forms/a.json": b"{}"}), "import.no_bpmn"),
    ("badform.zip", zipped({"a.bpmn": DEMO.read_bytes(), "forms/a.json": b"[1, 2"}), "import.form_unreadable"),
]


@pytest.mark.parametrize(("name", "data", "code"), UNREADABLE, ids=[u[0] for u in UNREADABLE])
def test_unreadable_input_is_refused_with_a_coded_reason_and_nothing_is_kept(eng, name, data, code):
    po = owner(eng)
    with pytest.raises(engine.InvalidInput) as refused:
        eng.import_draft(name, data, user_id=po.id)
    assert refused.value.message.code == code
    assert eng.drafts() == [] and all(e.action != "draft_imported" for e in eng.audit_trail("repository"))


def test_a_zip_entry_path_only_names_the_file(eng):
    po = owner(eng)
    data = zipped({"../../etc/evil.bpmn": (FOREIGN / "bpmnio_new_diagram.bpmn").read_bytes()})
    assert list(eng.import_draft("x.zip", data, user_id=po.id).draft.files) == ["evil.bpmn"]


@pytest.mark.parametrize("role", ["employer", "compliance_officer"])
def test_only_process_owners_and_admins_import(eng, role):
    user = owner(eng, "someone", role)
    with pytest.raises(engine.NotAllowed):
        eng.import_draft("a.bpmn", upload("bpmnio_new_diagram.bpmn"), user_id=user.id)
