"""Speak every line into a verified clip, reusing clips already in the cache.

The cache is content-addressed: a clip's key hashes the engine, every voice setting and the
exact text spoken, so an edit to one character's voice re-synthesizes only their lines and an
unchanged rebuild synthesizes nothing.  Clips appear in the cache only by an atomic rename
after verification, which is also what makes an interrupted build resumable.

Engines run in worker processes (spawned, never forked, one engine each): pyttsx3 drivers
keep global native state, print to stdout and can fail silently, so each is isolated there.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing as mp
import os
import time
import wave
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from dramatis.errors import SynthesisError
from dramatis.model import Voice
from dramatis.paths import user_cache_dir
from dramatis.speech.engines import DEFAULT_ENGINE
from dramatis.speech.engines.base import Audio, Engine, honoured, read_pcm

__all__ = [  # read_pcm: clips are read back by the assembly through this module
    "CACHE_FORMAT",
    "ClipCache",
    "ClipRequest",
    "SynthesisStats",
    "clip_key",
    "default_cache_dir",
    "read_pcm",
    "synthesize",
    "synthesize_iter",
    "verify_clip",
]

#: Version of the clip format: bump when what is stored for a key changes.
CACHE_FORMAT = 3  # 3: keyed by engine identity (version, model); 2: fixed default rate
DEFAULT_CACHE_BYTES = 5 * 1024**3
ATTEMPTS = 3


def default_cache_dir() -> Path:
    env = os.environ.get("DRAMATIS_CACHE")
    if env:
        return Path(env)
    return user_cache_dir() / "clips"


def clip_key(identity: str, voice: Voice, text: str) -> str:
    """Hash of everything that changes the audio (and nothing that does not).

    ``identity`` is :meth:`Engine.identity` (engine, library version, model checksum);
    ``voice`` should hold only the settings that engine honours (``EngineFacts.key_voice``).
    """
    payload = json.dumps(
        [CACHE_FORMAT, identity, asdict(voice), text], sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


class ClipCache:
    """Clips on disk as ``<root>/<k[:2]>/<k>.wav``, pruned least-recently-used to a byte cap."""

    def __init__(self, root: Path, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.wav"

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def touch(self, key: str) -> None:
        """Mark a clip as used now, so pruning keeps what current builds need."""
        with contextlib.suppress(OSError):
            os.utime(self.path(key))

    def _entries(self) -> list[tuple[float, int, Path]]:
        if not self.root.is_dir():
            return []
        out = []
        for p in self.root.glob("??/*"):
            with contextlib.suppress(OSError):
                st = p.stat()
                out.append((st.st_mtime, st.st_size, p))
        return out

    def size(self) -> tuple[int, int]:
        entries = self._entries()
        return len(entries), sum(e[1] for e in entries)

    def prune(self, keep: set[str] = frozenset()) -> int:  # type: ignore[assignment]
        """Delete oldest clips until under the cap (never one in ``keep``); return count."""
        entries = sorted(self._entries())
        total = sum(e[1] for e in entries)
        removed = 0
        for _mtime, size, p in entries:
            if total <= self.max_bytes:
                break
            if p.stem in keep:
                continue
            with contextlib.suppress(OSError):
                p.unlink()
                total -= size
                removed += 1
        # Leftovers of killed workers: temporary files older than an hour.
        for p in self.root.glob("??/.*.tmp") if self.root.is_dir() else []:
            with contextlib.suppress(OSError):
                if time.time() - p.stat().st_mtime > 3600:
                    p.unlink()
        return removed

    def clear(self) -> tuple[int, int]:
        count, size = self.size()
        for _m, _s, p in self._entries():
            with contextlib.suppress(OSError):
                p.unlink()
        return count, size


@dataclass(frozen=True, slots=True)
class ClipRequest:
    """A clip to make, with where it comes from (for error messages)."""

    key: str
    text: str
    voice: Voice
    where: str = ""
    engine: str | None = None  # None: synthesize()'s engine


# --- verification ---------------------------------------------------------------------


def _is_silent(pcm: bytes) -> bool:
    """Every sample lies in -256..255 (under -42 dBFS): each little-endian high byte is
    0x00 or 0xff.  Checked on the stored clip's bytes, with no float copy of it; a loop over
    samples in Python would cost ~9 CPU s per novel."""
    return not pcm[1::2].translate(None, b"\x00\xff")


def verify_clip(path: Path, text: str, voice: Voice, natural_wpm: float) -> str | None:
    """Why the clip at ``path`` is unusable for ``text``, or None when it is fine.

    Its length is judged against the voice's rate, or the engine's natural pace
    (``natural_wpm``) when the voice sets none: both are words per minute for every engine.
    """
    if not path.is_file() or path.stat().st_size <= 44:
        return "the engine wrote no audio"
    try:
        pcm, rate = read_pcm(path)
    except Exception as exc:
        return f"the clip does not decode ({exc})"
    seconds = len(pcm) // 2 / rate if rate else 0.0
    words = max(1, len(text.split()))
    wpm = voice.rate or natural_wpm
    expected = words * 60.0 / wpm
    if seconds < min(0.15, expected * 0.3) or seconds < expected * 0.25:
        return f"the clip is too short ({seconds:.2f} s for {words} words)"
    if seconds > expected * 4 + 3:
        return f"the clip is too long ({seconds:.2f} s for {words} words)"
    if _is_silent(pcm):
        return "the clip is silent"
    return None


# --- worker processes -----------------------------------------------------------------

# The engines of this worker process, by name: each spawned worker builds its own when it
# meets the first request for one (a failure to start is then that request's error, where
# an initializer that raised would make the pool respawn workers forever).
_ENGINES: dict[str, Engine] = {}


def _worker_init() -> None:
    """Workers ignore Ctrl-C (the parent handles it); stdout goes nowhere (drivers print)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)


