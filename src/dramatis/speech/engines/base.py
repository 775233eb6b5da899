"""The small interface every TTS engine implements.

An engine turns (text, voice settings) into a WAV file.  Everything else (caching,
verification, retries, worker processes) lives in :mod:`dramatis.speech.synthesize`, so a new
engine is a few dozen lines.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from dramatis.model import Gender, Voice


@dataclass(frozen=True, slots=True)
class VoiceInfo:
    """One voice the engine offers (``id`` is what voices.yaml's ``voice:`` names)."""

    id: str
    name: str
    languages: tuple[str, ...] = ()
    gender: Gender = "unknown"


class Engine(ABC):
    """A text-to-speech engine. Instances live in one process and are not shared."""

    name: ClassVar[str]
    #: Settings ranges the engine honours; values outside are rejected by the cast check.
    default_rate: ClassVar[int] = 175

    @property
    def default_voice(self) -> str | None:
        """The voice used when voices.yaml names none (so it is never given to a character)."""
        return None

    @abstractmethod
    def voices(self) -> list[VoiceInfo]:
        """Every voice (including variants) this engine can speak with."""

    @abstractmethod
    def synthesize(self, text: str, voice: Voice, out: Path) -> None:
        """Speak ``text`` with ``voice`` into the WAV file ``out`` (raise on failure)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the engine's resources."""
