"""Small data files shipped with Dramatis (model weights)."""
