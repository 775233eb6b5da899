"""Publishing: the build manifest, sidecars (transcripts, chapters), feed and server."""
