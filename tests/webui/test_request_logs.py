"""Issue 19.2: each request has an id, answered in X-Request-ID and carried by every JSON log line written for it."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from tests.security.test_incidents_http import stopped  # noqa: F401 (a fixture)
from tests.webui.conftest import csrf_token
from webui import cli, request_logs

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the process logs at INFO while the test runs, as ``REINTEGRA_LOG_FORMAT=json`` writes it."""
    stream = io.StringIO()
    handler = request_logs.handler("json", stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def logged(stream: io.StringIO) -> list[dict]:
    """Every line logged so far; each must be one JSON object."""
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_request_id_sent_comes_back_and_is_on_the_access_line(client, json_lines):
    response = client.get("/login?next=/cases/17", headers={"X-Request-ID": "edge-7f3a.19:2"})
    assert response.headers["X-Request-ID"] == "edge-7f3a.19:2"
    access = [line for line in logged(json_lines) if line["logger"] == "reintegra.access"]
    assert len(access) == 1
    line = access[0]
    assert (line["request_id"], line["method"], line["route"], line["status"], line["level"]) == (
        "edge-7f3a.19:2", "GET", "/login", 200, "INFO")
    assert isinstance(line["duration_ms"], float) and line["timestamp"].endswith("+00:00")
    assert "/cases/17" not in json_lines.getvalue()  # the route's rule, never the path and query asked for


@pytest.mark.parametrize("asked", ["", "two words", "x" * 129, "<script>", "line\\nbreak", "-leading-dash", "é"])
def test_a_malformed_request_id_is_replaced_by_a_fresh_one(client, json_lines, asked):
    response = client.get("/login", headers={"X-Request-ID": asked})
    answered = response.headers["X-Request-ID"]
    assert GENERATED.fullmatch(answered) and answered != asked
    assert [line["request_id"] for line in logged(json_lines) if line["logger"] == "reintegra.access"] == [answered]


def test_an_answer_that_went_wrong_carries_its_id_too(client, json_lines):
    response = client.get("/cases/4711/nothing-here", headers={"X-Request-ID": "lost-1"})
    assert response.status_code == 404 and response.headers["X-Request-ID"] == "lost-1"
    access = [line for line in logged(json_lines) if line["logger"] == "reintegra.access"]
    assert [(line["request_id"], line["route"], line["status"]) for line in access] == [("lost-1", None, 404)]
    assert "4711" not in json_lines.getvalue()


def test_each_request_without_an_id_gets_its_own(client, json_lines):
    first, second = (client.get("/login").headers["X-Request-ID"] for _ in range(2))
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second) and first != second


def test_the_engines_log_lines_carry_the_id_of_the_request_that_caused_them(app, client, auth, stopped,  # noqa: F811
                                                                            json_lines):
    auth.login_as("process_owner", username="paula")
    number = app.extensions["reintegra"].incidents.find(user_id=1)[0].id
    token = csrf_token(client, "/cases")
    client.post(f"/incidents/{number}/retry", data={"csrf_token": token, "reason": "try"},
                headers={"X-Request-ID": "retry-1"})
    failed = [line for line in logged(json_lines) if line["logger"] == "engine.runtime.incidents"]
    assert failed and all(line["request_id"] == "retry-1" and line["level"] == "ERROR" for line in failed)
    assert "Eva" not in json_lines.getvalue() and "C-stopped" not in json_lines.getvalue()


def test_lines_outside_a_request_carry_no_id(json_lines):
    logging.getLogger("engine.runtime.scheduler").info("timers: %s instance(s) woken", 3)
    assert logged(json_lines) == [{"timestamp": logged(json_lines)[0]["timestamp"], "level": "INFO",
                                   "logger": "engine.runtime.scheduler", "message": "timers: 3 instance(s) woken",
                                   "request_id": None}]


def test_the_production_commands_log_json_and_the_others_text():
    assert [request_logs.default_format(c) for c in ("serve", "worker", "run", "init")] == [
        "json", "json", "text", "text"]


def test_an_unknown_log_format_stops_the_command_with_a_message():
    result = CliRunner().invoke(cli.main, ["deadline", "T15", "--from", "2026-12-21"],
                                env={"REINTEGRA_LOG_FORMAT": "xml"})
    assert result.exit_code == 2 and "REINTEGRA_LOG_FORMAT must be one of text, json" in result.output
