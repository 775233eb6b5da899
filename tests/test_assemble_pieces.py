"""A chapter encoded in pieces and joined is the chapter encoded whole, and pieces resume."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from mutagen.mp3 import MP3

import dramatis.audio.assemble as assemble
from audiokit import LOUD, NARRATOR, decode, script
from conftest import FFMPEG, ffprobe
from dramatis.audio.encode import PROFILES
from dramatis.audio.render import ChapterAudio, ChapterRenderer
from dramatis.speech.synthesize import ClipCache

pytestmark = pytest.mark.needs(*FFMPEG)

SPEC = [
    (NARRATOR, "none", 3.0),
    (NARRATOR, "sentence", 2.5),
    (LOUD, "speaker", 2.5),
    (NARRATOR, "paragraph", 3.0),
    (LOUD, "speaker", 2.0),
    (NARRATOR, "scene", 3.0),
    (NARRATOR, "sentence", 2.5),
    (LOUD, "speaker", 2.5),
    (NARRATOR, "paragraph", 2.0),
]


def _assemble(cache, lines, keys, out: Path, **kw) -> ChapterAudio:
    return assemble.assemble_chapter(lines, keys, cache, out, narrator_voice=repr(NARRATOR), **kw)


def test_pieces_join_into_the_whole_chapter(tmp_path: Path, monkeypatch) -> None:
    cache = ClipCache(tmp_path / "cache")
    lines, keys = script(cache, SPEC)
    whole = _assemble(cache, lines, keys, tmp_path / "whole.mp3")
    monkeypatch.setattr(assemble, "PIECE_MS", 6000)
    joined = _assemble(cache, lines, keys, tmp_path / "joined.mp3", workers=2)

    # The plan really cut the chapter, at pauses.
    r = ChapterRenderer(lines, keys, cache, profile=PROFILES["acx"])
    r.analyse()
    r.layout()
    pieces = assemble.plan_pieces(r, 44100)
    assert len(pieces) >= 3
    assert [p.start_ms for p in joined.placed] == [p.start_ms for p in whole.placed]
    assert joined.duration_ms == whole.duration_ms

    a, b = decode(tmp_path / "joined.mp3"), decode(tmp_path / "whole.mp3")
    assert a.size == b.size  # gapless: not a sample gained or lost at the joins
    seconds = [
        float(ffprobe(tmp_path / f)["format"]["duration"]) for f in ("joined.mp3", "whole.mp3")
    ]
    assert abs(seconds[0] - seconds[1]) < 0.03  # the Info frame tells players the same length
    assert abs(MP3(tmp_path / "joined.mp3").info.length - whole.duration_ms / 1000) < 0.1
    # The same audio to within the coder's noise, and at each join no click: the joined
    # file differs from the whole encode there by less than the room tone's own level.
    diff = np.abs(a - b)
    assert np.sqrt(np.mean(diff**2)) < 0.01 * np.sqrt(np.mean(b**2))
    for p in pieces[1:]:
        j = p.start * 2 + assemble.PRE_FRAMES * 1152 - 1105  # where the piece's frames begin
        near = slice(j - 1500, j + 1500)
        assert diff[near].max() < 10 ** (-60 / 20), "a click at a join"


def test_finished_pieces_are_reused(tmp_path: Path, monkeypatch) -> None:
    cache = ClipCache(tmp_path / "cache")
    lines, keys = script(cache, SPEC)
    monkeypatch.setattr(assemble, "PIECE_MS", 6000)
    first = _assemble(cache, lines, keys, tmp_path / "a.mp3", pieces_dir=tmp_path / "pieces")
    assert first.pieces is not None and len(list(first.pieces.rglob("*.mp3"))) >= 3

    # A build killed after the pieces were made: the next attempt encodes nothing.
    class NoEncoder:
        def __init__(self, *a, **k) -> None:
            raise AssertionError("a finished piece was encoded again")

    def no_analysis(self) -> None:
        raise AssertionError("the chapter was analysed again")

    monkeypatch.setattr(assemble, "Encoder", NoEncoder)
    monkeypatch.setattr(ChapterRenderer, "analyse", no_analysis)
    again = _assemble(cache, lines, keys, tmp_path / "b.mp3", pieces_dir=tmp_path / "pieces")
    assert (tmp_path / "a.mp3").read_bytes() == (tmp_path / "b.mp3").read_bytes()
    assert again.pieces == first.pieces
