"""Drop photos' index on site_id alone: the unique (site_id, sha256) index serves it.

With both, PostgreSQL planned a batch's photo lookup on the site_id index when its
statistics lagged behind a fast-growing table, reading every photo of the site. No data
is touched; the downgrade creates the index again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 05:10:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photos_site_id"))


def downgrade():
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photos_site_id"), ["site_id"], unique=False)
