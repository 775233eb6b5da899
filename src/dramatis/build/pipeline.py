"""The build: read -> segment -> attribute -> cast -> synthesize -> assemble -> tag -> publish.

Everything that can be wrong with the input (stories, voices.yaml) is checked before the
first clip is synthesized, so a mistake costs seconds, not a half-built book.  Outputs are
renamed into place only when complete and tagged, and a chapter whose inputs did not change
is not rewritten at all (its fingerprint is kept in its own tag).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar

from dramatis import __version__
from dramatis.attribution.attribute import Attribution, attribute
from dramatis.audio.assemble import ASSEMBLY_VERSION, assemble_chapter, split_parts
from dramatis.audio.encode import PROFILES, Profile
from dramatis.audio.render import PAUSE_MS
from dramatis.build.state import BuildOptions, inputs_key, record
from dramatis.cast.config import add_characters, load_cast
from dramatis.formats.cover import embeddable, image_mime, load_cover, title_card
from dramatis.formats.m4b import BookChapter, BookTags, assemble_book, write_book_tags
from dramatis.formats.tag import Tags, read_fingerprint, write_tags
from dramatis.model import Cast, Story
from dramatis.paths import publish, safe_filename, staged_output, temp_for, write_atomic
from dramatis.publish.feed import normalize_base_url, write_feed, write_sidecars
from dramatis.publish.manifest import MANIFEST_NAME, ChapterEntry, Cue, Manifest, Mark
from dramatis.speech.credits import add_credits
from dramatis.speech.engines import EngineFacts, describe_engine
from dramatis.speech.engines.base import VoiceInfo
from dramatis.speech.plan import Line, plan_chapter
from dramatis.speech.synthesize import (
    ClipCache,
    ClipRequest,
    clip_key,
    default_cache_dir,
    synthesize_iter,
)
from dramatis.text.read import read_story, story_files
from dramatis.text.segment import segment

T = TypeVar("T")

#: Under the clip cache: encoded pieces of chapters not yet published (resumable work).
PIECES_DIR = "pieces"


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


@dataclass(slots=True)
class PlannedStory:
    story: Story
    cast: Cast
    attribution: Attribution
    dir: Path
    chapters: list[PlannedChapter] = field(default_factory=list)
    # Set by _start_story before anything is written: the manifest of the build before this
    # one (what to keep, what became stale) and the cover file's name beside the audio.
    previous: Manifest | None = None
    cover_name: str | None = None


class Progress:
    """A tqdm bar on stderr (or nothing with ``quiet``), one per stage."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def bar(self, total: int, desc: str, unit: str):
        from tqdm import tqdm

        return tqdm(
            total=total,
            desc=desc,
            unit=unit,
            file=sys.stderr,
            disable=self.quiet,
            dynamic_ncols=True,
            leave=False,
        )


def prepare(
    paths: Sequence[Path],
    opts: BuildOptions,
    engine_voices: Sequence[VoiceInfo],
    default_voice: str | None = None,
) -> list[tuple[Story, Cast, Attribution]]:
    """Read every story and the cast, attribute speakers, add new characters to voices.yaml."""
    files = story_files(list(paths))
    stories = [read_story(f, include_notes=opts.include_notes) for f in files]

    def cast_for(story: Story) -> Cast:
        # voices.yaml's `stories:` section may name a story by slug or by file name.
        keys = [story.slug, story.source.name, story.source.stem]
        return load_cast(opts.voices, engine_voices, story=keys, default_voice=default_voice)

    # Validate every story's cast before anything is written.
    casts = {id(story): cast_for(story) for story in stories}
    result = []
    for story in stories:
        cast = casts[id(story)]
        att = attribute(story.text, segment(story.text), cast)
        speaking = {s.speaker for s in att.segments if s.kind == "dialogue" and s.speaker}
        new = [c for c in att.characters if c.name in speaking and c.name not in cast.characters]
        if new and add_characters(opts.voices, new, engine_voices, default_voice=default_voice):
            casts = {id(s): cast_for(s) for s in stories}  # the file changed: read it again
            cast = casts[id(story)]
        result.append((story, cast, att))
    return result


