"""Voices for characters voices.yaml gives none: distinct, stable, never the narrator's.

A character without a ``voice`` gets one chosen by gender from the engine's voices, never
the narrator's, by a stable hash of the name, so the same character sounds the same in every
story and on every run.  When the voices run out, rate and pitch are varied so that no two
characters share the same settings.  Only what the engine describes is used (each
:class:`~dramatis.speech.engines.base.VoiceInfo`'s gender, accent and family, and the
settings it honours), so this works for any engine.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

from dramatis.cast.parse import RATE_RANGE
from dramatis.model import Character, Gender, Voice
from dramatis.speech.engines import EngineFacts
from dramatis.speech.engines.base import NEUTRAL_PITCH, VoiceInfo

DEFAULT_PITCH = NEUTRAL_PITCH  # what pitch None sounds like, for every engine
DEFAULT_LANGUAGE = "en"

# Voices that are effects rather than people (espeak-ng's robots, whisper, "Demonic"...):
# only used for a character when nothing else is left.
_NOVELTY = re.compile(
    r"robot|robosoft|whisper|demonic|announce|fast|klatt|test|tweaky|serious|anxious|"
    r"kaukovalta|unirobot",
    re.IGNORECASE,
)

# Settings tried, in order, when a character must share a voice id with someone else:
# pitch first (the most audible difference), then rate steps.
_PITCHES = (DEFAULT_PITCH, 30, 70, 15, 85, 40, 60, 22, 78, 8, 92)
_RATE_STEPS = (0, 20, -20, 40, -40, 60, -60)


def voice_language(voice: VoiceInfo | None) -> str:
    """Primary language subtag of a voice ("en" for en-gb-x-rp), English if unknown."""
    if voice is None or not voice.languages:
        return DEFAULT_LANGUAGE
    return voice.languages[0].split("-")[0].lower() or DEFAULT_LANGUAGE


def speaks(voice: VoiceInfo, language: str) -> bool:
    """Does ``voice`` speak ``language`` ("en" matches en-gb, "en-gb" matches en-gb-x-rp)?"""
    want = language.lower()
    return any(
        lang.lower() == want or lang.lower().startswith(want + "-") for lang in voice.languages
    )


def filter_voices(voices: Iterable[VoiceInfo], language: str | None = None) -> list[VoiceInfo]:
    """The engine's voices for ``dramatis voices``, optionally one language, sorted by id."""
    return sorted(
        (v for v in voices if language is None or speaks(v, language)), key=lambda v: v.id
    )


def family(voice: VoiceInfo) -> str:
    """Which voices sound alike: the engine's ``family``, else the voice alone."""
    return voice.family if voice.family is not None else voice.id


def has_accent(voice: VoiceInfo, accent: str) -> bool:
    """Does ``voice`` speak with ``accent`` ("en-gb" matches en-gb and en-gb-x-rp)?"""
    own = (voice.accent or "").lower()
    return own == accent or own.startswith(accent + "-")


def stable_hash(name: str) -> int:
    """A hash that is the same on every run and machine (unlike ``hash()``)."""
    return int.from_bytes(hashlib.sha256(name.casefold().encode("utf-8")).digest()[:8], "big")


Sound = tuple[str | None, int | None, float | None]


class _Sounds:
    """What a listener can tell apart with one engine: the voice id and the settings the
    engine honours (unset ones at its defaults; ignored ones make no difference)."""

    def __init__(self, engine: EngineFacts) -> None:
        self.pitch = "pitch" in engine.settings
        self.rate = "rate" in engine.settings
        self.natural_wpm = round(engine.natural_wpm)

    def of(self, voice: Voice) -> Sound:
        return (
            voice.id,
            (voice.pitch if voice.pitch is not None else DEFAULT_PITCH) if self.pitch else None,
            (voice.rate if voice.rate is not None else self.natural_wpm) if self.rate else None,
        )

    def vary(self, voice: Voice, heard: set[Sound]) -> Voice:
        """``voice`` itself if no one sounds like it, else the first free pitch/rate setting.

        Settings the user gave (rate or pitch without a voice id) are kept; only the unset
        ones vary, and only those the engine honours.
        """
        if self.of(voice) not in heard:
            return voice
        pitches = _PITCHES if self.pitch and voice.pitch is None else (voice.pitch,)
        steps = _RATE_STEPS if self.rate and voice.rate is None else (0,)
        for step in steps:
            for pitch in pitches:
                rate = voice.rate
                if voice.rate is None and step:
                    rate = min(max(self.natural_wpm + step, RATE_RANGE[0]), RATE_RANGE[1])
                trial = Voice(
                    voice.id, rate, None if pitch == DEFAULT_PITCH else pitch, voice.volume
                )
                if voice.pitch is not None:
                    trial = Voice(trial.id, trial.rate, voice.pitch, trial.volume)
                if self.of(trial) not in heard:
                    return trial
        return voice  # over 70 characters on one voice id: nothing distinct is left


