"""The procedure catalogue (``processes/catalogue.toml``): titles, who may start each one, what starts with a case."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import processes

from . import access
from .errors import InvalidModel, Problem

CATALOGUE_FILE = Path(processes.__file__).parent / "catalogue.toml"


@dataclass(frozen=True)
class Procedure:
    """A startable procedure: its process id, titles in nl/fr/en and the roles that may start it."""

    process_id: str
    titles: dict[str, str]
    started_by: tuple[str, ...]
    starts_with_case: bool


def load(path: Path | None = None) -> dict[str, Procedure]:
    """Read the catalogue; ``InvalidModel`` lists every entry naming an unknown role or missing a title."""
    with open(path or CATALOGUE_FILE, "rb") as handle:
        raw = tomllib.load(handle)
    problems = [Problem(pid, f"unknown role '{role}'") for pid, entry in raw.items()
                for role in entry.get("started_by", []) if role not in access.CASE_ROLES]
    problems += [Problem(pid, "needs a title in nl, fr and en") for pid, entry in raw.items()
                 if set(entry.get("title", {})) != {"nl", "fr", "en"}]
    if problems:
        raise InvalidModel(f"{len(problems)} problem(s) in the procedure catalogue", problems)
    return {pid: Procedure(pid, dict(entry["title"]), tuple(entry["started_by"]), bool(entry["starts_with_case"]))
            for pid, entry in raw.items()}
