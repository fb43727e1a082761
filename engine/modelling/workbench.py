"""Process owners' operations: browse versions, keep drafts, validate and deploy them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..casework import access, forms
from ..errors import Conflict, InvalidInput, NotAllowed, NotFound, Problem
from ..law import calendar
from ..store import audit, queries, repository, views
from ..store.models import Bundle, Draft, ProcessDefinition, ProcessInstance, User
from ..store.views import Deployed, ModelCheck
from ..wiring import Wiring
from . import comparison, four_eyes, model_archive, model_files, model_import, validation
from .modelling_views import DraftView, ImportedDraft, Palette, RuleOption, VersionComparison, VersionSummary
from .problem_codes import problem

OWNER_ROLES = frozenset({"process_owner", "admin"})


class Workbench(Wiring):
    """The engine's process-owner operations (mixed into ``Engine``). Only process owners and admins."""

    def versions(self, process_id: str | None = None, *, user_id: int | None = None) -> list[VersionSummary]:
        """Every deployed version (of one process, or all), newest first per process, with instance counts.

        With ``user_id`` the user must be a process owner or admin (``NotAllowed``).
        """
        with self.database.unit_of_work() as session:
            if user_id is not None:
                require_owner(session, user_id)
            counts = _instance_counts(session)
            rows = [d for d in repository.definitions(session) if process_id in (None, d.process_id)]
            return [_summary(session, row, counts) for row in rows]

    def create_draft(self, process_id: str, *, user_id: int) -> DraftView:
        """Start a draft from the newest version of ``process_id``: its files and the forms it ran with (never the
        forms folder's, which may be older or newer than what the version deployed); audited."""
        with self.database.unit_of_work() as session:
            user = require_owner(session, user_id)
            latest = repository.latest(session, process_id)
            draft = self._new_draft(session, user, process_id, _bundle_of(session, latest).files, {}, latest)
            audit.append(session, "repository", at=draft.created_at, actor=user.username, action="draft_created",
                         after={"draft": draft.id, "process_id": process_id, "based_on": latest.version})
            result = draft_view(draft)
            session.commit()
        return result

    def import_draft(self, filename: str, data: bytes, *, user_id: int) -> ImportedDraft:
        """Bring a ``.bpmn`` file, or a zip of BPMN and forms, into a new draft (``model_import``); audited.

        The draft belongs to the upload's main process: when that process is deployed, the draft is based on its
        newest version and keeps that version's forms (the upload's own forms win). Problems with our conventions
        never refuse it: ``validate_draft`` lists them. ``InvalidInput`` (a coded message) for an upload that
        cannot be read, and then nothing is stored; ``NotAllowed`` for anyone but process owners and admins.
        """
        with self.database.unit_of_work() as session:
            user = require_owner(session, user_id)
            imported = model_import.read(filename, data)
            latest = repository.latest_or_none(session, imported.process_id)
            draft = self._new_draft(session, user, imported.process_id, imported.files, imported.forms, latest)
            audit.append(session, "repository", at=draft.created_at, actor=user.username, action="draft_imported",
                         after={"draft": draft.id, "process_id": draft.process_id, "file": filename[:200],
                                "based_on": latest.version if latest else None,
                                "made_executable": list(imported.made_executable)})
            result = ImportedDraft(draft_view(draft), imported.made_executable)
            session.commit()
        return result

    def _new_draft(self, session: Session, user: User, process_id: str, files: dict, forms: dict,
                   base: ProcessDefinition | None) -> Draft:
        """A new draft row of ``files``, with the base version's forms under the ``forms`` given."""
        base_forms = dict(_bundle_of(session, base).forms) if base is not None else {}
        now = self.clock.now()
        draft = Draft(process_id=process_id, files=dict(files), forms=base_forms | forms,
                      based_on=base.id if base else None, created_at=now, created_by=user.username, updated_at=now,
                      updated_by=user.username)
        session.add(draft)
        session.flush()
        four_eyes.record_editor(session, draft, user.username)
        return draft

    def drafts(self, process_id: str | None = None, *, user_id: int | None = None) -> list[DraftView]:
        """The drafts not yet deployed, newest first (with ``user_id``: for process owners and admins only)."""
        with self.database.unit_of_work() as session:
            if user_id is not None:
                require_owner(session, user_id)
            query = select(Draft).where(Draft.deployed_as.is_(None)).order_by(Draft.updated_at.desc())
            return [draft_view(d) for d in session.scalars(query) if process_id in (None, d.process_id)]

    def draft(self, draft_id: int, *, user_id: int | None = None) -> DraftView:
        """One draft; ``NotFound`` when it does not exist (with ``user_id``: for process owners and admins only)."""
        with self.database.unit_of_work() as session:
            if user_id is not None:
                require_owner(session, user_id)
            return draft_view(queries.get(session, Draft, draft_id, "draft"))

    def save_draft(self, draft_id: int, *, files: dict[str, str] | None = None, forms: dict[str, str] | None = None,
                   expected_revision: int, user_id: int) -> DraftView:
        """Save BPMN files and forms (JSON text) into a draft, replacing the ones named.

        ``Conflict`` when someone saved since ``expected_revision`` (reload, then save again);
        ``InvalidInput`` for a form that is not a JSON object. A deployed draft cannot change.
        """
        with self.database.unit_of_work() as session:
            user = require_owner(session, user_id)
            draft = queries.get(session, Draft, draft_id, "draft")
            if draft.revision != expected_revision:
                raise Conflict(problem("draft.saved_since", draft=draft_id, user=draft.updated_by,
                                       revision=expected_revision))
            if draft.deployed_as is not None:
                raise Conflict(problem("draft.deployed", draft=draft_id))
            draft.files = {**draft.files, **(files or {})}
            draft.forms = {**draft.forms, **_parsed_forms(forms or {})}
            draft.updated_at, draft.updated_by = self.clock.now(), user.username
            session.flush()
            four_eyes.record_editor(session, draft, user.username)
            result = draft_view(draft)
            session.commit()
        return result

    def validate_draft(self, draft_id: int, *, user_id: int | None = None) -> list[Problem]:
        """Every problem a deploy of the draft would be refused for, each with its element id; [] when none."""
        with self.database.unit_of_work() as session:
            if user_id is not None:
                require_owner(session, user_id)
            return repository.problems(session, self._draft_source(queries.get(session, Draft, draft_id, "draft")))

    def check_draft(self, draft_id: int, *, user_id: int | None = None) -> ModelCheck:
        """What a deploy of the draft would be refused for, and what it would warn of, each with its element id."""
        with self.database.unit_of_work() as session:
            if user_id is not None:
                require_owner(session, user_id)
            return repository.check(session, self._draft_source(queries.get(session, Draft, draft_id, "draft")))

    def deploy_draft(self, draft_id: int, *, comment: str, user_id: int) -> Deployed[views.Version]:
        """Deploy a draft as new immutable versions; running instances keep theirs. Audited.

        ``InvalidInput`` without a comment, ``InvalidModel`` listing every problem (nothing deployed then),
        ``Conflict`` for a draft already deployed, ``NotAllowed`` when four eyes forbid it (``four_eyes``).
        """
        if not comment.strip():
            raise InvalidInput("a deploy needs a comment", {"comment": ["say why this version exists"]})
        with self.database.unit_of_work() as session:
            user = require_owner(session, user_id)
            draft = queries.get(session, Draft, draft_id, "draft")
            if draft.deployed_as is not None:
                raise Conflict(problem("draft.already_deployed", draft=draft_id))
            approval = four_eyes.valid_approval(session, draft, not_by=user.username)
            deployed = repository.deploy(session, self._draft_source(draft), actor=user.username, comment=comment,
                                         now=self.clock.now(), approval=four_eyes.deploy_record(approval))
            four_eyes.require_for_deploy(session, draft, approval, [d.process_id for d in deployed], user.username)
            own = next((d for d in deployed if d.process_id == draft.process_id), None)
            draft.deployed_as = own.id if own else draft.based_on
            result = Deployed([queries.version_view(row) for row in deployed], deployed.warnings)
            session.commit()
        return result

    def compare_versions(self, old_id: int, new_id: int, *, user_id: int | None = None) -> comparison.Comparison:
        """What changed from one deployed version to another: elements, forms and deadline rules."""
        with self.database.unit_of_work() as session:
            if user_id is not None:
                require_owner(session, user_id)
            old, new = (version_side(session, queries.get(session, ProcessDefinition, i, "version"))
                        for i in (old_id, new_id))
        return comparison.compare(old, new)

    def version_comparison(self, old_id: int, new_id: int, *, user_id: int | None = None) -> VersionComparison:
        """Everything a compare page shows: the changes, both versions' files and the new version's main file."""
        with self.database.unit_of_work() as session:
            if user_id is not None:
                require_owner(session, user_id)
            old, new = (queries.get(session, ProcessDefinition, i, "version") for i in (old_id, new_id))
            old_side, new_side, process_id = version_side(session, old), version_side(session, new), new.process_id
        files = [{name: _text(xml) for name, xml in side.files.items()} for side in (old_side, new_side)]
        main = next((n for n, xml in sorted(files[1].items()) if f'id="{process_id}"' in xml), "")
        return VersionComparison(comparison.compare(old_side, new_side), process_id, files[0], files[1],
                                       main or next(iter(sorted(files[1])), ""))

    def version_files(self, definition_id: int, *, user_id: int | None = None) -> dict[str, str]:
        """The BPMN files (name → XML) of one deployed version, as stored with it; ``NotFound`` when missing.

        With ``user_id`` the user must be a process owner or admin (``NotAllowed``).
        """
        with self.database.unit_of_work() as session:
            if user_id is not None:
                require_owner(session, user_id)
            side = version_side(session, queries.get(session, ProcessDefinition, definition_id, "version"))
            return {name: _text(xml) for name, xml in side.files.items()}

    def version_archive(self, definition_id: int, *, user_id: int | None = None) -> tuple[str, bytes]:
        """One deployed version as a zip (``model_archive``): exactly the BPMN, forms and rules it runs with, and
        its file name. With ``user_id`` the user must be a process owner or admin (``NotAllowed``)."""
        with self.database.unit_of_work() as session:
            if user_id is not None:
                require_owner(session, user_id)
            row = queries.get(session, ProcessDefinition, definition_id, "version")
            side = version_side(session, row)
            manifest = {"process_id": row.process_id, "version": row.version, "deployed_at": row.deployed_at,
                        "deployed_by": row.deployed_by, "comment": row.comment, "bundle": row.bundle_hash}
            name = f"{row.process_id}-v{row.version}.zip"
        return name, model_archive.archive(manifest, side.files, side.forms, side.rules)

    def draft_archive(self, draft_id: int, *, user_id: int) -> tuple[str, bytes]:
        """A draft as a zip: its BPMN, the forms a deploy of it would use and the rules it names (its own forms only,
        and no rules, while it does not validate); for process owners and admins."""
        with self.database.unit_of_work() as session:
            require_owner(session, user_id)
            draft = queries.get(session, Draft, draft_id, "draft")
            source = repository.with_called(session, self._draft_source(draft))
            manifest = {"process_id": draft.process_id, "draft": draft.id, "revision": draft.revision,
                        "updated_at": draft.updated_at, "updated_by": draft.updated_by}
            name, files, forms = f"{draft.process_id}-draft-{draft.id}.zip", dict(draft.files), dict(draft.forms)
        checked = validation.check(source.files, source.form_sources(), source.rules)
        content = ({"files": files, "forms": forms, "rules": {}} if checked.problems
                   else repository.bundle_content(source, checked, set(checked.texts)))
        return name, model_archive.archive(manifest, content["files"], content["forms"], content["rules"])

    def palette(self, draft_id: int | None = None) -> Palette:
        """The rules (with the regime in force today), forms, lane roles and messages a modeler offers."""
        today = calendar.legal_date(self.clock.now())
        rules = tuple(RuleOption(r.id, r.title, (g := r.regime(today)).duration, g.unit, g.counting_from,
                                 r.legal_source, r.acting_role)
                      for r in self.rules.values() if _in_force(r, today))
        edited = set(self.draft(draft_id).forms) if draft_id is not None else set()
        names = {p.name for p in self.forms_dir.glob("*.json")} | edited
        return Palette(rules, tuple(sorted(names)), access.CASE_ROLES, tuple(sorted(self.events)))

    def form_source(self, draft_id: int, name: str) -> dict:
        """A form as the draft has it (its base version's, or edited), else the one in the forms folder (a form the
        process has not used yet); ``NotFound`` otherwise."""
        edited = self.draft(draft_id).forms.get(name)
        if edited is not None:
            return edited
        path = self.forms_dir / name
        if path.name != name or path.suffix != ".json" or not path.is_file():
            raise NotFound(f"form '{name}' does not exist")
        return json.loads(path.read_text(encoding="utf-8"))

    @staticmethod
    def form_json(text: str) -> Any:
        """The JSON value in ``text``; ``InvalidInput`` when it is no JSON or nests too deeply to be a form."""
        try:
            return model_files.load_json(text)
        except model_files.Unreadable as err:
            raise InvalidInput(err.args[0], {"schema": [err.args[0]]}) from err

    @staticmethod
    def form_problems(schema: dict) -> list[str]:
        """Every way a form breaks the conventions (labels in nl/fr/en, order, classification, choices)."""
        return forms.convention_problems(schema)

    @staticmethod
    def form_is_drawable(schema: dict) -> bool:
        """Whether a preview can draw the form: a JSON Schema whose labels and fields have the right shape."""
        return not forms.shape_problems(schema)

    def _draft_source(self, draft: Draft) -> repository.Source:
        return draft_source(draft, self.forms_dir, self.rules)


