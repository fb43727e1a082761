"""The four-eyes review of a draft and the admin's choice of the processes that need it (rules: ``four_eyes``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Coded, Conflict, InvalidModel, NotAllowed, Problem
from ..store import audit, queries, repository, views
from ..store.approval_models import ApprovalSetting, DraftApproval
from ..store.models import Draft, ProcessDefinition, User
from ..wiring import Wiring
from . import comparison, four_eyes, validation
from .modelling_views import DraftView, VersionComparison
from .problem_codes import problem
from .workbench import draft_source, draft_view, require_owner, version_side


@dataclass(frozen=True)
class ApprovalView:
    """One approval of one revision of a draft."""

    draft_id: int
    revision: int
    approved_by: str
    approved_at: datetime
    comment: str


@dataclass(frozen=True)
class DraftReview:
    """What a reviewer sees before approving: the draft, the running version and what changes from it (``None``
    when unreadable or never deployed), the validation result, who authored it, and its approvals.

    ``approval`` is the approval of the current revision (a deploy may use it); ``latest`` the newest of any
    revision; ``refusal`` why the reader may not approve (``None`` when they may)."""

    draft: DraftView
    running: views.Version | None
    changes: VersionComparison | None
    problems: tuple[Problem, ...]
    is_required: bool
    authors: tuple[str, ...]
    approval: ApprovalView | None
    latest: ApprovalView | None
    refusal: Coded | None

    @property
    def may_approve(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True)
class ApprovalSettingView:
    """Whether deploys of a process need a second process owner's approval, and who last said so."""

    process_id: str
    is_required: bool
    changed_at: datetime | None
    changed_by: str | None


