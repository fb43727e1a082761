"""SQLAlchemy tables (the unit of work over them is ``database``).

Instants are stored as UTC and come back timezone-aware; legal dates are plain dates.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ..law import calendar
from .json_text import JsonText


class UTCDateTime(TypeDecorator):
    """An aware UTC instant, stored without zone so SQLite and PostgreSQL agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes cannot be stored; pass an aware instant")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=timezone.utc) if value is not None else None


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {datetime: UTCDateTime, date: Date, dict: JSON, list: JSON}


class Bundle(Base):
    """One deployable unit stored once per content hash: BPMN files, the forms and deadline rules they use."""

    __tablename__ = "bundle"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    files: Mapped[dict]
    forms: Mapped[dict]
    rules: Mapped[dict]
    created_at: Mapped[datetime]


class ProcessDefinition(Base):
    """One immutable, numbered version of a BPMN process id."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("process_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    bundle_hash: Mapped[str] = mapped_column(ForeignKey("bundle.hash"))
    deployed_at: Mapped[datetime]
    deployed_by: Mapped[str] = mapped_column(String(100))
    comment: Mapped[str] = mapped_column(Text, default="")


class Case(Base):
    """One person's period of incapacity with one employer."""

    __tablename__ = "case_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    employee: Mapped[str] = mapped_column(String(200))
    employer: Mapped[str] = mapped_column(String(200))
    first_day_of_incapacity: Mapped[date]
    parties: Mapped[dict]
    opened_at: Mapped[datetime]
    opened_by: Mapped[str] = mapped_column(String(100))
    pseudonymised_at: Mapped[datetime | None]
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    """Reference, worker and employer as a search compares them (``search_text.of_case``)."""
    __table_args__ = (Index(None, "employer", "opened_at", "id"), Index(None, "opened_at", "id"))


CASE_PARTY_KEYS = ("employee_account", "treating_physician_account", "prevention_service", "sickness_fund",
                   "regional_service", "inspectorate")
"""The parties through which a role reaches a case (``visibility``), each indexed for the inbox and the case list."""


def case_party(key: str) -> ColumnElement[str]:
    """The party ``key`` of a case as text, spelled as its index ``ix_case_file_party_<key>`` holds it."""
    return JsonText(Case.parties, key)


for _key in CASE_PARTY_KEYS:
    Index(f"ix_case_file_party_{_key}", case_party(_key))
Index("ix_case_file_reference_c", Case.reference, postgresql_ops={"reference": 'COLLATE "C"'})
"""The case reference in byte order, as the inbox sorts by case (``inbox.orders``): on PostgreSQL in the "C"
collation; on SQLite, whose text order is byte order, the same as the unique index."""


class IncapacityEvent(Base):
    """A return to work or a new incapacity of a case on its legal date (0.6: the periods of incapacity follow)."""

    __tablename__ = "incapacity_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    on: Mapped[date]
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(100))


class ProcessInstance(Base):
    """One run of a definition version for a case; ``version`` is the optimistic lock.

    ``end_event`` is the end event a completed instance reached (its BPMN id; ``end_event_name`` as it read then).
    """

    __tablename__ = "process_instance"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    state_json: Mapped[str] = mapped_column(Text)
    library_version: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    started_at: Mapped[datetime]
    started_by: Mapped[str] = mapped_column(String(100))
    ended_at: Mapped[datetime | None]
    end_event: Mapped[str | None] = mapped_column(String(100), index=True)
    end_event_name: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    withheld_from_employer: Mapped[bool] = mapped_column(default=False, server_default=false(), index=True)
    """The worker keeps this instance from the employer side (``casework.withheld``); derived from its data."""
    definition: Mapped[ProcessDefinition] = relationship(viewonly=True)
    """Its version as read with it (``definition_id`` is what changes it: a migration moves an instance)."""
    __mapper_args__ = {"version_id_col": version}


class WorkItem(Base):
    """A READY user task as the inbox sees it."""

    __tablename__ = "work_item"
    __table_args__ = (UniqueConstraint("instance_id", "task_id"), Index(None, "case_id", "state", "role"),
                      Index(None, "state", "role", "created_at", "id"),
                      Index(None, "state", "role", "risk_due_on", "id"),
                      Index(None, "role", "employer", "risk_due_on", "id", postgresql_where=text("state = 'ready'"),
                            sqlite_where=text("state = 'ready'")))
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"))
    employer: Mapped[str] = mapped_column(String(200))
    """Its case's employer (which never changes), kept on the item so that an employer's ready items have an index of
    their own, in the inbox's order of legal risk (issue 19)."""
    task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(50))
    form: Mapped[str | None] = mapped_column(String(200))
    assignee: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20))
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadline.id"))
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[dict | None]
    classifications: Mapped[dict | None]
    """Each field's class when completed (``disclosure.recorded_classes`` of the form version used)."""
    procedure_rule: Mapped[str | None] = mapped_column(String(20))
    """Without a term of its own, its procedure's governing term (``procedure_terms``), dated when it can be."""
    procedure_start_on: Mapped[date | None]
    procedure_due_on: Mapped[date | None]
    procedure_explanation: Mapped[list | None]
    risk_due_on: Mapped[date] = mapped_column(default=date.max, server_default="9999-12-31")
    """The due date the item shows when it has a legal term (its own, else its procedure's), else 9999-12-31: the
    inbox's order by legal risk, kept beside the role so an index serves it (issue 19)."""


