"""Join a chapter's clips with natural pauses, level it, and encode it to MP3.

Memory stays bounded: clips stream from the cache into a temporary WAV file (one clip in
memory at a time) and ffmpeg encodes from that file.  Levels follow audiobook practice (ACX):

* each voice is levelled *as a whole* to the narrator (one gain per voice, never per
  sentence, which would pump audibly);
* the chapter's integrated loudness is brought to the profile's target with one gain, and a
  look-ahead limiter (ffmpeg ``alimiter``) keeps the true peak under the ceiling;
* pauses and the engine's digital-zero gaps are filled with faint room tone, because players,
  distributors and listeners all notice dead digital silence.
"""

from __future__ import annotations

import subprocess
import wave
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dramatis import loudness
from dramatis.errors import DramatisError
from dramatis.plan import Line
from dramatis.synthesize import ClipCache, read_pcm

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
HEAD_MS = 750
TAIL_MS = 2500
#: Clip edges quieter than this (of 32767) are engine padding, trimmed to a fixed margin.
EDGE_THRESHOLD = 160 / 32768
EDGE_KEEP_MS = 40


@dataclass(frozen=True, slots=True)
class Profile:
    """Delivery settings: ``acx`` (the default) meets Audible's; ``podcast`` is light."""

    name: str
    bitrate: str
    sample_rate: int = 44100
    lufs: float = -19.0
    true_peak: float = -3.0
    room_tone_db: float = -68.0  # RMS of the room-tone bed, dBFS


PROFILES = {
    "acx": Profile("acx", "192k"),
    "podcast": Profile("podcast", "80k", lufs=-18.0, true_peak=-2.0),
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
    lufs: float = float("-inf")


def _trim(samples: np.ndarray, rate: int) -> np.ndarray:
    """Cut engine padding at both ends down to a small fixed margin."""
    loud = np.flatnonzero(np.abs(samples) > EDGE_THRESHOLD)
    if loud.size == 0:
        return samples[:0]
    keep = int(rate * EDGE_KEEP_MS / 1000)
    return samples[max(0, loud[0] - keep) : min(samples.size, loud[-1] + keep)]


def _load(cache: ClipCache, key: str, rate: int | None) -> tuple[np.ndarray, int]:
    pcm, clip_rate = read_pcm(cache.path(key))
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    if rate is not None and clip_rate != rate:
        from scipy.signal import resample_poly

        g = np.gcd(rate, clip_rate)
        samples = resample_poly(samples, rate // g, clip_rate // g).astype(np.float32)
        clip_rate = rate
    return _trim(samples, clip_rate), clip_rate


def _voice_key(line: Line) -> str:
    return repr(line.voice)


def voice_gains(
    lines: Sequence[Line], keys: Sequence[str], cache: ClipCache, reference: str | None
) -> tuple[dict[str, float], float, int]:
    """Per-voice gains (linear) that level every voice to the reference voice's loudness.

    Returns (gains, loudness after those gains, sample rate).
    """
    powers: dict[str, list[np.ndarray]] = defaultdict(list)
    rate: int | None = None
    for line, key in zip(lines, keys, strict=True):
        samples, rate = _load(cache, key, rate)
        powers[_voice_key(line)].append(loudness.block_powers(samples, rate))
    levels = {v: loudness.integrated(np.concatenate(p)) for v, p in powers.items()}
    finite = {v: lv for v, lv in levels.items() if np.isfinite(lv)}
    if not finite:
        return {}, float("-inf"), rate or 22050
    ref = finite.get(reference) if reference else None
    if ref is None:
        ref = float(np.median(list(finite.values())))
    # Bounded: a whispering variant is lifted, never blown up into noise.
    gains = {v: min(4.0, 10 ** ((ref - lv) / 20)) for v, lv in finite.items()}
    # The chapter's loudness once every voice sits at the reference: its blocks, rescaled.
    allp = np.concatenate([np.concatenate(p) * gains.get(v, 1.0) ** 2 for v, p in powers.items()])
    return gains, loudness.integrated(allp), rate or 22050


def _room_tone(n: int, rng: np.random.Generator, level_db: float) -> np.ndarray:
    """Soft, slightly low-passed noise at ``level_db`` RMS: a quiet room, not hiss."""
    if n <= 0:
        return np.zeros(0, dtype=np.float32)
    white = rng.standard_normal(n + 1).astype(np.float32)
    brown_ish = (white[1:] + white[:-1]) * 0.5
    rms = float(np.sqrt(np.mean(brown_ish**2))) or 1.0
    return brown_ish * (10 ** (level_db / 20) / rms)


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
) -> ChapterAudio:
    """Write the chapter's MP3 to ``out_mp3`` (a temporary path the caller renames)."""
    gains, level, rate = voice_gains(lines, keys, cache, narrator_voice)
    master = 10 ** ((profile.lufs - level) / 20) if np.isfinite(level) else 1.0
    rng = np.random.default_rng(0)
    tone_db = profile.room_tone_db
    wav_path = out_mp3.with_name(out_mp3.name + ".wav")
    result = ChapterAudio(duration_ms=0)
    written = 0

    def emit(w: wave.Wave_write, samples: np.ndarray) -> None:
        nonlocal written
        bed = _room_tone(samples.size, rng, tone_db)
        mixed = np.clip((samples + bed) * 32767.0, -32768, 32767).astype("<i2")
        w.writeframes(mixed.tobytes())
        written += samples.size

    try:
        with wave.open(str(wav_path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            emit(w, np.zeros(int(rate * head_ms / 1000), dtype=np.float32))
            for line, key in zip(lines, keys, strict=True):
                emit(w, np.zeros(int(rate * PAUSE_MS[line.pause_before] / 1000), dtype=np.float32))
                samples, _ = _load(cache, key, rate)
                start = written
                emit(w, samples * (gains.get(_voice_key(line), 1.0) * master))
                result.placed.append(
                    Placed(line, round(start * 1000 / rate), round(written * 1000 / rate))
                )
                if progress:
                    progress(1)
            emit(w, np.zeros(int(rate * tail_ms / 1000), dtype=np.float32))
        result.duration_ms = round(written * 1000 / rate)
        result.lufs = profile.lufs
        encode_mp3(wav_path, out_mp3, profile)
    finally:
        wav_path.unlink(missing_ok=True)
    return result


def encode_mp3(wav: Path, out: Path, profile: Profile) -> None:
    """ffmpeg: resample, limit the true peak, encode constant-bit-rate mono MP3."""
    ceiling = 10 ** ((profile.true_peak - 1.5) / 20)  # margin for inter-sample and MP3 overshoot
    filters = f"aresample={profile.sample_rate}:resampler=soxr,alimiter=limit={ceiling:.4f}:attack=5:release=50:level=disabled"
    cmd = [
        "ffmpeg",
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-i",
        str(wav),
        "-af",
        filters,
        "-ac",
        "1",
        "-ar",
        str(profile.sample_rate),
        "-c:a",
        "libmp3lame",
        "-b:a",
        profile.bitrate,
        "-id3v2_version",
        "3",
        "-f",
        "mp3",
        str(out),
    ]
    try:
        subprocess.run(cmd, check=True, capture_output=True)
    except FileNotFoundError as exc:
        raise DramatisError(
            "ffmpeg is not installed; run the README's setup command (or install ffmpeg)"
        ) from exc
    except subprocess.CalledProcessError as exc:
        msg = exc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["unknown error"]
        raise DramatisError(f"ffmpeg could not encode {out.name}: {msg[0]}") from exc
