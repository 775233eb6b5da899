"""A build killed with SIGKILL leaves only complete files, and the next build resumes."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3

from conftest import ESPEAK, FFMPEG, ffprobe

pytestmark = pytest.mark.needs(*FFMPEG, *ESPEAK)

SENTENCES = [
    "The river ran high that spring, and the ferry stayed tied to its post.",
    '"We cross at dawn," Marcus said. "Not a minute later."',
    '"And if the rope breaks?" asked Helen.',
    "Nobody answered her. The wind pushed at the reeds along the bank.",
]


def _story(chapters: int) -> str:
    parts = []
    for n in range(1, chapters + 1):
        body = "\n\n".join(
            f"{s} (Part {n}, line {i}.)" if i == 0 else s for i, s in enumerate(SENTENCES)
        )
        parts.append(f"Chapter {n}\n\n{body}\n")
    return "\n".join(parts)


def _run(root: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    return subprocess.Popen(
        [sys.executable, "-m", "dramatis.cli", "build", "--json", "--quiet",
         "--cache", str(root / "cache"), "--jobs", "2", *extra],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip


def _decode(path: Path) -> np.ndarray:
    """Every frame of the file, decoded; any decoding error fails (``-xerror``)."""
    proc = subprocess.run(
        ["ffmpeg", "-v", "error", "-xerror", "-i", str(path), "-ac", "1", "-f", "f32le", "-"],
        capture_output=True,
    )  # fmt: skip
    assert proc.returncode == 0 and not proc.stderr, f"{path.name}: {proc.stderr.decode()}"
    return np.frombuffer(proc.stdout, dtype="<f4")


def _snapshot(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_ino, st.st_mtime_ns


def test_kill_9_mid_build_leaves_only_complete_files_and_resumes(tmp_path: Path) -> None:
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "river.txt").write_text(_story(8), encoding="utf-8")
    out = tmp_path / "audio" / "river"
    proc = _run(tmp_path)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if out.is_dir() and any(p.suffix == ".mp3" for p in out.iterdir()):
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the build finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGKILL)  # the build and its worker processes, mid-flight
    proc.wait()

    finished = sorted(p for p in out.iterdir() if p.suffix == ".mp3")
    assert 1 <= len(finished) < 8
    for path in out.iterdir():
        assert not path.name.startswith("."), f"partial file left behind: {path.name}"
    for mp3 in finished:
        info = ffprobe(mp3)
        assert float(info["format"]["duration"]) > 3
        assert str(ID3(mp3)["TRCK"]).endswith("/8")  # tagged before it appeared
    manifest = json.loads((out / "dramatis.json").read_text())
    assert {p.name for p in finished} <= {c["file"] for c in manifest["chapters"]}
    before = {p.name: _snapshot(p) for p in finished}

    proc = _run(tmp_path)
    stdout, stderr = proc.communicate(timeout=240)
    assert proc.returncode == 0, stderr
    summary = json.loads(stdout)
    assert summary["clips"]["reused"] > 0
    chapters = summary["stories"][0]["chapters"]
    assert len(chapters) == 8
    manifest = json.loads((out / "dramatis.json").read_text())
    assert all(ch["cues"] for ch in manifest["chapters"])
    # chapters finished before the kill are left alone: same bytes, same file, not rewritten
    for name, snap in before.items():
        assert _snapshot(out / name) == snap, f"{name} was rewritten"
    # the rest are whole: every frame decodes, as long as the manifest says, and audible
    assert len({ch["file"] for ch in manifest["chapters"]}) == 8
    for ch in manifest["chapters"]:
        samples = _decode(out / ch["file"])
        seconds = samples.size / 44100
        assert abs(seconds - ch["duration_ms"] / 1000) < 0.1, (ch["file"], seconds)
        assert float(np.sqrt(np.mean(samples**2))) > 0.01, f"{ch['file']} is silent"
        assert str(ID3(out / ch["file"])["TRCK"]) == f"{ch['index']}/8"
    assert not (tmp_path / ".audio.partial").exists()
