"""APScheduler wakes the engine when the next timer is due, and sweeps at a modest interval as a safety net.

The job body is one engine call (``fire_due_timers``) followed by re-arming at ``next_due()``. Once a day it
also pseudonymises the closed cases past their retention (``pseudonymise_expired``). At every sweep interval the
notification job makes the notifications of what happened (``notifications.sweep``) and, when SMTP is configured,
mails the due ones (``notifications.send_mail``): a task completion never waits for either.
Due instants are on the engine's clock; APScheduler runs on real time, so the delay is translated. A timer is due at
its instant (not a second later). A timer that a unit of work creates or moves earlier than the armed wake-up re-arms
it as soon as it commits (``timer_wakes``): in this process directly, and from any process on PostgreSQL, where the
scheduler LISTENs on a connection of its own; the sweep is only a safety net.
A scheduler given a ``worker_name`` beats every ``heartbeat_seconds`` of real time (``engine.liveness``), in a job of
its own so that a long sweep never looks like a dead worker, and deletes its heartbeat when it shuts down.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from ..casework.mailing import Composer, MailSettings
from ..clock import SystemClock
from ..errors import EngineError, Unavailable
from ..store.anchors import AnchorStore
from ..store.views import TimerRun
from .timer_wakes import Listener

if TYPE_CHECKING:
    from ..api import Engine

log = logging.getLogger(__name__)
NEXT_TIMER_JOB = "next-timer"
SWEEP_JOB = "sweep"
CHECKPOINT_JOB = "audit-checkpoint"
RETENTION_JOB = "retention"
ACCESS_LOG_JOB = "access-log-purge"
NOTIFY_JOB = "notifications"
HEARTBEAT_JOB = "heartbeat"
DAY_SECONDS = 24 * 3600
BUSY_PAUSE = timedelta(seconds=1)
"""How long to wait before looking again at a timer still due after a wake-up (another worker holds its instance,
or its incident waits for a retry), rather than spin."""


class TimerScheduler:
    """Runs ``fire_due_timers`` for one engine: at the next due timer and every ``sweep_seconds``."""

    def __init__(self, engine: Engine, *, sweep_seconds: int = 60, blocking: bool = False,
                 anchors: AnchorStore | None = None, checkpoint_seconds: int = 3600,
                 access_log_retention_days: int | None = None, mail: MailSettings | None = None,
                 composer: Composer | None = None, worker_name: str | None = None,
                 heartbeat_seconds: int = 10) -> None:
        self.engine = engine
        self.worker_name, self.heartbeat_seconds = worker_name, heartbeat_seconds
        """The name this scheduler beats under (None: it records no heartbeat), and how often."""
        is_mailing = mail is not None and composer is not None
        self.mail: MailSettings | None = mail if is_mailing else None
        """Where notifications are mailed (with ``composer``'s texts); without both, they stay in the bell."""
        self.composer: Composer | None = composer if is_mailing else None
        self.access_log_retention_days = access_log_retention_days
        self.sweep_seconds = sweep_seconds
        self.anchors, self.checkpoint_seconds = anchors, checkpoint_seconds
        self._real = SystemClock()
        self._started_at = self._real.now()
        self._is_down = False
        self._armed_at: datetime | None = None
        """The engine instant of the armed wake-up (None: nothing armed)."""
        self._arming = threading.Lock()
        self._stopping = False
        """Set by ``shutdown`` (under ``_arming``): a sweep that ends after it no longer re-arms."""
        self._listener: Listener | None = None
        self._scheduler: BaseScheduler = (BlockingScheduler if blocking else BackgroundScheduler)(timezone=timezone.utc)

    def start(self, *, paused: bool = False) -> None:
        """Start the scheduler (a blocking one returns only when shut down)."""
        self._stopping = False
        self._scheduler.add_job(self.wake, "interval", seconds=self.sweep_seconds, id=SWEEP_JOB,
                                coalesce=True, max_instances=1)
        if self.worker_name is not None:
            self._scheduler.add_job(self.beat, "interval", seconds=self.heartbeat_seconds, id=HEARTBEAT_JOB,
                                    coalesce=True, max_instances=1, next_run_time=self._real.now())
        if self.anchors is not None:
            self._scheduler.add_job(self.checkpoint, "interval", seconds=self.checkpoint_seconds, id=CHECKPOINT_JOB,
                                    coalesce=True, max_instances=1, next_run_time=self._real.now())
        self._scheduler.add_job(self.notify, "interval", seconds=self.sweep_seconds, id=NOTIFY_JOB,
                                coalesce=True, max_instances=1)
        self._scheduler.add_job(self.retain, "interval", seconds=DAY_SECONDS, id=RETENTION_JOB,
                                coalesce=True, max_instances=1)
        if self.access_log_retention_days is not None:
            self._scheduler.add_job(self.purge_access_log, "interval", seconds=DAY_SECONDS, id=ACCESS_LOG_JOB,
                                    coalesce=True, max_instances=1, next_run_time=self._real.now())
        self.engine.timer_wakes.subscribe(self.hear)
        if self.engine.database.engine.dialect.name == "postgresql":
            self._listener = Listener(self.engine.database.url, self.hear, self._rearm)
            self._listener.start()
        self._rearm()
        self._scheduler.start(paused=paused)

    def shutdown(self) -> None:
        """Stop the scheduler and its thread (after the running jobs), then delete its heartbeat."""
        self.engine.timer_wakes.unsubscribe(self.hear)
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        with self._arming:  # APScheduler's shutdown holds its job stores while it waits for the running jobs, so a
            self._stopping = True  # sweep that re-armed after it began would wait on it for ever
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        if self.worker_name is None:
            return
        try:
            self.engine.liveness.leave(self.worker_name)
        except EngineError as err:
            log.warning("heartbeat of %s not deleted: %s", self.worker_name, err.message)

    def beat(self) -> None:
        """Record this worker's heartbeat; while the database is away, the outage is noted once."""
        if self.worker_name is None:
            return
        try:
            self.engine.liveness.beat(self.worker_name, interval_seconds=self.heartbeat_seconds,
                                      started_at=self._started_at)
        except Unavailable as err:
            self._note_outage(err)

    def wake(self) -> TimerRun:
        """Fire the due timers, then re-arm at the next one.

        While the database cannot be reached, one warning says so (not one per sweep, and no traceback) and the
        sweep tries again at its interval; the timers stay due, so none is lost.
        """
        try:
            run = self.engine.fire_due_timers()
            self.arm()
        except Unavailable as err:
            self._note_outage(err)
            return TimerRun(0, 0, ())
        if self._is_down:
            log.info("timers: the database is reachable again")
            self._is_down = False
        if run.instances_woken or run.failed_instance_ids:
            log.info("timers: %s instance(s) woken, %s timer(s) fired, failed: %s",
                     run.instances_woken, run.timers_fired, list(run.failed_instance_ids))
        return run

    def _note_outage(self, err: Unavailable) -> None:
        if not self._is_down:
            log.warning("timers: %s; the sweep tries again every %s s", err.message, self.sweep_seconds)
        self._is_down = True

    def notify(self) -> None:
        """Make the new notifications, then mail the due ones; a failure is logged, never raised.

        This is a process edge: whatever goes wrong (the database away, a bug in a text) is one log line with its
        traceback, and the next run tries again; nothing is lost, since what is not made or sent stays due.
        """
        try:
            made = self.engine.notifications.sweep(is_mailing=self.mail is not None)
            if made:
                log.info("notifications: %s made", made)
            if self.mail is not None and self.composer is not None:
                run = self.engine.notifications.send_mail(self.mail, self.composer)
                if run.sent or run.failed:
                    log.info("notifications: %s mail(s) sent, %s failed (retried later)", run.sent, run.failed)
        except Unavailable as err:
            self._note_outage(err)
        except Exception:  # the scheduler's edge: log it and go on at the next run
            log.exception("notifications: the run failed; the next one tries again")

    def checkpoint(self) -> None:
        """Export the audit streams' heads to a signed checkpoint file; a failure is one log line."""
        if self.anchors is None:
            return
        try:
            written = self.engine.checkpoint_audit(self.anchors, actor="scheduler")
        except (OSError, EngineError) as err:
            log.error("audit checkpoint failed: %s", err)
            return
        log.info("audit checkpoint of %s stream(s) written to %s", written.streams, written.path)

    def retain(self) -> None:
        """Pseudonymise the closed cases past their retention (daily); a failure is one log line."""
        try:
            done = self.engine.retention.pseudonymise_expired(actor="scheduler")
        except EngineError as err:
            log.error("retention run failed: %s", err)
            return
        if done:
            log.info("retention: %s case(s) pseudonymised", len(done))

    def purge_access_log(self) -> None:
        """Delete the access log rows past their retention (daily); a failure is one log line."""
        if self.access_log_retention_days is None:
            return
        try:
            count = self.engine.access_reviews.purge_access_log(retention_days=self.access_log_retention_days,
                                                                actor="scheduler")
        except EngineError as err:
            log.error("access log purge failed: %s", err)
            return
        log.info("access log: %s row(s) older than %s days purged", count, self.access_log_retention_days)

    def arm(self) -> None:
        """Schedule a one-off wake-up at the next due timer (replacing the previous one)."""
        due = self.engine.next_due()
        with self._arming:
            if self._stopping:
                return
            if due is None:
                self._armed_at = None
                if self._scheduler.get_job(NEXT_TIMER_JOB):
                    self._scheduler.remove_job(NEXT_TIMER_JOB)
                return
            now = self.engine.clock.now()
            self._arm_at(due if due > now else now + BUSY_PAUSE)

    def hear(self, due: datetime) -> None:
        """A timer due at ``due`` was committed: wake up then if that is earlier than the armed wake-up."""
        with self._arming:
            if not self._stopping and (self._armed_at is None or due < self._armed_at):
                self._arm_at(due)

    def _rearm(self) -> None:
        try:
            self.arm()
        except Unavailable as err:  # during an outage: the sweep keeps trying at its interval
            self._note_outage(err)

    def _arm_at(self, instant: datetime) -> None:
        self._armed_at = instant
        delay = max(instant - self.engine.clock.now(), timedelta(0))
        self._scheduler.add_job(self.wake, "date", run_date=self._real.now() + delay, id=NEXT_TIMER_JOB,
                                replace_existing=True, misfire_grace_time=None, coalesce=True)

    def next_wake(self):  # type: ignore[no-untyped-def]
        """When the one-off wake-up job will run (real time), or None."""
        job = self._scheduler.get_job(NEXT_TIMER_JOB)
        return job.next_run_time if job else None
