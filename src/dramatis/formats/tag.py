"""ID3v2.3 tags with mutagen: what players, podcast apps and audiobook shelves read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    PRIV,
    TALB,
    TCON,
    TIT1,
    TIT2,
    TLAN,
    TPE1,
    TPE2,
    TRCK,
    TXXX,
    CTOCFlags,
)

from dramatis.formats.cover import image_mime

GENRE = "Audiobook"
FINGERPRINT = "dramatis:fingerprint"


@dataclass(slots=True)
class Tags:
    title: str
    album: str
    artist: str | None
    track: int
    total: int
    language: str | None = None
    comment: str | None = None
    cover: bytes | None = None
    cover_mime: str = "image/jpeg"
    # (start_ms, end_ms, title) for each scene inside the file.
    chapters: list[tuple[int, int, str]] = field(default_factory=list)
    # Hash of the build inputs: an unchanged chapter is not rewritten.
    fingerprint: str | None = None
    # A story's series ("The Long Night", part 2): grouping for players, and the TXXX
    # SERIES / SERIES-PART frames audiobook shelves such as Audiobookshelf read.
    series: str | None = None
    series_part: str | None = None


def iso639_2(tag: str) -> str | None:
    """The ISO 639-2 code ID3's TLAN frame holds ("eng") for a BCP 47 tag ("en", "en-GB",
    "pt_BR"), or None when it is not one (then no TLAN is written rather than a wrong one).

    ID3 names ISO 639-2 without saying which of its two code sets; the terminology code
    ("fra", "deu", "zho") is used, as MP4's language field and ISO 639-3 use it, rather
    than the bibliographic one ("fre", "ger", "chi"). langcodes (small, pure Python, no data
    download) does the parsing; its language-name data (30 MB) is not needed: the readers
    already turn names such as "English" into tags."""
    import langcodes

    try:
        language = langcodes.Language.get(tag.strip().replace("_", "-"))
        code = language.to_alpha3() if language.language else None
    except (LookupError, ValueError):
        return None
    return code if code and len(code) == 3 and code.isalpha() else None


def write_tags(path: Path, tags: Tags) -> None:
    """Replace the file's ID3 tag; chapter frames are written in time order with a CTOC."""
    id3 = ID3()
    artist = tags.artist or "Unknown"
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TPE1(encoding=3, text=artist))
    id3.add(TPE2(encoding=3, text=artist))
    id3.add(TRCK(encoding=3, text=f"{tags.track}/{tags.total}"))
    id3.add(TCON(encoding=3, text=GENRE))
    language = iso639_2(tags.language) if tags.language else None
    if language:
        id3.add(TLAN(encoding=3, text=language))
    if tags.comment:
        id3.add(COMM(encoding=3, lang="eng", desc="", text=tags.comment))
    if tags.cover:
        mime = image_mime(tags.cover) or tags.cover_mime
        id3.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=tags.cover))
    if tags.series:
        group = f"{tags.series}, part {tags.series_part}" if tags.series_part else tags.series
        id3.add(TIT1(encoding=3, text=group))
        id3.add(TXXX(encoding=3, desc="SERIES", text=tags.series))
        if tags.series_part:
            id3.add(TXXX(encoding=3, desc="SERIES-PART", text=tags.series_part))
    if tags.fingerprint:
        id3.add(TXXX(encoding=3, desc=FINGERPRINT, text=tags.fingerprint))
    if tags.chapters:
        _add_chapters(id3, tags)
    id3.save(path, v2_version=3)


def _add_chapters(id3: ID3, tags: Tags) -> None:
    """CTOC plus one CHAP per scene, kept in time order however mutagen sorts them.

    mutagen writes frames sorted by (kind, byte size, key), and ffmpeg/players list
    chapters in the order the frames appear.  Every CHAP therefore gets the same byte size
    (a private padding sub-frame makes up the difference) and zero-padded ids sort in time
    order: the order survives any later re-save by mutagen-based taggers such as beets.
    """
    width = max(3, len(str(len(tags.chapters))))
    ids = [f"chp{i:0{width}d}" for i in range(len(tags.chapters))]
    id3.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text=tags.title)],
        )
    )
    # ID3v2.3 has no UTF-8: mutagen stores the titles as UTF-16, two bytes a unit.
    sizes = [len(title.encode("utf-16-le")) for _s, _e, title in tags.chapters]
    longest = max(sizes)
    for cid, size, (start, end, title) in zip(ids, sizes, tags.chapters, strict=True):
        pad = longest - size
        id3.add(
            CHAP(
                element_id=cid,
                start_time=start,
                end_time=end,
                sub_frames=[
                    TIT2(encoding=3, text=title),
                    PRIV(owner="dramatis-pad", data=b"\0" * pad),
                ],
            )
        )


def read_fingerprint(path: Path) -> str | None:
    """The build fingerprint stored in a chapter file, or None (not ours, or unreadable)."""
    from mutagen import MutagenError

    if Path(path).suffix.lower() in (".m4b", ".m4a"):
        from dramatis.formats.m4b import read_book_fingerprint

        return read_book_fingerprint(path)

    try:
        frames = ID3(path).getall(f"TXXX:{FINGERPRINT}")
    except (MutagenError, OSError):
        return None
    return str(frames[0].text[0]) if frames and frames[0].text else None
