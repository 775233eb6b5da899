"""Join a chapter's clips with natural pauses, level it, and encode it.

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
gains, the limiter and a faint room-tone bed into ffmpeg processes that resample and
encode: memory stays bounded.  A chapter is encoded as pieces of a few minutes, one
encoder per core, joined frame-exactly (:mod:`dramatis.formats.mp3frames`); finished pieces wait
in the cache until the chapter is published, so an interrupted build loses at most the
pieces it was encoding.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import itertools
import json
import math
import os
import shutil
import subprocess
import tempfile
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from dramatis.audio import loudness
from dramatis.errors import DramatisError
from dramatis.formats import mp3frames
from dramatis.paths import write_atomic
from dramatis.speech.plan import Line
from dramatis.speech.synthesize import ClipCache, read_pcm

#: Bump when the same clips and settings would give different audio (fingerprints).
ASSEMBLY_VERSION = 4

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
#: ACX's limit for one file; chapters planned longer than PART_MS are split into parts.
MAX_FILE_MS = 120 * 60_000
PART_MS = 100 * 60_000
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


@dataclass(frozen=True, slots=True)
class Profile:
    """Delivery settings: ``acx`` (the default) meets Audible's; ``podcast`` is lighter."""

    name: str
    bitrate: str  # MP3, constant bit rate
    kbps: tuple[int, int]  # what ``dramatis check`` accepts
    aac_bitrate: str = "128k"  # M4B
    sample_rate: int = 44100
    lufs: float = -19.0
    true_peak: float = -3.0
    room_tone_db: float = -67.0  # RMS of the room-tone bed, dBFS
    #: LAME's algorithm quality (0 best .. 9 fastest).  Measured here on a seed chapter at
    #: 192 kb/s mono: 7 and 5 give the same signal-to-noise ratio (46.4 and 46.3 dB), level
    #: and true peak, and 7 needs 21% less CPU; with the low-pass at the engine's Nyquist
    #: frequency it encodes 1.7x faster than ffmpeg's default (LAME's 3).  The podcast
    #: profile's lower bit rate keeps 5, where LAME's finer noise shaping earns its keep.
    lame_quality: int = 7
    #: Measured here: LAME's output reads this much quieter than its input (a 1 kHz tone
    #: and speech alike: 0.3 LU at 192 kb/s, 0.5 LU at 64-80 kb/s); we aim that much higher.
    codec_loss_db: float = 0.3
    #: Head-room below the true-peak limit for what resampling and the coder add (0.8 dB
    #: let a chapter of Alice, bright high variants, reach -2.4 dBTP; 2 dB holds on the dev novels).
    peak_margin_db: float = 2.0


PROFILES = {
    "acx": Profile("acx", "192k", (192, 320)),
    # Podcast norms for mono speech (AES TD1004: -19 LUFS mono) are ACX's levels too.
    "podcast": Profile(
        "podcast",
        "80k",
        (64, 96),
        aac_bitrate="64k",
        lame_quality=5,
        codec_loss_db=0.5,
        peak_margin_db=2.2,
    ),
}


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


# --- planning helpers the pipeline calls ------------------------------------------------


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


# --- signal pieces ------------------------------------------------------------------------


