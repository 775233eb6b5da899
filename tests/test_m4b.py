"""One M4B per story: AAC audio, chapter marks where the chapters start, audiobook tags."""

from __future__ import annotations

import pytest
from mutagen.mp4 import MP4

from audiokit import LOUD, NARRATOR, decode, script, silent_runs
from conftest import FFMPEG, ffprobe
from dramatis.audio.check import check_file
from dramatis.formats.cover import title_card
from dramatis.formats.m4b import BookChapter, BookTags, assemble_book, ffmetadata, write_book_tags
from dramatis.formats.tag import read_fingerprint
from dramatis.speech.synthesize import ClipCache

pytestmark = pytest.mark.needs(*FFMPEG)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("m4b")
    cache = ClipCache(root / "cache")
    lines, keys = script(
        cache,
        [
            (NARRATOR, "none", 4.0),
            (LOUD, "speaker", 4.0),
            (NARRATOR, "heading", 5.0),
            (NARRATOR, "sentence", 4.0),
            (NARRATOR, "heading", 5.0),
        ],
    )
    chapters = [
        BookChapter("One: Woods", lines[:2], keys[:2]),
        BookChapter("Two = Home; #2", lines[2:4], keys[2:4]),
        BookChapter("Three", lines[4:], keys[4:]),
    ]
    out = root / "book.m4b"
    audio = assemble_book(chapters, cache, out, narrator_voice=repr(NARRATOR))
    cover = title_card("Book", "Someone", size=500)
    write_book_tags(
        out, BookTags("Book", "Someone", summary="About a book.", cover=cover, fingerprint="fp1")
    )
    return out, audio, cover


def test_chapters_in_order_where_each_chapter_starts(book) -> None:
    out, audio, _cover = book
    info = ffprobe(out)
    got = [(round(float(c["start_time"]) * 1000), c["tags"]["title"]) for c in info["chapters"]]
    assert [t for _s, t in got] == ["One: Woods", "Two = Home; #2", "Three"]
    assert [s for s, _t in got] == audio.starts_ms
    assert got[0][0] == 0
    # Each later chapter starts in the room tone between chapters: tail + head of quiet.
    runs = silent_runs(decode(out))
    for start_ms in audio.starts_ms[1:]:
        t = start_ms / 1000
        assert any(s < t < e and e - s > 3.0 for s, e in runs), (t, runs)
    assert abs(float(info["format"]["duration"]) * 1000 - audio.duration_ms) < 100


def test_audiobook_tags_and_cover(book) -> None:
    out, _audio, cover = book
    tags = MP4(out).tags
    assert tags["stik"] == [2]
    assert tags["\xa9nam"] == ["Book"] and tags["\xa9ART"] == ["Someone"]
    assert bytes(tags["covr"][0]) == cover
    assert read_fingerprint(out) == "fp1"
    # Tagging after the chapter pass keeps the chapters.
    assert len(ffprobe(out)["chapters"]) == 3


def test_m4b_passes_check(book) -> None:
    out, _audio, _cover = book
    report = check_file(out)
    assert report.ok, [f for f in report.figures if not f.ok]


def test_ffmetadata_escapes_and_uses_milliseconds() -> None:
    text = ffmetadata(["A=B;C", "D#E\\F"], [0, 1500], 3000)
    assert text.startswith(";FFMETADATA1\n")
    assert text.count("TIMEBASE=1/1000") == 2
    assert "title=A\\=B\\;C" in text and "title=D\\#E\\\\F" in text
    assert "START=1500\nEND=3000" in text
