"""The build: analyze -> plan -> synthesize -> assemble -> tag -> publish, for many stories.

Everything that can be wrong with the input (stories, voices.yaml) is checked before the
first clip is synthesized, so a mistake costs seconds, not a half-built book.  Outputs are
renamed into place only when complete and tagged, and a chapter whose inputs did not change
is not rewritten at all (its fingerprint is kept in its own tag).  The output folder and the
clip cache are locked (see :mod:`dramatis.build.lock`); unfinished work lives in this
build's own staging folder beside the output folder.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TypeVar

from dramatis.audio.encode import PROFILES
from dramatis.build.analysis import analyze_paths
from dramatis.build.chapters import PIECES_DIR, PlannedChapter, PlannedStory, plan, write_chapter
from dramatis.build.lock import Busy, CacheUse, output_lock
from dramatis.build.outputs import finish_story, save_progress, start_story
from dramatis.build.state import BuildOptions, inputs_key, record
from dramatis.errors import DramatisError
from dramatis.formats.cover import load_cover
from dramatis.formats.tag import read_fingerprint
from dramatis.paths import close_stage, open_stage, publish
from dramatis.publish.feed import normalize_base_url, write_feed
from dramatis.publish.manifest import ChapterEntry
from dramatis.speech.engines import EngineBook
from dramatis.speech.synthesize import ClipCache, ClipRequest, default_cache_dir, synthesize_iter
from dramatis.text.read import story_files

T = TypeVar("T")
log = logging.getLogger(__name__)


class Progress:
    """tqdm bars on stderr, one per stage; only for a person watching a terminal.

    Off with ``quiet`` (the CLI sets it for ``--quiet`` and ``--json``) and whenever stderr
    is not a terminal, so logs and CI output never get carriage returns or escape codes.
    """

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()

    def bar(self, total: int, desc: str, unit: str):
        from tqdm import tqdm

        return tqdm(
            total=total,
            desc=desc,
            unit=unit,
            file=sys.stderr,
            disable=not self.enabled,
            dynamic_ncols=True,
            leave=False,
        )


def release_freed_memory() -> None:
    """Ask glibc to hand large freed buffers back to the system (no-op elsewhere).

    Assembly threads allocate and free multi-megabyte numpy buffers; by default glibc
    raises its mmap threshold after the first such free and keeps later ones in per-thread
    arenas, which held ~80 MB of resident memory that nobody used (measured on DaisyMiller:
    main process 257 MB, 176 MB with a fixed 1 MB threshold and two arenas).  It changes
    the allocator of the whole process, so only the ``dramatis`` command calls it (it owns
    its process); :func:`build` never does, a program embedding Dramatis keeps its own.
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
    progress = Progress(opts.quiet)
    if opts.profile not in PROFILES:
        raise DramatisError(
            f"unknown profile {opts.profile!r}; choose one of: {', '.join(PROFILES)}"
        )
    if opts.cover:
        load_cover(opts.cover)  # a bad cover fails before voices.yaml is touched
    if opts.base_url:
        normalize_base_url(opts.base_url)  # a bad URL fails now, not after the build
    engines = EngineBook()
    with output_lock(opts.out):
        analyses = analyze_paths(
            paths,
            opts.voices,
            include_notes=opts.include_notes,
            engine=opts.engine,
            engines=engines,
            add_new=True,
        )
        planned = plan(analyses, opts, engines)
        cache = ClipCache(opts.cache_dir or default_cache_dir(), opts.cache_bytes)
        with CacheUse(cache.root) as use:
            summary = _write(planned, cache, opts, progress)
            all_keys = {k for ps in planned for ch in ps.chapters for k in ch.keys}
            try:
                with use.alone() as others:
                    if others:
                        log.info("clip cache in use by pid %s: not pruned this time", others)
                    else:
                        cache.prune(keep=all_keys)
                        # Earlier versions kept encoded pieces in the cache itself.
                        shutil.rmtree(cache.root / PIECES_DIR, ignore_errors=True)
            except Busy:
                log.info("clip cache busy: not pruned this time")
        # Keyed on the inputs as they are now: voices.yaml may have gained characters.
        record(cache.root, inputs_key(story_files(list(paths)), opts), opts, summary)
    return {**summary, "seconds": round(time.monotonic() - t0, 3)}


def _write(
    planned: list[PlannedStory], cache: ClipCache, opts: BuildOptions, progress: Progress
) -> dict:
    """Write what is stale, then every story's manifest and sidecars (and the feed)."""
    # Work only on chapters whose file is missing or out of date.
    stale = [
        ch
        for ps in planned
        for ch in ps.chapters
        if not (ch.path.is_file() and read_fingerprint(ch.path) == ch.fingerprint)
    ]
    for ps in planned:
        todo = sum(1 for ch in stale if ch.story is ps.story)
        log.info("%s: %d file(s), %d to write", ps.dir, len(ps.chapters), todo)
    stage = open_stage(opts.out)
    try:
        for ps in planned:
            start_story(ps)
        synthesized, entries = _make_chapters(planned, stale, cache, opts, progress, stage)
        stories = [finish_story(ps, entries) for ps in planned]
        if opts.base_url:
            write_feed(opts.out, opts.base_url)
    except BaseException:
        _prune_pieces(stage / PIECES_DIR)  # kept for the next build to resume from
        raise
    else:
        # Every chapter is now up to date: pieces left over (of chapters that changed
        # since an interrupted build) can never be used again.
        shutil.rmtree(stage / PIECES_DIR, ignore_errors=True)
    finally:
        close_stage(stage)
    n_keys = len({k for ps in planned for ch in ps.chapters for k in ch.keys})
    # Clips of up-to-date chapters count as reused too: they are what those files hold.
    return {
        "stories": stories,
        "clips": {"synthesized": synthesized, "reused": n_keys - synthesized},
    }


def _make_chapters(
    planned: list[PlannedStory],
    stale: list[PlannedChapter],
    cache: ClipCache,
    opts: BuildOptions,
    progress: Progress,
    stage: Path,
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
        ClipRequest(
            key,
            ln.text,
            ln.voice,
            f"{ch.path.parent.name}/{ch.path.name}, line {i + 1}",
            ch.engine,
        )
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

        def _write_one(ps: PlannedStory, ch: PlannedChapter, slot):
            return write_chapter(
                ps, ch, cache, opts, asm_bar.update, stage=stage, workers=jobs, slot=slot
            )

        def ready(ch: PlannedChapter) -> None:
            ps = owner[id(ch)]
            ps.dir.mkdir(parents=True, exist_ok=True)
            # M4B books run whole inside the gate; MP3 chapters take it piece by piece.
            if ch.sections is not None:
                job = pool.submit(gate.run, _write_one, ps, ch, None)
            else:
                job = pool.submit(_write_one, ps, ch, gate.slot)
            futures[job] = ch

        def collect(block: bool) -> None:
            # as_completed is consumed lazily: each chapter is published as soon as it is done.
            done = as_completed(list(futures)) if block else [f for f in futures if f.done()]
            for f in done:
                ch = futures.pop(f)
                entries[id(ch)], tmp, pieces = f.result()
                # The manifest records the chapter before its file appears, so a file in
                # the output folder always has its timed transcript, even after kill -9.
                save_progress(owner[id(ch)], entries)
                publish(tmp, ch.path)
                if pieces is not None:  # published: its pieces are no longer needed
                    shutil.rmtree(pieces, ignore_errors=True)

        try:
            if not requests:
                for ch in stale:
                    ready(ch)
            for key, made in synthesize_iter(requests, cache, jobs=opts.jobs):
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
