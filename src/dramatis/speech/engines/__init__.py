"""TTS engines behind one interface (:class:`dramatis.speech.engines.base.Engine`).

Engines are looked up by name so that voices.yaml, the CLI and worker processes can name
them with a plain string (workers must build their own engine: they cannot share one).
"""

from __future__ import annotations

from dramatis.errors import DramatisError
from dramatis.speech.engines.base import Engine, VoiceInfo

DEFAULT_ENGINE = "pyttsx3"


def engine_names() -> list[str]:
    return ["pyttsx3", "espeak-ng"]


def create_engine(name: str = DEFAULT_ENGINE) -> Engine:
    """Build an engine by name (imported lazily: each pulls in native libraries)."""
    if name == "pyttsx3":
        from dramatis.speech.engines.pyttsx3_engine import Pyttsx3Engine

        return Pyttsx3Engine()
    if name == "espeak-ng":
        from dramatis.speech.engines.espeak_cli import EspeakCliEngine

        return EspeakCliEngine()
    raise DramatisError(f"unknown engine {name!r}; choose one of: {', '.join(engine_names())}")


def engine_voices(name: str = DEFAULT_ENGINE) -> tuple[list[VoiceInfo], str | None]:
    """The engine's voices and its default voice; the engine itself is closed again."""
    engine = create_engine(name)
    try:
        return engine.voices(), engine.default_voice
    finally:
        engine.close()


__all__ = [
    "DEFAULT_ENGINE",
    "Engine",
    "VoiceInfo",
    "create_engine",
    "engine_names",
    "engine_voices",
]
