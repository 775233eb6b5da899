"""End to end through the real command: a story becomes tagged chapter MP3s.

These tests run the CLI in a subprocess (exit codes, stdout/stderr exactly as a user sees
them) with the real engine and ffmpeg, then inspect the result with ffprobe and mutagen.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from mutagen.id3 import ID3
from ruamel.yaml import YAML

from conftest import ESPEAK, FFMPEG, ffprobe

pytestmark = pytest.mark.needs(*FFMPEG, *ESPEAK)

STORY = """---
title: The Long Night
author: A. Writer
series: The Ark Stories
part: 2
summary: Bellamy goes looking for Clarke.
---

Chapter 1: The Woods

Bellamy walked into the trees. The birds were loud.

"Clarke?" Bellamy called. "Are you out here?"

"Go home, Bellamy," Clarke said. She did not turn around.

* * *

Morning came slowly. Nobody spoke for a long while.

Chapter 2: Home

"You came back," Octavia said, smiling at her brother.

"I always do," Bellamy said.
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    return subprocess.run(
        [sys.executable, "-m", "dramatis.cli", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("book")
    (root / "stories").mkdir()
    (root / "stories" / "long-night.txt").write_text(STORY, encoding="utf-8")
    result = run(
        "build", "--json", "--quiet", "--cache", str(root / "cache"),
        "--base-url", "https://example.org/books/", cwd=root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return root, json.loads(result.stdout)


def test_build_with_base_url_writes_the_feed(built: tuple[Path, dict]) -> None:
    import feedparser

    root, summary = built
    feed = feedparser.parse((root / "audio" / "feed.xml").read_bytes())
    assert not feed.bozo
    files = [Path(c["file"]) for c in summary["stories"][0]["chapters"]]
    urls = [e.enclosures[0].href for e in feed.entries]
    assert sorted(urls) == sorted(
        "https://example.org/books/the-long-night/" + quote(f.name) for f in files
    )
    lengths = {e.enclosures[0].href: int(e.enclosures[0].length) for e in feed.entries}
    for f in files:
        assert (
            lengths["https://example.org/books/the-long-night/" + quote(f.name)]
            == (root / f).stat().st_size
        )


def test_summary_lists_each_chapter(built: tuple[Path, dict]) -> None:
    _root, summary = built
    (story,) = summary["stories"]
    assert story["title"] == "The Long Night"
    assert [c["title"] for c in story["chapters"]] == ["Chapter 1: The Woods", "Chapter 2: Home"]
    assert summary["clips"]["synthesized"] > 0
    files = [Path(c["file"]).name for c in story["chapters"]]
    assert files == ["01 - Chapter 1 The Woods.mp3", "02 - Chapter 2 Home.mp3"]
    assert Path(story["dir"]) == Path("audio") / "the-long-night"


def test_mp3s_decode_with_tags_and_plausible_duration(built: tuple[Path, dict]) -> None:
    root, summary = built
    chapters = summary["stories"][0]["chapters"]
    manifest = json.loads((root / "audio/the-long-night/dramatis.json").read_text())
    for n, (ch, entry) in enumerate(zip(chapters, manifest["chapters"], strict=True), start=1):
        path = root / ch["file"]
        info = ffprobe(path)
        (stream,) = [s for s in info["streams"] if s["codec_type"] == "audio"]  # not the cover
        assert stream["codec_name"] == "mp3" and stream["channels"] == 1
        duration = float(info["format"]["duration"])
        assert abs(duration - ch["duration_s"]) < 0.2
        # No missing or silent segment: the file holds every clip, back to back with pauses.
        spoken = sum(c["end_ms"] - c["start_ms"] for c in entry["cues"]) / 1000
        words = sum(len(c["text"].split()) for c in entry["cues"])
        assert spoken > words * 60 / 400  # faster than any voice could speak: clips missing
        assert duration > spoken and duration < spoken + 2 * len(entry["cues"]) + 6
        id3 = ID3(path)
        assert str(id3["TIT2"]) == ch["title"]
        assert str(id3["TALB"]) == "The Long Night"
        assert str(id3["TPE1"]) == "A. Writer"
        assert str(id3["TRCK"]) == f"{n}/2"
        assert str(id3["TCON"]) == "Audiobook"
        assert str(id3["TIT1"]) == "The Ark Stories, part 2"
        assert str(id3["TXXX:SERIES-PART"]) == "2"
        assert str(id3["COMM::eng"]) == "Bellamy goes looking for Clarke."


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9']+", text.replace("’", "'"))


def test_every_word_is_spoken_once_in_order(built: tuple[Path, dict]) -> None:
    root, _ = built
    manifest = json.loads((root / "audio/the-long-night/dramatis.json").read_text())
    cues = [c for ch in manifest["chapters"] for c in ch["cues"]]
    # ACX credits open the first chapter and close the last; the story is in between.
    assert cues[0]["text"] == "The Long Night. Written by A. Writer. Read by Dramatis."
    assert cues[-1]["text"] == "The End."
    spoken = [w for c in cues[1:-1] for w in _words(c["text"])]
    body = STORY.split("---", 2)[2].replace("* * *", "")
    assert spoken == _words(body)


def test_characters_get_distinct_voices_added_to_voices_yaml(built: tuple[Path, dict]) -> None:
    root, _ = built
    data = YAML(typ="safe").load((root / "voices.yaml").read_text())
    chars = data["characters"]
    assert {"Bellamy", "Clarke", "Octavia"} <= set(chars)
    voices = {name: (c["voice"], c.get("rate"), c.get("pitch")) for name, c in chars.items()}
    assert len(set(voices.values())) == len(voices)
    narrator = (data.get("narrator") or {}).get("voice")
    assert all(v[0] != narrator for v in voices.values())
    manifest = json.loads((root / "audio/the-long-night/dramatis.json").read_text())
    speakers = {c["speaker"] for ch in manifest["chapters"] for c in ch["cues"]}
    assert {"Narrator", "Bellamy", "Clarke", "Octavia"} <= speakers


def test_unchanged_rebuild_synthesizes_and_rewrites_nothing(built: tuple[Path, dict]) -> None:
    root, summary = built
    files = [root / c["file"] for c in summary["stories"][0]["chapters"]]
    before = [f.stat().st_mtime_ns for f in files]
    result = run("build", "--json", "--quiet", "--cache", str(root / "cache"), cwd=root)
    assert result.returncode == 0, result.stderr
    again = json.loads(result.stdout)
    assert again["clips"]["synthesized"] == 0
    assert again["clips"]["reused"] == summary["clips"]["synthesized"] + summary["clips"]["reused"]
    assert [f.stat().st_mtime_ns for f in files] == before


def test_script_json_tiles_the_text(tmp_path: Path) -> None:
    story = tmp_path / "s.txt"
    story.write_text(STORY, encoding="utf-8")
    result = run("script", str(story), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    segs = json.loads(result.stdout)["segments"]
    assert segs[0]["start"] == 0 and segs[-1]["end"] == len(STORY)
    assert all(a["end"] == b["start"] for a, b in itertools.pairwise(segs))
    dialogue = [STORY[s["start"] : s["end"]] for s in segs if s["kind"] == "dialogue"]
    assert dialogue[0] == '"Clarke?"'
    by_text = {STORY[s["start"] : s["end"]]: s["speaker"] for s in segs}
    assert by_text['"Go home, Bellamy,"'] == "Clarke"
    assert by_text['"I always do,"'] == "Bellamy"
    assert not list(tmp_path.glob("voices.yaml")) and not (tmp_path / "audio").exists()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: None, r"stories/missing\.txt"),
        (lambda d: (d / "stories/missing.txt").write_text(""), r"stories/missing\.txt.*empty"),
        (
            lambda d: (d / "stories/missing.txt").write_bytes(b"\x00\x01\x02\xff" * 100),
            r"missing\.txt",
        ),
    ],
)
def test_bad_story_is_one_line_exit_2_nothing_written(tmp_path: Path, setup, message: str) -> None:
    (tmp_path / "stories").mkdir()
    setup(tmp_path)
    result = run("build", "stories/missing.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and re.search(message, lines[0]), result.stderr
    assert not (tmp_path / "audio").exists() and not (tmp_path / "voices.yaml").exists()


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("narrator: {rate: 170\n", r"voices\.yaml:\d+"),
        ("narrator:\n  rate: 9000\n", r"voices\.yaml:2:.*rate"),
        ("narrator:\n  voice: no-such-voice\n", r"voices\.yaml:2:.*voice"),
        ("characters:\n  Clarke:\n    gender: robot\n", r"voices\.yaml:3:.*gender"),
    ],
)
def test_bad_voices_yaml_is_one_line_exit_2_nothing_written(
    tmp_path: Path, yaml_text: str, message: str
) -> None:
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "a.txt").write_text('"Hello," Clarke said.\n')
    (tmp_path / "voices.yaml").write_text(yaml_text)
    result = run("build", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and re.search(message, lines[0]), result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "voices.yaml").read_text() == yaml_text
    assert not (tmp_path / "audio").exists()


