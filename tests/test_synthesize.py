"""Clips: real engine output, verification, retries, and the content-addressed cache."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from conftest import ESPEAK
from dramatis.errors import SynthesisError
from dramatis.model import Voice
from dramatis.speech import synthesize as synth
from dramatis.speech.engines import describe_engine
from dramatis.speech.engines.base import Audio
from dramatis.speech.synthesize import ClipCache, ClipRequest, clip_key, synthesize, verify_clip

needs_espeak = pytest.mark.needs(*ESPEAK)


def _wav(path: Path, seconds: float, amplitude: int = 8000, rate: int = 22050) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    data = (amplitude * np.sin(2 * np.pi * 220 * t)).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data.tobytes())
    return path


def test_clip_key_depends_on_every_setting() -> None:
    base = clip_key("pyttsx3", Voice("gmw/en", 170, 50, 1.0), "Hello.")
    assert base == clip_key("pyttsx3", Voice("gmw/en", 170, 50, 1.0), "Hello.")
    others = {
        clip_key("pyttsx3 2.99 espeak libespeak-ng 1.52", Voice("gmw/en", 170, 50, 1.0), "Hello."),
        clip_key("pyttsx3", Voice("gmw/en+f3", 170, 50, 1.0), "Hello."),
        clip_key("pyttsx3", Voice("gmw/en", 171, 50, 1.0), "Hello."),
        clip_key("pyttsx3", Voice("gmw/en", 170, 51, 1.0), "Hello."),
        clip_key("pyttsx3", Voice("gmw/en", 170, 50, 0.9), "Hello."),
        clip_key("pyttsx3", Voice("gmw/en", 170, 50, 1.0), "Hello!"),
    }
    assert base not in others and len(others) == 6


def test_verify_clip_rejects_bad_audio(tmp_path: Path) -> None:
    text = "This sentence has exactly seven words."
    assert verify_clip(tmp_path / "missing.wav", text, Voice(), 175) == "the engine wrote no audio"
    assert "too short" in verify_clip(_wav(tmp_path / "short.wav", 0.1), text, Voice(), 175)
    assert "too long" in verify_clip(_wav(tmp_path / "long.wav", 60), text, Voice(), 175)
    assert (
        verify_clip(_wav(tmp_path / "silent.wav", 2.5, amplitude=0), text, Voice(), 175)
        == "the clip is silent"
    )
    (tmp_path / "junk.wav").write_bytes(b"RIFF" + b"\x00" * 100)
    assert "does not decode" in verify_clip(tmp_path / "junk.wav", text, Voice(), 175)
    assert verify_clip(_wav(tmp_path / "ok.wav", 2.5), text, Voice(), 175) is None
    assert (
        verify_clip(_wav(tmp_path / "hum.wav", 2.5, amplitude=200), text, Voice(), 175) is not None
    )
    # Loud only below zero (a DC-shifted or half-wave clip) is still speech-loud.
    with wave.open(str(tmp_path / "ok.wav"), "rb") as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), "<i2")
    low = tmp_path / "low.wav"
    with wave.open(str(low), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(np.minimum(samples, 0).astype("<i2").tobytes())
    assert verify_clip(low, text, Voice(), 175) is None


class _FlakyEngine:
    """Writes no file on the first call (the pyttsx3 espeak fault), then real audio."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    settings = frozenset({"rate"})
    natural_wpm = 175

    def synthesize(self, text: str, voice: Voice) -> Audio:
        self.calls += 1
        if self.calls > self.failures:
            return Audio(np.sin(np.arange(33075, dtype=np.float32) / 10) * 0.3, 22050)
        return Audio(np.zeros(0, dtype=np.float32), 22050)


def test_worker_retries_a_clip_the_engine_silently_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _FlakyEngine(failures=1)
    monkeypatch.setitem(synth._ENGINES, "pyttsx3", engine)
    req = ClipRequest("k1", "Three words here.", Voice())
    key, error = synth._synthesize_one((req, str(tmp_path / "k1.wav")))
    assert (key, error) == ("k1", None)
    assert engine.calls == 2
    assert verify_clip(tmp_path / "k1.wav", req.text, Voice(), 175) is None


