"""Planning a story's files and writing one of them: lines, clip keys, fingerprints, tags.

A planned chapter knows everything that shapes its file (its lines, their clip keys, a
fingerprint of all of it), so the orchestrator can skip a chapter that is already right and
write the rest, each into a temporary file it publishes once complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dramatis import __version__
from dramatis.audio.assemble import ASSEMBLY_VERSION, assemble_chapter, split_parts
from dramatis.audio.encode import PROFILES, Profile
from dramatis.audio.render import PAUSE_MS
from dramatis.build.analysis import Analysis
from dramatis.build.state import BuildOptions
from dramatis.formats.cover import embeddable, load_cover, title_card
from dramatis.formats.m4b import BookChapter, BookTags, assemble_book, write_book_tags
from dramatis.formats.tag import Tags, write_tags
from dramatis.model import Cast, Story
from dramatis.paths import safe_filename, temp_for
from dramatis.publish.manifest import ChapterEntry, Cue, Manifest, Mark
from dramatis.speech.credits import add_credits
from dramatis.speech.engines import DEFAULT_ENGINE, EngineBook, EngineFacts
from dramatis.speech.plan import Line, plan_chapter
from dramatis.speech.synthesize import ClipCache, clip_key

Progress = Callable[[int], None]


@dataclass(slots=True)
class PlannedChapter:
    story: Story
    index: int
    title: str
    lines: list[Line]
    keys: list[str]
    path: Path
    fingerprint: str
    # M4B: the book is one planned file; (chapter title, first line, end line) per chapter.
    sections: list[tuple[str, int, int]] | None = None
    engine: str = DEFAULT_ENGINE  # speaks every line of the file


@dataclass(slots=True)
class PlannedStory:
    analysis: Analysis
    dir: Path
    # The picture every file of this story embeds: the user's, the story's or a title card
    # (kept here, not written back into the story: planning never changes its input).
    cover: bytes | None = None
    chapters: list[PlannedChapter] = field(default_factory=list)
    # Set by the orchestrator before anything is written: the manifest of the build before
    # this one (what to keep, what became stale) and the cover file's name beside the audio.
    previous: Manifest | None = None
    cover_name: str | None = None

    @property
    def story(self) -> Story:
        return self.analysis.story

    @property
    def cast(self) -> Cast:
        return self.analysis.cast


def chapter_fingerprint(
    story: Story,
    title: str,
    index: int,
    total: int,
    lines: list[Line],
    keys: list[str],
    profile: Profile,
    cover: bytes | None,
) -> str:
    """Hash of everything that shapes a chapter file: clips, pauses, tags, settings."""
    payload = json.dumps(
        [
            __version__,
            ASSEMBLY_VERSION,
            asdict(profile),
            story.title,
            story.author,
            title,
            index,
            total,
            PAUSE_MS,
            [(k, ln.pause_before, ln.scene) for k, ln in zip(keys, lines, strict=True)],
            hashlib.sha256(cover).hexdigest() if cover else None,
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def plan(
    analyses: list[Analysis], opts: BuildOptions, engines: EngineBook | None = None
) -> list[PlannedStory]:
    """Every file the build will make, with its lines and fingerprint (nothing is written).

    Each story's clip keys are for the engine its cast was loaded for (``engines``: those
    already started, else each is started once to learn its identity).
    """
    book = engines if engines is not None else EngineBook()
    profile = PROFILES[opts.profile]
    user_cover = load_cover(opts.cover) if opts.cover else None
    planned = []
    used_dirs: set[str] = set()
    for found in analyses:
        story, cast = found.story, found.cast
        facts = book[cast.engine or opts.engine or DEFAULT_ENGINE]
        slug = story.slug
        while slug in used_dirs:  # two stories with one title: keep both
            slug += "-2"
        used_dirs.add(slug)
        cover = (
            user_cover
            or embeddable(story.cover, story.source)
            or title_card(story.title, story.author)
        )
        ps = PlannedStory(found, opts.out / slug, cover)
        chapter_lines = [plan_chapter(story, ch, found.segments, cast) for ch in story.chapters]
        if opts.credits:
            add_credits(story, cast, chapter_lines)
        if opts.format == "m4b":
            ps.chapters.append(_plan_book(ps, chapter_lines, facts, profile))
            planned.append(ps)
            continue
        # Chapters over the per-file limit become several parts (files) each.
        files: list[tuple[str, list[Line]]] = []
        for ch, lines in zip(story.chapters, chapter_lines, strict=True):
            parts = split_parts(lines)
            for k, (a, b) in enumerate(parts):
                title = (
                    ch.title if len(parts) == 1 else f"{ch.title} (part {k + 1} of {len(parts)})"
                )
                files.append((title, lines[a:b]))
        total = len(files)
        width = max(2, len(str(total)))
        for index, (title, lines) in enumerate(files, 1):
            keys = [clip_key(facts.identity, facts.key_voice(ln.voice), ln.text) for ln in lines]
            name = safe_filename(f"{index:0{width}d} - {title}") + ".mp3"
            fp = chapter_fingerprint(story, title, index, total, lines, keys, profile, cover)
            ps.chapters.append(
                PlannedChapter(
                    story, index, title, lines, keys, ps.dir / name, fp, engine=facts.name
                )
            )
        planned.append(ps)
    return planned


def _plan_book(
    ps: PlannedStory, chapter_lines: list[list[Line]], facts: EngineFacts, profile: Profile
) -> PlannedChapter:
    """The whole story as one planned M4B file, its chapters as sections of its lines (and a
    collection's story sections, "I", "II", as marks of their own)."""
    story = ps.story
    lines: list[Line] = []
    sections: list[tuple[str, int, int]] = []
    for ch, ch_lines in zip(story.chapters, chapter_lines, strict=True):
        for i, line in enumerate(ch_lines):
            part = story.section_at(line.start)
            name = f"{ch.title} — {part.title}" if part else ch.title
            if i == 0 or name != sections[-1][0]:
                sections.append((name, len(lines) + i, len(lines) + i + 1))
            else:
                sections[-1] = (name, sections[-1][1], len(lines) + i + 1)
        lines.extend(ch_lines)
    keys = [clip_key(facts.identity, facts.key_voice(ln.voice), ln.text) for ln in lines]
    fp = chapter_fingerprint(story, story.title, 1, 1, lines, keys, profile, ps.cover)
    fp = hashlib.sha256(json.dumps([fp, "m4b", sections]).encode()).hexdigest()[:24]
    path = ps.dir / (safe_filename(story.title) + ".m4b")
    return PlannedChapter(story, 1, story.title, lines, keys, path, fp, sections, facts.name)


def _scene_marks(chapter: PlannedChapter, placed_starts: list[int]) -> list[tuple[int, str]]:
    """A chapter mark at each scene, and at each section of a collection's story ("I", "II":
    ``Chapter.sections``), its scenes counted from the section's start."""
    marks: list[tuple[int, str]] = []
    seen = set()
    first_scene: dict[str, int] = {}
    for line, start in zip(chapter.lines, placed_starts, strict=True):
        part = chapter.story.section_at(line.start)
        key = (part.title if part else None, line.scene)
        if key in seen:
            continue
        seen.add(key)
        scene = line.scene
        base = chapter.title
        if part is not None:
            base = f"{chapter.title} — {part.title}"
            scene -= first_scene.setdefault(part.title, line.scene)
        marks.append((0 if not marks else start, f"{base} — scene {scene + 1}" if scene else base))
    return marks


def write_chapter(
    ps: PlannedStory,
    ch: PlannedChapter,
    cache: ClipCache,
    opts: BuildOptions,
    progress: Progress,
    *,
    stage: Path,
    workers: int,
    slot: Callable[[], contextlib.AbstractContextManager] | None = None,
) -> tuple[ChapterEntry, Path, Path | None]:
    """Assemble and tag the chapter into a temporary file in ``stage``; the caller publishes it.

    ``stage`` is this build's own scratch folder (encoded pieces live under
    ``stage/pieces``), so two builds never share or delete each other's work.  Also returns
    the folder of the chapter's encoded pieces, to remove once published.
    """
    profile = PROFILES[opts.profile]
    if ch.sections is not None:
        return (*_write_book(ps, ch, cache, opts, progress, stage), None)
    tmp = temp_for(ch.path, stage)
    try:
        audio = assemble_chapter(
            ch.lines,
            ch.keys,
            cache,
            tmp,
            profile=profile,
            narrator_voice=repr(ps.cast.narrator),
            progress=progress,
            pieces_dir=stage / PIECES_DIR,
            workers=workers,
            slot=slot,
        )
        marks = _scene_marks(ch, [p.start_ms for p in audio.placed])
        spans = [
            (start, marks[i + 1][0] if i + 1 < len(marks) else audio.duration_ms, title)
            for i, (start, title) in enumerate(marks)
        ]
        write_tags(
            tmp,
            Tags(
                title=ch.title,
                album=ps.story.title,
                artist=ps.story.author,
                track=ch.index,
                total=len(ps.chapters),
                language=meta_str(ps.story, "language"),
                comment=meta_str(ps.story, "summary"),
                cover=ps.cover,
                series=meta_str(ps.story, "series"),
                series_part=meta_str(ps.story, "series_part"),
                chapters=spans if len(spans) > 1 else [],
                fingerprint=ch.fingerprint,
            ),
        )
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    text = ps.story.text
    entry = ChapterEntry(
        index=ch.index,
        title=ch.title,
        file=ch.path.name,
        duration_ms=audio.duration_ms,
        cues=[_cue(p, text) for p in audio.placed],
        marks=[Mark(s, t) for s, t in marks],
    )
    return entry, tmp, audio.pieces


#: Under a build's scratch folder: encoded pieces of chapters not yet published (a killed
#: build's next run into the same folder picks them up).
PIECES_DIR = "pieces"


def _cue(p, text: str) -> Cue:
    # Credits are zero-width lines (no story text): their cue shows what is said.
    said = text[p.line.start : p.line.end] or p.line.text
    return Cue(p.start_ms, p.end_ms, p.line.speaker or "Narrator", said)


def _write_book(
    ps: PlannedStory,
    ch: PlannedChapter,
    cache: ClipCache,
    opts: BuildOptions,
    progress: Progress,
    stage: Path,
) -> tuple[ChapterEntry, Path]:
    """Assemble and tag the story's M4B into a temporary file; the caller publishes it."""
    assert ch.sections is not None
    tmp = temp_for(ch.path, stage)
    try:
        book = assemble_book(
            [BookChapter(t, ch.lines[a:b], ch.keys[a:b]) for t, a, b in ch.sections],
            cache,
            tmp,
            profile=PROFILES[opts.profile],
            narrator_voice=repr(ps.cast.narrator),
            progress=progress,
        )
        write_book_tags(
            tmp,
            BookTags(
                title=ps.story.title,
                author=ps.story.author,
                summary=meta_str(ps.story, "summary"),
                language=meta_str(ps.story, "language"),
                cover=ps.cover,
                fingerprint=ch.fingerprint,
            ),
        )
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    entry = ChapterEntry(
        index=1,
        title=ps.story.title,
        file=ch.path.name,
        duration_ms=book.duration_ms,
        cues=[_cue(p, ps.story.text) for c in book.chapters for p in c.placed],
        marks=[Mark(s, t) for s, (t, _a, _b) in zip(book.starts_ms, ch.sections, strict=True)],
    )
    return entry, tmp


def meta_str(story: Story, key: str) -> str | None:
    """A metadata value as a tag string, None when absent or empty."""
    value = story.meta.get(key)
    return str(value) if value not in (None, "") else None
