"""provenance: watermark payloads and frame fingerprints

Revision ID: 0008_provenance
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_provenance"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provenance_marks",
        sa.Column("video_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("video_id"),
    )
    op.create_index("ix_provenance_marks_payload", "provenance_marks", ["payload"], unique=True)
    op.create_table(
        "provenance_fingerprints",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("video_id", sa.String(length=64), nullable=False),
        sa.Column("t", sa.Float(), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("quality", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_provenance_fingerprints_video_id", "provenance_fingerprints", ["video_id"])


def downgrade() -> None:
    op.drop_index("ix_provenance_fingerprints_video_id", table_name="provenance_fingerprints")
    op.drop_table("provenance_fingerprints")
    op.drop_index("ix_provenance_marks_payload", table_name="provenance_marks")
    op.drop_table("provenance_marks")
