"""Legal letters generated from a case: offered at the task that sends them, stored with the case, audited.

The letters, their addressees, classifications and the tasks that offer them are data (``processes/letters``,
``letter_rendering``); what a letter is filled with is ``letter_data``. Decisions:

- **Who may generate.** At a task: whoever may act on it (``NotFound`` otherwise, never a hint), when the task
  offers the letter. For a case (no task): whoever may see the case, for a letter of a procedure the case runs or
  ran (the latest such instance is the letter's). In both, the author must be allowed to read the letter's
  classification in that procedure: the employer never generates the worker's copy of the assessment.
- **The letter's date** is the recorded date of its act (``dated_by``: the day the registered letter was posted,
  the decision taken, the plan delivered) when one is recorded; otherwise the legal day (Brussels) of its
  generation. The letter says which ("date of the act" or "date of issue"), and the audit event records it.
- **Same data, same bytes.** Nothing else varies: no clock in the template, fixed PDF metadata. Generating a
  letter again with the same data gives the same SHA-256; the document already stored for it (same case, task,
  letter and language) is then reused instead of stored twice. Every generation is audited on the case's
  stream (document id, letter, language, SHA-256, whether the row was reused).
- **Suggested language**: a letter to the worker suggests the worker's own language when they have an account;
  any other letter the author's language.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..law import calendar
from ..store import audit
from ..store.form_draft_models import FormDraft
from ..store.models import Case, ProcessDefinition, ProcessInstance, User, WorkItem
from ..store.paper_models import CaseDocument
from . import disclosure, letter_data, letter_rendering, visibility, withheld
from .letter_rendering import LetterSpec

if TYPE_CHECKING:
    from .worklist import WorkList

PDF = "application/pdf"
ORGANISATIONS = ("prevention_service", "sickness_fund", "regional_service", "inspectorate")
"""The case's parties a letter may name (organisations; never the accounts of persons)."""


@dataclass(frozen=True)
class LetterOffer:
    """A letter a task offers: its titles (nl, fr, en), for whom, its class, and the language to suggest."""

    letter: str
    titles: dict[str, str]
    addressed_to: str
    classification: str
    suggested_language: str


@dataclass(frozen=True)
class LetterView:
    """A generated letter as stored with the case, with its PDF bytes."""

    document_id: int
    case_id: int
    work_item_id: int | None
    letter: str
    language: str
    title: str
    filename: str
    media_type: str
    addressed_to: str
    classification: str
    sha256: str
    dated_on: date
    is_dated_by_act: bool
    """True: the recorded date of the act; False: the legal day of generation."""
    is_reused: bool
    """True when the same letter with the same bytes was already stored, and that document is returned."""
    content: bytes


@dataclass(frozen=True)
class _Place:
    """Where a letter is generated: the case, its procedure's instance, and the task (if any)."""

    case: Case
    user: User
    instance: ProcessInstance
    procedure: disclosure.Procedure
    item: WorkItem | None