def test_worker_gives_up_after_retries_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _FlakyEngine(failures=99)
    monkeypatch.setitem(synth._ENGINES, "pyttsx3", engine)
    _key, error = synth._synthesize_one(
        (ClipRequest("k2", "Hi.", Voice()), str(tmp_path / "k2.wav"))
    )
    assert error == "the engine wrote no audio"
    assert engine.calls == synth.ATTEMPTS
    assert list(tmp_path.iterdir()) == []


@needs_espeak
def test_real_engine_clips_are_cached_and_reused(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path / "cache")
    identity = describe_engine("pyttsx3").identity
    voices = [Voice("gmw/en", 175), Voice("gmw/en+f3", 160, 60)]
    reqs = [
        ClipRequest(clip_key(identity, v, t), t, v, f"line {i}")
        for i, (v, t) in enumerate(
            [
                (voices[0], "The sun is almost gone."),
                (voices[1], "You can stay with me tonight."),
                (voices[0], "The sun is almost gone."),
            ]
        )
    ]
    first = synthesize(reqs, cache, engine="pyttsx3", jobs=2)
    assert (first.synthesized, first.reused) == (2, 0)
    for r in reqs:
        assert verify_clip(cache.path(r.key), r.text, r.voice, 175) is None
    again = synthesize(reqs, cache, engine="pyttsx3", jobs=2)
    assert (again.synthesized, again.reused) == (0, 2)


@needs_espeak
def test_a_clip_that_stays_silent_stops_the_build_naming_the_line(tmp_path: Path) -> None:
    # Punctuation alone makes espeak-ng produce silence: verification must catch it.
    req = ClipRequest(
        clip_key("pyttsx3", Voice(), "- - -"), "- - -", Voice(), "story/01.mp3, line 7"
    )
    with pytest.raises(SynthesisError, match=r"story/01\.mp3, line 7.*silent|short"):
        synthesize([req], ClipCache(tmp_path), engine="pyttsx3", jobs=1)
    assert not any(tmp_path.rglob("*.wav"))


def test_cache_prune_keeps_needed_and_removes_oldest(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path, max_bytes=100_000)
    import os
    import time

    for i, key in enumerate(["aa01", "aa02", "aa03"]):
        p = cache.path(key)
        p.parent.mkdir(parents=True, exist_ok=True)
        _wav(p, 1.0)  # ~44 kB each
        os.utime(p, (time.time() - 100 + i, time.time() - 100 + i))
    assert cache.prune(keep={"aa01"}) == 1
    assert cache.has("aa01") and not cache.has("aa02") and cache.has("aa03")
    assert cache.clear()[0] == 2 and not cache.has("aa03")


@needs_espeak
def test_pyttsx3_default_rate_is_the_same_on_every_start(tmp_path: Path) -> None:
    """A voice without a rate speaks at one fixed speed, whatever pyttsx3 reports.

    pyttsx3's espeak driver reports 175 or 200 wpm at random from start to start, so the
    same cached clip used to come out 14% faster or slower from one build to the next.
    """
    from dramatis.speech.engines.espeak_cli import ESPEAK_DEFAULT_WPM
    from dramatis.speech.engines.pyttsx3_engine import Pyttsx3Engine

    engine = Pyttsx3Engine()
    if not engine.is_espeak:
        pytest.skip("pyttsx3 does not drive espeak-ng here")
    text = "She had never been so much surprised in all her life before."

    def frames(voice: Voice) -> int:
        return len(engine.synthesize(text, voice).samples)

    bad = 200 if ESPEAK_DEFAULT_WPM != 200 else 150
    engine._engine.setProperty("rate", bad)  # what pyttsx3 sometimes reports
    default = frames(Voice(id="gmw/en"))
    fixed = frames(Voice(id="gmw/en", rate=ESPEAK_DEFAULT_WPM))
    reported = frames(Voice(id="gmw/en", rate=bad))
    # espeak-ng varies by a few samples between calls; the two rates differ by ~14%
    assert abs(default - fixed) < 0.01 * fixed
    assert abs(default - reported) > 0.08 * fixed
    engine.close()
