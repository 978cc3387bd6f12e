"""cameo verification: challenges and verification records with reference assets

Revision ID: 0013_cameo_verification
Revises: 0002_social
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_cameo_verification"
down_revision = "0002_social"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cameo_challenges",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("digits", sa.String(length=16), nullable=False),
        sa.Column("turns", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("used_at", sa.BigInteger(), nullable=True),
        sa.Column("cameo_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_cameo_challenges_user_id", "cameo_challenges", ["user_id"])
    op.create_table(
        "cameo_verifications",
        sa.Column("cameo_id", sa.String(length=64), nullable=False),
        sa.Column("challenge_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rejection_code", sa.String(length=64), nullable=True),
        sa.Column("rejection_message", sa.Text(), nullable=True),
        sa.Column("video_blob", sa.String(length=128), nullable=True),
        sa.Column("started_at", sa.BigInteger(), nullable=False),
        sa.Column("finished_at", sa.BigInteger(), nullable=True),
        sa.Column("cpu_seconds", sa.Float(), nullable=True),
        sa.Column("turns_seen", sa.JSON(), nullable=False),
        sa.Column("face_embedding", sa.JSON(), nullable=True),
        sa.Column("voice_embedding", sa.JSON(), nullable=True),
        sa.Column("voice", sa.JSON(), nullable=False),
        sa.Column("descriptors", sa.JSON(), nullable=False),
        sa.Column("estimated", sa.JSON(), nullable=False),
        sa.Column("crop_blobs", sa.JSON(), nullable=False),
        sa.Column("nearest_cameo_id", sa.String(length=64), nullable=True),
        sa.Column("nearest_distance", sa.Float(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("reviewed_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["cameo_id"], ["cameos.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cameo_id"),
    )
    op.create_index("ix_cameo_verifications_status", "cameo_verifications", ["status"])


def downgrade() -> None:
    op.drop_index("ix_cameo_verifications_status", table_name="cameo_verifications")
    op.drop_table("cameo_verifications")
    op.drop_index("ix_cameo_challenges_user_id", table_name="cameo_challenges")
    op.drop_table("cameo_challenges")
