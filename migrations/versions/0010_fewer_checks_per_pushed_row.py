"""Drop foreign keys and an index that a sync push paid for on every row, for nothing.

A push of 100 inspections writes some 200 photo links and 100 receipts. Each link's
site_id was checked against sites (it is its inspection's site, which the inspection's own
key already checks), and each receipt's user_id and device_id against their tables: every
check is a lookup that also locks the site's, user's or device's row, the same row a
hundred times a batch, and took a quarter of PostgreSQL's work per push. A receipt records
who sent a change; users and devices are deactivated, never deleted, so the keys guarded
against nothing. The index on photos_inspection_links.inspection_id duplicated the leading
column of its unique (inspection_id, photo_id). No data is touched; the downgrade restores
all four.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 10:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("photos_inspection_links", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_photos_inspection_links_site_id_sites"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_photos_inspection_links_inspection_id"))
    with op.batch_alter_table("sync_receipts", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_sync_receipts_device_id_auth_devices"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_sync_receipts_user_id_auth_users"), type_="foreignkey"
        )


def downgrade():
    with op.batch_alter_table("sync_receipts", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_sync_receipts_user_id_auth_users"), "auth_users", ["user_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_sync_receipts_device_id_auth_devices"),
            "auth_devices",
            ["device_id"],
            ["id"],
        )
    with op.batch_alter_table("photos_inspection_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_photos_inspection_links_inspection_id"), ["inspection_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_photos_inspection_links_site_id_sites"), "sites", ["site_id"], ["id"]
        )
