"""Join a chapter's clips with natural pauses and level them: the samples of a chapter.

Levels follow audiobook practice (ACX) and are decided *before* any audio is written:

* every voice is levelled *as a whole* to the narrator: one gain per voice, never per
  sentence (per-sentence levelling pumps audibly);
* a look-ahead peak limiter, applied clip by clip in numpy, keeps the true peak under the
  profile's ceiling;
* one master gain brings the chapter's integrated loudness (BS.1770) to the target, and it
  is calibrated on the *limited* audio, so the limiter cannot pull the result off target.

Both gains are measured on bounded samples (a few dozen seconds of each voice, a few short
stretches of the chapter rendered with their real pauses), so analysis costs the same for a
two-hour chapter as for a short one.  Then the clips stream, one at a time, through the
gains, the limiter and a faint room-tone bed (:mod:`dramatis.audio.dsp`) into a sink, an
ffmpeg encoder (:mod:`dramatis.audio.encode`): memory stays bounded.  Any window of the
chapter can be rendered on its own, sample for sample, so :mod:`dramatis.audio.assemble`
encodes a chapter as pieces in parallel.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dramatis.audio import loudness
from dramatis.audio.dsp import RoomTone, block_powers_many, limit
from dramatis.audio.encode import Profile
from dramatis.errors import DramatisError
from dramatis.speech.plan import Line
from dramatis.speech.synthesize import ClipCache, read_pcm

#: Milliseconds of pause before a line, by kind: sentence < paragraph < speaker < scene.
PAUSE_MS = {
    "none": 0,
    "clause": 250,
    "sentence": 400,
    "paragraph": 750,
    "speaker": 950,
    "heading": 1300,
    "scene": 2000,
}
#: Room tone before the first and after the last line (ACX: 0.5-1 s and 1-5 s).
HEAD_MS = 750
TAIL_MS = 2500
#: Clip edges quieter than this (of 32768) are engine padding, trimmed to a fixed margin.
EDGE_THRESHOLD = 160
EDGE_KEEP_MS = 40
FADE_MS = 5
#: Analysis budgets (seconds of speech): bounded whatever the chapter's length.
VOICE_SAMPLE_S = 20.0
VOICES_SAMPLE_S = 120.0
SAMPLE_CLIPS = 20
MIN_PIECE_S = 2.0
EXCERPTS_S = 120.0
EXCERPTS = 6
#: A voice is never raised by more than this to meet the narrator (a whisper stays sane).
MAX_VOICE_GAIN_DB = 20.0
#: Speaking speed, to plan parts before any clip exists: characters a second at
#: ESTIMATE_WPM words a minute (measured here with espeak-ng: 17.5-18.5 on the seeds and
#: DaisyMiller).  A voice without a rate is assumed to speak near ESTIMATE_WPM (engines'
#: natural paces are 150-190 wpm); an estimate only, clips give the real lengths.
CHARS_PER_S = 17.0
ESTIMATE_WPM = 175


@dataclass(slots=True)
class Placed:
    """Where a line's clip landed in the chapter audio."""

    line: Line
    start_ms: int
    end_ms: int


@dataclass(slots=True)
class ChapterAudio:
    duration_ms: int
    placed: list[Placed] = field(default_factory=list)
    lufs: float = float("-inf")  # the level the chapter was calibrated to
    gains_db: dict[str, float] = field(default_factory=dict)  # per voice, master included
    pieces: Path | None = None  # encoded pieces kept for a resumed build (see assemble_chapter)


def _trim(x: np.ndarray, rate: int) -> np.ndarray:
    """Cut engine padding at both ends down to a small fixed margin (int16 samples)."""
    loud = (x > EDGE_THRESHOLD) | (x < -EDGE_THRESHOLD)
    first = int(loud.argmax())
    if not loud[first]:
        return x[:0]
    last = x.size - int(loud[::-1].argmax())
    keep = int(rate * EDGE_KEEP_MS / 1000)
    return x[max(0, first - keep) : min(x.size, last + keep)]


def voice_key(line: Line) -> str:
    return repr(line.voice)


