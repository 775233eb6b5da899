"""Dramatis: turn stories into multi-voice audiobooks, offline."""

__version__ = "0.1.0"
