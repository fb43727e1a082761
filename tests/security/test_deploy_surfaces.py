"""Issue 13, point 8 where users meet it: ``reintegra deploy``, the workbench pages and the engine's deploy never
crash on a hostile or foreign file; a file in another encoding deploys and reads as it was written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES
from tests.engine.test_runtime import open_case
from tests.webui.conftest import PROCESSES, csrf_token
from tests.webui.test_models import FILE, json_post, new_draft
from webui.cli import main

DEMO = (FIXTURES / "bpmn" / "visit_demo.bpmn").read_text()
DEEP = "<bpmn:documentation>" + "<x>" * 300 + "</x>" * 300  # the original text and closing tag follow
TIMER = 'deadline("T15", request_received_on)'


def in_encoding(text: str, declared: str, codec: str) -> bytes:
    return text.replace('encoding="UTF-8"', f'encoding="{declared}"').encode(codec)


@pytest.mark.parametrize(("declared", "codec"), [("ISO-8859-1", "latin-1"), ("UTF-16", "utf-16")])
def test_a_diagram_in_another_encoding_deploys_and_reads_as_written(eng, declared, codec):
    text = DEMO.replace('name="Visit demo" isExecutable', 'name="Visite préalable" isExecutable')
    text = text.replace('name="Request a pre-return visit"', 'name="Demander la visite préalable"')
    [version] = eng.deploy(in_encoding(text, declared, codec), actor="owner")
    assert version.name == "Visite préalable"
    eng.start(open_case(eng).id, "visit_demo", {}, actor="employee1")
    assert [item.name for item in eng.work_items(role="employee")] == ["Demander la visite préalable"]


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REINTEGRA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")


SHIPPED = (PROCESSES / "pre_return_visit.bpmn").read_text()


@pytest.mark.parametrize(("content", "expected"), [
    (SHIPPED.replace("<bpmn:documentation>", DEEP, 1).encode(), "nested"),
    (SHIPPED.replace(TIMER, TIMER + " + 1" * 1000).encode(), "nested"),
    (SHIPPED.replace('encoding="UTF-8"', 'encoding="klingon"').encode(), "klingon"),
], ids=["deep-xml", "long-expression", "unknown-encoding"])
def test_reintegra_deploy_lists_the_problem_instead_of_a_traceback(cli_database, tmp_path, content, expected):
    path = tmp_path / "pre_return_visit.bpmn"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["deploy", str(path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert expected in result.output and "nothing was deployed" in result.output


def test_reintegra_deploy_takes_a_utf_16_diagram(cli_database, tmp_path):
    path = tmp_path / "pre_return_visit.bpmn"
    path.write_bytes(in_encoding(SHIPPED, "UTF-16", "utf-16"))
    result = CliRunner().invoke(main, ["deploy", str(path)])
    assert result.exit_code == 0 and "deployed pre_return_visit version 1" in result.output, result.output


def test_the_workbench_answers_problems_not_500s(client, auth, law):
    auth.login_as("process_owner", username="po1")
    draft_id = new_draft(client)
    token = csrf_token(client, "/")
    deep_json = "[" * 100_000 + "]" * 100_000
    form_page = client.post(f"/models/drafts/{draft_id}/forms/pre_return_visit_request.json",
                            data={"schema": deep_json, "action": "save", "revision": "1", "csrf_token": token})
    assert form_page.status_code == 422 and "nested" in form_page.get_data(as_text=True)
    schema = law.form_source(draft_id, "pre_return_visit_request.json")
    schema["properties"]["request_received_on"]["$ref"] = "#"
    preview = client.post(f"/models/drafts/{draft_id}/forms/pre_return_visit_request.json/preview",
                          data={"schema": json.dumps(schema)}, headers={"X-CSRFToken": token})
    assert preview.status_code == 200 and "cycle" in json.dumps(preview.get_json()["problems"])
    xml = law.draft(draft_id).files[FILE]
    for hostile in (xml.replace(TIMER, TIMER + " + 1" * 1000), xml.replace("<bpmn:documentation>", DEEP, 1)):
        json_post(client, f"/models/drafts/{draft_id}/files",
                  {"file": FILE, "xml": hostile, "revision": law.draft(draft_id).revision})
        validated = json_post(client, f"/models/drafts/{draft_id}/validate")
        assert validated.status_code == 200 and "nested" in json.dumps(validated.get_json()["problems"])
        deployed = client.post(f"/models/drafts/{draft_id}/deploy", data={"comment": "deep", "confirmed": "yes",
                                                                                "csrf_token": token})
        assert deployed.status_code == 422 and [s.version.version for s in law.versions("pre_return_visit")] == [1]