class ChapterRenderer:
    """Renders one chapter (or part): analysis first, then the stream of samples.

    ``render(sink)`` writes room tone, pauses and levelled, limited clips, in order, to
    anything with a ``write(float32 array)`` method, and returns where each line landed.
    """

    def __init__(
        self,
        lines: Sequence[Line],
        keys: Sequence[str],
        cache: ClipCache,
        *,
        profile: Profile,
        narrator_voice: str | None = None,
        head_ms: int = HEAD_MS,
        tail_ms: int = TAIL_MS,
        codec_loss_db: float | None = None,
        peak_margin_db: float | None = None,
    ) -> None:
        if len(lines) != len(keys):
            raise ValueError("one key per line")
        self.lines = list(lines)
        self.keys = list(keys)
        self.cache = cache
        self.profile = profile
        self.narrator_voice = narrator_voice
        self.head_ms = head_ms
        self.tail_ms = tail_ms
        self.rate = self._engine_rate()
        margin = profile.peak_margin_db if peak_margin_db is None else peak_margin_db
        self.ceiling = 10 ** ((profile.true_peak - margin) / 20)
        # What the encoder takes off the level (MP3 by default; AAC keeps it).
        self.codec_loss_db = profile.codec_loss_db if codec_loss_db is None else codec_loss_db
        fade = max(1, int(self.rate * FADE_MS / 1000))
        self._ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        self.gains: dict[str, float] = {}  # linear, master included
        self.lufs = float("-inf")

    # clips
    def _engine_rate(self) -> int:
        import wave

        for key in self.keys:
            try:
                with wave.open(str(self.cache.path(key)), "rb") as w:
                    return w.getframerate()
            except (wave.Error, EOFError, OSError):
                continue
        return 22050

    def _load(self, i: int) -> np.ndarray:
        """Line ``i``'s clip, trimmed: int16 at the engine rate (float32 if resampled)."""
        path = self.cache.path(self.keys[i])
        try:
            pcm, rate = read_pcm(path)
        except (OSError, EOFError) as exc:
            raise DramatisError(f"clip for line {i + 1} is missing from the cache", path) from exc
        x = np.frombuffer(pcm, dtype="<i2")
        if rate != self.rate:
            from scipy.signal import resample_poly

            g = math.gcd(self.rate, rate)
            y = resample_poly(x.astype(np.float32), self.rate // g, rate // g)
            x = np.clip(np.rint(y), -32768, 32767).astype(np.int16)
        return _trim(x, self.rate)

    def _shape(self, x: np.ndarray, gain: float) -> np.ndarray:
        """Gain, edge fades and limiter: a clip as it will sound (float32, no bed)."""
        y = x.astype(np.float32)
        y *= np.float32(gain / 32768.0)
        f = self._ramp.size
        if y.size >= 2 * f:  # shorter clips are too short to click
            y[:f] *= self._ramp
            y[-f:] *= self._ramp[::-1]
        return limit(y, self.ceiling, self.rate)

    def to_samples(self, ms: int) -> int:
        return int(self.rate * ms / 1000)

    # analysis
    def analyse(self) -> None:
        """Decide every voice's gain and the master gain (see the module docstring)."""
        lines = self.lines
        target = self.profile.lufs
        by_voice: dict[str, list[int]] = defaultdict(list)
        chars: dict[str, int] = defaultdict(int)
        for i, ln in enumerate(lines):
            by_voice[voice_key(ln)].append(i)
            chars[voice_key(ln)] += len(ln.text)
        if not lines:
            self.lufs = target
            return
        # Each voice: short pieces from the middle of clips spread over the chapter (many
        # clips, not a few whole ones: phrases differ in level more than stretches do).
        per_voice = min(VOICE_SAMPLE_S, max(10.0, VOICES_SAMPLE_S / len(by_voice)))
        samples: dict[str, list[np.ndarray]] = {}
        for v, idx in by_voice.items():
            picks = np.linspace(0, len(idx) - 1, min(len(idx), SAMPLE_CLIPS)).round()
            chosen = sorted({idx[int(p)] for p in picks})
            piece = int(self.rate * max(MIN_PIECE_S, per_voice / len(chosen)))
            samples[v] = []
            for i in chosen:
                x = self._load(i)
                cut = max(0, (x.size - piece) // 2)
                samples[v].append(x[cut : cut + piece].copy())  # not a view: free the clip

        def voice_levels(gains_db: dict[str, float]) -> dict[str, float]:
            # Every voice's pieces at once, through one batched filter pass.
            order = [(v, x) for v, db in gains_db.items() for x in samples[v]]
            shaped = [self._shape(x, 10 ** (gains_db[v] / 20)) for v, x in order]
            powers: dict[str, list[np.ndarray]] = defaultdict(list)
            for (v, _x), p in zip(order, block_powers_many(shaped, self.rate), strict=True):
                powers[v].append(p)
            return {
                v: loudness.integrated(np.concatenate(powers[v])) if powers[v] else float("-inf")
                for v in gains_db
            }

        raw = voice_levels(dict.fromkeys(by_voice, 0.0))
        raw = {v: lv for v, lv in raw.items() if math.isfinite(lv)}
        if not raw:  # nothing audible at all: leave the clips as they are
            self.gains = {v: 1.0 for v in by_voice}
            return
        ref = (
            self.narrator_voice if self.narrator_voice in raw else max(raw, key=lambda v: chars[v])
        )
        gain_db = {v: min(MAX_VOICE_GAIN_DB, raw[ref] - raw.get(v, raw[ref])) for v in by_voice}
        master_db = target - raw[ref]
        # Once every voice sits at one level, the chapter's loudness is that level plus
        # what the pauses between lines do to the gated blocks: measure that difference on
        # a few stretches of the chapter rendered in context and each clip alone.
        context = self._context_offset(_excerpts(lines), gain_db, master_db)
        goal = target + self.codec_loss_db - context

        # The limiter makes level a concave function of gain (slope <= 1): secant steps
        # on each voice's curve converge in two or three rounds.  Voices are independent
        # (each one's level depends on its own gain alone), so a voice within 0.1 dB of
        # the goal is settled and no longer measured while the others go on.
        total = {v: gain_db[v] + master_db for v in by_voice}
        hist: dict[str, list[tuple[float, float]]] = {v: [] for v in raw}
        todo = list(raw)
        for _round in range(6):
            levels = voice_levels({v: total[v] for v in todo})
            todo = [v for v in todo if abs(goal - levels[v]) >= 0.1]
            for v in todo:
                hist[v].append((total[v], levels[v]))
                total[v] += (goal - levels[v]) / _slope(hist[v])
            # no voice more than MAX_VOICE_GAIN_DB above the reference
            cap = total[ref] + MAX_VOICE_GAIN_DB
            for v in todo:
                total[v] = min(total[v], cap)
            if not todo:
                break
        self.gains = {v: 10 ** (g / 20) for v, g in total.items()}
        self.lufs = target

    def _context_offset(
        self, excerpts: list[tuple[int, int]], gain_db: dict[str, float], master_db: float
    ) -> float:
        """Loudness of stretches in context minus that of their clips measured alone."""
        tone = RoomTone(self.rate, self.profile.room_tone_db, seed=1)
        gains = {v: 10 ** ((g + master_db) / 20) for v, g in gain_db.items()}
        in_context, alone = [], []
        for a, b in excerpts:
            buf = _Collect()
            placed: list[Placed] = []
            self._stream(range(a, b), buf, tone, gains, self._load, placed)
            audio = buf.array()
            pieces = [audio]
            for p in placed:
                s, e = (round(t * self.rate / 1000) for t in (p.start_ms, p.end_ms))
                pieces.append(audio[s:e])
            powers = block_powers_many(pieces, self.rate)
            in_context.append(powers[0])
            alone.extend(powers[1:])
        if not alone:
            return 0.0
        offset = loudness.integrated(np.concatenate(in_context)) - loudness.integrated(
            np.concatenate(alone)
        )
        return offset if math.isfinite(offset) else 0.0

    def _stream(
        self,
        indices: range,
        sink,
        tone: RoomTone,
        gains: dict[str, float],
        clip: Callable[[int], np.ndarray],
        placed: list[Placed] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        for i in indices:
            line = self.lines[i]
            pause = self.to_samples(PAUSE_MS[line.pause_before]) if i != indices.start else 0
            if pause:
                sink.write(tone.take(pause))
            y = self._shape(clip(i), gains.get(voice_key(line), 1.0))
            tone.add_to(y)
            start = sink.samples
            sink.write(y)
            if placed is not None:
                placed.append(
                    Placed(
                        line,
                        round(start * 1000 / self.rate),
                        round(sink.samples * 1000 / self.rate),
                    )
                )
            if progress:
                progress(1)

    def render(self, sink, progress: Callable[[int], None] | None = None) -> ChapterAudio:
        """Write the whole chapter to ``sink``; call :meth:`analyse` first."""
        tone = RoomTone(self.rate, self.profile.room_tone_db)
        placed: list[Placed] = []
        start = sink.samples
        # The head replaces the first line's own pause (a part may start at a scene break).
        sink.write(tone.take(self.to_samples(self.head_ms)))
        self._stream(range(len(self.lines)), sink, tone, self.gains, self._load, placed, progress)
        sink.write(tone.take(self.to_samples(self.tail_ms)))
        return ChapterAudio(
            duration_ms=round((sink.samples - start) * 1000 / self.rate),
            placed=placed,
            lufs=self.lufs,
            gains_db={v: 20 * math.log10(g) for v, g in self.gains.items() if g > 0},
        )

    # pieces
    def layout(self) -> int:
        """Place every line (pause and clip, in samples) without rendering; return the length.

        Lets pieces of the chapter be rendered independently, in any order, sample for
        sample as :meth:`render` would have made them.
        """
        pos = self.to_samples(self.head_ms)
        spans = []
        for i, line in enumerate(self.lines):
            pause = self.to_samples(PAUSE_MS[line.pause_before]) if i else 0
            n = self._load(i).size
            spans.append((pos, pos + pause, pos + pause + n))
            pos += pause + n
        self.spans = spans
        self.total = pos + self.to_samples(self.tail_ms)
        return self.total

    def placed(self) -> list[Placed]:
        ms = 1000 / self.rate
        return [
            Placed(line, round(a * ms), round(b * ms))
            for line, (_p, a, b) in zip(self.lines, self.spans, strict=True)
        ]

    def render_window(
        self,
        sink,
        start: int,
        end: int,
        progress: Callable[[int], None] | None = None,
        counted: tuple[int, int] | None = None,
    ) -> None:
        """Write samples ``[start, end)`` of the chapter (after :meth:`layout`).

        The room tone is a function of the position, so a window is exactly that stretch
        of :meth:`render`'s output.  ``progress`` counts lines whose clip starts in
        ``counted`` (pieces overlap; each line is counted once).
        """
        end = min(end, self.total)
        tone = RoomTone(self.rate, self.profile.room_tone_db)
        tone.pos = start % tone.loop.size
        i = bisect.bisect_right([c for _p, _a, c in self.spans], start)
        pos = start
        while pos < end:
            if i >= len(self.spans):  # the tail
                sink.write(tone.take(end - pos))
                break
            _p, a, b = self.spans[i]
            if pos < a:  # head or pause
                k = min(end, a) - pos
                sink.write(tone.take(k))
                pos += k
                continue
            y = self._shape(self._load(i), self.gains.get(voice_key(self.lines[i]), 1.0))
            seg = y[pos - a : min(b, end) - a]
            tone.add_to(seg)
            sink.write(seg)
            pos += seg.size
            if progress and counted and counted[0] <= a < counted[1]:
                progress(1)
            i += 1


class _Collect:
    """A sink that keeps what it is given (for the bounded analysis excerpts)."""

    def __init__(self) -> None:
        self.parts: list[np.ndarray] = []
        self.samples = 0

    def write(self, y: np.ndarray) -> None:
        self.parts.append(y)
        self.samples += y.size

    def array(self) -> np.ndarray:
        if len(self.parts) > 1:
            self.parts = [np.concatenate(self.parts)]  # one copy kept, not two
        return self.parts[0] if self.parts else np.zeros(0, dtype=np.float32)


def _slope(history: list[tuple[float, float]]) -> float:
    """d(level)/d(gain) from the last two measurements (a typical guess before that)."""
    if len(history) < 2:
        return 0.8
    (x0, y0), (x1, y1) = history[-2], history[-1]
    if abs(x1 - x0) < 1e-3:
        return 0.8
    return min(1.0, max(0.2, (y1 - y0) / (x1 - x0)))


def _excerpts(lines: Sequence[Line]) -> list[tuple[int, int]]:
    """Stretches of consecutive lines, spread over the chapter, to measure in context."""
    n = len(lines)
    total = sum(len(ln.text) for ln in lines) / CHARS_PER_S
    if total <= 2 * EXCERPTS_S:
        return [(0, n)]
    each = EXCERPTS_S / EXCERPTS * CHARS_PER_S  # characters per excerpt
    out: list[tuple[int, int]] = []
    for k in range(EXCERPTS):
        a = round((k + 0.5) * n / EXCERPTS) - 1
        a = max(a, out[-1][1] if out else 0)
        b, got = a, 0.0
        while b < n and got < each:
            got += len(lines[b].text)
            b += 1
        if b > a:
            out.append((a, b))
    return out