def _engine(name: str) -> Engine:
    if name not in _ENGINES:
        from dramatis.speech.engines import create_engine

        _ENGINES[name] = create_engine(name)
    return _ENGINES[name]


def write_clip(path: Path, audio: Audio) -> None:
    """The engine's audio as a 16-bit mono WAV file (the cache's clip format)."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(audio.sample_rate)
        w.writeframes(audio.to_pcm16())


def _synthesize_one(args: tuple[ClipRequest, str]) -> tuple[str, str | None]:
    """Make one clip into the cache (atomically, verified); return (key, error or None)."""
    req, target = args
    try:
        engine = _engine(req.engine or DEFAULT_ENGINE)
    except Exception as exc:  # DramatisError: the engine's own one-line reason
        return req.key, f"the {req.engine or DEFAULT_ENGINE} engine could not start: {exc}"
    target_path = Path(target)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = target_path.parent / f".{req.key}.{os.getpid()}.tmp"
    voice = honoured(req.voice, engine.settings)  # a setting it ignores cannot be judged
    error: str | None = "not attempted"
    for _attempt in range(ATTEMPTS):
        tmp.unlink(missing_ok=True)
        try:
            write_clip(tmp, engine.synthesize(req.text, voice))
        except Exception as exc:
            error = f"engine error: {exc}"
            continue
        error = verify_clip(tmp, req.text, voice, engine.natural_wpm)
        if error is None:
            os.replace(tmp, target_path)
            return req.key, None
    tmp.unlink(missing_ok=True)
    return req.key, error


def available_memory_mb() -> int | None:
    """Memory the machine can still give without swapping (Linux), else None."""
    with contextlib.suppress(OSError, ValueError), open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    return None


def pool_size(engine_names: Iterable[str], wanted: int, clips: int) -> int:
    """Workers for a pool: as many as asked (default: one per core), no more than there are
    clips, and no more than free memory holds workers with these engines (never below one)."""
    from dramatis.speech.engines import engine_class

    jobs = min(wanted or os.cpu_count() or 1, clips)
    free = available_memory_mb()
    if free is not None:
        per_worker = sum(engine_class(name).memory_mb for name in set(engine_names))
        jobs = min(jobs, free // max(1, per_worker))
    return max(1, jobs)


@dataclass(slots=True)
class SynthesisStats:
    synthesized: int = 0
    reused: int = 0


def synthesize_iter(
    requests: Iterable[ClipRequest],
    cache: ClipCache,
    *,
    engine: str = DEFAULT_ENGINE,
    jobs: int = 0,
) -> Iterator[tuple[str, bool]]:
    """Yield ``(key, synthesized)`` as each requested clip becomes available in the cache.

    Each request is spoken by its own ``engine`` (``engine`` for those that name none).

    Cached clips come first; the rest are made by worker processes in request order (so
    the first chapter's clips finish first and its assembly can start early).  Raises
    :class:`SynthesisError` naming the line when a clip still fails after retries.
    """
    todo: dict[str, ClipRequest] = {}
    seen: set[str] = set()
    for req in requests:
        if req.key in seen:
            continue
        seen.add(req.key)
        if cache.has(req.key):
            cache.touch(req.key)
            yield req.key, False
        else:
            todo[req.key] = req if req.engine else replace(req, engine=engine)
    if not todo:
        return
    jobs = pool_size({str(r.engine) for r in todo.values()}, jobs, len(todo))
    ctx = mp.get_context("spawn")
    work = [(req, str(cache.path(req.key))) for req in todo.values()]
    pool = ctx.Pool(jobs, initializer=_worker_init)
    try:
        for key, error in pool.imap_unordered(_synthesize_one, work, chunksize=2):
            if error is not None:
                req = todo[key]
                raise SynthesisError(
                    f"could not synthesize {req.where}: {error} (text: {req.text[:80]!r}); "
                    "check the voice settings for this speaker in voices.yaml"
                )
            yield key, True
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def synthesize(
    requests: Iterable[ClipRequest],
    cache: ClipCache,
    *,
    engine: str = DEFAULT_ENGINE,
    jobs: int = 0,
    progress: Callable[[int], None] | None = None,
) -> SynthesisStats:
    """Make sure every requested clip is in the cache; synthesize the missing ones."""
    stats = SynthesisStats()
    for _key, made in synthesize_iter(requests, cache, engine=engine, jobs=jobs):
        if made:
            stats.synthesized += 1
        else:
            stats.reused += 1
        if progress:
            progress(1)
    return stats
