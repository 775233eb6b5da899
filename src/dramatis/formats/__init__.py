"""File formats: MP3 frames, ID3 tags, M4B and covers."""
