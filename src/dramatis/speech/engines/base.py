"""The small interface every TTS engine implements (built-in or a third-party plug-in).

An engine turns (text, voice settings) into :class:`Audio`: float samples and their rate.
Everything else (clip cache, verification, retries, worker processes) lives in
:mod:`dramatis.speech.synthesize`, so a new engine is a few dozen lines.  Engines register
under the entry-point group ``dramatis.engines`` (see :mod:`dramatis.speech.engines`).

Voice settings in voices.yaml are engine-neutral; each engine maps them to its own controls:

``rate``
    Words per minute.  Unset means the engine's natural pace, :attr:`Engine.natural_wpm`.
    espeak-ng's speed is already in words per minute, so it passes through; an engine with a
    speed factor uses ``rate / natural_wpm`` (e.g. Kokoro's ``speed``).
``pitch``
    0-100, 50 = the voice's own pitch, 0 the lowest and 100 the highest the engine offers.
    espeak-ng's pitch is the same scale (0-99; 100 becomes 99).
``volume``
    0.0-1.0, a gain on the voice (1.0 = as the engine speaks it).

An engine honours only the settings it lists in :attr:`Engine.settings`; the others are
ignored (the cast says so once) and are left out of the clip key, so changing them does not
re-synthesize anything.
"""

from __future__ import annotations

import wave
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from dramatis.model import Gender, Voice

if TYPE_CHECKING:  # numpy is imported where audio is made: `dramatis --help` stays instant
    import numpy as np

#: Every engine-neutral voice setting voices.yaml knows.
SETTINGS = frozenset({"rate", "pitch", "volume"})
#: The neutral pitch: the voice as it is.
NEUTRAL_PITCH = 50


@dataclass(frozen=True, slots=True)
class VoiceInfo:
    """One voice the engine offers (``id`` is what voices.yaml's ``voice:`` names).

    ``family`` groups voices that sound alike (espeak-ng: a base voice and its ``+variant``s;
    a neural engine: usually each voice alone), so casting spreads characters over families
    without parsing engine-specific ids.  ``accent`` (``"en-us"``, ``"en-gb"``...) lets casting
    prefer an accent.
    """

    id: str
    name: str
    languages: tuple[str, ...] = ()
    gender: Gender = "unknown"
    accent: str | None = None
    family: str | None = None


@dataclass(frozen=True, slots=True)
class Audio:
    """Mono float32 samples in [-1, 1] and their sample rate: what an engine returns."""

    samples: np.ndarray
    sample_rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate if self.sample_rate else 0.0

    @classmethod
    def from_pcm16(cls, pcm: bytes, sample_rate: int) -> Audio:
        """From little-endian 16-bit PCM (what espeak-ng and most C engines produce)."""
        import numpy as np

        ints = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
        return cls(ints.astype(np.float32) / 32768.0, sample_rate)

    def to_pcm16(self) -> bytes:
        """Little-endian 16-bit PCM, clipped (how clips are stored in the cache)."""
        import numpy as np

        scaled = np.clip(np.nan_to_num(self.samples, nan=0.0) * 32768.0, -32768, 32767)
        return scaled.astype("<i2").tobytes()


def read_pcm(path: Path) -> tuple[bytes, int]:
    """Mono 16-bit PCM and its sample rate from an audio file (clips in the cache are 16-bit
    mono WAV; drivers that only write files may write AIFF or stereo: ffmpeg decodes those)."""
    try:
        with wave.open(str(path), "rb") as w:
            if w.getsampwidth() == 2 and w.getnchannels() == 1:
                return w.readframes(w.getnframes()), w.getframerate()
    except (wave.Error, EOFError):
        pass
    from pydub import AudioSegment

    seg = AudioSegment.from_file(path).set_channels(1).set_sample_width(2)
    return seg.raw_data, seg.frame_rate


def read_audio(path: Path) -> Audio:
    """An audio file as :class:`Audio` (for engines whose library only writes files)."""
    return Audio.from_pcm16(*read_pcm(path))


def honoured(voice: Voice, settings: frozenset[str]) -> Voice:
    """``voice`` without the settings an engine ignores (they must not change clip keys)."""
    return Voice(
        id=voice.id,
        rate=voice.rate if "rate" in settings else None,
        pitch=voice.pitch if "pitch" in settings else None,
        volume=voice.volume if "volume" in settings else None,
    )


class Engine(ABC):
    """A text-to-speech engine.  Instances live in one process and are never shared: each
    synthesis worker process builds its own through the registry."""

    #: Registry name, as in ``--engine`` and voices.yaml's ``engine:``.
    name: ClassVar[str]
    #: The neutral settings (:data:`SETTINGS`) this engine honours.
    settings: ClassVar[frozenset[str]] = frozenset()
    #: Words per minute at the engine's own default speed: what an unset ``rate`` means, and
    #: how clip durations are judged plausible.
    natural_wpm: ClassVar[float]
    #: Resident memory one worker process needs with this engine loaded; worker pools are
    #: sized to what the machine has free.
    memory_mb: ClassVar[int] = 100

    @abstractmethod
    def identity(self) -> str:
        """Name, library/engine version, model checksum: anything that changes the audio
        besides the voice settings and text.  It enters every clip's cache key."""

    @property
    def default_voice(self) -> str | None:
        """The voice used when voices.yaml names none (so it is never given to a character)."""
        return None

    @abstractmethod
    def voices(self) -> list[VoiceInfo]:
        """Every voice (including variants) this engine can speak with."""

    @abstractmethod
    def synthesize(self, text: str, voice: Voice) -> Audio:
        """Speak ``text`` with ``voice`` (raise on failure; the caller verifies and retries)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the engine's resources."""
