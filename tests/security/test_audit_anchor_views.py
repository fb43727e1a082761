"""Issue 13.9: the compliance views that show chain checks also compare with the newest checkpoint."""

from __future__ import annotations

import engine
from tests.security.test_audit_tampers import KEY, attack
from tests.webui.conftest import csrf_token
from tests.webui.test_evidence import case  # noqa: F401


def keep_checkpoints(app, law, tmp_path) -> engine.AnchorStore:  # type: ignore[no-untyped-def]
    app.config.update(AUDIT_ANCHOR_DIR=str(tmp_path / "anchors"), AUDIT_ANCHOR_KEY=KEY)
    store = engine.AnchorStore(tmp_path / "anchors", KEY.encode())
    law.checkpoint_audit(store)
    return store


def test_the_evidence_pack_says_whether_the_case_matches_the_newest_checkpoint(
        app, client, auth, law, case, database_url, tmp_path):  # noqa: F811
    auth.login_as("compliance_officer")
    path = f"/compliance/cases/{case.id}/evidence"
    assert "No checkpoint kept outside the database" in client.get(path).get_data(as_text=True)
    keep_checkpoints(app, law, tmp_path)
    assert "These chains match the checkpoint audit-anchor-" in client.get(path).get_data(as_text=True)
    instance = law.instances(case.id)[0]
    stream = f"instance:{instance.id}"
    attack(database_url, f"DELETE FROM audit_event WHERE stream = '{stream}'")
    attack(database_url, f"DELETE FROM audit_head WHERE stream = '{stream}'")
    page = client.get(path).get_data(as_text=True)
    assert "These chains differ from the checkpoint" in page and f"{stream}: the checkpoint holds" in page
    assert '"is_intact": false' in client.get(f"{path}.json").get_data(as_text=True)


def test_checking_the_whole_database_also_compares_it_with_the_newest_checkpoint(
        app, client, auth, law, case, database_url, tmp_path):  # noqa: F811
    keep_checkpoints(app, law, tmp_path)
    auth.login_as("admin")
    instance = law.instances(case.id)[0]
    attack(database_url, f"DELETE FROM audit_event WHERE stream = 'case:{case.id}'")
    attack(database_url, f"DELETE FROM audit_head WHERE stream = 'case:{case.id}'")
    page = f"/compliance/instances/{instance.id}"
    form = {"scope": "all", "ident": "", "back": str(instance.id), "csrf_token": csrf_token(client, page)}
    html = client.post("/compliance/verify", data=form, follow_redirects=True).get_data(as_text=True)
    assert "The database differs from the checkpoint" in html
    assert f"case:{case.id}: the checkpoint holds" in html and "(stream deleted)" in html
