"""Worker heartbeats on the wall clock, and the readiness checks of ``/readyz`` built on them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import engine

WALL = datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)


def wall_liveness(eng: engine.Engine, at: datetime = WALL) -> tuple[engine.Liveness, engine.SettableClock]:
    """The engine's heartbeats on a wall clock the test moves (the legal clock is the engine's own)."""
    wall = engine.SettableClock(at)
    return engine.Liveness(eng.database, wall_clock=wall), wall


def test_a_heartbeat_is_fresh_for_three_intervals_then_the_worker_is_named_stale(eng):
    liveness, wall = wall_liveness(eng)
    liveness.beat("worker-a", interval_seconds=10, started_at=WALL)
    liveness.beat("worker-b", interval_seconds=10, started_at=WALL)
    assert liveness.readiness().is_ready
    wall.advance(timedelta(seconds=25))
    liveness.beat("worker-b", interval_seconds=10, started_at=WALL)
    wall.advance(timedelta(seconds=6))
    readiness = liveness.readiness()
    assert readiness.failing == ["workers"]
    assert [(w.name, w.is_fresh, w.seconds_since_beat) for w in readiness.workers] == [("worker-a", False, 31.0),
                                                                                       ("worker-b", True, 6.0)]


def test_moving_the_legal_clock_by_weeks_leaves_a_live_worker_fresh(eng, clock):
    started = eng.liveness.wall_clock.now()
    eng.liveness.beat("worker-a", interval_seconds=60, started_at=started)
    clock.advance(timedelta(days=49))
    readiness = eng.liveness.readiness()
    assert readiness.is_ready and [w.name for w in readiness.workers] == ["worker-a"]


def test_without_any_worker_the_installation_is_not_ready(eng):
    readiness = eng.liveness.readiness()
    assert readiness.failing == ["workers"] and readiness.workers == ()
    assert readiness.schema_revision == readiness.head_revision is not None


def test_a_worker_that_stops_cleanly_leaves_no_heartbeat_and_a_restarted_one_replaces_its_own(eng):
    liveness, wall = wall_liveness(eng)
    liveness.beat("worker-a", interval_seconds=10, started_at=WALL)
    liveness.beat("worker-b", interval_seconds=10, started_at=WALL)
    wall.advance(timedelta(minutes=5))
    liveness.beat("worker-a", interval_seconds=10, started_at=wall.now())  # worker-a killed, then started again
    assert [w.name for w in liveness.readiness().workers if not w.is_fresh] == ["worker-b"]
    liveness.leave("worker-b")
    assert [w.name for w in liveness.readiness().workers] == ["worker-a"] and liveness.readiness().is_ready


def test_a_worker_dead_for_a_day_is_forgotten_by_the_live_ones(eng):
    liveness, wall = wall_liveness(eng)
    liveness.beat("worker-dead", interval_seconds=10, started_at=WALL)
    wall.advance(timedelta(hours=23))
    liveness.beat("worker-live", interval_seconds=10, started_at=WALL)
    assert [w.name for w in liveness.readiness().workers if not w.is_fresh] == ["worker-dead"]
    wall.advance(timedelta(hours=1, seconds=1))
    liveness.beat("worker-live", interval_seconds=10, started_at=WALL)
    assert [w.name for w in liveness.readiness().workers] == ["worker-live"]


def test_the_scheduler_beats_under_its_name_and_deletes_its_heartbeat_when_it_shuts_down(eng):
    scheduler = engine.TimerScheduler(eng, worker_name="embedded", heartbeat_seconds=5)
    scheduler.start(paused=True)
    scheduler.beat()
    assert [(w.name, w.interval_seconds) for w in eng.liveness.readiness().workers] == [("embedded", 5)]
    scheduler.shutdown()
    assert eng.liveness.readiness().workers == ()


def test_a_database_never_migrated_fails_the_migration_check(tmp_path: Path):
    empty = engine.Engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    readiness = empty.liveness.readiness()
    empty.close()
    assert readiness.failing == ["migrations", "workers"]
    assert readiness.schema_revision is None and readiness.database_error is None


def test_an_unreachable_database_fails_every_check_without_raising():
    away = engine.Engine("postgresql+psycopg://postgres@127.0.0.1:1/postgres")
    readiness = away.liveness.readiness()
    away.close()
    assert readiness.failing == ["database", "migrations", "workers"] and readiness.database_error
