"""Helpers for the publish and serve tests: tiny real MP3s and the manifest the build writes."""

from __future__ import annotations

import subprocess
from pathlib import Path

from mutagen.mp3 import MP3

from dramatis.paths import safe_filename, slugify
from dramatis.publish.manifest import MANIFEST_NAME, ChapterEntry, Cue, Manifest, Mark

HOSTILE = '<b>"x"</b> ../../etc & more'


def make_mp3(path: Path, seconds: float, freq: int = 440) -> int:
    """Encode a sine tone with ffmpeg; returns its duration in ms as mutagen measures it."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi",
         "-i", f"sine=frequency={freq}:duration={seconds}", "-ac", "1", "-b:a", "32k", str(path)],
        check=True,
    )  # fmt: skip
    return round(MP3(path).info.length * 1000)


def make_story(
    out: Path,
    title: str,
    chapter_titles: list[str],
    *,
    author: str | None = "Ann Author",
    seconds: float = 1.0,
    cover: bool = True,
) -> tuple[Path, Manifest]:
    """Lay a story out as the build does (``<out>/<slug>/<NN> - <title>.mp3`` + manifest)."""
    slug = slugify(title) or "story"
    story_dir = out / slug
    story_dir.mkdir(parents=True)
    chapters = []
    for i, ch_title in enumerate(chapter_titles, start=1):
        name = safe_filename(f"{i:02d} - {ch_title}") + ".mp3"
        duration = make_mp3(story_dir / name, seconds + 0.25 * i, freq=300 + 40 * i)
        half = duration // 2
        chapters.append(
            ChapterEntry(
                index=i,
                title=ch_title,
                file=name,
                duration_ms=duration,
                cues=[
                    Cue(0, half, "Narrator", f"Chapter {i} begins."),
                    Cue(half, duration - 10, "Clarke", f'"Line {i}," she said.'),
                ],
                marks=[Mark(0, "Scene 1"), Mark(half, "Scene 2")],
            )
        )
    cover_name = None
    if cover:
        cover_name = "cover.jpg"
        (story_dir / cover_name).write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    manifest = Manifest(
        title=title,
        slug=slug,
        chapters=chapters,
        author=author,
        summary=f"About {title}.",
        cover=cover_name,
    )
    manifest.save(story_dir / MANIFEST_NAME)
    return story_dir, manifest
