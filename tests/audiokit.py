"""Helpers for audio tests: tiny synthetic clips in a real clip cache, and decoding.

The clips stand in for engine output: 22.05 kHz 16-bit mono WAV, speech-like noise bursts
(syllable-rate modulation, a few sharp peaks) with digital-zero padding at both ends, as
espeak-ng writes.  Levels differ per voice on purpose, so levelling has work to do.
"""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np

from dramatis.model import Voice
from dramatis.speech.plan import Line
from dramatis.speech.synthesize import ClipCache

RATE = 22050


def write_clip(
    cache: ClipCache, key: str, seconds: float, level_db: float, *, seed: int, peaks: bool = True
) -> None:
    """A speech-like burst at ``level_db`` RMS (dBFS), with 100 ms of zeros either side."""
    rng = np.random.default_rng(seed)
    n = int(RATE * seconds)
    t = np.arange(n) / RATE
    noise = rng.standard_normal(n)
    noise = np.convolve(noise, np.ones(4) / 4, mode="same")  # softer top end
    envelope = 0.55 + 0.45 * np.sin(2 * np.pi * 4.0 * t + rng.uniform(0, 6.28))
    x = noise * envelope
    x *= 10 ** (level_db / 20) / np.sqrt(np.mean(x**2))
    if peaks:  # plosive-like spikes well above the body, for the limiter
        for i in rng.integers(RATE // 10, n - RATE // 10, size=max(1, int(seconds * 2))):
            x[i : i + 30] += np.hanning(30) * 10 ** ((level_db + 16) / 20) * rng.choice([-1, 1])
    pad = np.zeros(RATE // 10)
    pcm = np.clip(np.concatenate((pad, x, pad)) * 32768, -32768, 32767).astype("<i2")
    path = cache.path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


NARRATOR = Voice(id="narrator-voice")
LOUD = Voice(id="loud-voice")


def script(
    cache: ClipCache, spec: list[tuple[Voice, str, float]], level: dict[Voice, float] | None = None
) -> tuple[list[Line], list[str]]:
    """Lines and cache keys for (voice, pause before, seconds) triples, clips written."""
    level = level or {NARRATOR: -30.0, LOUD: -17.0}
    lines, keys = [], []
    for i, (voice, pause, seconds) in enumerate(spec):
        key = f"{i:02d}{voice.id}{seconds}".replace(".", "_")
        write_clip(cache, key, seconds, level[voice], seed=i)
        speaker = None if voice == NARRATOR else "Loud"
        lines.append(Line(0, 0, speaker, f"line {i}", voice, pause))
        keys.append(key)
    return lines, keys


def decode(path: Path, rate: int = 44100) -> np.ndarray:
    """The file as a player hears it: float mono samples."""
    out = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(path),
            "-ac",
            "1",
            "-ar",
            str(rate),
            "-f",
            "f32le",
            "-",
        ],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(out, dtype="<f4")


def silent_runs(x: np.ndarray, rate: int = 44100, db: float = -50.0) -> list[tuple[float, float]]:
    """(start, end) in seconds of stretches whose 10 ms RMS stays under ``db``."""
    tick = rate // 100
    n = x.size // tick
    power = (x[: n * tick].astype(np.float64) ** 2).reshape(n, tick).mean(axis=1)
    quiet = power < 10 ** (db / 10)
    runs, start = [], None
    for i, q in enumerate(quiet):
        if q and start is None:
            start = i
        elif not q and start is not None:
            runs.append((start / 100, i / 100))
            start = None
    if start is not None:
        runs.append((start / 100, n / 100))
    return runs
