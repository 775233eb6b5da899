"""The build as a user runs it: one analysis for script and build, clean logs, safe locks.

Every build here is the real command in a subprocess, with stderr and stdout captured the
way a log file or a pipe captures them (not a terminal).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from mutagen.id3 import ID3

from conftest import ESPEAK, FFMPEG, ffprobe

pytestmark = pytest.mark.needs(*FFMPEG, *ESPEAK)

# The title (slug "the-night-watch") differs from the file name (night.txt), so a
# per-story section keyed "night.txt" can only be found by file name.
STORY = """---
title: The Night Watch
author: A. Writer
---

Chapter 1

Octavia stood at the gate. Bellamy came up the hill behind her.

"Anything out there?" Bellamy asked.

"Only the wind," Octavia said.
"""


def run(*args: str, cwd: Path, stderr_file: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    cmd = [sys.executable, "-m", "dramatis.cli", *args]
    if stderr_file is None:
        return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=240)
    with stderr_file.open("w") as err:
        out = subprocess.run(
            cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=err, text=True, timeout=240
        )
    return subprocess.CompletedProcess(
        out.args, out.returncode, out.stdout, stderr_file.read_text()
    )


def _project(root: Path) -> Path:
    (root / "stories").mkdir(parents=True)
    (root / "stories" / "night.txt").write_text(STORY, encoding="utf-8")
    return root


def _script(root: Path) -> dict:
    result = run("script", "stories/night.txt", "--format", "json", cwd=root)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_pin_by_file_name_reaches_script_and_build_and_logs_stay_clean(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cache = str(root / "cache")
    # 1. A plain build (no --quiet, no --json) with stderr going to a file: no bars.
    first = run("build", "--cache", cache, cwd=root, stderr_file=root / "build.log")
    assert first.returncode == 0, first.stderr
    assert "\r" not in first.stderr and "\x1b" not in first.stderr

    # 2. Pin Bellamy's line to Octavia under the story's *file name*.
    before = _script(root)
    line = next(s for s in before["segments"] if s["kind"] == "dialogue")
    said = before["text"][line["start"] : line["end"]]
    assert line["speaker"] == "Bellamy" and "Anything out there" in said
    with (root / "voices.yaml").open("a", encoding="utf-8") as f:
        f.write(f"stories:\n  night.txt:\n    pins:\n      {line['line_id']}: Octavia\n")

    after = _script(root)
    pinned = next(s for s in after["segments"] if s["line_id"] == line["line_id"])
    assert pinned["speaker"] == "Octavia"

    # 3. The build speaks that line in Octavia's voice: the transcript says so.
    second = run("build", "--json", "--cache", cache, cwd=root, stderr_file=root / "json.log")
    assert second.returncode == 0, second.stderr
    assert "\r" not in second.stderr and "\x1b" not in second.stderr
    summary = json.loads(second.stdout)  # exactly one JSON document, nothing else
    assert second.stdout.strip().count("\n") == 0
    assert summary["clips"]["synthesized"] >= 1
    manifest_path = root / "audio" / "the-night-watch" / "dramatis.json"
    cues = [c for ch in json.loads(manifest_path.read_text())["chapters"] for c in ch["cues"]]
    spoken = [c for c in cues if "Anything out there" in c["text"]]
    assert spoken and {c["speaker"] for c in spoken} == {"Octavia"}

    # 4. A damaged manifest is said, in one line, and the story is rebuilt.
    manifest_path.write_text("{not json", encoding="utf-8")
    third = run("build", "--quiet", "--cache", cache, cwd=root)
    assert third.returncode == 0, third.stderr
    warnings = [ln for ln in third.stderr.splitlines() if ln.startswith("dramatis: warning:")]
    assert len(warnings) == 1 and "dramatis.json" in warnings[0], third.stderr
    assert "Traceback" not in third.stderr
    assert json.loads(manifest_path.read_text())["chapters"]

    # 5. A feed without --base-url links relative to itself; podcast parsers resolve it.
    fed = run("feed", "audio", cwd=root)
    assert fed.returncode == 0, fed.stderr
    import feedparser
    import podcastparser

    feed_path = root / "audio" / "feed.xml"
    parsed = feedparser.parse(feed_path.read_bytes())
    assert not parsed.bozo and parsed.entries
    hrefs = [e.enclosures[0].href for e in parsed.entries]
    assert all(not urlsplit(h).scheme and h.startswith("the-night-watch/") for h in hrefs)
    for h in hrefs:
        assert (root / "audio" / unquote(h)).is_file()
    with feed_path.open("rb") as f:
        podcast = podcastparser.parse(feed_path.as_uri(), f)
    urls = [e["enclosures"][0]["url"] for e in podcast["episodes"]]
    assert len(urls) == len(hrefs)
    for url in urls:
        assert Path(unquote(urlsplit(url).path)).is_file()


def test_a_second_build_into_a_held_folder_refuses_in_one_line(tmp_path: Path) -> None:
    from dramatis.build.lock import output_lock

    root = _project(tmp_path)
    with output_lock(root / "audio"):
        t0 = time.monotonic()
        result = run("build", "--cache", str(root / "cache"), cwd=root)
        waited = time.monotonic() - t0
    assert result.returncode == 75
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.fullmatch(
        rf"dramatis: error: .*audio: another build is writing into this folder "
        rf"\(pid {os.getpid()}, started \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d\); .*",
        lines[0],
    ), lines[0]
    assert waited > 3  # it waited for the other build before giving up
    assert not (root / "audio").exists()  # nothing written
    assert not (root / "voices.yaml").exists()


def test_two_builds_started_together_into_one_folder(tmp_path: Path) -> None:
    root = _project(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    cmd = [sys.executable, "-m", "dramatis.cli", "build", "--json", "--cache", str(root / "cache")]
    procs = [
        subprocess.Popen(
            cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=240), *p.communicate()) for p in procs]
    assert any(code == 0 for code, _out, _err in results), results
    for code, out, err in results:
        if code == 0:
            json.loads(out)
        else:
            assert code == 75, err
            (line,) = err.strip().splitlines()
            assert "another build is writing into this folder (pid " in line
        assert "Traceback" not in err

    later = run("build", "--json", "--cache", str(root / "cache"), cwd=root)
    assert later.returncode == 0, later.stderr
    chapters = json.loads(later.stdout)["stories"][0]["chapters"]
    assert chapters
    for ch in chapters:
        path = root / ch["file"]
        assert float(ffprobe(path)["format"]["duration"]) > 1
        assert str(ID3(path)["TIT2"]) == ch["title"]
    leftovers = [p.name for p in (root / "audio" / "the-night-watch").iterdir()]
    assert not [n for n in leftovers if n.startswith(".") or n.endswith(".part")], leftovers
    assert not (root / ".audio.partial").exists()