def test_a_deleted_output_is_rebuilt_even_when_inputs_are_unchanged(
    built: tuple[Path, dict],
) -> None:
    root, summary = built
    first = root / summary["stories"][0]["chapters"][0]["file"]
    second = root / summary["stories"][0]["chapters"][1]["file"]
    kept = second.stat().st_mtime_ns
    first.unlink()
    result = run("build", "--json", "--quiet", "--cache", str(root / "cache"), "--base-url",
                 "https://example.org/books/", cwd=root)  # fmt: skip
    assert result.returncode == 0, result.stderr
    again = json.loads(result.stdout)
    assert again["clips"]["synthesized"] == 0  # its clips are still cached
    assert float(ffprobe(first)["format"]["duration"]) > 5
    assert second.stat().st_mtime_ns == kept


def test_a_renamed_chapter_leaves_no_stale_files(tmp_path: Path) -> None:
    (tmp_path / "stories").mkdir()
    story = tmp_path / "stories" / "short.txt"
    text = 'Chapter 1\n\n"Hello," Anna said.\n\nChapter 2: Home\n\nThe door shut.\n'
    story.write_text(text, encoding="utf-8")
    args = ("build", "--json", "--quiet", "--no-credits", "--cache", str(tmp_path / "cache"))
    assert run(*args, cwd=tmp_path).returncode == 0
    out = tmp_path / "audio" / "short"
    assert (out / "02 - Chapter 2 Home.mp3").is_file()
    story.write_text(text.replace("Home", "House"), encoding="utf-8")
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    names = {p.name for p in out.iterdir()}
    assert "02 - Chapter 2 House.mp3" in names and "02 - Chapter 2 House.vtt" in names
    assert not any("Home" in n for n in names), names
    manifest = json.loads((out / "dramatis.json").read_text())
    assert [c["file"] for c in manifest["chapters"]] == [
        "01 - Chapter 1.mp3",
        "02 - Chapter 2 House.mp3",
    ]
