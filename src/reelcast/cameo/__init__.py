"""Cameo verification: challenges, the verification pipeline (speech, liveness, faces, voice), reference assets."""
