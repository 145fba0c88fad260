"""Sync states' fields as JSON rather than JSONB on PostgreSQL (SQLite: no change).

They are only ever written and read whole. JSONB parses every value on the way in and
re-serializes it on the way out, which was the largest share of PostgreSQL's work in a
sync push and in a pull page. The values are converted in place, nothing is dropped; the
downgrade converts them back (JSONB then sorts keys, which no reader relies on).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 05:30:00.000000

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "sync_records",
        "fields",
        type_=sa.JSON(),
        existing_type=postgresql.JSONB(),
        postgresql_using="fields::json",
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "sync_records",
        "fields",
        type_=postgresql.JSONB(),
        existing_type=sa.JSON(),
        postgresql_using="fields::jsonb",
    )