class Timer(Base):
    """A waiting BPMN timer event with its due instant; the scheduler reads only this table."""

    __tablename__ = "timer"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime] = mapped_column(index=True)


class Deadline(Base):
    """A legal term as computed for one timer of one instance, with its explanation and verdict.

    ``closed_at`` is the instant of the verdict, ``closed_on`` the legal date it counts on (what margins count
    in): the date of the act that met the term when known (``act_on``), else the Brussels date of the verdict.
    A verdict corrected when the act was recorded keeps its first verdict (``first_state``), when it was
    corrected and by whose recording (``corrected_at``, ``corrected_by``).
    """

    __tablename__ = "deadline"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(100))
    rule: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    legal_source: Mapped[str] = mapped_column(String(300))
    start_event: Mapped[str] = mapped_column(String(300))
    start_on: Mapped[date]
    due_on: Mapped[date]
    expires_at: Mapped[datetime]
    explanation: Mapped[str] = mapped_column(Text)
    explanation_parts: Mapped[list | None]  # the explanation as data (engine/law/explanations.py); None before 0018
    state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_on: Mapped[date | None]
    act_on: Mapped[date | None]
    first_state: Mapped[str | None] = mapped_column(String(20))
    corrected_at: Mapped[datetime | None]
    corrected_by: Mapped[str | None] = mapped_column(String(100))

    def close(self, state: str, at: datetime, act_on: date | None = None) -> None:
        """Give the deadline its verdict (met, missed, cancelled, replaced) at the instant ``at``, counted on
        the legal date of the act when it is known."""
        self.state, self.closed_at, self.act_on = state, at, act_on
        self.closed_on = act_on or calendar.legal_date(at)

    def correct(self, state: str, act_on: date, at: datetime, by: str) -> None:
        """Give a closed deadline the verdict the legal date of its act decides, keeping the first verdict."""
        if state != self.state:
            self.first_state, self.state, self.corrected_at, self.corrected_by = self.state, state, at, by
        self.act_on = self.closed_on = act_on

    def reopen(self) -> None:
        """Make the deadline pending again, without a verdict nor its history."""
        self.state, self.closed_at, self.closed_on, self.act_on = "pending", None, None, None
        self.first_state, self.corrected_at, self.corrected_by = None, None, None


class Correlation(Base):
    """A message a waiting instance listens for, routed by case."""

    __tablename__ = "correlation"
    __table_args__ = (Index(None, "case_id", "message"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"))
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    message: Mapped[str] = mapped_column(String(100))
    task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(100))


class AuditEvent(Base):
    """An append-only, hash-chained record; one chain per stream (an instance, a case, the repository).

    Payload digest, legacy hash and redaction: see ``audit`` (migration 0016)."""

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("stream", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    stream: Mapped[str] = mapped_column(String(60))
    seq: Mapped[int]
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[int | None] = mapped_column(index=True)
    instance_id: Mapped[int | None] = mapped_column(index=True)
    task: Mapped[str | None] = mapped_column(String(100))
    before: Mapped[dict]
    after: Mapped[dict]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    row_hashes: Mapped[dict | None]
    payload_digest: Mapped[str | None] = mapped_column(String(64))
    legacy_hash: Mapped[str | None] = mapped_column(String(64))
    redacted_at: Mapped[datetime | None]


class User(Base):
    """Someone who signs in: roles, the organisations they work for, their language."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list]
    organisations: Mapped[list]
    language: Mapped[str] = mapped_column(String(5))
    is_active: Mapped[bool]
    must_change_password: Mapped[bool] = mapped_column(default=False)
    email: Mapped[str | None] = mapped_column(String(200))
    mail_preference: Mapped[str] = mapped_column(String(10), default="each", server_default="each")
    """How notifications reach them by e-mail: ``each`` (one mail each), ``digest`` (one a day), ``none``."""


class Draft(Base):
    """A process owner's work in progress: the BPMN files of one process and the forms edited with it.

    ``revision`` is the optimistic lock: a save names the revision it started from.
    """

    __tablename__ = "draft"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    files: Mapped[dict]
    forms: Mapped[dict]
    based_on: Mapped[int | None] = mapped_column(ForeignKey("process_definition.id"))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(100))
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    deployed_as: Mapped[int | None] = mapped_column(ForeignKey("process_definition.id"))
    __mapper_args__ = {"version_id_col": revision}


class Migration(Base):
    """One instance moved from one version to another: who, when, why, and its state before (to revert).

    ``batch`` groups the instances of one operation; ``version_after`` is the instance's row version right
    after the move (a revert restores ``state_before`` exactly when nothing happened since);
    ``deadlines`` holds the ids of the deadline rows the move replaced and added.
    """

    __tablename__ = "instance_migration"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch: Mapped[str] = mapped_column(String(36), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    from_definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    to_definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    reason: Mapped[str] = mapped_column(Text)
    migrated_by: Mapped[str] = mapped_column(String(100))
    migrated_at: Mapped[datetime]
    state_before: Mapped[str] = mapped_column(Text)
    version_after: Mapped[int] = mapped_column(Integer)
    deadlines: Mapped[dict]
    reverted_at: Mapped[datetime | None]
    reverted_by: Mapped[str | None] = mapped_column(String(100))


class ApiToken(Base):
    """A REST API token of one user; only its SHA-256 hash is stored."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
