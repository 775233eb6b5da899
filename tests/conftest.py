"""Shared fixtures: a private clip cache and helpers to inspect real MP3 output."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

HAVE_FFMPEG = shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the user's clip cache from a test."""
    monkeypatch.setenv("DRAMATIS_CACHE", str(tmp_path_factory.getbasetemp() / "clip-cache"))


def ffprobe(path: Path) -> dict:
    """ffprobe's view of a file: format, streams, chapters and tags."""
    out = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            "-show_chapters",
            str(path),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)
