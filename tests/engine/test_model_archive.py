"""A version or draft as a zip (BPMN, forms, rules) and a zip deployed back: nothing lost on the way."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

import engine
from tests.engine.test_workbench import DEMO, FILE, label_changed_version, owner


def changed_version(eng: engine.Engine, po: engine.UserView) -> engine.Version:
    return label_changed_version(eng, po)[0]


def entries(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist()}


def test_a_version_downloads_as_exactly_what_it_runs_with_and_the_same_bytes_each_time(eng):
    po = owner(eng)
    version = changed_version(eng, po)

    name, content = eng.version_archive(version.id, user_id=po.id)

    assert name == "visit_demo-v2.zip" and eng.version_archive(version.id, user_id=po.id)[1] == content
    found = entries(content)
    assert found[f"bpmn/{FILE}"].decode() == eng.version_files(version.id)[FILE]
    form = json.loads(found["forms/visit_request.json"])
    assert form["properties"]["request_received_on"]["x-label"]["en"] == "Request received by the physician on"
    assert "T15" in json.loads(found["rules.json"])
    manifest = json.loads(found["manifest.json"])
    assert (manifest["process_id"], manifest["version"], manifest["comment"]) == ("visit_demo", 2, "clearer label")


def test_a_downloaded_version_deploys_elsewhere_with_its_forms(eng, tmp_path, clock):
    po = owner(eng)
    archive = tmp_path / "visit.zip"
    archive.write_bytes(eng.version_archive(changed_version(eng, po).id, user_id=po.id)[1])
    elsewhere = engine.Engine(f"sqlite:///{tmp_path / 'other.sqlite'}", clock=clock)
    elsewhere.upgrade_schema()
    try:
        [deployed] = elsewhere.deploy([archive], actor="po2", comment="imported")
        other_owner = owner(elsewhere)
        round_trip = entries(elsewhere.version_archive(deployed.id, user_id=other_owner.id)[1])
    finally:
        elsewhere.close()
    original = entries(archive.read_bytes())
    assert {k: v for k, v in round_trip.items() if k != "manifest.json"} == \
        {k: v for k, v in original.items() if k != "manifest.json"}


def test_a_draft_downloads_with_the_forms_a_deploy_would_use(eng):
    po = owner(eng)
    eng.deploy(DEMO, actor="po1")
    draft = eng.create_draft("visit_demo", user_id=po.id)

    name, content = eng.draft_archive(draft.id, user_id=po.id)

    found = entries(content)
    assert name == f"visit_demo-draft-{draft.id}.zip" and f"bpmn/{FILE}" in found
    assert {"forms/visit_request.json", "forms/visit_report.json"} <= set(found)
    with pytest.raises(engine.NotAllowed):
        eng.draft_archive(draft.id, user_id=owner(eng, "hr1", "employer").id)


def test_a_zip_that_is_none_or_too_big_is_refused(eng, tmp_path):
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"<definitions/>")
    with pytest.raises(engine.InvalidInput, match="not a zip"):
        eng.deploy([fake], actor="po1")
    crowded = tmp_path / "crowded.zip"
    with zipfile.ZipFile(crowded, "w") as zipped:
        for number in range(501):
            zipped.writestr(f"forms/f{number}.json", "{}")
    with pytest.raises(engine.InvalidInput, match="more than 500 files"):
        eng.deploy([crowded], actor="po1")
