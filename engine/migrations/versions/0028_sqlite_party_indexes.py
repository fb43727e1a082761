"""The parties through which a role reaches a case, indexed on SQLite too (issue 19): a user who reaches few cases
through a sickness fund, a service or their own account no longer makes SQLite read every case. Each index holds the
expression the queries spell on SQLite, with the key written in (``json_text``); PostgreSQL has had its own since
0026.

Revision ID: 0028
Revises: 0027
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

PARTY_KEYS = ("employee_account", "treating_physician_account", "prevention_service", "sickness_fund",
              "regional_service", "inspectorate")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for key in PARTY_KEYS:
            op.create_index(f"ix_case_file_party_{key}", "case_file",
                            [sa.text(f"CAST(JSON_EXTRACT(parties, '$.\"{key}\"') AS VARCHAR)")])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for key in PARTY_KEYS:
            op.drop_index(f"ix_case_file_party_{key}", table_name="case_file")
