"""An employer's policy as data: its headcount (2026 thresholds T05, T35) and its contact cadence (T20).

Both are empty for existing organisations: an unknown headcount is said to be unknown, an unset cadence is the
product default (``employer_policy.DEFAULT_CONTACT_EVERY_DAYS``).

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("headcount", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("contact_every_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("contact_every_days")
        batch.drop_column("headcount")
