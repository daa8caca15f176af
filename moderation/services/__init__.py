"""Moderation transitions: submissions (intake and lifecycle), checks (the pipeline), review."""
