"""A case's paper and messages: ``case_document`` (generated letters and uploads), ``case_comment``,
``notification`` (bell and e-mail, with its sending state), and each account's e-mail address and preference.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

import engine.store.models

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

UTC = engine.store.models.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("email", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("mail_preference", sa.String(length=10), server_default="each", nullable=False))
    _case_document()
    _case_comment()
    _notification()


def _case_document() -> None:
    op.create_table(
        "case_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("work_item_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("letter", sa.String(length=60), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=True),
        sa.Column("addressed_to", sa.String(length=50), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("classification", sa.String(length=20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage", sa.String(length=10), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_file.id"], name=op.f("fk_case_document_case_id_case_file")),
        sa.ForeignKeyConstraint(["work_item_id"], ["work_item.id"],
                                name=op.f("fk_case_document_work_item_id_work_item")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_document")),
    )
    op.create_index(op.f("ix_case_document_case_id"), "case_document", ["case_id"])
    op.create_index(op.f("ix_case_document_work_item_id"), "case_document", ["work_item_id"])


def _case_comment() -> None:
    op.create_table(
        "case_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("work_item_id", sa.Integer(), nullable=True),
        sa.Column("classification", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_file.id"], name=op.f("fk_case_comment_case_id_case_file")),
        sa.ForeignKeyConstraint(["work_item_id"], ["work_item.id"],
                                name=op.f("fk_case_comment_work_item_id_work_item")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_comment")),
    )
    op.create_index(op.f("ix_case_comment_case_id"), "case_comment", ["case_id"])
    op.create_index(op.f("ix_case_comment_work_item_id"), "case_comment", ["work_item_id"])


def _notification() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("work_item_id", sa.Integer(), nullable=True),
        sa.Column("deadline_id", sa.Integer(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("read_at", UTC(), nullable=True),
        sa.Column("mail_state", sa.String(length=10), nullable=False),
        sa.Column("mail_attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC(), nullable=True),
        sa.Column("mail_sent_at", UTC(), nullable=True),
        sa.Column("mail_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_notification_user_id_app_user")),
        sa.ForeignKeyConstraint(["case_id"], ["case_file.id"], name=op.f("fk_notification_case_id_case_file")),
        sa.ForeignKeyConstraint(["work_item_id"], ["work_item.id"],
                                name=op.f("fk_notification_work_item_id_work_item")),
        sa.ForeignKeyConstraint(["deadline_id"], ["deadline.id"], name=op.f("fk_notification_deadline_id_deadline")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("key", name=op.f("uq_notification_key")),
    )
    op.create_index(op.f("ix_notification_user_id"), "notification", ["user_id"])
    op.create_index(op.f("ix_notification_case_id"), "notification", ["case_id"])
    op.create_index(op.f("ix_notification_mail_state_next_attempt_at"), "notification",
                    ["mail_state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("notification")
    op.drop_table("case_comment")
    op.drop_table("case_document")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("mail_preference")
        batch.drop_column("email")
