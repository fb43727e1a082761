"""Plain, read-only data objects of the process owners' workbench: versions, drafts, comparisons and the
migration of running instances (split from ``views``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..store.views import Version
from .diagram_names import Untranslated, untranslated_in


@dataclass(frozen=True)
class VersionSummary:
    """A deployed version as the workbench lists it: who, when, why, what it uses, how many instances run on it."""

    version: Version
    running: int
    finished: int
    files: tuple[str, ...]
    forms: tuple[str, ...]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class DraftView:
    """A process owner's draft; ``revision`` must be named when saving it (two owners never overwrite each other)."""

    id: int
    process_id: str
    files: dict
    forms: dict
    based_on: int | None
    created_by: str
    updated_at: datetime
    updated_by: str
    revision: int
    deployed_as: int | None

    def untranslated(self) -> list[Untranslated]:
        """The named elements of the draft's diagrams still without their Dutch or French name."""
        return untranslated_in(self.files)


@dataclass(frozen=True)
class ImportedDraft:
    """A draft made from an upload, and the processes the import marked executable (``model_import``)."""

    draft: DraftView
    made_executable: tuple[str, ...]


@dataclass(frozen=True)
class RuleOption:
    """A deadline rule as a modeler offers it: what it counts, how, from which article, and who must act."""

    id: str
    title: str
    duration: int
    unit: str
    counting_from: str
    legal_source: str
    acting_role: str = ""


@dataclass(frozen=True)
class Palette:
    """What a process owner may pick from in the modeler: rules, forms, roles and messages."""

    rules: tuple[RuleOption, ...]
    forms: tuple[str, ...]
    roles: tuple[str, ...]
    messages: tuple[str, ...]


@dataclass(frozen=True)
class VersionComparison:
    """Two versions side by side: what changed (``engine.Comparison``), their BPMN files, the new main file."""

    comparison: object
    process_id: str
    old_files: dict
    new_files: dict
    main_file: str


@dataclass(frozen=True)
class MoveChange:
    """What a migration changes for one instance: ``kind`` is deadline_moved, deadline_added,
    deadline_dropped, deadline_fires, task_renamed, task_opened or task_closed; or, for an open task whose form
    changes, form_field_added, form_field_removed or form_field_changed (``old`` the form, ``new`` the field)."""

    kind: str
    element_id: str
    name: str
    old: str = ""
    new: str = ""
    old_on: date | None = None
    new_on: date | None = None


@dataclass(frozen=True)
class InstanceMove:
    """One running instance in a migration preview: can it move, and if not why, and what changes for it."""

    instance_id: int
    case_id: int
    case_reference: str
    eligible: bool
    blockers: tuple  # of version_move.Blocker
    changes: tuple[MoveChange, ...]


@dataclass(frozen=True)
class MigrationPreview:
    """Every running instance of ``old`` checked against ``new``."""

    old: Version
    new: Version
    instances: tuple[InstanceMove, ...]

    @property
    def eligible(self) -> tuple[InstanceMove, ...]:
        return tuple(move for move in self.instances if move.eligible)


@dataclass(frozen=True)
class MigrationView:
    """One instance moved between versions, and whether it was reverted."""

    id: int
    batch: str
    instance_id: int
    case_reference: str
    process_id: str
    from_version: int
    to_version: int
    reason: str
    migrated_by: str
    migrated_at: datetime
    reverted_at: datetime | None
    reverted_by: str | None


@dataclass(frozen=True)
class MigrationResult:
    """One migration operation: the instances moved (by migration row) and those refused with why."""

    batch: str
    moved: tuple[MigrationView, ...]
    refused: tuple[InstanceMove, ...]
