"""The ``reintegra`` command as an operator uses it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.modelling import model_archive
from tests.conftest import FIXTURES
from webui.cli import main


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("REINTEGRA_DATABASE_URL", url)
    return url


def test_deadline_prints_the_due_date_first_then_how_it_was_counted():
    """T15, art. I.4-36: 10 working days from the day after receipt, over Christmas and New Year."""
    result = CliRunner().invoke(main, ["deadline", "T15", "--from", "2026-12-23"])
    assert result.exit_code == 0, result.output
    first, explanation = result.output.splitlines()[:2]
    assert first == "2027-01-08"
    assert "working days" in explanation and "25 Dec" in explanation


def test_an_unknown_rule_is_a_clear_error():
    result = CliRunner().invoke(main, ["deadline", "T99", "--from", "2026-12-23"])
    assert result.exit_code == 2 and "T99" in result.output


def test_init_creates_the_schema_and_deploys_the_shipped_diagrams(sqlite_env):
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert "deployed pre_return_visit version 1" in result.output
    again = CliRunner().invoke(main, ["init"])
    assert "deployed pre_return_visit" not in again.output


def test_deploy_of_a_broken_diagram_lists_every_problem_and_deploys_nothing(sqlite_env, tmp_path):
    broken = (FIXTURES / "bpmn" / "visit_demo.bpmn").read_text()
    broken = broken.replace('name="Employee"', 'name="Visitors"').replace('"T15"', '"T99"')
    path = tmp_path / "broken.bpmn"
    path.write_text(broken)
    result = CliRunner().invoke(main, ["deploy", str(path)])
    assert result.exit_code == 1
    assert "lane_employee" in result.output and "visit_overdue" in result.output
    assert "nothing was deployed" in result.output


def test_deploy_takes_a_zip_with_its_forms_and_refuses_one_that_is_none(sqlite_env, tmp_path):
    forms = {p.name: p.read_bytes() for p in (FIXTURES / "forms").glob("visit_*.json")}
    archive = tmp_path / "visit.zip"
    diagram = {"visit_demo.bpmn": (FIXTURES / "bpmn" / "visit_demo.bpmn").read_bytes()}
    archive.write_bytes(model_archive.archive({}, diagram, forms, {}))
    result = CliRunner().invoke(main, ["deploy", str(archive)])
    assert result.exit_code == 0, result.output
    assert "deployed visit_demo version 1" in result.output
    fake = tmp_path / "fake.zip"
    fake.write_text("not a zip")
    refused = CliRunner().invoke(main, ["deploy", str(fake)])
    assert refused.exit_code == 2 and "fake.zip is not a zip file; nothing was deployed" in refused.output


def test_audit_verify_reports_an_intact_trail(sqlite_env):
    CliRunner().invoke(main, ["init"])
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output


def test_deploy_of_a_timer_with_another_roles_rule_deploys_and_prints_the_warning(sqlite_env, tmp_path):
    """Issue 18, defect 3: T19 (the employer's term) on the occupational physician's visit."""
    forms = {p.name: p.read_bytes() for p in (FIXTURES / "forms").glob("visit_*.json")}
    demo = (FIXTURES / "bpmn" / "visit_demo.bpmn").read_text().replace('"T15"', '"T19"')
    archive = tmp_path / "visit.zip"
    archive.write_bytes(model_archive.archive({}, {"visit_demo.bpmn": demo.encode()}, forms, {}))
    result = CliRunner().invoke(main, ["deploy", str(archive)])
    assert result.exit_code == 0, result.output
    assert "deployed visit_demo version 1" in result.output
    assert "warning: visit_demo.bpmn:" in result.output and "visit_overdue: rule T19 is a term for the role " \
        "'employer' to act" in result.output


def test_serve_without_a_secret_key_stops_with_one_message_before_any_web_process(sqlite_env, monkeypatch):
    monkeypatch.delenv("REINTEGRA_SECRET_KEY", raising=False)
    result = CliRunner().invoke(main, ["serve", "--bind", "127.0.0.1:0"])
    assert result.exit_code == 2 and "REINTEGRA_SECRET_KEY is not set" in result.output
