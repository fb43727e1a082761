"""The house rules a machine can check: arrows point one way, and only engine/clock.py reads the time."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", modules("engine"), ids=lambda p: p.name)
def test_the_engine_knows_nothing_of_the_web(path):
    bad = {name for name in imports_of(path) if name.split(".")[0] in {"flask", "flask_login", "webui"}}
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", modules("webui"), ids=lambda p: p.name)
def test_the_web_layer_uses_only_the_engine_front_door(path):
    bad = {name for name in imports_of(path)
           if name.split(".")[0] in {"SpiffWorkflow", "sqlalchemy"} or name.startswith("engine.")}
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", modules("processes") + modules("forms"), ids=lambda p: p.name)
def test_processes_and_forms_are_data_that_never_import_the_engine(path):
    assert not {n for n in imports_of(path) if n.split(".")[0] in {"engine", "webui"}}


CLOCK_READS = re.compile(r"datetime\.now|date\.today|time\.time\(|utcnow|datetime\.today")


@pytest.mark.parametrize("path", modules("engine") + modules("webui"), ids=lambda p: p.name)
def test_only_the_clock_module_reads_the_system_time(path):
    if path == ROOT / "engine" / "clock.py":
        return
    assert not CLOCK_READS.search(path.read_text()), f"{path.name} reads the system time"


@pytest.mark.parametrize("path", modules("engine") + modules("webui"), ids=lambda p: p.name)
def test_modules_stay_small_enough_to_hold_in_your_head(path):
    assert len(path.read_text().splitlines()) <= 400


LAYERS = {"law", "runtime", "store", "casework", "modelling", "oversight", "migrations"}
FACADE = {"__init__.py", "api.py", "wiring.py", "clock.py", "errors.py"}


def test_the_engine_is_grouped_by_layer_with_only_the_facade_on_top():
    top = {p.name for p in (ROOT / "engine").iterdir() if p.suffix == ".py"}
    packages = {p.name for p in (ROOT / "engine").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert top == FACADE and packages == LAYERS
