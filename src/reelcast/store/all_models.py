"""Imports every module that defines tables, so Alembic (autogenerate) sees the whole schema.

Feature packages add their model module here (one import line each).
"""

from reelcast.store import models  # noqa: F401
from reelcast.store import social_models  # noqa: F401
from reelcast.safety import models as safety_models  # noqa: F401
from reelcast.store import provenance  # noqa: F401
from reelcast.store import ops_models  # noqa: F401
from reelcast.store import cameo_models  # noqa: F401
from reelcast.store import feed_models  # noqa: F401