def assign_voices(
    characters: Sequence[Character],
    engine: EngineFacts,
    *,
    narrator: Voice | None = None,
    taken: Iterable[Voice] = (),
    avoid: Iterable[str] = (),
) -> dict[str, Voice]:
    """Give each character without a voice id a distinct voice; returns name -> full Voice.

    Characters are handled in order, and the ones that already have a voice id (and
    ``taken``) count as taken.  Candidates are the engine voices in the narrator's language
    (English if unknown) of the character's gender (unknown: any), never the narrator's id
    (nor ``avoid``, nor the engine's default voice when the narrator has no voice set, since
    that is what the narrator then speaks with).  The choice is by a stable hash of the name
    into the candidates sorted by id, skipping, in order of preference: novelty voices
    (robots, whispers), ids already taken, voices not of the character's ``accent`` (when
    set), and families already heard.  When every id is taken, the least-used id gets a
    pitch and rate no one else has with it.  The result is deterministic: the same inputs
    give the same voices on every run.
    """
    engine_voices = engine.voices
    if not engine_voices:
        return {}
    by_id = {v.id: v for v in engine_voices}
    narrator = narrator or Voice()
    narrator_id = narrator.id if narrator.id is not None else engine.default_voice
    banned = {i for i in (narrator_id, *avoid) if i is not None}

    language = voice_language(by_id.get(narrator_id) if narrator_id else None)
    pool = [v for v in engine_voices if speaks(v, language)] or list(engine_voices)
    pool = [v for v in pool if v.id not in banned] or pool  # one-voice engine: vary it

    sounds = _Sounds(engine)
    heard: set[Sound] = {sounds.of(narrator)}
    if narrator_id is not None:
        heard.add(sounds.of(Voice(narrator_id, narrator.rate, narrator.pitch)))
    uses: dict[str, int] = {}
    families = {family(by_id[i]) for i in banned if i in by_id}

    def take(v: Voice) -> None:
        heard.add(sounds.of(v))
        if v.id is not None:
            uses[v.id] = uses.get(v.id, 0) + 1
            if v.id in by_id:
                families.add(family(by_id[v.id]))

    for v in taken:
        take(v)
    for c in characters:
        if c.voice.id is not None:
            take(c.voice)

    novel = {v.id for v in pool if _NOVELTY.search(v.id) or _NOVELTY.search(v.name)}
    by_gender: dict[Gender, list[VoiceInfo]] = {}
    out: dict[str, Voice] = {}
    for c in characters:
        if c.voice.id is not None:
            continue
        if c.gender not in by_gender:
            by_gender[c.gender] = _gendered(pool, c.gender)
        candidates = by_gender[c.gender]
        start = stable_hash(c.name) % len(candidates)
        ring = candidates[start:] + candidates[:start]
        accent = c.accent

        def rank(item: tuple[int, VoiceInfo], accent: str | None = accent) -> tuple[int, ...]:
            pos, v = item
            used = uses.get(v.id, 0)
            foreign = accent is not None and not has_accent(v, accent)
            return (v.id in novel, used > 0, foreign, family(v) in families, used, pos)

        chosen = min(enumerate(ring), key=rank)[1]
        voice = sounds.vary(Voice(chosen.id, c.voice.rate, c.voice.pitch, c.voice.volume), heard)
        take(voice)
        out[c.name] = voice
    return out


def _gendered(pool: list[VoiceInfo], gender: Gender) -> list[VoiceInfo]:
    ordered = sorted(pool, key=lambda v: v.id)
    if gender == "unknown":
        return ordered
    return (
        [v for v in ordered if v.gender == gender]
        or [v for v in ordered if v.gender == "unknown"]
        or ordered
    )