def draft_source(draft: Draft, forms_dir: Path, rules: Any) -> repository.Source:
    """What a deploy of ``draft`` reads: its BPMN files and its forms (its base version's and edited ones), then the
    forms folder for forms the process did not use before."""
    files = {name: model_files.utf8_declared(text).encode() for name, text in draft.files.items()}
    forms = {name: json.dumps(schema).encode() for name, schema in draft.forms.items()}
    return repository.Source(files, forms_dir, rules, forms)


def version_side(session: Session, definition: ProcessDefinition) -> comparison.Side:
    bundle = _bundle_of(session, definition)
    return comparison.Side(dict(bundle.files), dict(bundle.forms), dict(bundle.rules))


def _bundle_of(session: Session, definition: ProcessDefinition) -> Bundle:
    bundle = session.get(Bundle, definition.bundle_hash)
    if bundle is None:
        raise NotFound(f"the bundle of {definition.process_id} version {definition.version} is missing")
    return bundle


def _text(xml: str | bytes) -> str:
    return xml if isinstance(xml, str) else xml.decode()


def _in_force(rule: Any, today: Any) -> bool:
    return any(regime.effective_from <= today for regime in rule.regimes)


def require_owner(session: Session, user_id: int) -> User:
    user = queries.get(session, User, user_id, "user")
    if not OWNER_ROLES.intersection(user.roles):
        raise NotAllowed("only process owners and admins edit and deploy processes")
    return user


