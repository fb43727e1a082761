"""A deadline keeps the history of its verdict: the legal date of the act, and a correction.

The verdict of a deadline follows the date the users recorded for the act that meets it, not the order in
which the server processed things: a timer that fires first gives ``missed``, which becomes ``met`` when
the act is recorded later with a date in time. ``act_on`` is the legal date of the act (once it is known),
``first_state`` the verdict before a correction, ``corrected_at`` and ``corrected_by`` when and by whose
recording it was corrected. Rows closed before this revision keep their verdict and have no history.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

import engine.store.models

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deadline") as batch:
        batch.add_column(sa.Column("act_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("first_state", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("corrected_at", engine.store.models.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("corrected_by", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deadline") as batch:
        for column in ("corrected_by", "corrected_at", "first_state", "act_on"):
            batch.drop_column(column)
