"""``dramatis check``: it passes what meets the rules and fails, figure by figure, what does not."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from audiokit import LOUD, NARRATOR, script
from conftest import ESPEAK, FFMPEG
from dramatis.audio.assemble import assemble_chapter
from dramatis.audio.check import check_file
from dramatis.audio.loudness import TruePeak
from dramatis.cli import main
from dramatis.formats.cover import title_card
from dramatis.formats.tag import Tags, write_tags
from dramatis.publish.manifest import MANIFEST_NAME, ChapterEntry, Cue, Manifest, Mark
from dramatis.speech.synthesize import ClipCache

pytestmark = pytest.mark.needs(*FFMPEG, *ESPEAK)

SPEC = [
    (NARRATOR, "none", 3.0),
    (NARRATOR, "paragraph", 3.0),
    (LOUD, "speaker", 6.0),  # long enough for its level to be judged (5 s)
    (NARRATOR, "scene", 3.0),
]


def _figures(report) -> dict[str, bool]:
    return {f.name: f.ok for f in report.figures}


@pytest.fixture(scope="module")
def delivered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-chapter story as the build delivers it: MP3, tags, cover, manifest."""
    root = tmp_path_factory.mktemp("check")
    cache = ClipCache(root / "cache")
    lines, keys = script(cache, SPEC)
    lines[0].text = "A Tale. Read by Dramatis."
    lines[-1].text = "The End."
    story = root / "a-tale"
    story.mkdir()
    path = story / "01 - A Tale.mp3"
    audio = assemble_chapter(lines, keys, cache, path, narrator_voice=repr(NARRATOR))
    scene2 = audio.placed[-1].start_ms
    write_tags(
        path,
        Tags(
            title="A Tale",
            album="A Tale",
            artist="Someone",
            track=1,
            total=1,
            cover=title_card("A Tale", "Someone", size=600),
            chapters=[(0, scene2, "A Tale"), (scene2, audio.duration_ms, "A Tale, scene 2")],
        ),
    )
    cues = [Cue(p.start_ms, p.end_ms, p.line.speaker, p.line.text) for p in audio.placed]
    Manifest(
        "A Tale",
        "a-tale",
        [
            ChapterEntry(
                1, "A Tale", path.name, audio.duration_ms, cues, [Mark(0, "A"), Mark(scene2, "B")]
            )
        ],
    ).save(story / MANIFEST_NAME)
    return path


def test_a_delivered_chapter_passes_everything(delivered: Path) -> None:
    report = check_file(delivered)
    figures = _figures(report)
    assert report.ok, [f for f in report.figures if not f.ok]
    for name in (
        "format", "duration", "loudness", "rms", "true peak", "noise floor",
        "digital silence", "head room tone", "tail room tone", "voices", "tags", "cover",
        "chapters", "opening credits", "closing credits",
    ):  # fmt: skip
        assert figures[name], name


def test_cli_exit_status(delivered: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(delivered.parent)]) == 0
    out = capsys.readouterr().out
    assert "1 file(s) checked, 0 failed" in out
    assert "pass  loudness" in out


def test_raw_engine_style_audio_fails_where_it_should(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Loud, stereo, VBR, starting with digital silence, ending abruptly: each rule trips."""
    bad = tmp_path / "bad.mp3"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
         "aevalsrc=if(lt(t\\,0.3)\\,0\\,0.9*sin(2*PI*440*t)):s=44100:d=4",
         "-ac", "2", "-c:a", "libmp3lame", "-q:a", "4", str(bad)],
        check=True,
    )  # fmt: skip
    figures = _figures(check_file(bad))
    for name in ("format", "loudness", "rms", "true peak", "digital silence", "tags", "cover"):
        assert not figures[name], name
    assert not figures["head room tone"] and not figures["tail room tone"]
    assert main(["check", str(bad)]) == 1
    assert "FAIL  loudness" in capsys.readouterr().out


def test_voice_far_from_the_narrator_fails(delivered: Path, tmp_path: Path) -> None:
    """The delivered file with the character's line turned down 4 dB fails the voice rule."""
    manifest = Manifest.load(delivered.parent / MANIFEST_NAME)
    (cue,) = [c for c in manifest.chapters[0].cues if c.speaker == "Loud"]
    quieter = tmp_path / delivered.name
    span = f"between(t,{cue.start_ms / 1000},{cue.end_ms / 1000})"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(delivered), "-af", f"volume=-4dB:enable='{span}'",
         "-c:a", "libmp3lame", "-b:a", "192k", str(quieter)],
        check=True,
    )  # fmt: skip
    manifest.save(tmp_path / MANIFEST_NAME)
    figure = next(f for f in check_file(quieter).figures if f.name == "voices")
    assert not figure.ok, figure
    assert "Loud" in figure.value
    before = next(f for f in check_file(delivered).figures if f.name == "voices")
    assert before.ok, before


