"""Process owners move running instances between versions: preview, migrate (one or all eligible), revert.

Every move is checked by ``version_move.blockers``, tried in memory for the preview (so it shows what would
change: deadlines that move, tasks renamed, opened or closed) and, when done, stored with the instance's state
before it, so a revert restores it exactly when nothing happened since, and migrates it back otherwise.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from uuid import uuid4

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..casework import disclosure
from ..errors import Conflict, InvalidInput, NotFound
from ..law import calendar
from ..runtime import projection, serialization
from ..runtime import run as runtime
from ..store import audit, queries, repository
from ..store.models import Case, Deadline, Migration, ProcessDefinition, ProcessInstance, WorkItem
from ..wiring import Wiring
from . import version_move
from .modelling_views import InstanceMove, MigrationPreview, MigrationResult, MigrationView, MoveChange
from .problem_codes import problem
from .workbench import require_owner

log = logging.getLogger(__name__)


@dataclass
class _Facts:
    """What a case worker notices of an instance: open tasks by task id, waiting
    timers with their rule and due date, timers that fired."""

    tasks: dict[str, tuple[str, str]]
    timers: dict[str, tuple[str, str, str, date]]
    fired: set[str]


class InstanceMoves(Wiring):
    """The engine's instance migrations (mixed into ``Engine``). Only process owners and admins."""

    def migration_preview(self, old_id: int, new_id: int, *, user_id: int | None = None) -> MigrationPreview:
        """Every running instance of version ``old_id``: may it move to ``new_id``, and what changes for it."""
        with self.database.unit_of_work() as session:
            if user_id is not None:
                require_owner(session, user_id)
            old, new = _pair(session, old_id, new_id)
            target = self._specs.load(session, new)
            moves = tuple(self._preview(session, row, target) for row in _running(session, old.id))
            return MigrationPreview(queries.version_view(old), queries.version_view(new), moves)

    def migrate_instances(self, old_id: int, new_id: int, *, reason: str, user_id: int,
                          instance_ids: list[int] | None = None) -> MigrationResult:
        """Move the named running instances of ``old_id`` (all eligible ones when None) to ``new_id``.

        One audited operation with a required reason; instances that cannot move are left alone and listed.
        """
        if not reason.strip():
            raise InvalidInput("a migration needs a reason", {"reason": ["say why these instances move"]})
        with self.database.unit_of_work() as session:
            user = require_owner(session, user_id)
            old, new = _pair(session, old_id, new_id)
            rows = _chosen(_running(session, old.id), instance_ids, old)
            target, batch, moved, refused = self._specs.load(session, new), str(uuid4()), [], []
            for row in rows:
                move = self._preview(session, row, target)
                if not move.eligible:
                    refused.append(move)
                    continue
                moved.append(self._migrate(session, row, target, batch, reason, user.username))
            audit.append(session, "repository", at=self.clock.now(), actor=user.username, action="instances_migrated",
                         after={"batch": batch, "process_id": new.process_id, "from": old.version, "to": new.version,
                                "reason": reason, "moved": [m.instance_id for m in moved],
                                "refused": [m.instance_id for m in refused]})
            session.flush()
            result = MigrationResult(batch, tuple(_migration_view(session, m) for m in moved), tuple(refused))
            session.commit()
        return result

    def revert_migration(self, migration_id: int, *, reason: str, user_id: int) -> MigrationView:
        """Undo one migration: exactly, when the instance did not change since; else by migrating it back.

        ``Conflict`` when it was reverted already, the instance ended, or moving back is blocked (with why).
        """
        if not reason.strip():
            raise InvalidInput("a revert needs a reason", {"reason": ["say why this migration is undone"]})
        with self.database.unit_of_work() as session:
            user = require_owner(session, user_id)
            migration = queries.get(session, Migration, migration_id, "migration")
            row = queries.get(session, ProcessInstance, migration.instance_id, "instance")
            if migration.reverted_at is not None or row.state != "running":
                raise Conflict(problem("move.reverted_already", migration=migration_id) if migration.reverted_at
                               else problem("move.instance_ended", migration=migration_id, state=row.state))
            if row.version == migration.version_after and row.definition_id == migration.to_definition_id:
                self._restore(session, row, migration, reason, user.username)
            else:
                self._migrate_back(session, row, migration, reason, user.username)
            migration.reverted_at, migration.reverted_by = self.clock.now(), user.username
            session.flush()
            result = _migration_view(session, migration)
            session.commit()
        return result

    def migrations(self, process_id: str | None = None, *, user_id: int | None = None) -> list[MigrationView]:
        """The migrations done (of one process, or all), newest first."""
        with self.database.unit_of_work() as session:
            if user_id is not None:
                require_owner(session, user_id)
            rows = session.scalars(select(Migration).order_by(Migration.id.desc()))
            found = [_migration_view(session, m) for m in rows]
        return [m for m in found if process_id in (None, m.process_id)]

    def _preview(self, session: Session, row: ProcessInstance, target: repository.Loaded) -> InstanceMove:
        run = runtime.load(session, row, self._loaded(session, row), self.clock)
        case = queries.get(session, Case, row.case_id, "case")
        found = version_move.blockers(run.workflow, target.spec, target.subprocess_specs)
        found += _loosened(session, row, run.loaded, target)
        if found:
            return InstanceMove(row.id, case.id, case.reference, False, tuple(found), ())
        before, forms = _facts(session, row, run), _form_changes(run, target)
        try:
            _move(run, target)
        except Exception as err:  # noqa: BLE001 -- a preview reports any failure of the trial move as a blocker
            log.warning("instance %s cannot move: %s", row.id, err)
            blocker = version_move.Blocker(target.definition.process_id, target.definition.name, "failed", False,
                                           new=str(err))
            return InstanceMove(row.id, case.id, case.reference, False, (blocker,), ())
        return InstanceMove(row.id, case.id, case.reference, True, (), tuple(_changes(before, _facts(
            session, row, run)) + forms))

    def _migrate(self, session: Session, row: ProcessInstance, target: repository.Loaded, batch: str, reason: str,
                 actor: str) -> Migration:
        old_definition, state_before = row.definition_id, row.state_json
        before = _pending(session, row)
        run = runtime.load(session, row, self._loaded(session, row), self.clock)
        _move(run, target)
        row.definition_id = target.definition.id
        runtime.save(session, run, actor=actor, action="migrated", after={
            "batch": batch, "reason": reason, "to_version": target.definition.version})
        session.flush()
        after = _pending(session, row)
        migration = Migration(batch=batch, instance_id=row.id, from_definition_id=old_definition,
                              to_definition_id=target.definition.id, reason=reason, migrated_by=actor,
                              migrated_at=self.clock.now(), state_before=state_before, version_after=row.version,
                              deadlines={"replaced": sorted(before - after), "added": sorted(after - before)})
        session.add(migration)
        session.flush()
        return migration

    def _restore(self, session: Session, row: ProcessInstance, migration: Migration, reason: str, actor: str) -> None:
        for deadline_id in migration.deadlines.get("added", []):
            deadline = session.get(Deadline, deadline_id)
            if deadline is not None:
                deadline.close("replaced", self.clock.now())
        for deadline_id in migration.deadlines.get("replaced", []):
            deadline = session.get(Deadline, deadline_id)
            if deadline is not None:
                deadline.reopen()
        row.state_json, row.definition_id = migration.state_before, migration.from_definition_id
        run = runtime.load(session, row, self._loaded(session, row), self.clock)
        run.stored = None  # the timer and correlation rows still mirror the migrated state: read them
        runtime.save(session, run, actor=actor, action="migration_reverted",
                     after={"migration": migration.id, "reason": reason, "restored": True})

    def _migrate_back(self, session: Session, row: ProcessInstance, migration: Migration, reason: str,
                      actor: str) -> None:
        target = self._specs.load(session, queries.get(session, ProcessDefinition, migration.from_definition_id,
                                                       "version"))
        run = runtime.load(session, row, self._loaded(session, row), self.clock)
        found = version_move.blockers(run.workflow, target.spec, target.subprocess_specs)
        found += _loosened(session, row, run.loaded, target)
        if found:
            names = ", ".join(f"{b.name} ({b.kind})" for b in found)
            raise Conflict(problem("move.blocked", blockers=names))
        _move(run, target)
        row.definition_id = target.definition.id
        runtime.save(session, run, actor=actor, action="migration_reverted",
                     after={"migration": migration.id, "reason": reason, "restored": False})


