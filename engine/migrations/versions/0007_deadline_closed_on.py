"""A deadline keeps the Brussels date of its verdict (``closed_on``) beside the instant (``closed_at``).

Margins and lateness are counted in Brussels days, and the compliance dashboard counts them in SQL,
where neither SQLite nor PostgreSQL (without a session time zone) knows Belgian time. Deadlines closed
before this revision get the date of their ``closed_at``, converted in Python, a thousand rows at a time.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

import engine.store.models
from engine.law import calendar

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("deadline") as batch:
        batch.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
    _backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("deadline") as batch:
        batch.drop_column("closed_on")


def _backfill(connection: sa.Connection) -> None:
    deadline = sa.table("deadline", sa.column("id", sa.Integer()),
                        sa.column("closed_at", engine.store.models.UTCDateTime()), sa.column("closed_on", sa.Date()))
    closed = (sa.select(deadline.c.id, deadline.c.closed_at).where(deadline.c.closed_at.is_not(None))
              .order_by(deadline.c.id).limit(BATCH))
    update = (sa.update(deadline).where(deadline.c.id == sa.bindparam("row_id"))
              .values(closed_on=sa.bindparam("legal_date")))
    last = 0
    while rows := connection.execute(closed.where(deadline.c.id > last)).all():
        connection.execute(update, [{"row_id": i, "legal_date": calendar.legal_date(at)} for i, at in rows])
        last = rows[-1].id