def test_true_peak_agrees_with_ffmpeg(tmp_path: Path) -> None:
    """Our near-peak 4x interpolation against ffmpeg's full ebur128 true-peak meter."""
    rate = 44100
    t = np.arange(rate * 2) / rate
    # Between-sample peaks: a high tone at an awkward phase, plus a burst of noise.
    x = 0.5 * np.sin(2 * np.pi * 10990 * t + 0.7) + 0.1 * np.random.default_rng(3).standard_normal(
        t.size
    )
    x = x.astype(np.float32)
    raw = tmp_path / "x.f32"
    raw.write_bytes(x.tobytes())
    log = subprocess.run(
        ["ffmpeg", "-nostats", "-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", str(raw),
         "-af", "ebur128=peak=true:framelog=verbose", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    theirs = float(log.split("Peak:")[-1].split()[0])
    tp = TruePeak()
    for i in range(0, x.size, 10000):
        tp.feed(x[i : i + 10000])
    assert abs(tp.db() - theirs) < 0.3
    assert tp.db() > 20 * np.log10(np.abs(x).max())  # it did find a peak between samples


STORY = """---
title: The Long Night
author: A. Writer
---

Chapter 1: The Woods

Bellamy walked into the trees. The birds were loud, and the path was long and wet.

"Clarke?" Bellamy called. "Are you out here? It is getting dark."

* * *

Morning came slowly. Nobody spoke for a long while.

Chapter 2: Home

"You came back," Octavia said, smiling at her brother.
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    (root / "stories").mkdir()
    (root / "stories" / "night.txt").write_text(STORY, encoding="utf-8")
    from PIL import Image

    Image.new("RGB", (2400, 2400), (20, 40, 90)).save(root / "cover.png")
    return root


def _build(project: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> None:
    monkeypatch.chdir(project)
    assert main(["build", "--quiet", "--cache", str(project / "cache"), *args]) == 0


def test_built_story_passes_check_with_the_users_cover(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mutagen.id3 import ID3

    _build(project, monkeypatch, "--cover", "cover.png")
    files = sorted((project / "audio" / "the-long-night").glob("*.mp3"))
    assert len(files) == 2
    for f in files:
        assert ID3(f).getall("APIC")[0].data == (project / "cover.png").read_bytes()
    capsys.readouterr()
    assert main(["check", "audio"]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "2 file(s) checked, 0 failed" in out
    assert "Written by A. Writer. Read by Dramatis." in out and "'The End.'" in out


def test_m4b_without_credits_fails_only_the_credit_rules(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(project, monkeypatch, "--format", "m4b", "--no-credits", "--out", "books")
    (book,) = (project / "books" / "the-long-night").glob("*.m4b")
    report = check_file(book)
    failed = sorted(f.name for f in report.figures if not f.ok)
    assert failed == ["closing credits", "opening credits"]
    manifest = Manifest.load(book.parent / MANIFEST_NAME)
    assert [m.title for m in manifest.chapters[0].marks] == [
        "Chapter 1: The Woods",
        "Chapter 2: Home",
    ]
    assert manifest.chapters[0].cues[0].text.startswith("Chapter 1")
    capsys.readouterr()
    assert main(["check", "books"]) == 1


def test_unreadable_cover_stops_the_build_before_anything_is_written(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project)
    (project / "bad.png").write_text("not a picture")
    assert main(["build", "--quiet", "--cover", "bad.png", "--out", "nothing"]) == 2
    assert "bad.png" in capsys.readouterr().err
    assert not (project / "nothing").exists()


def test_k_weighting_matches_pyloudnorm_and_ffmpeg(tmp_path: Path) -> None:
    """Our BS.1770 meter: pyloudnorm's filter design, ffmpeg's integrated loudness."""
    from dramatis.audio import loudness

    pyloudnorm = pytest.importorskip("pyloudnorm")
    rate = 44100
    for r in (22050, 44100, 48000):
        theirs = list(pyloudnorm.Meter(r)._filters.values())
        for (b, a), f in zip(loudness.filters(r), theirs, strict=True):
            assert np.allclose(b, f.b) and np.allclose(a, f.a)
    rng = np.random.default_rng(5)
    t = np.arange(rate * 6) / rate
    x = (0.2 * rng.standard_normal(t.size) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))).astype(
        np.float32
    )
    x[rate * 2 : rate * 3] *= 0.01  # a quiet stretch the gates must drop
    ours = loudness.integrated(loudness.block_powers(x, rate))
    assert abs(ours - pyloudnorm.Meter(rate).integrated_loudness(x.astype(np.float64))) < 0.01
    raw = tmp_path / "x.f32"
    raw.write_bytes(x.tobytes())
    log = subprocess.run(
        ["ffmpeg", "-nostats", "-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", str(raw),
         "-af", "ebur128=framelog=verbose", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    assert abs(ours - float(log.split("I:")[-1].split()[0])) <= 0.1
    # Streamed in odd-sized chunks, the step meter gives the same blocks.
    meter = loudness.StepMeter(rate)
    for i in range(0, x.size, 12345):
        meter.feed(x[i : i + 12345])
    assert abs(loudness.integrated(meter.block_powers()) - ours) < 1e-6
