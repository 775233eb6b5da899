"""Pronunciations change what the engine is told, never the story text, script or transcript."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ESPEAK, FFMPEG
from dramatis.cast.config import load_cast
from dramatis.speech.engines import describe_engine
from dramatis.speech.plan import plan_chapter
from dramatis.speech.synthesize import ClipCache, clip_key
from dramatis.text.read import read_story

pytestmark = pytest.mark.needs(*FFMPEG, *ESPEAK)

STORY = '"Wait for me," Bellamy said. Clarke kept walking toward Polis.\n'
VOICES = """\
narrator: {voice: gmw/en-us, rate: 170}
pronunciations:
  Bellamy: Bell a me
  polis: Poe lease
"""


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    return subprocess.run(
        [sys.executable, "-m", "dramatis.cli", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip


def test_pronunciations_reach_the_engine_but_not_the_script(tmp_path: Path) -> None:
    (tmp_path / "stories").mkdir()
    story_path = tmp_path / "stories" / "walk.txt"
    story_path.write_text(STORY, encoding="utf-8")
    (tmp_path / "voices.yaml").write_text(VOICES, encoding="utf-8")

    build = _run(tmp_path, "build", "--quiet", "--json", "--cache", str(tmp_path / "cache"))
    assert build.returncode == 0, build.stderr

    # What the engine was given: the clips in the cache are keyed by the exact text spoken.
    story = read_story(story_path)
    cast = load_cast(tmp_path / "voices.yaml")
    from dramatis.attribution import attribute
    from dramatis.text.segment import segment

    att = attribute(story.text, segment(story.text), cast)
    cast = load_cast(tmp_path / "voices.yaml")  # now with Bellamy added by the build
    lines = plan_chapter(story, story.chapters[0], att.segments, cast)
    spoken = " ".join(line.text for line in lines)
    assert "Bell a me" in spoken and "Poe lease" in spoken
    assert "Bellamy" not in spoken and "Polis" not in spoken
    cache = ClipCache(tmp_path / "cache")
    facts = describe_engine("pyttsx3")
    assert all(
        cache.has(clip_key(facts.identity, facts.key_voice(ln.voice), ln.text)) for ln in lines
    )

    # What people read: the script, the transcript and the story keep the real words.
    script = _run(tmp_path, "script", "stories/walk.txt")
    assert script.returncode == 0, script.stderr
    assert "Bellamy" in script.stdout and "Bell a me" not in script.stdout
    vtt = next((tmp_path / "audio" / "walk").glob("*.vtt")).read_text(encoding="utf-8")
    assert "Bellamy" in vtt and "Polis" in vtt and "Bell a me" not in vtt
    manifest = json.loads((tmp_path / "audio" / "walk" / "dramatis.json").read_text())
    assert "Poe lease" not in json.dumps(manifest)
    assert story_path.read_text(encoding="utf-8") == STORY
