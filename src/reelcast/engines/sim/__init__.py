"""The embedded, deterministic CPU world simulator engine."""