class Letters:
    """Offer and generate a case's legal letters (composed into ``Engine.letters``)."""

    def __init__(self, work: WorkList) -> None:
        self._work = work

    def offered(self, work_item_id: int, *, user_id: int) -> tuple[LetterOffer, ...]:
        """The letters the task offers to this user, in catalogue order; ``NotFound`` when they may not act on it."""
        with self._work.database.unit_of_work() as session:
            item, _, user = self._work._visible_item(session, work_item_id, user_id)
            place = self._place_of_item(session, item, user)
            return tuple(_offer(session, spec, place) for spec in letter_rendering.catalogue().values()
                         if self._offers(session, spec, place))

    def generate(self, letter: str, language: str, *, user_id: int, work_item_id: int | None = None,
                 case_id: int | None = None) -> LetterView:
        """Render ``letter`` in ``language`` at a task (``work_item_id``) or for a case (``case_id``), store it as a
        document of the case and audit it with its SHA-256, in one transaction.

        ``NotFound`` when the letter or language is unknown, the user may not act on the task (or see the case),
        the task does not offer the letter, or the user may not read its classification. Committed.
        """
        spec = letter_rendering.catalogue().get(letter)
        if spec is None or language not in letter_rendering.LANGUAGES or (work_item_id is None) == (case_id is None):
            raise NotFound(f"letter {letter} in {language} does not exist")
        now = self._work.clock.now()
        with self._work.database.unit_of_work() as session:
            place = self._place(session, spec, user_id, work_item_id, case_id)
            if not self._offers(session, spec, place):
                raise NotFound(f"letter {letter} is not offered here")
            values = self._values(session, spec, place)
            dated_on, by_act = letter_date(spec, values, calendar.legal_date(now))
            content = letter_rendering.pdf(spec, language, _context(place, values, dated_on, by_act),
                                           dated=dated_on.isoformat())
            row, reused = self._stored(session, spec, language, place, content, now)
            audit.append(session, f"case:{place.case.id}", at=now, actor=place.user.username,
                         action="letter_generated", case_id=place.case.id,
                         after={"document_id": row.id, "letter": letter, "language": language, "sha256": row.sha256,
                                "work_item_id": row.work_item_id, "dated_on": dated_on.isoformat(),
                                "dated_by_act": by_act, "reused": reused})
            result = _view(row, dated_on, by_act, reused, content)
            session.commit()
        return result

    def _place(self, session: Session, spec: LetterSpec, user_id: int, work_item_id: int | None,
               case_id: int | None) -> _Place:
        if work_item_id is not None:
            item, _, user = self._work._visible_item(session, work_item_id, user_id)
            return self._place_of_item(session, item, user)
        assert case_id is not None
        case, user = self._work._visible_case(session, case_id, user_id)
        hidden = withheld.hidden_instances(session, case.id, visibility.of_user(user, case))
        processes = {offer.process_id for offer in spec.offered_at}
        instance = session.scalars(
            select(ProcessInstance).join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
            .where(ProcessInstance.case_id == case.id, ProcessDefinition.process_id.in_(processes),
                   ProcessInstance.id.not_in(hidden or {0}))
            .order_by(ProcessInstance.id.desc())).first()
        if instance is None:
            raise NotFound(f"case {case.id} has no procedure with letter {spec.name}")
        loaded = self._work._loaded(session, instance)
        return _Place(case, user, instance, disclosure.procedure_for(loaded), None)

    def _place_of_item(self, session: Session, item: WorkItem, user: User) -> _Place:
        instance = session.get_one(ProcessInstance, item.instance_id)
        procedure = disclosure.procedure_for(self._work._loaded(session, instance)).for_task(item.bpmn_id)
        return _Place(session.get_one(Case, item.case_id), user, instance, procedure, item)

    def _offers(self, session: Session, spec: LetterSpec, place: _Place) -> bool:
        """Whether the letter belongs here, its author may read its class, and the act it is about is this kind."""
        if place.item is not None and not spec.is_offered_at(place.procedure.process_id, place.item.bpmn_id):
            return False
        reader = visibility.of_user(place.user, place.case)
        if not disclosure.may_read(reader, disclosure.FieldClass(spec.classification), place.procedure):
            return False
        if spec.kind_field is None:
            return True
        form, field, value = spec.kind_field
        return self._values(session, spec, place).get(form, {}).get(field, value) == value

    def _values(self, session: Session, spec: LetterSpec, place: _Place) -> letter_data.Values:
        draft = None
        if place.item is not None and place.item.state == "ready":
            draft = session.scalars(select(FormDraft.values).where(FormDraft.work_item_id == place.item.id,
                                                                   FormDraft.user_id == place.user.id)).first()
        return letter_data.recorded(session, self._work._loaded, place.case, spec, place.user,
                                    instance_id=place.instance.id, open_item=place.item, draft=draft)

    def _stored(self, session: Session, spec: LetterSpec, language: str, place: _Place, content: bytes,
                now: datetime) -> tuple[CaseDocument, bool]:
        """The document holding ``content``: the one stored before for the same letter here, else a new one."""
        sha256 = hashlib.sha256(content).hexdigest()
        item_id = place.item.id if place.item is not None else None
        same = session.scalars(select(CaseDocument).where(
            CaseDocument.case_id == place.case.id, CaseDocument.kind == "letter", CaseDocument.letter == spec.name,
            CaseDocument.language == language, CaseDocument.sha256 == sha256,
            CaseDocument.work_item_id.is_(None) if item_id is None
            else CaseDocument.work_item_id == item_id)).first()
        if same is not None:
            return same, True
        row = CaseDocument(case_id=place.case.id, work_item_id=item_id, kind="letter", letter=spec.name,
                           language=language, addressed_to=spec.addressed_to, title=spec.title(language),
                           filename=_filename(place.case.reference, spec.name, language), media_type=PDF,
                           classification=spec.classification, created_at=now, created_by=place.user.username)
        self._work.files.keep(row, content)
        session.add(row)
        session.flush()
        return row, False


def letter_date(spec: LetterSpec, values: letter_data.Values, today: date) -> tuple[date, bool]:
    """The letter's own date: the first recorded date of its act (``dated_by``), else ``today`` (the legal day of
    generation); and whether it is the act's."""
    for form, field in spec.dated_by:
        written = values.get(form, {}).get(field)
        if isinstance(written, str):
            try:
                return datetime.strptime(written, "%d/%m/%Y").date(), True
            except ValueError:
                continue
    return today, False


def _context(place: _Place, values: letter_data.Values, dated_on: date, by_act: bool) -> dict[str, Any]:
    """What a template reads: the case, the recorded values by form, the procedure, the letter's date."""
    case = place.case
    parties = case.parties or {}
    return {"case": {"reference": case.reference, "employee": case.employee, "employer": case.employer,
                     "first_day_of_incapacity": letter_data.day(case.first_day_of_incapacity),
                     **{key: parties.get(key) or "" for key in ORGANISATIONS}},
            "forms": _Forms(values), "procedure": place.procedure.process_id, "dated": letter_data.day(dated_on),
            "dated_by_act": by_act}


class _Forms(dict):
    """The recorded values by form; a form with nothing recorded reads as empty (a template writes a blank)."""

    def __missing__(self, key: str) -> dict:
        return {}


def _offer(session: Session, spec: LetterSpec, place: _Place) -> LetterOffer:
    language = place.user.language
    account = (place.case.parties or {}).get("employee_account")
    if spec.addressed_to == "employee" and account:
        worker = session.scalars(select(User).where(User.username == account)).first()
        language = worker.language if worker is not None else language
    return LetterOffer(spec.name, dict(spec.titles), spec.addressed_to, spec.classification, language or "nl")


def _filename(reference: str, letter: str, language: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", f"{reference}_{letter}_{language}") + ".pdf"


def _view(row: CaseDocument, dated_on: date, by_act: bool, reused: bool, content: bytes) -> LetterView:
    return LetterView(row.id, row.case_id, row.work_item_id, row.letter or "", row.language or "", row.title,
                      row.filename, row.media_type, row.addressed_to or "", row.classification, row.sha256, dated_on,
                      by_act, reused, content)
