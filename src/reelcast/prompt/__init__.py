"""Prompt understanding: free text → ScenePlan."""