class Reviews:
    """Four eyes on deploys: a draft's review and approval (process owners), the per-process setting (admins).
    Composed into the facade as ``reviews``."""

    def __init__(self, wiring: Wiring) -> None:
        self._wiring = wiring

    def review(self, draft_id: int, *, user_id: int) -> DraftReview:
        """The review page of a draft for a process owner or admin (``NotAllowed`` otherwise)."""
        wiring = self._wiring
        with wiring.database.unit_of_work() as session:
            user = require_owner(session, user_id)
            draft = queries.get(session, Draft, draft_id, "draft")
            running = repository.latest_or_none(session, draft.process_id)
            source = repository.with_called(session, draft_source(draft, wiring.forms_dir, wiring.rules))
            checked = validation.check(source.files, source.form_sources(), source.rules)
            new = (comparison.Side(draft.files, draft.forms) if checked.problems else _as_stored(
                repository.bundle_content(source, checked, set(checked.texts) - set(source.borrowed))))
            changes = _changes(session, running, new, draft.process_id) if running else None
            problems = tuple(checked.problems)
            refusal = four_eyes.approval_refusal(session, draft, user.username)
            if refusal is None and problems:
                refusal = problem("draft.approval_problems", draft=draft.id)
            approval, latest = (four_eyes.valid_approval(session, draft), four_eyes.latest_approval(session, draft))
            return DraftReview(draft_view(draft), queries.version_view(running) if running else None, changes,
                               problems, four_eyes.is_required(session, draft.process_id),
                               tuple(sorted(four_eyes.authors(session, draft))), _approval_view(approval),
                               _approval_view(latest), refusal)

    def approve(self, draft_id: int, *, revision: int, comment: str = "", user_id: int) -> ApprovalView:
        """Approve ``revision`` of a draft, as reviewed, for its deploy; audited (``draft_approved``).

        ``NotAllowed`` for anyone but a process owner or admin who did not edit the draft; ``Conflict`` when it was
        saved since ``revision`` or is deployed; ``InvalidModel`` (every problem) when it does not validate.
        """
        wiring = self._wiring
        with wiring.database.unit_of_work() as session:
            user = require_owner(session, user_id)
            draft = queries.get(session, Draft, draft_id, "draft")
            if draft.revision != revision:
                raise Conflict(problem("draft.saved_since", draft=draft_id, user=draft.updated_by, revision=revision))
            refusal = four_eyes.approval_refusal(session, draft, user.username)
            if refusal is not None:
                raise (Conflict if draft.deployed_as is not None else NotAllowed)(refusal)
            problems = repository.problems(session, draft_source(draft, wiring.forms_dir, wiring.rules))
            if problems:
                raise InvalidModel(problem("draft.approval_problems", draft=draft_id), problems)
            now = wiring.clock.now()
            row = DraftApproval(draft_id=draft.id, revision=revision, approved_by=user.username, approved_at=now,
                                comment=comment.strip())
            session.add(row)
            audit.append(session, "repository", at=now, actor=user.username, action="draft_approved",
                         after={"draft": draft.id, "process_id": draft.process_id, "revision": revision,
                                "comment": row.comment})
            result = _approval_view(row)
            session.commit()
        assert result is not None
        return result

    def settings(self, *, user_id: int) -> list[ApprovalSettingView]:
        """Every deployed process with whether its deploys need approval; admins only (``NotAllowed``)."""
        with self._wiring.database.unit_of_work() as session:
            _require_admin(session, user_id)
            process_ids = set(session.scalars(select(ProcessDefinition.process_id).distinct()))
            rows = {row.process_id: row for row in session.scalars(select(ApprovalSetting))}
            return [_setting_view(p, rows.get(p)) for p in sorted(process_ids | set(rows))]

    def set_required(self, process_id: str, is_required: bool, *, user_id: int) -> ApprovalSettingView:
        """Say whether deploys of ``process_id`` need a second process owner's approval; admins only
        (``NotAllowed``); audited (``approval_setting_changed``) when it changes. ``NotFound`` for a process never
        deployed."""
        now = self._wiring.clock.now()
        with self._wiring.database.unit_of_work() as session:
            admin = _require_admin(session, user_id)
            repository.latest(session, process_id)
            row = session.get(ApprovalSetting, process_id)
            was_required = four_eyes.is_required(session, process_id)
            if row is None:
                row = ApprovalSetting(process_id=process_id)
                session.add(row)
            row.is_required, row.changed_at, row.changed_by = is_required, now, admin.username
            if was_required != is_required:
                audit.append(session, "repository", at=now, actor=admin.username, action="approval_setting_changed",
                             before={"process_id": process_id, "is_required": was_required},
                             after={"process_id": process_id, "is_required": is_required})
            result = _setting_view(process_id, row)
            session.commit()
        return result


def _changes(session: Session, running: ProcessDefinition, new: comparison.Side,
             process_id: str) -> VersionComparison | None:
    old = version_side(session, running)
    try:
        found = comparison.compare(old, new)
    except InvalidModel:
        return None
    files = [{name: _text(xml) for name, xml in side.files.items()} for side in (old, new)]
    main = next((n for n, xml in sorted(files[1].items()) if f'id="{process_id}"' in xml), "")
    return VersionComparison(found, process_id, files[0], files[1], main or next(iter(sorted(files[1])), ""))


def _as_stored(content: dict[str, dict]) -> comparison.Side:
    """The side a deploy would store: JSON as the bundle keeps it (lists, not tuples), so only real changes show."""
    return comparison.Side(**json.loads(json.dumps(content)))


def _text(xml: str | bytes) -> str:
    return xml if isinstance(xml, str) else xml.decode()


def _approval_view(row: DraftApproval | None) -> ApprovalView | None:
    if row is None:
        return None
    return ApprovalView(row.draft_id, row.revision, row.approved_by, row.approved_at, row.comment)


def _setting_view(process_id: str, row: ApprovalSetting | None) -> ApprovalSettingView:
    if row is None:
        return ApprovalSettingView(process_id, True, None, None)
    return ApprovalSettingView(process_id, row.is_required, row.changed_at, row.changed_by)


def _require_admin(session: Session, user_id: int) -> User:
    user = queries.get(session, User, user_id, "user")
    if "admin" not in user.roles:
        raise NotAllowed("only an admin chooses which processes need a second process owner's approval")
    return user
