"""Four eyes on the law: a deploy of a draft needs a second process owner's approval of exactly what it deploys.

Decisions (issue 18, capability 9):
- Every process needs approval unless an admin turned it off for its process id (``approval_setting``). Every
  process shipped in ``processes/bpmn`` carries the law (its lanes are legal roles, its timers legal terms), and a
  process id nobody configured yet is treated the same: the safe default a compliance officer expects. Each change
  of the setting is audited (``approval_setting_changed``).
- An approval is of one revision of one draft (``draft_approval``): a later save leaves the approval on record but
  no longer valid, so what is deployed is exactly what was reviewed.
- The approver is a process owner or admin who is no author of the draft: not its creator, nor anyone who saved it
  (``draft_editor``), nor its last editor. They approve after the review (``reviews``): the comparison with the
  running version and the validation result; a draft with problems cannot be approved.
- The deployer may be an author but never the approver: two people always take part.
- A deploy checks the approval after validating, so a broken model lists its problems first. The approval is needed
  when any process the deploy would store needs it; when refused, nothing is stored.
- Audit: ``draft_approved`` (the approver as actor; draft, process, revision, comment) in the ``repository`` stream;
  the ``deployed`` event of a draft adds ``approved_by`` and ``approved_revision`` to its actor, the deployer.
- ``Engine.deploy`` (``reintegra deploy`` of files or zips) is the operator's installation path on the server, used
  by ``make run`` and the tests: it needs no approval, as whoever runs it holds the database already; its events
  carry no ``approved_by``. The REST API offers no deploy; one added later must go through ``deploy_draft``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Coded, NotAllowed
from ..store.approval_models import ApprovalSetting, DraftApproval, DraftEditor
from ..store.models import Draft
from .problem_codes import problem


def is_required(session: Session, process_id: str) -> bool:
    """Whether a deploy of ``process_id`` needs a second process owner's approval (yes unless an admin said no)."""
    setting = session.get(ApprovalSetting, process_id)
    return True if setting is None else setting.is_required


def record_editor(session: Session, draft: Draft, username: str) -> None:
    """Remember ``username`` as an author of ``draft`` (they created or saved it)."""
    if session.get(DraftEditor, (draft.id, username)) is None:
        session.add(DraftEditor(draft_id=draft.id, username=username))


def authors(session: Session, draft: Draft) -> set[str]:
    """Everyone who created or saved ``draft``."""
    editors = session.scalars(select(DraftEditor.username).where(DraftEditor.draft_id == draft.id))
    return {draft.created_by, draft.updated_by, *editors}


def latest_approval(session: Session, draft: Draft) -> DraftApproval | None:
    """The newest approval of ``draft``, of whichever revision."""
    query = (select(DraftApproval).where(DraftApproval.draft_id == draft.id)
             .order_by(DraftApproval.id.desc()).limit(1))
    return session.scalar(query)


def valid_approval(session: Session, draft: Draft, *, not_by: str | None = None) -> DraftApproval | None:
    """The newest approval of the draft's current revision, preferring one by someone else than ``not_by`` (the
    deployer); None when the revision has none."""
    query = (select(DraftApproval).where(DraftApproval.draft_id == draft.id, DraftApproval.revision == draft.revision)
             .order_by(DraftApproval.id.desc()))
    approvals = list(session.scalars(query))
    return next((a for a in approvals if a.approved_by != not_by), approvals[0] if approvals else None)


def approval_refusal(session: Session, draft: Draft, username: str) -> Coded | None:
    """Why ``username`` may not approve ``draft`` (they edited it, or it is deployed); None when they may."""
    if draft.deployed_as is not None:
        return problem("draft.deployed", draft=draft.id)
    if username in authors(session, draft):
        return problem("draft.author_approves", user=username, draft=draft.id)
    return None


def deploy_record(approval: DraftApproval | None) -> dict:
    """What the ``deployed`` audit event of a draft says of its approval."""
    return {"approved_by": approval.approved_by if approval else None,
            "approved_revision": approval.revision if approval else None}


def require_for_deploy(session: Session, draft: Draft, approval: DraftApproval | None, process_ids: Iterable[str],
                       deployer: str) -> None:
    """Refuse (``NotAllowed``) a deploy of ``draft`` storing ``process_ids`` by ``deployer`` that four eyes forbid:
    one needs approval and the current revision has none, or its approver is the deployer."""
    needing = sorted(p for p in set(process_ids) if is_required(session, p))
    if not needing:
        return
    if approval is None:
        raise NotAllowed(_missing(session, draft, needing[0]))
    if approval.approved_by == deployer:
        raise NotAllowed(problem("draft.approver_deploys", user=deployer, draft=draft.id))


def _missing(session: Session, draft: Draft, process_id: str) -> Coded:
    older = latest_approval(session, draft)
    if older is not None:
        return problem("draft.approval_outdated", draft=draft.id, approved=older.revision, revision=draft.revision)
    return problem("draft.needs_approval", process=process_id, draft=draft.id, revision=draft.revision)