def _parsed_forms(forms: dict[str, str]) -> dict[str, dict]:
    parsed, errors = {}, {}
    for name, text in forms.items():
        try:
            parsed[name] = model_files.load_json(text)
        except model_files.Unreadable as err:
            errors[name] = [f"not JSON: {err}"]
            continue
        if not isinstance(parsed[name], dict):
            errors[name] = ["a form is a JSON object"]
    if errors:
        raise InvalidInput("a form is not valid JSON", errors)
    return parsed


def _instance_counts(session: Session) -> dict[tuple[int, bool], int]:
    query = (select(ProcessInstance.definition_id, ProcessInstance.state, func.count())
             .group_by(ProcessInstance.definition_id, ProcessInstance.state))
    counts: dict[tuple[int, bool], int] = {}
    for definition_id, state, n in session.execute(query):
        key = (definition_id, state == "running")
        counts[key] = counts.get(key, 0) + n
    return counts


def _summary(session: Session, row: ProcessDefinition, counts: dict) -> VersionSummary:
    bundle = session.get(Bundle, row.bundle_hash)
    if bundle is None:
        raise NotFound(f"bundle of {row.process_id} version {row.version} is missing")
    return VersionSummary(queries.version_view(row), counts.get((row.id, True), 0),
                                counts.get((row.id, False), 0), tuple(sorted(bundle.files)),
                                tuple(sorted(bundle.forms)), tuple(sorted(bundle.rules)))


def draft_view(draft: Draft) -> DraftView:
    return DraftView(draft.id, draft.process_id, dict(draft.files), dict(draft.forms), draft.based_on,
                           draft.created_by, draft.updated_at, draft.updated_by, draft.revision, draft.deployed_as)
