"""Index the change feed by (site_id, seq) instead of site_id alone.

A pull reads a site's entries after a cursor in seq order. With an index on site_id alone,
PostgreSQL read every entry of the site and sorted them for each page; with (site_id, seq)
each page is one ordered index range. No data is touched; the downgrade restores the old
index.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 07:30:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sync_feed", schema=None) as batch_op:
        batch_op.create_index("ix_sync_feed_site_id_seq", ["site_id", "seq"], unique=False)
        batch_op.drop_index(batch_op.f("ix_sync_feed_site_id"))


def downgrade():
    with op.batch_alter_table("sync_feed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_feed_site_id"), ["site_id"], unique=False)
        batch_op.drop_index("ix_sync_feed_site_id_seq")
