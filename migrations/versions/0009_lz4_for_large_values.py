"""Compress sync states' values and inspections' answers with lz4 on PostgreSQL.

Both are some 3 KB per inspection, so PostgreSQL compresses each on write and
decompresses it on read. With its default (pglz) that was a tenth of PostgreSQL's work
for a pull page; lz4 decompresses several times faster. Only values written from now on
are lz4; older ones stay pglz and read as before. Skipped where the server was built
without lz4, and on SQLite. Nothing is rewritten, so nothing can be lost; the downgrade
sets pglz again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

LARGE_VALUES = (("sync_records", "field_values"), ("inspections", "answers"))


def _set_compression(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    methods = bind.execute(
        sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    ).scalar()
    if method not in (methods or []):
        return
    for table, column in LARGE_VALUES:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method}")


def upgrade():
    _set_compression("lz4")


def downgrade():
    _set_compression("pglz")