def chapter_fingerprint(
    story: Story,
    title: str,
    index: int,
    total: int,
    lines: list[Line],
    keys: list[str],
    profile: Profile,
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
            hashlib.sha256(story.cover).hexdigest() if story.cover else None,
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def plan(
    prepared: list[tuple[Story, Cast, Attribution]],
    opts: BuildOptions,
    engine: EngineFacts | None = None,
) -> list[PlannedStory]:
    """Chapters (files) of every story with their lines and clip keys (``engine``: the
    engine's facts when the caller has them, else it is started once to learn them)."""
    facts = engine or describe_engine(opts.engine)
    profile = PROFILES[opts.profile]
    user_cover = load_cover(opts.cover) if opts.cover else None
    planned = []
    used_dirs: set[str] = set()
    for story, cast, att in prepared:
        slug = story.slug
        while slug in used_dirs:  # two stories with one title: keep both
            slug += "-2"
        used_dirs.add(slug)
        ps = PlannedStory(story, cast, att, opts.out / slug)
        story.cover = (
            user_cover
            or embeddable(story.cover, story.source)
            or title_card(story.title, story.author)
        )
        chapter_lines = [plan_chapter(story, ch, att.segments, cast) for ch in story.chapters]
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
            fp = chapter_fingerprint(story, title, index, total, lines, keys, profile)
            ps.chapters.append(PlannedChapter(story, index, title, lines, keys, ps.dir / name, fp))
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
    fp = chapter_fingerprint(story, story.title, 1, 1, lines, keys, profile)
    fp = hashlib.sha256(json.dumps([fp, "m4b", sections]).encode()).hexdigest()[:24]
    path = ps.dir / (safe_filename(story.title) + ".m4b")
    return PlannedChapter(story, 1, story.title, lines, keys, path, fp, sections)


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


def _write_chapter(
    ps: PlannedStory,
    ch: PlannedChapter,
    cache: ClipCache,
    opts: BuildOptions,
    progress,
    slot: Callable[[], contextlib.AbstractContextManager] | None = None,
) -> tuple[ChapterEntry, Path, Path | None]:
    """Assemble and tag the chapter into a temporary file; the caller publishes it.

    Also returns the folder of the chapter's encoded pieces, to remove once published.
    """
    profile = PROFILES[opts.profile]
    if ch.sections is not None:
        return (*_write_book(ps, ch, cache, opts, progress), None)
    tmp = temp_for(ch.path)
    try:
        audio = assemble_chapter(
            ch.lines,
            ch.keys,
            cache,
            tmp,
            profile=profile,
            narrator_voice=repr(ps.cast.narrator),
            progress=progress,
            pieces_dir=cache.root / PIECES_DIR,
            workers=_jobs(opts),
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
                language=_str(ps.story.meta.get("language")),
                comment=_str(ps.story.meta.get("summary")),
                cover=ps.story.cover,
                series=_str(ps.story.meta.get("series")),
                series_part=_str(ps.story.meta.get("series_part")),
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


def _cue(p, text: str) -> Cue:
    # Credits are zero-width lines (no story text): their cue shows what is said.
    said = text[p.line.start : p.line.end] or p.line.text
    return Cue(p.start_ms, p.end_ms, p.line.speaker or "Narrator", said)


def _write_book(
    ps: PlannedStory, ch: PlannedChapter, cache: ClipCache, opts: BuildOptions, progress
) -> tuple[ChapterEntry, Path]:
    """Assemble and tag the story's M4B into a temporary file; the caller publishes it."""
    assert ch.sections is not None
    tmp = temp_for(ch.path)
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
                summary=_str(ps.story.meta.get("summary")),
                language=_str(ps.story.meta.get("language")),
                cover=ps.story.cover,
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


def _str(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def _release_freed_memory() -> None:
    """Ask glibc to hand large freed buffers back to the system (no-op elsewhere).

    Assembly threads allocate and free multi-megabyte numpy buffers; by default glibc
    raises its mmap threshold after the first such free and keeps later ones in per-thread
    arenas, which held ~80 MB of resident memory that nobody used (measured on DaisyMiller:
    main process 257 MB, 176 MB with a fixed 1 MB threshold and two arenas).
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD: 1 MB, fixed
        libc.mallopt(-8, 2)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def build(paths: Sequence[Path], opts: BuildOptions) -> dict:
    """Build every story under ``paths``; return the ``--json`` summary."""
    t0 = time.monotonic()
    _release_freed_memory()
    progress = Progress(opts.quiet)
    if opts.profile not in PROFILES:
        from dramatis.errors import DramatisError

        raise DramatisError(
            f"unknown profile {opts.profile!r}; choose one of: {', '.join(PROFILES)}"
        )
    if opts.cover:
        load_cover(opts.cover)  # a bad cover fails before voices.yaml is touched
    if opts.base_url:
        normalize_base_url(opts.base_url)  # a bad URL fails now, not after the build
    facts = describe_engine(opts.engine)
    prepared = prepare(paths, opts, facts.voices, facts.default_voice)
    planned = plan(prepared, opts, facts)
    cache = ClipCache(opts.cache_dir or default_cache_dir(), opts.cache_bytes)

    # Work only on chapters whose file is missing or out of date.
    stale = [
        ch
        for ps in planned
        for ch in ps.chapters
        if not (ch.path.is_file() and read_fingerprint(ch.path) == ch.fingerprint)
    ]
    with staged_output(opts.out):
        for ps in planned:
            _start_story(ps)
        synthesized, entries = _make_chapters(planned, stale, cache, opts, progress)
        summary_stories = [_finish_story(ps, entries) for ps in planned]
        if opts.base_url:
            write_feed(opts.out, opts.base_url)
    all_keys = {k for ps in planned for ch in ps.chapters for k in ch.keys}
    cache.prune(keep=all_keys)
    _prune_pieces(cache.root / PIECES_DIR)
    # Clips of up-to-date chapters count as reused too: they are what those files hold.
    summary = {
        "stories": summary_stories,
        "clips": {"synthesized": synthesized, "reused": len(all_keys) - synthesized},
    }
    # Keyed on the inputs as they are now: voices.yaml may have gained characters.
    record(cache.root, inputs_key(story_files(list(paths)), opts), opts, summary)
    return {**summary, "seconds": round(time.monotonic() - t0, 3)}


def _make_chapters(
    planned: list[PlannedStory],
    stale: list[PlannedChapter],
    cache: ClipCache,
    opts: BuildOptions,
    progress: Progress,
) -> tuple[int, dict[int, ChapterEntry]]:
    """Synthesize and assemble the stale chapters, each as soon as its clips are ready.

    Chapters are pipelined rather than staged (all clips, then all files) so that an
    interrupted build leaves finished chapters behind and both cores stay busy.  Returns
    the number of clips synthesized and the new manifest entries by ``id(chapter)``.
    """
    owner = {id(ch): ps for ps in planned for ch in ps.chapters}
    waiting: dict[str, list[PlannedChapter]] = defaultdict(list)
    missing: dict[int, set[str]] = {}
    for ch in stale:
        missing[id(ch)] = set(ch.keys)
        for key in set(ch.keys):
            waiting[key].append(ch)
    requests = [
        ClipRequest(key, ln.text, ln.voice, f"{ch.path.parent.name}/{ch.path.name}, line {i + 1}")
        for ch in stale
        for i, (ln, key) in enumerate(zip(ch.lines, ch.keys, strict=True))
    ]
    entries: dict[int, ChapterEntry] = {}
    synthesized = 0
    n_clips = len({r.key for r in requests})
    n_lines = sum(len(ch.lines) for ch in stale)
    jobs = _jobs(opts)
    with (
        progress.bar(n_clips, "Synthesizing", "clip") as synth_bar,
        progress.bar(n_lines, "Assembling", "line") as asm_bar,
        ThreadPoolExecutor(jobs) as pool,
    ):
        futures: dict[Future[tuple[ChapterEntry, Path, Path | None]], PlannedChapter] = {}

        # Chapters are encoded in pieces, one encoder per core.  While worker processes
        # synthesize, one piece at a time is encoded: the cores are busy anyway, early
        # chapters finish sooner (a killed build keeps more), and memory stays bounded.
        gate = _Gate(max(1, jobs - 1) if requests else jobs)

        def ready(ch: PlannedChapter) -> None:
            ps = owner[id(ch)]
            ps.dir.mkdir(parents=True, exist_ok=True)
            # M4B books run whole inside the gate; MP3 chapters take it piece by piece.
            if ch.sections is not None:
                job = pool.submit(gate.run, _write_chapter, ps, ch, cache, opts, asm_bar.update)
            else:
                job = pool.submit(_write_chapter, ps, ch, cache, opts, asm_bar.update, gate.slot)
            futures[job] = ch

        def collect(block: bool) -> None:
            # as_completed is consumed lazily: each chapter is published as soon as it is done.
            done = as_completed(list(futures)) if block else [f for f in futures if f.done()]
            for f in done:
                ch = futures.pop(f)
                entries[id(ch)], tmp, pieces = f.result()
                # The manifest records the chapter before its file appears, so a file in
                # the output folder always has its timed transcript, even after kill -9.
                _save_progress(owner[id(ch)], entries)
                publish(tmp, ch.path)
                if pieces is not None:  # published: its pieces are no longer needed
                    shutil.rmtree(pieces, ignore_errors=True)

        try:
            if not requests:
                for ch in stale:
                    ready(ch)
            for key, made in synthesize_iter(requests, cache, engine=opts.engine, jobs=opts.jobs):
                synthesized += made
                synth_bar.update(1)
                for ch in waiting.pop(key, ()):
                    missing[id(ch)].discard(key)
                    if not missing[id(ch)]:
                        ready(ch)
                collect(block=False)
            # Only now, with the synthesis workers gone, does a second encoder start.
            gate.widen(jobs)
            collect(block=True)
        except BaseException:
            for f in futures:
                f.cancel()
            for f in futures:
                if f.done() and not f.cancelled() and f.exception() is None:
                    f.result()[1].unlink(missing_ok=True)
            raise
    return synthesized, entries


def _jobs(opts: BuildOptions) -> int:
    return max(1, opts.jobs or os.cpu_count() or 1)


def _prune_pieces(root: Path, max_age_s: float = 7 * 86400) -> None:
    """Pieces of chapters an interrupted build never finished, left for a week at most."""
    if not root.is_dir():
        return
    now = time.time()
    for folder in root.iterdir():
        with contextlib.suppress(OSError):
            if now - folder.stat().st_mtime > max_age_s:
                shutil.rmtree(folder, ignore_errors=True)


class _Gate:
    """A limit on concurrent work that can be raised while work is running."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._running = 0
        self._cond = threading.Condition()

    def widen(self, limit: int) -> None:
        with self._cond:
            self._limit = limit
            self._cond.notify_all()

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: self._running < self._limit)
            self._running += 1
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()

    def run(self, fn: Callable[..., T], *args: object) -> T:
        with self._cond:
            self._cond.wait_for(lambda: self._running < self._limit)
            self._running += 1
        try:
            return fn(*args)
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()


def _start_story(ps: PlannedStory) -> None:
    """Read the previous build's manifest and place the cover, once per story."""
    ps.previous = _load_manifest(ps.dir / MANIFEST_NAME)
    ps.cover_name = _cover_file(ps)


def _story_entries(ps: PlannedStory, entries: dict[int, ChapterEntry]) -> list[ChapterEntry]:
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
        summary=_str(ps.story.meta.get("summary")),
        language=_str(ps.story.meta.get("language")) or "en",
        cover=ps.cover_name,
    )


def _cover_file(ps: PlannedStory) -> str | None:
    """The cover beside the audio (``cover.jpg``/``.png``) for feeds and players."""
    if not ps.story.cover:
        return None
    name, other = ("cover.png", "cover.jpg")
    if image_mime(ps.story.cover) != "image/png":
        name, other = other, name
    (ps.dir / other).unlink(missing_ok=True)
    path = ps.dir / name
    if not (path.is_file() and path.read_bytes() == ps.story.cover):
        ps.dir.mkdir(parents=True, exist_ok=True)
        write_atomic(path, ps.story.cover)
    return name


def _save_progress(ps: PlannedStory, entries: dict[int, ChapterEntry]) -> None:
    """Record each finished chapter at once: a resumed build keeps its timed transcript."""
    _manifest(ps, _story_entries(ps, entries)).save(ps.dir / MANIFEST_NAME)


def _finish_story(ps: PlannedStory, entries: dict[int, ChapterEntry]) -> dict:
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
    except Exception:
        return None  # rebuilt from scratch below


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
