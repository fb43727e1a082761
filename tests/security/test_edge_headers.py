"""Issue 13, point 13: security headers on every answer, no inline script, no server banner, no redirect elsewhere."""

from __future__ import annotations

import re
import threading
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.webui.conftest import csrf_token, open_law_case

TEMPLATES = Path(__file__).resolve().parents[2] / "webui" / "templates"
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _directives(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";")}


@SQLITE_ONLY
def test_every_answer_forbids_inline_script_framing_and_sniffing(client):
    for response in (client.get("/login"), client.get("/no-such-page"), client.get("/api/v1/cases"),
                     client.get("/api/v1/openapi.json")):
        directives = _directives(response)
        assert directives["script-src"] == "script-src 'self'"
        assert directives["frame-ancestors"] == "frame-ancestors 'none'"
        assert directives["object-src"] == "object-src 'none'"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers


@SQLITE_ONLY
def test_over_https_the_browser_is_told_to_keep_to_https(client):
    response = client.get("/login", base_url="https://reintegra.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_case_data_and_exports_are_never_stored_by_the_browser_but_static_files_are_cached(client, auth, law):
    auth.login_as("employer", "compliance_officer", username="hr1", organisations=("Acme NV",))
    case = open_law_case(law)
    for path in (f"/cases/{case.id}", "/compliance/event-log.csv", "/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    with client.get("/static/trace.js") as static:
        assert "no-store" not in static.headers.get("Cache-Control", "")


def test_no_template_holds_inline_script_or_an_inline_event_handler():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, f"{template.name}: {tag}"
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", text), f"{template.name} has an inline event handler"
        assert "javascript:" not in text, template.name


@SQLITE_ONLY
def test_the_built_in_server_names_no_versions(app):
    from webui.headers import QuietRequestHandler

    server = make_server("127.0.0.1", 0, app, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/login") as response:
            assert response.headers.get_all("Server") == ["Reintegra"]
    finally:
        server.shutdown()
        thread.join()


@SQLITE_ONLY
@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example", "/\t/evil.example", "/\r\n/evil.example",
                                    "/ /evil.example", "https://evil.example", "/\x0b/evil.example"])
def test_a_next_address_leading_to_another_site_goes_to_the_inbox(client, target):
    response = client.post("/language", data={"language": "en", "next": target, "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/"


@SQLITE_ONLY
def test_a_next_address_on_this_site_is_followed(client):
    response = client.post("/language", data={"language": "en", "next": "/cases?x=1",
                                              "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/cases?x=1"
