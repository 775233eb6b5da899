"""What a story's folder holds besides its audio: manifest, cover, transcripts, playlist.

The manifest is saved after every finished chapter (a killed build's files always have
their timed transcript), and compared at the end with the manifest from before the build
to remove files of chapters that no longer exist.
"""

from __future__ import annotations

import logging
from pathlib import Path

from dramatis.build.chapters import PlannedChapter, PlannedStory, meta_str
from dramatis.formats.cover import image_mime
from dramatis.paths import write_atomic
from dramatis.publish.feed import write_sidecars
from dramatis.publish.manifest import MANIFEST_NAME, ChapterEntry, Manifest

log = logging.getLogger(__name__)

Entries = dict[int, ChapterEntry]  # by id() of the planned chapter


def start_story(ps: PlannedStory) -> None:
    """Read the previous build's manifest and place the cover, once per story."""
    ps.previous = _load_manifest(ps.dir / MANIFEST_NAME)
    ps.cover_name = _cover_file(ps)


def _story_entries(ps: PlannedStory, entries: Entries) -> list[ChapterEntry]:
    """This build's entries, else the previous manifest's for chapters left as they were."""
    previous = {e.file: e for e in (ps.previous.chapters if ps.previous else [])}
    out = []
    for ch in ps.chapters:
        if id(ch) in entries:
            out.append(entries[id(ch)])
        elif ch.path.name in previous:
            out.append(previous[ch.path.name])
        elif ch.path.is_file():
            out.append(_entry_from_file(ch))
    return out


def _manifest(ps: PlannedStory, chapters: list[ChapterEntry]) -> Manifest:
    return Manifest(
        title=ps.story.title,
        slug=ps.dir.name,
        chapters=chapters,
        author=ps.story.author,
        summary=meta_str(ps.story, "summary"),
        language=meta_str(ps.story, "language") or "en",
        cover=ps.cover_name,
    )


def _cover_file(ps: PlannedStory) -> str | None:
    """The cover beside the audio (``cover.jpg``/``.png``) for feeds and players."""
    if not ps.cover:
        return None
    name, other = ("cover.png", "cover.jpg")
    if image_mime(ps.cover) != "image/png":
        name, other = other, name
    (ps.dir / other).unlink(missing_ok=True)
    path = ps.dir / name
    if not (path.is_file() and path.read_bytes() == ps.cover):
        ps.dir.mkdir(parents=True, exist_ok=True)
        write_atomic(path, ps.cover)
    return name


def save_progress(ps: PlannedStory, entries: Entries) -> None:
    """Record each finished chapter at once: a resumed build keeps its timed transcript."""
    _manifest(ps, _story_entries(ps, entries)).save(ps.dir / MANIFEST_NAME)


def finish_story(ps: PlannedStory, entries: Entries) -> dict:
    """Final manifest, transcripts and playlist; files of chapters that no longer exist go.

    Compared with the manifest from *before* this build: the progress saves in between
    already list only this build's chapters, so they cannot tell which files went stale.
    """
    ps.dir.mkdir(parents=True, exist_ok=True)
    old = ps.previous
    manifest = _manifest(ps, _story_entries(ps, entries))
    _remove_stale_files(ps.dir, old, manifest)
    if (
        old is None
        or old.to_dict() != manifest.to_dict()
        or any(id(c) in entries for c in ps.chapters)
    ):
        manifest.save(ps.dir / MANIFEST_NAME)
        write_sidecars(ps.dir, manifest)
    return {
        "title": ps.story.title,
        "dir": str(ps.dir),
        "chapters": [
            {
                "file": str(ps.dir / e.file),
                "title": e.title,
                "duration_s": round(e.duration_ms / 1000, 3),
            }
            for e in manifest.chapters
        ],
    }


def _load_manifest(path: Path) -> Manifest | None:
    if not path.is_file():
        return None
    try:
        return Manifest.load(path)
    except Exception as exc:  # any damage: say so, and rebuild the story's files from scratch
        log.warning("%s is unreadable (%s); its story is rebuilt from scratch", path, exc)
        return None


def _entry_from_file(ch: PlannedChapter) -> ChapterEntry:
    import mutagen

    length = mutagen.File(ch.path).info.length
    return ChapterEntry(ch.index, ch.title, ch.path.name, round(length * 1000))


def _remove_stale_files(story_dir: Path, old: Manifest | None, new: Manifest) -> None:
    """Chapter files an earlier build made that this build no longer produces."""
    if old is None:
        return
    keep = {e.file for e in new.chapters}
    for e in old.chapters:
        if e.file in keep:
            continue
        stem = Path(e.file).stem
        for name in (e.file, f"{stem}.vtt", f"{stem}.srt", f"{stem}.chapters.json"):
            (story_dir / name).unlink(missing_ok=True)
