"""Shared fixtures: an environment isolated from the user's, and helpers to inspect real MP3
output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

# Programs the tests run.  A test that needs one says so with ``@pytest.mark.needs(...)``;
# a run that selects it without the program fails at once with one line (never a skip:
# a green run must mean the end-to-end tests ran).  ./setup.sh installs them.
FFMPEG = ("ffmpeg", "ffprobe")
ESPEAK = ("espeak-ng",)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "needs(*programs): the test runs these programs (./setup.sh installs them)"
    )


@pytest.hookimpl(trylast=True)  # after -m/-k have deselected what will not run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wants = [{p for m in item.iter_markers("needs") for p in m.args} for item in items]
    missing = sorted(p for p in set().union(*wants) if shutil.which(p) is None)
    if missing:
        count = sum(1 for w in wants if w.intersection(missing))
        pytest.exit(
            f"{', '.join(missing)} not found on PATH but needed by {count} of the selected "
            "tests: run ./setup.sh (it installs them), or deselect those tests (-m 'not needs')",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


@pytest.fixture(autouse=True)
def _isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run every test as on a fresh machine: none of the user's ``DRAMATIS_*`` settings
    (a ``DRAMATIS_BASE_URL`` in the shell used to fail 13 tests) and none of their caches.

    The clip cache is private to the test session but shared by its tests: clips are keyed
    by everything that shapes them, and re-synthesising them per test would slow the suite
    several-fold.  HOME and XDG_CACHE_HOME point at an empty folder too, so nothing that
    falls back to them reads or writes the user's files (subprocesses inherit all of this).
    """
    for name in [n for n in os.environ if n.startswith("DRAMATIS_")]:
        monkeypatch.delenv(name)
    base = tmp_path_factory.getbasetemp()
    home = base / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("DRAMATIS_CACHE", str(base / "clip-cache"))


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
