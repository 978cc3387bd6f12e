"""The feed: candidates, ranking, mood steering, explanations and wellbeing items."""
