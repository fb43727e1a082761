"""``/healthz`` and ``/readyz`` as a load balancer and a monitor read them: open, cookie-free, in JSON."""

from __future__ import annotations

from datetime import timedelta

import engine


def test_healthz_answers_up_without_a_session_cookie(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json == {"status": "up"}
    assert "Set-Cookie" not in answer.headers


def test_readyz_names_the_failing_check_when_no_worker_beats(client):
    answer = client.get("/readyz")
    assert answer.status_code == 503 and "Set-Cookie" not in answer.headers
    assert answer.json["failing"] == ["workers"]
    assert answer.json["checks"]["database"]["ok"] and answer.json["checks"]["migrations"]["ok"]


def test_readyz_is_ready_with_a_fresh_worker_and_names_a_stale_one(app, client):
    eng: engine.Engine = app.extensions["reintegra"]
    now = eng.liveness.wall_clock.now()
    eng.liveness.beat("worker-b", interval_seconds=60, started_at=now)
    assert client.get("/readyz").status_code == 200
    long_ago = engine.Liveness(eng.database, wall_clock=engine.SettableClock(now - timedelta(hours=1)))
    long_ago.beat("worker-a", interval_seconds=10, started_at=now - timedelta(hours=2))
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.json["failing"] == ["workers"]
    workers = answer.json["checks"]["workers"]
    assert [w["name"] for w in workers["stale"]] == ["worker-a"] and workers["stale"][0]["seconds_since_beat"] >= 3600
    assert [w["name"] for w in workers["fresh"]] == ["worker-b"]
    assert eng.audit_trail("audit") == []
