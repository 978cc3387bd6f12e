"""feed: post embeddings, feed settings, wellbeing counters, impressions, guardians

Revision ID: 0012_feed
Revises: 0002_social
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_feed"
down_revision = "0002_social"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "post_embeddings",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("post_id", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("post_id"),
    )
    op.create_table(
        "feed_settings",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("personalized", sa.Boolean(), nullable=False),
        sa.Column("guardian_personalized", sa.Boolean(), nullable=False),
        sa.Column("continuous_feed", sa.Boolean(), nullable=False),
        sa.Column("session_cap", sa.Integer(), nullable=True),
        sa.Column("daily_cap", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "feed_counters",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("session_started_at", sa.BigInteger(), nullable=False),
        sa.Column("session_seen", sa.Integer(), nullable=False),
        sa.Column("last_seen_at", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("day_seen", sa.Integer(), nullable=False),
        sa.Column("since_create", sa.Integer(), nullable=False),
        sa.Column("last_create_at", sa.BigInteger(), nullable=False),
        sa.Column("break_until", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "feed_impressions",
        sa.Column("scroll_id", sa.String(length=40), nullable=False),
        sa.Column("post_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("scroll_id", "post_id"),
    )
    op.create_index("ix_feed_impressions_created_at", "feed_impressions", ["created_at"])
    op.create_index("ix_feed_impressions_user_id", "feed_impressions", ["user_id"])
    op.create_table(
        "guardian_links",
        sa.Column("guardian_id", sa.String(length=64), nullable=False),
        sa.Column("teen_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["guardian_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["teen_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("guardian_id", "teen_id"),
    )
    op.create_index("ix_guardian_links_teen_id", "guardian_links", ["teen_id"])
    op.create_table(
        "guardian_codes",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("teen_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("used_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["teen_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index("ix_guardian_codes_teen_id", "guardian_codes", ["teen_id"])
    op.create_index("ix_videos_remixed_from_video_id", "videos", ["remixed_from_video_id"])
    op.create_index("ix_posts_user_id_created_at", "posts", ["user_id", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_posts_user_id_created_at", table_name="posts")
    op.drop_index("ix_videos_remixed_from_video_id", table_name="videos")
    op.drop_table("guardian_codes")
    op.drop_table("guardian_links")
    op.drop_table("feed_impressions")
    op.drop_table("feed_counters")
    op.drop_table("feed_settings")
    op.drop_table("post_embeddings")
