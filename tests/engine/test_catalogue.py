"""The procedure catalogue names every procedure diagram, in three languages, with roles that exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import catalogue
from engine.errors import InvalidModel

PROCESSES = Path(__file__).resolve().parents[2] / "processes" / "bpmn"
PARTS = {"registered_invitation", "medical_appeal", "plan_or_report", "incapacity_clock", "return_watch"}


def test_every_procedure_diagram_is_in_the_catalogue_and_only_the_follow_up_starts_with_the_case():
    procedures = catalogue.load()
    assert set(procedures) == {p.stem for p in PROCESSES.glob("*.bpmn")} - PARTS
    assert [p for p in procedures.values() if p.starts_with_case] == [procedures["incapacity_follow_up"]]


def test_a_catalogue_with_an_unknown_role_or_a_missing_language_is_refused(tmp_path):
    path = tmp_path / "catalogue.toml"
    path.write_text('[x]\ntitle = { en = "X" }\nstarted_by = ["janitor"]\nstarts_with_case = false\n')
    with pytest.raises(InvalidModel) as refused:
        catalogue.load(path)
    assert [p.message for p in refused.value.problems] == ["unknown role 'janitor'", "needs a title in nl, fr and en"]
