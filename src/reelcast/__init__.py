"""reelcast: an open, self-hostable AI video studio with an OpenAI-compatible Videos API."""

__version__ = "0.1.0"
