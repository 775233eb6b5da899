"""`dramatis voices`, `dramatis cast` and `dramatis preview` through the real CLI and engine."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import ESPEAK, FFMPEG
from dramatis.cli import main
from dramatis.speech.plan import spoken_text
from dramatis.speech.synthesize import ClipCache, clip_key

needs_espeak = pytest.mark.needs(*ESPEAK)


def ffprobe(path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
         str(path)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(out)


STORY = """\
The Drop

The dropship shook as it fell.

"Hold on to something," said Clarke.

"We're going to die down here," Bellamy said.

"Not today," said Clarke. "Today we find out whether the ground can keep us alive."

Clarke unbuckled and stood up.
"""

VOICES = """\
# hand-written
narrator: {voice: gmw/en-us}
characters:
  Clarke:   # the princess
    gender: female
    voice: gmw/en+f3
  Bellamy: {gender: male}
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "drop.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "voices.yaml").write_text(VOICES, encoding="utf-8")
    return tmp_path


@needs_espeak
def test_voices_lists_engine_voices_by_language(capsys):
    assert main(["voices", "--language", "en-gb", "--json"]) == 0
    voices = json.loads(capsys.readouterr().out)["voices"]
    ids = [v["id"] for v in voices]
    assert len(ids) == len(set(ids)) > 10
    assert all(any(lang.startswith("en-gb") for lang in v["languages"]) for v in voices)
    assert {"female", "male"} <= {v["gender"] for v in voices}
    assert "gmw/en" in ids and "gmw/en-us" not in ids

    assert main(["voices", "-l", "en"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["id", "name", "languages", "gender"]
    assert any(line.startswith("gmw/en-us ") for line in table)


@needs_espeak
def test_voices_unknown_language_is_one_line(capsys):
    assert main(["voices", "--language", "xx-nowhere"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "xx-nowhere" in err


@needs_espeak
def test_cast_reports_lines_words_share_and_voice_without_writing(project, capsys):
    before = (project / "voices.yaml").read_bytes()
    assert main(["cast", "drop.txt", "--format", "json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)["characters"]}
    assert (project / "voices.yaml").read_bytes() == before  # only looks
    # Clarke: 4 + 2 + 11 words in 3 lines; Bellamy: 6 words in 1 line (counted by hand).
    assert (rows["Clarke"]["lines"], rows["Clarke"]["words"]) == (3, 17)
    assert (rows["Bellamy"]["lines"], rows["Bellamy"]["words"]) == (1, 6)
    assert rows["Clarke"]["share"] == pytest.approx(17 / 23, abs=1e-3)
    assert rows["Clarke"]["voice"]["id"] == "gmw/en+f3"
    # Bellamy has no voice in the file: the one he is given is neither Clarke's nor the
    # narrator's.
    assert rows["Bellamy"]["voice"]["id"] not in (None, "gmw/en-us", "gmw/en+f3")
    assert rows["Clarke"]["listed"] and rows["Bellamy"]["listed"]

    assert main(["cast", "drop.txt"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].split()[:6] == ["Clarke", "female", "3", "17", "74%", "gmw/en+f3"]
    assert "*" not in out


@needs_espeak
def test_cast_marks_characters_a_build_would_add(project, capsys):
    (project / "voices.yaml").write_text("narrator: {voice: gmw/en-us}\n")
    assert main(["cast", "drop.txt", "--format", "json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)["characters"]}
    assert set(rows) == {"Clarke", "Bellamy"}
    assert not rows["Clarke"]["listed"] and not rows["Bellamy"]["listed"]
    ids = {rows["Clarke"]["voice"]["id"], rows["Bellamy"]["voice"]["id"]}
    assert len(ids) == 2 and "gmw/en-us" not in ids and None not in ids
    assert (project / "voices.yaml").read_text() == "narrator: {voice: gmw/en-us}\n"
    assert main(["cast", "drop.txt"]) == 0
    assert "Clarke *" in capsys.readouterr().out


@needs_espeak
def test_cast_shows_the_voices_a_build_will_write(project, capsys):
    """With no narrator voice set, the engine's default is the narrator's and no character
    may take it: `cast` must count it as a build does, or it promises other voices."""
    from dramatis.build.analysis import analyze_paths
    from dramatis.cast.config import load_cast
    from dramatis.speech.engines import EngineBook

    (project / "voices.yaml").unlink()
    assert main(["cast", "drop.txt", "--format", "json"]) == 0
    shown = {r["name"]: r["voice"]["id"] for r in json.loads(capsys.readouterr().out)["characters"]}
    assert not (project / "voices.yaml").exists()
    engines = EngineBook()
    analyze_paths([project / "drop.txt"], project / "voices.yaml", engines=engines, add_new=True)
    written = load_cast(project / "voices.yaml", engines["pyttsx3"])
    assert {n: c.voice.id for n, c in written.characters.items()} == {
        n: v for n, v in shown.items() if n != "narrator"
    }


def test_cast_with_invalid_voices_file_is_one_line(project, capsys):
    (project / "voices.yaml").write_text("characters:\n  Clarke:\n    pitch: 300\n")
    assert main(["cast", "drop.txt"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        "dramatis: error: voices.yaml:3: characters.Clarke.pitch 300 is out of range (0-100)"
    )


@needs_espeak
@pytest.mark.needs(*FFMPEG, *ESPEAK)
def test_preview_speaks_one_of_the_characters_own_lines(project, capsys):
    cache = project / "clips"
    code = main(["preview", "clarke", "drop.txt", "--out", "clarke.mp3", "--cache", str(cache)])
    assert code == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    line = "Today we find out whether the ground can keep us alive."
    assert "Clarke" in out and line in out
    info = ffprobe(project / "clarke.mp3")
    assert info["streams"][0]["codec_name"] == "mp3"
    seconds = float(info["format"]["duration"])
    assert 1.5 < seconds < 10  # 11 words at about 175 wpm
    # The clip in the cache is exactly that line in Clarke's voice from voices.yaml.
    from dramatis.model import Voice
    from dramatis.speech.engines import describe_engine

    said = spoken_text(line, dialogue=True, heading=False, pronunciations={})
    identity = describe_engine("pyttsx3").identity
    assert ClipCache(cache).has(clip_key(identity, Voice("gmw/en+f3"), said))
    assert not list(project.glob(".*.part"))


@needs_espeak
def test_preview_unknown_name_suggests(project, capsys):
    assert main(["preview", "Clark", "drop.txt"]) == 2
    err = capsys.readouterr().err
    assert "no character named 'Clark'" in err and "did you mean 'Clarke'" in err
    assert not list(project.glob("*.mp3"))
