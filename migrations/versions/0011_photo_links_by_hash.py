"""Photo links name their photo by hash; a photo has a row only once its bytes arrived.

A push names some 200 photos per batch, most of them not uploaded yet. Each got a
placeholder photo row ('expected', with its key, its unique (site_id, sha256) and its status
index) and a link row with a key of its own, two more indexes and two foreign keys that
locked the inspection's and the photo's rows: a fifth of a push's work, for nothing a link
keyed by (inspection_id, sha256) with its site cannot say. A photo is now missing when its
site has no photo row with its hash.

Upgrade: each link takes its photo's hash, then the placeholder rows go. They hold nothing
the links do not (their site and hash; an expected photo has no bytes, sizes or flags), and
the downgrade makes them again, with the exact-reuse flags the old scheme stored for photos
linked more than once.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

LINKS = "photos_inspection_links"


def upgrade():
    with op.batch_alter_table(LINKS, schema=None) as batch_op:
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
    op.execute(
        f"UPDATE {LINKS} SET sha256 = (SELECT photos.sha256 FROM photos"
        f" WHERE photos.id = {LINKS}.photo_id)"
    )
    with op.batch_alter_table(LINKS, schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_photos_inspection_links_inspection_id_inspections"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_photos_inspection_links_photo_id_photos"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("uq_photos_inspection_links_inspection_id_photo_id"), type_="unique"
        )
        batch_op.drop_index(batch_op.f("ix_photos_inspection_links_photo_id"))
        batch_op.drop_index(batch_op.f("ix_photos_inspection_links_site_id"))
        batch_op.drop_constraint(batch_op.f("pk_photos_inspection_links"), type_="primary")
        batch_op.drop_column("photo_id")
        batch_op.drop_column("id")
        batch_op.alter_column("sha256", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_primary_key(
            batch_op.f("pk_photos_inspection_links"), ["inspection_id", "sha256"]
        )
        batch_op.create_index(
            "ix_photos_inspection_links_site_id_sha256", ["site_id", "sha256"], unique=False
        )
    op.execute(
        "UPDATE photos SET reused_of_photo_id = NULL WHERE reused_of_photo_id IN"
        " (SELECT id FROM photos WHERE status = 'expected')"
    )
    op.execute("DELETE FROM photos WHERE status = 'expected'")


def _new_uuid() -> str:
    # As each dialect stores a SQLAlchemy Uuid: native on PostgreSQL, 32 hex digits on SQLite.
    if op.get_bind().dialect.name == "postgresql":
        return "gen_random_uuid()"
    return "lower(hex(randomblob(16)))"


def downgrade():
    op.execute(
        "INSERT INTO photos (id, site_id, sha256, status, processing_attempts,"
        " is_suspected_reuse, created_at)"
        f" SELECT {_new_uuid()}, site_id, sha256, 'expected', 0, false, first_named"
        f" FROM (SELECT site_id, sha256, min(created_at) AS first_named FROM {LINKS}"
        "  GROUP BY site_id, sha256) AS named"
        " WHERE NOT EXISTS (SELECT 1 FROM photos"
        "  WHERE photos.site_id = named.site_id AND photos.sha256 = named.sha256)"
    )
    with op.batch_alter_table(LINKS, schema=None) as batch_op:
        batch_op.add_column(sa.Column("id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("photo_id", sa.Uuid(), nullable=True))
    op.execute(
        f"UPDATE {LINKS} SET id = {_new_uuid()}, photo_id = (SELECT photos.id FROM photos"
        f" WHERE photos.site_id = {LINKS}.site_id AND photos.sha256 = {LINKS}.sha256)"
    )
    # The old scheme stored exact reuse (one photo, several inspections) on the photo.
    op.execute(
        "UPDATE photos SET is_suspected_reuse = true, reused_of_photo_id = NULL,"
        f" reuse_distance = 0 WHERE id IN (SELECT photo_id FROM {LINKS}"
        " GROUP BY photo_id HAVING count(*) > 1)"
    )
    with op.batch_alter_table(LINKS, schema=None) as batch_op:
        batch_op.drop_index("ix_photos_inspection_links_site_id_sha256")
        batch_op.drop_constraint(batch_op.f("pk_photos_inspection_links"), type_="primary")
        batch_op.drop_column("sha256")
        batch_op.alter_column("id", existing_type=sa.Uuid(), nullable=False)
        batch_op.alter_column("photo_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.create_primary_key(batch_op.f("pk_photos_inspection_links"), ["id"])
        batch_op.create_unique_constraint(
            batch_op.f("uq_photos_inspection_links_inspection_id_photo_id"),
            ["inspection_id", "photo_id"],
        )
        batch_op.create_index(
            batch_op.f("ix_photos_inspection_links_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_photos_inspection_links_photo_id"), ["photo_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_photos_inspection_links_photo_id_photos"), "photos", ["photo_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_photos_inspection_links_inspection_id_inspections"),
            "inspections",
            ["inspection_id"],
            ["id"],
        )
