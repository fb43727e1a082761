"""Naming the parties of a case that a scenario opened without them (the scenarios predate relations)."""

from __future__ import annotations

import engine
from engine.store.models import Case


def name_parties(law: engine.Engine, case_id: int, **parties: str) -> None:
    """Add ``parties`` (employee_account, sickness_fund, ...) to the case."""
    with law.database.unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.parties = {**(case.parties or {}), **parties}
        session.commit()
