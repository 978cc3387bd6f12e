"""post counters: posts.like_count, comment_count, remix_count, filled from the existing rows

Revision ID: 0014_post_counters
Revises: 0012_feed

From here on every write keeps them exact (`reelcast.social.counters`): the feed ranks and shows posts without
counting likes, comments and remixes per post.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_post_counters"
down_revision = "0012_feed"
branch_labels = None
depends_on = None

COUNTERS = ("like_count", "comment_count", "remix_count")

# one statement, correlated through the indexes on likes(post_id, …), comments(post_id) and
# videos(remixed_from_video_id): the same SQL on SQLite and PostgreSQL
BACKFILL = """
UPDATE posts SET
  like_count = (SELECT count(*) FROM likes WHERE likes.post_id = posts.id),
  comment_count = (SELECT count(*) FROM comments WHERE comments.post_id = posts.id),
  remix_count = (SELECT count(*) FROM videos
                 WHERE videos.remixed_from_video_id = posts.video_id AND videos.deleted_at IS NULL)
"""


def upgrade() -> None:
    with op.batch_alter_table("posts", schema=None) as batch_op:
        for name in COUNTERS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default="0", nullable=False))
    op.execute(BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("posts", schema=None) as batch_op:
        for name in reversed(COUNTERS):
            batch_op.drop_column(name)
