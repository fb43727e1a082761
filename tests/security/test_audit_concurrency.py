"""Issue 13.2: concurrent reads and exports never fail because another read happened, and the chain stays intact."""

from __future__ import annotations

import threading

from flask import Flask
from flask.testing import FlaskClient

from tests.webui.test_evidence import FINDINGS, case  # noqa: F401

READERS = 40


def concurrent_gets(app: Flask, signed_in: FlaskClient, path: str) -> list[tuple[int, str]]:
    """GET ``path`` from READERS clients at once, each carrying the session of ``signed_in``."""
    cookie = signed_in.get_cookie("session")
    assert cookie is not None
    clients = [app.test_client() for _ in range(READERS)]
    for client in clients:
        client.set_cookie("session", cookie.value)
    start, answers = threading.Barrier(READERS), []

    def read(client: FlaskClient) -> None:
        start.wait()
        response = client.get(path)
        answers.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=read, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_forty_physicians_reading_one_case_file_at_once_all_see_it_and_every_read_is_chained(
        app, client, auth, case, law):  # noqa: F811
    auth.login_as("occupational_physician", username="oa1")
    answers = concurrent_gets(app, client, f"/cases/{case.id}")
    assert [status for status, _ in answers] == [200] * READERS
    assert all(FINDINGS in page for _, page in answers)
    reads = [e for e in law.audit_trail(f"case:{case.id}") if e.action == "medical_data_read"]
    assert len(reads) == READERS
    assert law.verify_audit().is_intact


def test_forty_event_log_exports_at_once_all_succeed_and_every_export_is_chained(app, client, auth, case, law):  # noqa: F811
    auth.login_as("compliance_officer")
    answers = concurrent_gets(app, client, "/compliance/event-log.csv")
    assert [status for status, _ in answers] == [200] * READERS
    assert all(page.startswith("case_id,activity") for _, page in answers)
    exports = [e for e in law.audit_trail("compliance") if e.action == "event_log_exported"]
    assert len(exports) == READERS
    assert law.verify_audit().is_intact
