"""Readable records: the trace, the evidence pack, the trial and the case file tell events as sentences."""

from __future__ import annotations

import re

import pytest

import engine
from tests.scenarios.test_formal_reintegration import Trajectory, decision
from tests.webui.conftest import PASSWORD, csrf_token


def decided_b(law: engine.Engine, clock: engine.SettableClock) -> Trajectory:
    law.create_user(username="dr-peeters", password=PASSWORD, display_name="Dr. Peeters",
                    roles=["occupational_physician"], organisations=["Mensura"], language="nl", actor="test")
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("B"), "dr-peeters")
    return rit


def test_smoke(client, auth, law, clock):
    rit = decided_b(law, clock)
    auth.login_as("compliance_officer")
    for path in (f"/compliance/instances/{rit.instance.id}", f"/compliance/cases/{rit.case.id}/evidence",
                 f"/cases/{rit.case.id}"):
        for lang in ("nl", "fr", "en"):
            html = client.get(path + f"?lang={lang}").get_data(as_text=True)
            open(f"/tmp/rr/{path.replace('/', '_')}_{lang}.html", "w").write(html)