def _move(run: runtime.Run, target: repository.Loaded) -> None:
    """Move ``run`` onto ``target`` and run on; proves the result stores and loads again."""
    run.loaded = target
    run.steps(lambda: version_move.move(run.workflow, target.spec, target.subprocess_specs))
    serialization.load(serialization.dump(run.workflow), target.spec, target.subprocess_specs)


def _loosened(session: Session, row: ProcessInstance, old: repository.Loaded,
              new: repository.Loaded) -> list[version_move.Blocker]:
    """A recorded value may not lose protection: one blocker per field whose new form loosens its class."""
    items = session.scalars(select(WorkItem).where(WorkItem.instance_id == row.id, WorkItem.state == "completed",
                                                   WorkItem.data.is_not(None)))
    return [version_move.Blocker(item.bpmn_id, item.name, "classification", True, f"{item.form}.{name}: {was}", now)
            for item in items if item.form in new.forms
            for name, was, now in disclosure.loosened(item.data or {}, old.forms.get(item.form, {}),
                                                      item.classifications, new.forms[item.form])]


def _pair(session: Session, old_id: int, new_id: int) -> tuple[ProcessDefinition, ProcessDefinition]:
    old = queries.get(session, ProcessDefinition, old_id, "version")
    new = queries.get(session, ProcessDefinition, new_id, "version")
    if old.process_id != new.process_id or old.id == new.id:
        raise InvalidInput("instances move between two versions of one process",
                           {"new": [f"pick another version of {old.process_id}"]})
    return old, new


