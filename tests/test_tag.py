"""Tags as players read them: mutagen for ID3 frames, ffprobe for chapter order."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from conftest import FFMPEG, ffprobe
from dramatis.formats.tag import Tags, read_fingerprint, write_tags

pytestmark = pytest.mark.needs(*FFMPEG)


@pytest.fixture
def mp3(tmp_path: Path) -> Path:
    out = tmp_path / "x.mp3"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=300:duration=12",
         "-ac", "1", "-b:a", "64k", str(out)],
        check=True,
    )  # fmt: skip
    return out


def test_tags_and_chapters_in_time_order(mp3: Path) -> None:
    # Titles of very different lengths: mutagen alone would sort the frames by size.
    scenes = [
        (0, 3000, "A much, much longer first scene title than the others"),
        (3000, 6000, "B"),
        (6000, 9000, "Third scene, medium length"),
        (9000, 12000, "Scène 4 — 🎧"),
    ]
    write_tags(
        mp3,
        Tags(title="Chapter 1", album="The Story", artist=None, track=1, total=3,
             chapters=scenes, fingerprint="abc123", cover=b"\xff\xd8\xff\xe0fakejpeg"),
    )  # fmt: skip
    id3 = ID3(mp3)
    assert id3.version[:2] == (2, 3)
    assert str(id3["TIT2"]) == "Chapter 1"
    assert str(id3["TALB"]) == "The Story"
    assert str(id3["TPE1"]) == "Unknown"
    assert str(id3["TRCK"]) == "1/3"
    assert str(id3["TCON"]) == "Audiobook"
    assert id3.getall("APIC")[0].data.startswith(b"\xff\xd8")
    assert read_fingerprint(mp3) == "abc123"
    chapters = ffprobe(mp3)["chapters"]
    got = [(round(float(c["start_time"]) * 1000), c["tags"]["title"]) for c in chapters]
    assert got == [(s, t) for s, _e, t in scenes]


def test_fingerprint_of_a_foreign_file_is_none(tmp_path: Path, mp3: Path) -> None:
    assert read_fingerprint(mp3) is None
    assert read_fingerprint(tmp_path / "missing.mp3") is None


def test_cover_mime_follows_the_picture(mp3: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
    write_tags(mp3, Tags(title="T", album="A", artist="B", track=1, total=1, cover=png))
    (apic,) = ID3(mp3).getall("APIC")
    assert apic.mime == "image/png" and apic.data == png


def test_title_card_is_a_square_jpeg_made_the_same_every_time() -> None:
    from io import BytesIO

    from PIL import Image

    from dramatis.formats.cover import SIZE, title_card

    card = title_card("A Rather Long Title for a Story About the Woods", "Some Author")
    assert card == title_card("A Rather Long Title for a Story About the Woods", "Some Author")
    with Image.open(BytesIO(card)) as img:
        assert img.format == "JPEG" and img.size == (SIZE, SIZE) == (3000, 3000)
    assert card != title_card("Another Title", "Some Author")


def test_user_cover_is_checked(tmp_path: Path) -> None:
    from PIL import Image

    from dramatis.errors import DramatisError
    from dramatis.formats.cover import load_cover

    good = tmp_path / "c.png"
    Image.new("RGB", (40, 40), "red").save(good)
    assert load_cover(good) == good.read_bytes()
    gif = tmp_path / "c.gif"
    Image.new("RGB", (40, 40), "blue").save(gif)
    assert load_cover(gif)[:3] == b"\xff\xd8\xff"  # converted to JPEG
    bad = tmp_path / "notes.txt"
    bad.write_text("not a picture")
    with pytest.raises(DramatisError, match=r"notes\.txt"):
        load_cover(bad)
    with pytest.raises(DramatisError, match=r"missing\.jpg"):
        load_cover(tmp_path / "missing.jpg")
