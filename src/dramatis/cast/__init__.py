"""The cast: voices.yaml, voice assignment and the cast report."""