def _running(session: Session, definition_id: int) -> list[ProcessInstance]:
    query = (select(ProcessInstance).where(ProcessInstance.definition_id == definition_id,
                                           ProcessInstance.state == "running").order_by(ProcessInstance.id))
    return list(session.scalars(query))


def _chosen(rows: list[ProcessInstance], wanted: list[int] | None, old: ProcessDefinition) -> list[ProcessInstance]:
    if wanted is None:
        return rows
    found = [row for row in rows if row.id in set(wanted)]
    missing = sorted(set(wanted) - {row.id for row in found})
    if missing:
        raise NotFound(f"no running instance {missing[0]} of {old.process_id} version {old.version}")
    return found


def _pending(session: Session, row: ProcessInstance) -> set[int]:
    query = select(Deadline.id).where(Deadline.instance_id == row.id, Deadline.state == "pending")
    return set(session.scalars(query))


def _facts(session: Session, row: ProcessInstance, run: runtime.Run) -> _Facts:
    tasks = {str(t.id): (t.task_spec.bpmn_id, t.task_spec.bpmn_name or t.task_spec.bpmn_id)
             for t in run.workflow.get_tasks(state=TaskState.READY, manual=True)}
    terms = {d.task_id: (d.rule, d.due_on) for d in session.scalars(
        select(Deadline).where(Deadline.instance_id == row.id, Deadline.state == "pending"))}
    terms.update({e.task_id: (e.computation.rule, e.computation.due_on) for e in run.recorded})
    timers = {str(t.id): (t.task_spec.bpmn_id, t.task_spec.bpmn_name or t.task_spec.bpmn_id,
                          *terms.get(str(t.id), ("", calendar.legal_date(due))))
              for t, due in projection.waiting_timers(run.workflow)}
    fired = {str(t.id) for t in run.workflow.get_tasks(state=TaskState.COMPLETED) if projection.timer_due(t)}
    return _Facts(tasks, timers, fired)


def _form_changes(run: runtime.Run, target: repository.Loaded) -> list[MoveChange]:
    """The fields the form of each open task gains, loses or changes in the new version (its file keeps its name:
    a task whose form file changes cannot move)."""
    changes = []
    for task in run.workflow.get_tasks(state=TaskState.READY, manual=True):
        form = version_move.form_of(task.task_spec) or ""
        element, name = task.task_spec.bpmn_id, task.task_spec.bpmn_name or task.task_spec.bpmn_id
        changes += [MoveChange(kind, element, name, form, field)
                    for kind, field in _field_changes(run.loaded.forms.get(form, {}), target.forms.get(form, {}))]
    return changes


def _field_changes(old: dict, new: dict) -> list[tuple[str, str]]:
    before, after = old.get("properties", {}), new.get("properties", {})
    required = set(old.get("required", [])) ^ set(new.get("required", []))
    return ([("form_field_added", f) for f in sorted(after.keys() - before.keys())]
            + [("form_field_removed", f) for f in sorted(before.keys() - after.keys())]
            + [("form_field_changed", f) for f in sorted(before.keys() & after.keys())
               if before[f] != after[f] or f in required])


def _changes(before: _Facts, after: _Facts) -> list[MoveChange]:
    changes = []
    for task_id, (element, name, rule, due) in before.timers.items():
        if task_id not in after.timers:
            kind = "deadline_fires" if task_id in after.fired else "deadline_dropped"
            changes.append(MoveChange(kind, element, name, rule, "", due))
        elif after.timers[task_id][2:] != (rule, due):
            _, new_name, new_rule, new_due = after.timers[task_id]
            changes.append(MoveChange("deadline_moved", element, new_name, rule, new_rule, due, new_due))
    changes += [MoveChange("deadline_added", element, name, "", rule, None, due)
                for task_id, (element, name, rule, due) in after.timers.items() if task_id not in before.timers]
    for task_id, (element, name) in before.tasks.items():
        if task_id not in after.tasks:
            changes.append(MoveChange("task_closed", element, name))
        elif after.tasks[task_id][1] != name:
            new_name = after.tasks[task_id][1]
            changes.append(MoveChange("task_renamed", element, new_name, name, new_name))
    changes += [MoveChange("task_opened", element, name) for task_id, (element, name) in after.tasks.items()
                if task_id not in before.tasks]
    return changes


def _migration_view(session: Session, m: Migration) -> MigrationView:
    row = queries.get(session, ProcessInstance, m.instance_id, "instance")
    case = queries.get(session, Case, row.case_id, "case")
    old = queries.get(session, ProcessDefinition, m.from_definition_id, "version")
    new = queries.get(session, ProcessDefinition, m.to_definition_id, "version")
    return MigrationView(m.id, m.batch, m.instance_id, case.reference, new.process_id, old.version,
                               new.version, m.reason, m.migrated_by, m.migrated_at, m.reverted_at, m.reverted_by)
