"""TTS engines behind one interface (:class:`dramatis.speech.engines.base.Engine`).

Engines are package entry points in the group ``dramatis.engines`` (name -> ``module:Class``),
so a third-party package registers one in its own pyproject::

    [project.entry-points."dramatis.engines"]
    myengine = "mypackage.tts:MyEngine"

They are imported only when used (each pulls in native libraries or models), and named by a
plain string so that voices.yaml, the CLI and worker processes can name them (workers build
their own engine: engines are never shared between processes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from dramatis.errors import DramatisError
from dramatis.model import Voice
from dramatis.speech.engines.base import Audio, Engine, VoiceInfo, honoured

GROUP = "dramatis.engines"
DEFAULT_ENGINE = "pyttsx3"
#: Dramatis's own engines, also declared as entry points in pyproject.toml.  Listed here too
#: so that an editable install made before the entry points existed still finds them.
_BUILTIN = {
    "pyttsx3": "dramatis.speech.engines.pyttsx3_engine:Pyttsx3Engine",
    "espeak-ng": "dramatis.speech.engines.espeak_cli:EspeakCliEngine",
}


def _entry_points() -> dict[str, EntryPoint]:
    found = {name: EntryPoint(name, value, GROUP) for name, value in _BUILTIN.items()}
    found.update({ep.name: ep for ep in entry_points(group=GROUP)})
    return found


def available_engines() -> list[str]:
    """Names of the registered engines, the default first (whether their libraries load is
    found out only when one is created)."""
    names = sorted(_entry_points())
    return sorted(names, key=lambda n: n != DEFAULT_ENGINE)


def engine_class(name: str) -> type[Engine]:
    """The engine class registered as ``name``, imported now."""
    eps = _entry_points()
    if name not in eps:
        raise DramatisError(
            f"unknown engine {name!r}; choose one of: {', '.join(available_engines())}"
        )
    try:
        cls = eps[name].load()
    except ImportError as exc:
        raise DramatisError(
            f"the {name} engine is not installed ({exc}); see the README for its install line"
        ) from exc
    if not (isinstance(cls, type) and issubclass(cls, Engine)):
        raise DramatisError(f"the {name} engine's entry point is not an Engine: {eps[name].value}")
    return cls


def create_engine(name: str = DEFAULT_ENGINE) -> Engine:
    """Build an engine by name (its constructor raises a one-line DramatisError when a
    library or model it needs is missing)."""
    return engine_class(name)()


@dataclass(frozen=True, slots=True)
class EngineFacts:
    """What the build needs to know of an engine, gathered once in the parent process."""

    name: str
    identity: str
    settings: frozenset[str]
    natural_wpm: float
    voices: list[VoiceInfo]
    default_voice: str | None

    def key_voice(self, voice: Voice) -> Voice:
        """The part of ``voice`` that changes this engine's audio (enters the clip key)."""
        return honoured(voice, self.settings)


def describe_engine(name: str = DEFAULT_ENGINE) -> EngineFacts:
    """Start the engine once, note what it offers, and close it again."""
    engine = create_engine(name)
    try:
        return EngineFacts(
            name=name,
            identity=engine.identity(),
            settings=frozenset(engine.settings),
            natural_wpm=float(engine.natural_wpm),
            voices=engine.voices(),
            default_voice=engine.default_voice,
        )
    finally:
        engine.close()


class EngineBook:
    """The facts of each engine one build (or command) uses, each engine started once.

    Passed along rather than cached in the module: the registry keeps no state.
    """

    def __init__(self, known: Iterable[EngineFacts] = ()) -> None:
        """``known``: facts already gathered (or made up by a test): not started again."""
        self._facts: dict[str, EngineFacts] = {f.name: f for f in known}

    def __getitem__(self, name: str) -> EngineFacts:
        if name not in self._facts:
            self._facts[name] = describe_engine(name)
        return self._facts[name]


def engine_voices(name: str = DEFAULT_ENGINE) -> tuple[list[VoiceInfo], str | None]:
    """The engine's voices and its default voice; the engine itself is closed again."""
    facts = describe_engine(name)
    return facts.voices, facts.default_voice


__all__ = [
    "DEFAULT_ENGINE",
    "GROUP",
    "Audio",
    "Engine",
    "EngineBook",
    "EngineFacts",
    "VoiceInfo",
    "available_engines",
    "create_engine",
    "describe_engine",
    "engine_class",
    "engine_voices",
]
