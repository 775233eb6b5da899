"""A chapter's MP3: parts planned from the text, pieces encoded in parallel and joined.

:class:`~dramatis.audio.render.ChapterRenderer` decides the levels and makes the samples;
here a chapter is cut into pieces of a few minutes, one encoder per core, joined
frame-exactly (:mod:`dramatis.formats.mp3frames`).  Finished pieces wait in the cache until
the chapter is published, so an interrupted build loses at most the pieces it was encoding.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import math
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from dramatis.audio.encode import PROFILES, Encoder, Profile, mp3_args
from dramatis.audio.render import (
    CHARS_PER_S,
    ESTIMATE_WPM,
    HEAD_MS,
    PAUSE_MS,
    TAIL_MS,
    ChapterAudio,
    ChapterRenderer,
    voice_key,
)
from dramatis.errors import DramatisError
from dramatis.formats import mp3frames
from dramatis.paths import write_atomic
from dramatis.speech.plan import Line
from dramatis.speech.synthesize import ClipCache

#: Bump when the same clips and settings would give different audio (fingerprints).
ASSEMBLY_VERSION = 4
#: ACX's limit for one file; chapters planned longer than PART_MS are split into parts.
MAX_FILE_MS = 120 * 60_000
PART_MS = 100 * 60_000


def estimate_ms(lines: Sequence[Line]) -> int:
    """Duration of ``lines`` from their text and rates, before any clip exists."""
    total = 0.0
    for ln in lines:
        wpm = ln.voice.rate or ESTIMATE_WPM
        total += (
            len(ln.text) / CHARS_PER_S * (ESTIMATE_WPM / wpm) * 1000 + PAUSE_MS[ln.pause_before]
        )
    return round(total)


def split_parts(lines: Sequence[Line], max_ms: int = PART_MS) -> list[tuple[int, int]]:
    """Index ranges ``[start, end)`` cutting a long chapter into parts of similar length.

    Parts are cut where a listener expects a break: the strongest pause (scene, heading,
    speaker change, paragraph...) near each even division, and every part (room tone
    included) stays within ``max_ms``.  Durations are estimated from the text, so
    ``max_ms`` keeps a margin under :data:`MAX_FILE_MS`; the real length is checked again
    when a part is assembled.
    """
    n = len(lines)
    edges = HEAD_MS + TAIL_MS
    durations = [estimate_ms([ln]) for ln in lines]
    if sum(durations) + edges <= max_ms or n < 2:
        return [(0, n)]
    ends = np.cumsum(durations)  # ends[i]: where line i ends
    total = int(ends[-1])
    room = max_ms - edges
    strength = {k: i for i, k in enumerate(PAUSE_MS)}
    for parts in range(math.ceil(total / room), n + 1):
        cuts = [0]
        for k in range(1, parts):
            before = int(ends[cuts[-1] - 1]) if cuts[-1] else 0
            goal = total * k / parts
            window = total / parts / 4  # a quarter part either side for a good break
            best, best_score = None, None
            for i in range(cuts[-1] + 1, n):
                t = int(ends[i - 1])  # the part would end after line i - 1
                if t - before > room or t > goal + window:
                    break
                if t < goal - window:
                    continue
                score = (strength[lines[i].pause_before], -abs(t - goal))
                if best_score is None or score > best_score:
                    best, best_score = i, score
            if best is None:  # no break in the window: the latest line that fits
                best = max(cuts[-1] + 1, int(np.searchsorted(ends, before + room, "right")))
            cuts.append(min(best, n - 1))
        cuts.append(n)
        spans = [(a, b) for a, b in itertools.pairwise(cuts) if b > a]
        if all(sum(durations[a:b]) <= room for a, b in spans):
            return spans
    return [(i, i + 1) for i in range(n)]


#: Chapters are encoded in pieces of about this length, several at once (LAME is one
#: core each); finished pieces are kept until the chapter is published, so a build killed
#: in the middle of a long chapter resumes from its last finished piece.
PIECE_MS = 4 * 60_000
#: Frames each piece encodes before and after its share (dramatis.formats.mp3frames).
PRE_FRAMES = 3
POST_FRAMES = 4
#: Joins go in pauses at least this long (the coder's noise at a join stays in room tone).
JOIN_PAUSE_MS = 400


@dataclass(frozen=True, slots=True)
class Piece:
    """A window of the chapter to encode and which of its frames the file keeps."""

    start: int  # engine-rate samples
    end: int
    first: int  # first frame kept
    count: int | None  # frames kept (None: to the end)
    counted: tuple[int, int]  # lines whose clips start here count as this piece's


def plan_pieces(
    renderer: ChapterRenderer, out_rate: int, piece_ms: int | None = None
) -> list[Piece]:
    """Cut the chapter (after :meth:`ChapterRenderer.layout`) into pieces to encode."""
    piece_ms = piece_ms or PIECE_MS
    rate, total = renderer.rate, renderer.total
    frame = mp3frames.FRAME_SAMPLES
    n = max(1, round(total * 1000 / rate / piece_ms))
    if n == 1 or out_rate % 11025 or out_rate < 32000:
        return [Piece(0, total, 0, None, (0, total))]
    g = math.gcd(rate, out_rate)
    grid = rate // g * (frame // math.gcd(frame, out_rate // g))  # frame-aligned starts
    lead = (PRE_FRAMES * frame - mp3frames.STREAM_DELAY) * rate / out_rate  # start -> join
    pauses = [(a - p, (p + a) // 2) for p, a, _b in renderer.spans[1:]]
    min_pause = renderer.to_samples(JOIN_PAUSE_MS)
    starts = [0]
    for k in range(1, n):
        goal = total * k / n
        window = total / n / 4
        near = [
            (length, -abs(mid - goal), mid)
            for length, mid in pauses
            if length >= min_pause and abs(mid - goal) <= window
        ]
        join = max(near)[2] if near else goal
        s = int((join - lead) // grid * grid)
        if s > starts[-1] + grid:
            starts.append(s)
    if len(starts) == 1:
        return [Piece(0, total, 0, None, (0, total))]
    out_per_in = out_rate / rate
    over = math.ceil((PRE_FRAMES + POST_FRAMES) * frame / out_per_in)
    pieces = []
    for k, s in enumerate(starts):
        last = k == len(starts) - 1
        nxt = total if last else starts[k + 1]
        count = (
            None if last else round((nxt - s) * out_per_in) // frame + (PRE_FRAMES if k == 0 else 0)
        )
        pieces.append(
            Piece(
                s,
                total if last else min(total, nxt + over),
                0 if k == 0 else PRE_FRAMES,
                count,
                (0 if k == 0 else s, total if last else nxt),
            )
        )
    return pieces


def _pieces_key(renderer: ChapterRenderer, pieces: list[Piece]) -> str:
    """What shapes the pieces' bytes beyond :func:`_analysis_key`, the folder they sit in
    (version, profile, clips, pauses and rate are in that key already)."""
    payload = json.dumps(
        [
            sorted(renderer.gains.items()),
            renderer.head_ms,
            renderer.tail_ms,
            renderer.total,
            [(p.start, p.end) for p in pieces],
        ],
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def _analysis_key(renderer: ChapterRenderer) -> str:
    """Everything :meth:`ChapterRenderer.analyse` reads: the same key, the same gains."""
    payload = json.dumps(
        [
            ASSEMBLY_VERSION,
            asdict(renderer.profile),
            renderer.keys,
            [(voice_key(ln), len(ln.text), ln.pause_before) for ln in renderer.lines],
            renderer.narrator_voice,
            renderer.rate,
            renderer.ceiling,
            renderer.codec_loss_db,
        ],
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def _analyse_once(renderer: ChapterRenderer, folder: Path | None) -> None:
    """Analyse the chapter, or read back the gains an interrupted build already decided.

    Why: analysis must finish before the first piece is encoded, so a resumed build that
    repeated it would wait on it for every chapter it had started.
    """
    saved = folder / "analysis.json" if folder is not None else None
    if saved is not None and saved.is_file():
        try:
            data = json.loads(saved.read_text(encoding="utf-8"))
            renderer.gains = {str(v): float(g) for v, g in data["gains"].items()}
            renderer.lufs = float(data["lufs"])
            return
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # unreadable: analyse again
    with _ANALYSIS:  # one at a time: its samples are the bulk of an assembly's memory
        renderer.analyse()
    if saved is not None:
        saved.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(saved, json.dumps({"gains": renderer.gains, "lufs": renderer.lufs}))


_ANALYSIS = threading.Lock()


def assemble_chapter(
    lines: Sequence[Line],
    keys: Sequence[str],
    cache: ClipCache,
    out_mp3: Path,
    *,
    profile: Profile = PROFILES["acx"],
    narrator_voice: str | None = None,
    head_ms: int = HEAD_MS,
    tail_ms: int = TAIL_MS,
    progress: Callable[[int], None] | None = None,
    pieces_dir: Path | None = None,
    workers: int = 1,
    slot: Callable[[], contextlib.AbstractContextManager] | None = None,
) -> ChapterAudio:
    """Write the chapter's MP3 to ``out_mp3`` (a temporary path the caller renames).

    The chapter is encoded in pieces, ``workers`` at a time (each inside ``slot()``, a
    limit shared with other work), then joined.  With ``pieces_dir`` finished pieces are
    kept under it (``ChapterAudio.pieces``; the caller removes that folder once the file is
    published) and reused by the next attempt; without it they go at once.

    Raises :class:`DramatisError` if the result would exceed :data:`MAX_FILE_MS` (plan
    long chapters with :func:`split_parts`).
    """
    renderer = ChapterRenderer(
        lines,
        keys,
        cache,
        profile=profile,
        narrator_voice=narrator_voice,
        head_ms=head_ms,
        tail_ms=tail_ms,
    )
    chapter_dir = pieces_dir / _analysis_key(renderer) if pieces_dir is not None else None
    _analyse_once(renderer, chapter_dir)
    total = renderer.layout()
    duration_ms = round(total * 1000 / renderer.rate)
    if duration_ms > MAX_FILE_MS:
        raise DramatisError(
            f"{out_mp3.name}: {duration_ms / 60000:.0f} minutes is over the "
            f"{MAX_FILE_MS // 60000}-minute limit for one file; split the chapter"
        )
    pieces = plan_pieces(renderer, profile.sample_rate)
    keep = pieces_dir is not None
    if chapter_dir is None:
        folder = Path(tempfile.mkdtemp(prefix=".pieces-", dir=out_mp3.parent))
    else:
        folder = chapter_dir / _pieces_key(renderer, pieces)
        folder.mkdir(parents=True, exist_ok=True)
    args = mp3_args(profile, renderer.rate)

    def encode(k: int) -> Path:
        piece = pieces[k]
        path = folder / f"{k:03d}.mp3"
        if path.is_file():  # made by an interrupted build
            if progress:
                progress(
                    sum(piece.counted[0] <= a < piece.counted[1] for _p, a, _b in renderer.spans)
                )
            return path
        with slot() if slot else contextlib.nullcontext():
            tmp = folder / f".{k:03d}.{os.getpid()}.tmp"
            encoder = Encoder(tmp, renderer.rate, args)
            try:
                renderer.render_window(encoder, piece.start, piece.end, progress, piece.counted)
                encoder.close()
            except BaseException:
                encoder.abort()
                tmp.unlink(missing_ok=True)
                raise
        os.replace(tmp, path)
        return path

    try:
        if workers > 1 and len(pieces) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(min(workers, len(pieces))) as pool:
                futures = [pool.submit(encode, k) for k in range(len(pieces))]
                try:
                    paths = [f.result() for f in futures]
                except BaseException:
                    for f in futures:
                        f.cancel()
                    raise
        else:
            paths = [encode(k) for k in range(len(pieces))]
        mp3frames.join(
            [
                mp3frames.PieceFrames(path, p.first, p.count)
                for path, p in zip(paths, pieces, strict=True)
            ],
            out_mp3,
        )
    except BaseException:
        out_mp3.unlink(missing_ok=True)
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    if not keep:
        shutil.rmtree(folder, ignore_errors=True)
    return ChapterAudio(
        duration_ms=duration_ms,
        placed=renderer.placed(),
        lufs=renderer.lufs,
        gains_db={v: 20 * math.log10(g) for v, g in renderer.gains.items() if g > 0},
        pieces=chapter_dir if keep else None,
    )
