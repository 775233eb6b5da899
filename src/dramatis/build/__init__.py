"""Build orchestration: the pipeline, build state and locks."""
