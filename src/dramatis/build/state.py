"""The edit-listen loop's fast path: a rebuild whose inputs did not change does nothing.

After each build we record a hash of every input (story files, voices.yaml, cover, options,
Dramatis version) and the size and modification time of every file it produced.  When the
next build finds the same hash and the same files, it answers with the previous summary
without reading, attributing or importing the audio stack: well under a second.  Anything
different (an edit, a deleted or touched output) falls through to the full build, which then
redoes only what changed.  Kept free of heavy imports on purpose.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dramatis import __version__
from dramatis.speech.synthesize import DEFAULT_CACHE_BYTES

STATE_VERSION = 1


@dataclass(slots=True)
class BuildOptions:
    voices: Path = Path("voices.yaml")
    out: Path = Path("audio")
    engine: str | None = None  # --engine; None: voices.yaml's engine: for each story, else default
    jobs: int = 0
    profile: str = "acx"
    cache_dir: Path | None = None
    cache_bytes: int = DEFAULT_CACHE_BYTES
    quiet: bool = False
    include_notes: bool = False
    format: str = "mp3"  # mp3: one file per chapter; m4b: one audiobook file per story
    credits: bool = True  # opening credits and "The End", as ACX asks
    cover: Path | None = None  # the user's cover image (else the story's, else a title card)
    base_url: str | None = None  # also write OUT/feed.xml for podcast apps


def _state_file(cache_root: Path, out: Path) -> Path:
    where = hashlib.sha256(str(Path(out).absolute()).encode()).hexdigest()[:16]
    return cache_root / "builds" / f"{where}.json"


def inputs_key(files: Sequence[Path], opts: BuildOptions) -> str:
    """Hash of everything a build reads: story bytes, voices.yaml, cover, options."""
    h = hashlib.sha256()
    fields = {
        k: str(getattr(opts, k))
        for k in (
            "engine",
            "profile",
            "format",
            "credits",
            "include_notes",
            "base_url",
            "out",
        )
    }
    h.update(json.dumps([STATE_VERSION, __version__, fields], sort_keys=True).encode())
    # Dramatis' own code: an upgrade (or an edit to an installed checkout) rebuilds.
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")) + sorted(package.rglob("*.json")):
        st = source.stat()
        h.update(f"{source.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    extra = [opts.voices, opts.cover]
    for path in [*files, *extra]:
        if path is None:
            continue
        path = Path(path)
        h.update(str(path.absolute()).encode() + b"\0")
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"<missing>")
        h.update(b"\0")
    return h.hexdigest()


def _outputs(summary: dict) -> list[str]:
    files = [c["file"] for s in summary["stories"] for c in s["chapters"]]
    return files + [str(Path(s["dir"]) / "dramatis.json") for s in summary["stories"]]


def _stamp(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def record(cache_root: Path, key: str, opts: BuildOptions, summary: dict) -> None:
    """Remember a finished build (best effort: the fast path is an optimisation)."""
    from dramatis.paths import write_atomic

    state = {
        "key": key,
        "summary": {k: v for k, v in summary.items() if k in ("stories", "clips")},
        "outputs": {p: _stamp(p) for p in _outputs(summary)},
    }
    with contextlib.suppress(OSError):
        write_atomic(_state_file(cache_root, opts.out), json.dumps(state))


def reuse(cache_root: Path, key: str, opts: BuildOptions) -> dict | None:
    """The previous build's summary if nothing it read or wrote has changed since."""
    try:
        state = json.loads(_state_file(cache_root, opts.out).read_text())
    except (OSError, ValueError):
        return None
    if state.get("key") != key:
        return None
    outputs = state.get("outputs") or {}
    if not outputs or any(_stamp(p) != stamp for p, stamp in outputs.items()):
        return None
    summary = state["summary"]
    clips = summary.get("clips", {})
    total = int(clips.get("synthesized", 0)) + int(clips.get("reused", 0))
    return {"stories": summary["stories"], "clips": {"synthesized": 0, "reused": total}}
