"""Issue 19.2: Prometheus metrics at /metrics: timers, completions, incidents, audit appends, route latency."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import urllib.request
from datetime import timedelta
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

import engine
from tests.conftest import FIXTURES
from tests.security.test_incidents_sweep import EXPIRES, owner, poisoned, waiting
from tests.webui import test_task_form
from tests.webui.conftest import csrf_token
from webui import metrics

ROOT = Path(__file__).resolve().parents[2]
SAFE_LABEL = re.compile(r"[A-Za-z_.]+|[1-5]xx")
"""What a label value may be: a name (process id, endpoint, outcome, stream kind, method) or a status class."""


def scraped(client, headers: dict | None = None) -> dict[tuple[str, tuple], float]:  # type: ignore[no-untyped-def]
    """Every sample of /metrics by name and labels (a sorted tuple of pairs)."""
    response = client.get("/metrics", headers=headers or {})
    assert response.status_code == 200 and response.content_type.startswith("text/plain")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True)) for sample in family.samples}


request_item = test_task_form.request_item
"""The worker An's request of a pre-return visit, ready for her to complete."""


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_a_completed_task_and_a_fired_timer_show_in_the_metrics(client, auth, clock, request_item):
    auth.login_as("employee", username="an")
    before = scraped(client)
    response = client.post(f"/tasks/{request_item.id}", data={"request_received_on": "2026-12-21",
                                                                "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    due = auth.eng.next_due()
    assert due is not None
    clock.set(due + timedelta(minutes=40))
    pending = scraped(client)
    assert value(pending, "reintegra_timers_due") == 1
    assert auth.eng.fire_due_timers().timers_fired == 1
    after = scraped(client)

    assert value(after, "reintegra_task_completions_total", process="visit_demo") == 1
    assert value(after, "reintegra_task_completion_seconds_count", outcome="completed") == 1
    assert value(after, "reintegra_timers_fired_total") == 1 and value(after, "reintegra_timers_due") == 0
    assert value(after, "reintegra_timer_lateness_seconds_bucket", le="1800.0") == 0  # 40 minutes late
    assert value(after, "reintegra_timer_lateness_seconds_bucket", le="3600.0") == 1
    assert value(after, "reintegra_audit_appends_total", stream="instance") - value(
        before, "reintegra_audit_appends_total", stream="instance") == 2  # the completion, then the timer
    assert value(after, "reintegra_http_request_duration_seconds_count", endpoint="tasks.submit", method="POST",
                  status="3xx") == 1
    assert value(after, "reintegra_http_request_duration_seconds_count", endpoint="metrics.metrics", method="GET",
                  status="2xx") == 2


def test_a_refused_completion_is_timed_by_its_outcome_and_counts_no_completion(client, auth, request_item):
    auth.login_as("employee", username="an")
    token = csrf_token(client, "/")
    before = scraped(client)
    response = client.post(f"/tasks/{request_item.id}", data={"request_received_on": "21/12/2026",
                                                                "csrf_token": token})
    assert response.status_code == 422
    samples = scraped(client)
    assert value(samples, "reintegra_audit_appends_total", stream="instance") == value(
        before, "reintegra_audit_appends_total", stream="instance")  # rolled back: nothing was appended
    assert value(samples, "reintegra_task_completion_seconds_count", outcome="invalid_input") == 1
    assert value(samples, "reintegra_task_completions_total", process="visit_demo") == 0
    assert value(samples, "reintegra_http_request_duration_seconds_count", endpoint="tasks.submit", method="POST",
                 status="4xx") == 1


def test_an_instance_that_fails_on_its_timer_opens_an_incident_in_the_metrics(app, client, clock):
    eng: engine.Engine = app.extensions["reintegra"]
    owner(eng)
    eng.deploy(poisoned("late = 1 / 0"), actor="owner")
    waiting(eng, "C-stopped", "visit_poisoned")
    clock.set(EXPIRES + timedelta(seconds=1))
    assert len(eng.fire_due_timers().failed_instance_ids) == 1
    samples = scraped(client)
    assert value(samples, "reintegra_incidents_opened_total") == 1
    assert value(samples, "reintegra_incidents_open") == 1
    assert value(samples, "reintegra_timers_due") == 1  # set aside, still due: it fires once repaired
    assert value(samples, "reintegra_timers_fired_total") == 0


def test_no_label_names_a_case_a_person_or_a_path(client, auth, request_item):
    auth.login_as("employee", username="an")
    client.get(f"/tasks/{request_item.id}")
    client.get(f"/cases/{request_item.case_id}")
    client.get("/no/such/page/4711")
    samples = scraped(client)
    labels = {(name, label) for _, pairs in samples for name, label in pairs if name != "le"}
    assert {name for name, _ in labels} <= {"endpoint", "method", "status", "process", "outcome", "stream"}
    assert all(SAFE_LABEL.fullmatch(label) for _, label in labels), labels
    assert ("endpoint", "tasks.form") in labels and ("endpoint", "unmatched") in labels


def test_with_a_token_configured_metrics_answer_only_its_bearer(app, client):
    app.config["METRICS_TOKEN"] = "s3cret-scrape-token"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer é"}).status_code == 401
    assert ("reintegra_timers_due", ()) in scraped(client, {"Authorization": "Bearer s3cret-scrape-token"})


WORKER = """
    from datetime import datetime
    import engine
    from webui import create_app
    app = create_app({"TESTING": True, "DATABASE_URL": DATABASE_URL, "SECRET_KEY": "x",
                      "CLOCK": engine.SettableClock(datetime.fromisoformat(NOW))})
    eng = app.extensions["reintegra"]
    print(eng.fire_due_timers().timers_fired)
    eng.close()
"""
WEB = """
    import engine
    from webui import create_app
    app = create_app({"TESTING": True, "DATABASE_URL": DATABASE_URL, "SECRET_KEY": "x"})
    client = app.test_client()
    client.get("/login")
    print(client.get("/metrics").get_data(as_text=True))
    app.extensions["reintegra"].close()
"""


def run_python(code: str, tmp_path: Path, **values: str) -> str:
    """Run ``code`` in a process of its own, in prometheus-client's multiprocess mode on ``tmp_path``."""
    prelude = "".join(f"{name} = {text!r}\n" for name, text in values.items())
    done = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)},
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_in_multiprocess_mode_the_web_process_shows_what_a_worker_process_fired(eng, database_url, clock, tmp_path):
    eng.deploy(FIXTURES / "bpmn" / "visit_demo.bpmn", actor="owner")
    waiting(eng, "C-1", "visit_demo")
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    now = (EXPIRES + timedelta(hours=2)).isoformat()
    assert run_python(WORKER, metrics_dir, DATABASE_URL=database_url, NOW=now).strip() == "1"
    text = run_python(WEB, metrics_dir, DATABASE_URL=database_url)
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(text) for s in family.samples}
    assert value(samples, "reintegra_timers_fired_total") == 1
    assert value(samples, "reintegra_timer_lateness_seconds_bucket", le="3600.0") == 0
    assert value(samples, "reintegra_timer_lateness_seconds_bucket", le="14400.0") == 1
    assert value(samples, "reintegra_http_request_duration_seconds_count", endpoint="auth.login", method="GET",
                 status="2xx") == 1


def test_a_worker_can_serve_its_metrics_on_a_port_of_its_own(app):
    server = metrics.serve_apart(app, 0)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/metrics", timeout=10) as answer:
            text = answer.read().decode()
    finally:
        server.shutdown()
        server.server_close()
    assert "reintegra_timers_due 0.0" in text and "reintegra_timers_fired_total 0.0" in text