def running_min(x: np.ndarray, radius: int) -> np.ndarray:
    """Minimum of ``x`` over ``[i - radius, i + radius]``, edges extended (van Herk/Gil-Werman).

    Blocks of the window's width: a running minimum forwards and one backwards within each
    block, and every window spans the end of one block and the start of the next, so the
    answer is the smaller of two look-ups.  O(n) and vectorized.
    """
    k = 2 * radius + 1
    padded = np.concatenate((np.full(radius, x[0]), x, np.full(radius, x[-1])))
    n = padded.size
    blocks = -(-n // k)
    tail = np.full(blocks * k - n, x[-1], dtype=x.dtype)
    grid = np.concatenate((padded, tail)).reshape(blocks, k)
    forward = np.minimum.accumulate(grid, axis=1).ravel()
    backward = np.minimum.accumulate(grid[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(backward[: x.size], forward[2 * radius : 2 * radius + x.size])


def running_mean(x: np.ndarray, radius: int) -> np.ndarray:
    """Mean of ``x`` over ``[i - radius, i + radius]``, edges extended."""
    padded = np.concatenate((np.full(radius + 1, x[0]), x, np.full(radius, x[-1])))
    csum = np.cumsum(padded, dtype=np.float64)
    k = 2 * radius + 1
    return ((csum[k:] - csum[:-k]) / k).astype(x.dtype)


#: Samples per step where a whole clip's worth of temporaries is not needed (a narrated
#: paragraph can be minutes long: its float32 temporaries would be tens of megabytes each).
CHUNK = 1 << 16


def limiter_gain(y: np.ndarray, ceiling: float, rate: int) -> Iterator[tuple[int, int, np.ndarray]]:
    """The look-ahead peak limiter's gain for ``y``: ``(start, end, gain)`` for each stretch
    it touches (elsewhere the gain is exactly 1).

    The detector also sees a 4-point estimate of the value half-way between samples, so the
    true peak stays under control after resampling.  The gain is the minimum of the needed
    gain over +/-W, then smoothed by two moving averages over +/-W/2: each output gain is
    an average of values that are all <= the gain needed at that very sample, so no peak
    escapes, and the gain moves in ~10 ms ramps (no clicks, little distortion).  The gain
    is exactly 1 further than 2W from any peak, so both filters run only around the peaks.
    """
    a = np.abs(y)
    for s in range(0, max(0, y.size - 3), CHUNK):  # in steps: bounded temporaries
        e = min(s + CHUNK, y.size - 3)
        mid = np.abs(
            0.5625 * (y[s + 1 : e + 1] + y[s + 2 : e + 2]) - 0.0625 * (y[s:e] + y[s + 3 : e + 3])
        )
        np.maximum(a[s + 1 : e + 1], mid, out=a[s + 1 : e + 1])
        np.maximum(a[s + 2 : e + 2], mid, out=a[s + 2 : e + 2])
    over = np.flatnonzero(a > ceiling)
    if over.size == 0:
        return
    half = max(1, int(rate * 0.005))  # W/2: 5 ms
    w = 2 * half
    starts = np.maximum(over - 2 * w, 0)
    ends = np.minimum(over + 2 * w + 1, y.size)
    gaps = np.flatnonzero(starts[1:] > ends[:-1])
    spans = list(
        zip(
            np.concatenate(([starts[0]], starts[gaps + 1])).tolist(),
            np.concatenate((ends[gaps], [ends[-1]])).tolist(),
            strict=True,
        )
    )
    # All stretches through the filters at once (a clip has dozens: one call each cost
    # more than the filtering).  Each stretch needs no gain for 2W at both ends, so W of
    # silence between them stands in for the edge extension each would have had alone.
    sep = np.zeros(w, dtype=a.dtype)
    parts: list[np.ndarray] = []
    for s, e in spans:
        parts += [a[s:e], sep]
    peaks = np.concatenate(parts[:-1])
    need = np.minimum(np.float32(1.0), ceiling / np.maximum(peaks, np.float32(1e-9)))
    gain = running_mean(running_mean(running_min(need, w), half), half)
    o = 0
    for s, e in spans:
        yield s, e, gain[o : o + e - s]
        o += e - s + w


def limit(y: np.ndarray, ceiling: float, rate: int) -> np.ndarray:
    """Apply :func:`limiter_gain`: ``|y|`` stays <= ``ceiling``; ``y`` is modified in place."""
    for s, e, gain in limiter_gain(y, ceiling, rate):
        y[s:e] *= gain
    return y


class RoomTone:
    """A faint, steady bed of soft noise: a quiet room, never digital silence.

    One loop of noise is made once and read out continuously (at about -67 dBFS a loop of
    several seconds cannot be heard to repeat); that costs a copy, not a random generator
    per sample.
    """

    def __init__(self, rate: int, level_db: float, seconds: float = 12.0, seed: int = 0):
        rng = np.random.default_rng(seed)
        white = rng.standard_normal(int(rate * seconds))
        soft = white + np.roll(white, 1)  # a gentle low-pass; the loop stays seamless
        soft *= 10 ** (level_db / 20) / float(np.sqrt(np.mean(soft**2)))
        self.loop = soft.astype(np.float32)
        self.pos = 0

    def take(self, n: int) -> np.ndarray:
        out = np.zeros(n, dtype=np.float32)
        return self.add_to(out)

    def add_to(self, y: np.ndarray) -> np.ndarray:
        """Mix the next ``y.size`` samples of the bed into ``y``, in place (no copy of a
        long clip's worth of noise)."""
        done, n = 0, y.size
        while done < n:
            k = min(n - done, self.loop.size - self.pos)
            y[done : done + k] += self.loop[self.pos : self.pos + k]
            done += k
            self.pos = (self.pos + k) % self.loop.size
        return y


def _trim(x: np.ndarray, rate: int) -> np.ndarray:
    """Cut engine padding at both ends down to a small fixed margin (int16 samples)."""
    loud = (x > EDGE_THRESHOLD) | (x < -EDGE_THRESHOLD)
    first = int(loud.argmax())
    if not loud[first]:
        return x[:0]
    last = x.size - int(loud[::-1].argmax())
    keep = int(rate * EDGE_KEEP_MS / 1000)
    return x[max(0, first - keep) : min(x.size, last + keep)]


def _voice_key(line: Line) -> str:
    return repr(line.voice)


# --- encoders -------------------------------------------------------------------------------


class Encoder:
    """An ffmpeg process reading 16-bit mono PCM on stdin and writing ``out``.

    Streaming into a pipe keeps memory flat and lets the encoder run on the other core
    while Python prepares the next clips.
    """

    def __init__(self, out: Path, rate: int, output_args: list[str]) -> None:
        self.out = out
        self._err = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()/abort()
        cmd = [
            "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
            *output_args, str(out),
        ]  # fmt: skip
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=self._err)
        except FileNotFoundError as exc:
            self._err.close()
            raise DramatisError(
                "ffmpeg is not installed; run the README's setup command (or install ffmpeg)"
            ) from exc
        self.samples = 0

    def write(self, y: np.ndarray) -> None:
        try:
            for a in range(0, y.size, CHUNK):  # a long clip converts in steps
                part = y[a : a + CHUNK] * np.float32(32768.0)
                np.clip(part, -32768, 32767, out=part)
                self._proc.stdin.write(part.astype("<i2").data)  # type: ignore[union-attr]
        except BrokenPipeError:
            self.close()  # raises with ffmpeg's message
            raise
        self.samples += y.size

    def close(self) -> None:
        """Finish the file; raise :class:`DramatisError` with ffmpeg's reason on failure."""
        if self._proc.stdin and not self._proc.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self._proc.stdin.close()
        code = self._proc.wait()
        self._err.seek(0)
        err = self._err.read().decode(errors="replace").strip().splitlines()
        self._err.close()
        if code != 0:
            raise DramatisError(
                f"ffmpeg could not encode {self.out.name}: {(err or ['unknown error'])[-1]}"
            )

    def abort(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        if not self._err.closed:
            self._err.close()


def mp3_args(profile: Profile, source_rate: int | None = None) -> list[str]:
    """Resample (SoX's resampler, fast and clean) and encode constant-bit-rate mono MP3.

    With the source's rate known, LAME's low-pass sits at the source's Nyquist frequency:
    nothing above it exists, and not analysing the empty band makes LAME ~15% faster.
    """
    cutoff = ["-cutoff", str(min(source_rate // 2, 20000))] if source_rate else []
    return [
        "-af", f"aresample={profile.sample_rate}:resampler=soxr",
        "-ac", "1", "-ar", str(profile.sample_rate),
        "-c:a", "libmp3lame", "-b:a", profile.bitrate,
        "-compression_level", str(profile.lame_quality), *cutoff,
        # Every frame self-contained, so pieces of a chapter join (dramatis.formats.mp3frames);
        # measured here at 192 kb/s mono: the same signal-to-noise ratio and CPU time.
        "-reservoir", "0",
        "-write_xing", "1",  # exact length and encoder delay for players and CHAP times
        "-id3v2_version", "0", "-write_id3v1", "0",  # tags come from dramatis.formats.tag
        "-f", "mp3",
    ]  # fmt: skip


def encode_mp3(wav: Path, out: Path, profile: Profile) -> None:
    """Encode a WAV file as it is (a voice preview, say) with the profile's MP3 settings."""
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav)]
    try:
        subprocess.run([*cmd, *mp3_args(profile), str(out)], check=True, capture_output=True)
    except FileNotFoundError as exc:
        raise DramatisError(
            "ffmpeg is not installed; run the README's setup command (or install ffmpeg)"
        ) from exc
    except subprocess.CalledProcessError as exc:
        msg = exc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["unknown error"]
        raise DramatisError(f"ffmpeg could not encode {out.name}: {msg[0]}") from None


# --- the chapter ----------------------------------------------------------------------------


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

    def _tone_samples(self, ms: int) -> int:
        return int(self.rate * ms / 1000)

    # analysis
    def analyse(self) -> None:
        """Decide every voice's gain and the master gain (see the module docstring)."""
        lines = self.lines
        target = self.profile.lufs
        by_voice: dict[str, list[int]] = defaultdict(list)
        chars: dict[str, int] = defaultdict(int)
        for i, ln in enumerate(lines):
            by_voice[_voice_key(ln)].append(i)
            chars[_voice_key(ln)] += len(ln.text)
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
            for (v, _x), p in zip(order, _block_powers_many(shaped, self.rate), strict=True):
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
            powers = _block_powers_many(pieces, self.rate)
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
            pause = self._tone_samples(PAUSE_MS[line.pause_before]) if i != indices.start else 0
            if pause:
                sink.write(tone.take(pause))
            y = self._shape(clip(i), gains.get(_voice_key(line), 1.0))
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
        sink.write(tone.take(self._tone_samples(self.head_ms)))
        self._stream(range(len(self.lines)), sink, tone, self.gains, self._load, placed, progress)
        sink.write(tone.take(self._tone_samples(self.tail_ms)))
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
        pos = self._tone_samples(self.head_ms)
        spans = []
        for i, line in enumerate(self.lines):
            pause = self._tone_samples(PAUSE_MS[line.pause_before]) if i else 0
            n = self._load(i).size
            spans.append((pos, pos + pause, pos + pause + n))
            pos += pause + n
        self.spans = spans
        self.total = pos + self._tone_samples(self.tail_ms)
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
            y = self._shape(self._load(i), self.gains.get(_voice_key(self.lines[i]), 1.0))
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


#: Batched K-weighting: FFT length of each overlap-add block.
_FFT_BLOCK = 8192


@functools.lru_cache(maxsize=4)
def _k_spectrum(rate: int) -> np.ndarray:
    """The K-weighting filters' frequency response at :data:`_FFT_BLOCK` points."""
    return np.fft.rfft(loudness.impulse_response(rate), _FFT_BLOCK).astype(np.complex64)


def _k_weight_many(pieces: Sequence[np.ndarray], rate: int) -> list[np.ndarray]:
    """Each piece through the K-weighting filters, as :func:`loudness.k_weight` does.

    Analysis filters hundreds of short pieces per chapter; one FFT each (padded to a power
    of two, in float64) cost more than the whole render.  Here they are laid end to end
    with zeros between them (as long as the filters' response, so no piece hears its
    neighbour) and convolved by overlap-add in fixed blocks, through batched float32
    FFTs: about 10x cheaper, equal to 1e-6.  The blocks are transformed
    :data:`_FFT_ROWS` at a time, so a long piece (a whole short chapter, measured in
    context) needs little more than its own size.
    """
    h = loudness.impulse_response(rate)
    gap = h.size - 1
    step = _FFT_BLOCK - gap  # new input samples per block
    starts = np.cumsum([0] + [p.size + gap for p in pieces])
    blocks = max(1, -(-int(starts[-1]) // step))
    x = np.zeros(blocks * step, dtype=np.float32)
    for p, a in zip(pieces, starts.tolist(), strict=False):
        x[a : a + p.size] = p
    rows = x.reshape(blocks, step)
    spectrum = _k_spectrum(rate)
    ring = None  # the previous batch's last block, ringing on into this batch
    for r in range(0, blocks, _FFT_ROWS):
        part = rows[r : r + _FFT_ROWS]  # filtered in place, once its input is transformed
        y = np.fft.irfft(np.fft.rfft(part, _FFT_BLOCK) * spectrum)
        part[:] = y[:, :step]
        part[1:, :gap] += y[:-1, step:]  # each block's ringing goes on into the next
        if ring is not None:
            part[0, :gap] += ring
        ring = y[-1, step:].copy()
    return [x[a : a + p.size] for p, a in zip(pieces, starts.tolist(), strict=False)]


#: FFT blocks transformed at once: bounded temporaries (~12 MB) for a piece of any length.
_FFT_ROWS = 128
#: Samples filtered per batch: a batch's buffers (~20 bytes a sample) stay near 5 MB.
_BATCH_SAMPLES = 1 << 18


def _batches(pieces: Sequence[np.ndarray]) -> Iterator[list[np.ndarray]]:
    batch: list[np.ndarray] = []
    size = 0
    for p in pieces:
        if batch and size + p.size > _BATCH_SAMPLES:
            yield batch
            batch, size = [], 0
        batch.append(p)
        size += p.size
    if batch:
        yield batch


def _block_powers_many(pieces: Sequence[np.ndarray], rate: int) -> list[np.ndarray]:
    """:func:`loudness.block_powers` of each piece, filtered in batches of bounded size."""
    step = int(0.1 * rate)
    out = []
    weighted = (w for batch in _batches(pieces) for w in _k_weight_many(batch, rate))
    for w in weighted:
        if w.size == 0:
            out.append(np.zeros(0))
        elif w.size < 4 * step:  # a short clip counts as one block of its own length
            w = w.astype(np.float64)
            out.append(np.array([np.mean(w * w)]))
        else:
            e = _block_energies(w[: w.size // step * step].reshape(-1, step))
            out.append((e[:-3] + e[1:-2] + e[2:-1] + e[3:]) / (4 * step))
    return out


def _block_energies(rows: np.ndarray) -> np.ndarray:
    """Sum of squares of each row, in float64, converting a few hundred rows at a time
    (a whole piece in float64 would be four times its float32 size at once)."""
    e = np.empty(rows.shape[0])
    for r in range(0, rows.shape[0], 512):
        c = rows[r : r + 512].astype(np.float64)
        c *= c
        e[r : r + 512] = c.sum(axis=1)
    return e


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
    min_pause = renderer._tone_samples(JOIN_PAUSE_MS)
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
            [(_voice_key(ln), len(ln.text), ln.pause_before) for ln in renderer.lines],
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
