"""The cast: voices.yaml read, validated, completed with voices, and grown by builds.

voices.yaml is a file people edit by hand between builds (like beets' config), so three
promises shape this module:

* **Validation before any synthesis.** Every key, type, range and voice id is checked when
  the file is loaded; a mistake is one :class:`DramatisError` naming the file and the YAML
  line, with "did you mean ..." for a misspelt name.
* **Stable, distinct voices.** A character without a ``voice`` gets one chosen by gender from
  the engine's voices, never the narrator's, by a stable hash of the name, so the same
  character sounds the same in every story and on every run.  When the voices run out, rate
  and pitch are varied so that no two characters share the same settings.
* **The user's text is sacred.** :func:`add_characters` appends new characters without
  touching a byte of what the user wrote (comments, order, quoting, blank lines).

We parse with ruamel.yaml's round-trip loader because it is the well-kept YAML library that
keeps line numbers for every key and value (for error messages) and comments.  We do *not*
re-dump the whole document to add characters: ruamel normalises indentation and spacing and
can move a trailing comment below new entries.  Instead ruamel tells us where the
``characters:`` block ends, renders only the new entries, and we splice those lines into the
original text, then re-parse to verify the result.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from dramatis.errors import DramatisError
from dramatis.model import NARRATOR, Cast, Character, Gender, Voice
from dramatis.paths import slugify, write_atomic
from dramatis.speech.engines.base import VoiceInfo
from dramatis.text.normalize import apply_pronunciations, pronunciation_pattern  # noqa: F401 - re-exported

RATE_RANGE = (80, 450)  # words per minute
PITCH_RANGE = (0, 100)
VOLUME_RANGE = (0.0, 1.0)
DEFAULT_PITCH = 50  # espeak-ng's default; what pitch None sounds like
DEFAULT_LANGUAGE = "en"

VOICE_KEYS = ("voice", "rate", "pitch", "volume")
CHARACTER_KEYS = ("aliases", "gender", *VOICE_KEYS)
STORY_KEYS = ("narrator", "characters", "pronunciations", "pins")
TOP_KEYS = ("narrator", "characters", "stories", "pronunciations", "pins")
GENDERS: tuple[Gender, ...] = ("female", "male", "unknown")
STORY_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".epub")

HEADER = (
    "# Dramatis cast: the narrator's and each character's voice.\n"
    "# Edit freely: builds keep your comments and order and only append new characters.\n"
    "# Keys: narrator, characters (aliases, gender, voice, rate, pitch, volume), stories,\n"
    "# pronunciations, pins.  `dramatis voices` lists the voice ids.  Someone, A man,\n"
    "# A woman and Crowd voice the lines of speakers the story does not name.\n"
)

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


# --------------------------------------------------------------------------- parsing


@dataclass(slots=True)
class _Entry:
    """One character as written in the file (None: not given)."""

    name: str
    line: int
    aliases: list[str] = field(default_factory=list)
    gender: Gender | None = None
    voice: Voice = field(default_factory=Voice)

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass(slots=True)
class _Section:
    """The global part of the file, or one story's overrides."""

    narrator: Voice = field(default_factory=Voice)
    characters: list[_Entry] = field(default_factory=list)
    pronunciations: dict[str, str] = field(default_factory=dict)
    pins: dict[str, tuple[str, int]] = field(default_factory=dict)  # id -> (speaker, line)


@dataclass(slots=True)
class _CastFile:
    glob: _Section = field(default_factory=_Section)
    stories: dict[str, _Section] = field(default_factory=dict)

    def story_sections(self, story: str | Sequence[str] | None) -> list[_Section]:
        if story is None:
            return []
        names = [story] if isinstance(story, str) else list(story)
        wanted = {k for n in names for k in _story_keys(n)}
        return [sec for key, sec in self.stories.items() if _story_keys(key) & wanted]

    def narrator_ids(self) -> set[str]:
        """Every narrator voice id in the file: characters avoid all of them."""
        ids = {self.glob.narrator.id}
        ids.update(sec.narrator.id for sec in self.stories.values())
        return {i for i in ids if i is not None}


def _story_keys(name: str) -> set[str]:
    """Ways to refer to a story: its slug, or its file name (with or without suffix)."""
    keys = {slugify(name)}
    p = Path(name)
    if p.suffix.lower() in STORY_SUFFIXES:
        keys.add(slugify(p.stem))
    return keys - {""}


def _suggest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean X or Y?)' for a misspelt name, '' when nothing is close."""
    choices = list(dict.fromkeys(choices))
    folded = {c.casefold(): c for c in choices}
    hits = difflib.get_close_matches(word.casefold(), list(folded), n=3, cutoff=0.6)
    if not hits:
        return ""
    return " (did you mean " + " or ".join(repr(folded[h]) for h in hits) + "?)"


class _Parser:
    """Walks the round-trip tree, checking as it goes; errors carry the YAML line."""

    def __init__(self, path: Path, engine_voices: Sequence[VoiceInfo] | None):
        self.path = path
        self.voices = list(engine_voices) if engine_voices is not None else None
        self.by_id = {v.id: v for v in self.voices or ()}
        self.by_folded: dict[str, list[str]] = {}
        for v in self.voices or ():
            self.by_folded.setdefault(v.id.casefold(), []).append(v.id)

    def fail(self, message: str, line: int | None) -> DramatisError:
        return DramatisError(message, self.path, None if line is None else line + 1)

    # -- helpers giving the 0-based line of a key or value
    @staticmethod
    def key_line(m: CommentedMap, key: Any) -> int | None:
        try:
            return m.lc.key(key)[0]
        except (KeyError, AttributeError, TypeError):
            return getattr(getattr(m, "lc", None), "line", None)

    @staticmethod
    def value_line(m: CommentedMap, key: Any) -> int | None:
        try:
            return m.lc.value(key)[0]
        except (KeyError, AttributeError, TypeError):
            return _Parser.key_line(m, key)

    def mapping(self, value: Any, where: str, line: int | None, *, null_ok: bool = True) -> Any:
        if value is None and null_ok:
            return CommentedMap()
        if not isinstance(value, CommentedMap):
            raise self.fail(
                f"{where} must be a mapping of keys to values, not {_kind(value)}", line
            )
        return value

    def keys(self, m: CommentedMap, allowed: Sequence[str], where: str) -> None:
        for key in m:
            if not isinstance(key, str) or key not in allowed:
                hint = _suggest(str(key), allowed) if isinstance(key, str) else ""
                raise self.fail(
                    f"unknown key {key!r} in {where}{hint}; allowed: {', '.join(allowed)}",
                    self.key_line(m, key),
                )

    def name_key(self, m: CommentedMap, key: Any, where: str) -> str:
        if not isinstance(key, str) or not key.strip():
            raise self.fail(
                f"{where}: {key!r} is not a name; write names as text (quote it)",
                self.key_line(m, key),
            )
        return key

    # -- values
    def voice(self, m: CommentedMap, where: str) -> Voice:
        voice_id = rate = pitch = volume = None
        if "voice" in m:
            voice_id = self.voice_id(m, where)
        if "rate" in m:
            rate = self.integer(m, "rate", where, RATE_RANGE, "words per minute")
        if "pitch" in m:
            pitch = self.integer(m, "pitch", where, PITCH_RANGE, "")
        if "volume" in m:
            volume = self.volume(m, where)
        return Voice(id=voice_id, rate=rate, pitch=pitch, volume=volume)

    def voice_id(self, m: CommentedMap, where: str) -> str | None:
        value, line = m["voice"], self.value_line(m, "voice")
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}.voice must be a voice id (text), not {_kind(value)}", line)
        value = str(value).strip()
        if self.voices is None or value in self.by_id:
            return value
        same = self.by_folded.get(value.casefold(), [])
        if len(same) == 1:  # "gmw/en-US" for "gmw/en-us": harmless, take the engine's id
            return same[0]
        # "Alicia" or "f3": a voice's name or variant rather than its id
        named = sorted(
            v.id
            for v in self.voices
            if value.casefold() in (v.name.casefold(), _family(v.id), v.id.rpartition("/")[2])
        )
        hint = (
            " (did you mean " + " or ".join(repr(n) for n in named[:3]) + "?)"
            if named
            else _suggest(value, self.by_id)
        )
        raise self.fail(
            f"{where}.voice: unknown voice id {value!r}{hint}; `dramatis voices` lists them",
            line,
        )

    def integer(
        self, m: CommentedMap, key: str, where: str, bounds: tuple[int, int], unit: str
    ) -> int | None:
        value, line = m[key], self.value_line(m, key)
        if value is None:
            return None
        lo, hi = bounds
        unit = f" {unit}" if unit else ""
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(
                f"{where}.{key} must be a whole number from {lo} to {hi}{unit}, not {_kind(value)}",
                line,
            )
        if not lo <= value <= hi:
            raise self.fail(f"{where}.{key} {value} is out of range ({lo}-{hi}{unit})", line)
        return int(value)

    def volume(self, m: CommentedMap, where: str) -> float | None:
        value, line = m["volume"], self.value_line(m, "volume")
        if value is None:
            return None
        lo, hi = VOLUME_RANGE
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(
                f"{where}.volume must be a number from {lo} to {hi}, not {_kind(value)}", line
            )
        if not lo <= float(value) <= hi:
            raise self.fail(f"{where}.volume {value} is out of range ({lo}-{hi})", line)
        return float(value)

    def strings(self, m: CommentedMap, key: str, where: str) -> list[str]:
        value, line = m[key], self.value_line(m, key)
        if value is None:
            return []
        if isinstance(value, str):  # "aliases: Princess" - one alias, clearly meant
            value = [value]
        if not isinstance(value, list):
            raise self.fail(f"{where}.{key} must be a list of names, not {_kind(value)}", line)
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                item_line = line
                if isinstance(value, CommentedSeq):
                    item_line = value.lc.item(i)[0]
                raise self.fail(f"{where}.{key}: {item!r} is not a name", item_line)
            out.append(str(item).strip())
        return out

    def gender(self, m: CommentedMap, where: str) -> Gender | None:
        value, line = m["gender"], self.value_line(m, "gender")
        if value is None:
            return None
        if not isinstance(value, str) or value.strip().lower() not in GENDERS:
            hint = _suggest(str(value), GENDERS) if isinstance(value, str) else ""
            raise self.fail(
                f"{where}.gender {value!r} is not one of {', '.join(GENDERS)}{hint}", line
            )
        return cast(Gender, value.strip().lower())

    # -- sections
    def character(self, m: CommentedMap, name: str, where: str) -> _Entry:
        body = self.mapping(m[name], f"{where}.{name}", self.value_line(m, name))
        self.keys(body, CHARACTER_KEYS, f"{where}.{name}")
        if name.strip().casefold() == NARRATOR:
            raise self.fail(
                f"{where}: {name!r} is reserved for the narrator; set the narrator's voice "
                "under the top-level 'narrator:' key",
                self.key_line(m, name),
            )
        entry = _Entry(name=name.strip(), line=self.key_line(m, name) or 0)
        if "aliases" in body:
            entry.aliases = self.strings(body, "aliases", f"{where}.{name}")
        if "gender" in body:
            entry.gender = self.gender(body, f"{where}.{name}")
        entry.voice = self.voice(body, f"{where}.{name}")
        return entry

    def section(self, m: CommentedMap, allowed: Sequence[str], prefix: str) -> _Section:
        sec = _Section()
        self.keys(m, allowed, prefix or "the top level")
        dot = f"{prefix}." if prefix else ""
        if "narrator" in m:
            nm = self.mapping(m["narrator"], f"{dot}narrator", self.value_line(m, "narrator"))
            self.keys(nm, VOICE_KEYS, f"{dot}narrator")
            sec.narrator = self.voice(nm, f"{dot}narrator")
        if "characters" in m:
            where = f"{dot}characters"
            cm = self.mapping(m["characters"], where, self.value_line(m, "characters"))
            seen: dict[str, str] = {}
            for key in cm:
                name = self.name_key(cm, key, where)
                entry = self.character(cm, name, where)
                for n in entry.names:
                    other = seen.get(n.casefold())
                    if other is not None and other != entry.name:
                        raise self.fail(
                            f"{where}: the name {n!r} of {entry.name!r} is already used by "
                            f"{other!r}; give each person one entry (with aliases)",
                            self.key_line(cm, key),
                        )
                    seen[n.casefold()] = entry.name
                sec.characters.append(entry)
        if "pronunciations" in m:
            where = f"{dot}pronunciations"
            pm = self.mapping(m["pronunciations"], where, self.value_line(m, "pronunciations"))
            for key in pm:
                word = self.name_key(pm, key, where)
                said = pm[key]
                if isinstance(said, bool) or not isinstance(said, (str, int, float)):
                    raise self.fail(
                        f"{where}.{word} must be how to say it (text), not {_kind(said)}",
                        self.value_line(pm, key),
                    )
                sec.pronunciations[word.strip()] = str(said)
        if "pins" in m:
            where = f"{dot}pins"
            pm = self.mapping(m["pins"], where, self.value_line(m, "pins"))
            for key in pm:
                if not isinstance(key, str):
                    raise self.fail(
                        f"{where}: line id {key!r} must be text (quote it)",
                        self.key_line(pm, key),
                    )
                who = pm[key]
                if not isinstance(who, str) or not who.strip():
                    raise self.fail(
                        f"{where}.{key} must be a speaker's name or 'narrator', not {_kind(who)}",
                        self.value_line(pm, key),
                    )
                sec.pins[key.strip()] = (who.strip(), self.value_line(pm, key) or 0)
        return sec

    def parse(self, text: str) -> _CastFile:
        data = _load_yaml(text, self.path)
        if data is None:
            return _CastFile()
        top = self.mapping(data, "the file", 0, null_ok=False)
        out = _CastFile(glob=self.section(top, TOP_KEYS, ""))
        if "stories" in top:
            sm = self.mapping(top["stories"], "stories", self.value_line(top, "stories"))
            for key in sm:
                name = self.name_key(sm, key, "stories")
                body = self.mapping(sm[key], f"stories.{name}", self.value_line(sm, key))
                out.stories[name] = self.section(body, STORY_KEYS, f"stories.{name}")
        self.check_pins(out)
        return out

    def check_pins(self, cf: _CastFile) -> None:
        """A pin must name a character in the file (or the narrator): a typo would be silent."""
        known = {NARRATOR: NARRATOR}
        for sec in [cf.glob, *cf.stories.values()]:
            for e in sec.characters:
                for n in e.names:
                    known.setdefault(n.casefold(), e.name)
        for prefix, sec in [("", cf.glob), *((f"stories.{k}.", s) for k, s in cf.stories.items())]:
            for line_id, (who, line) in list(sec.pins.items()):
                canonical = known.get(who.casefold())
                if canonical is None:
                    names = [n for n in known.values() if n != NARRATOR] + [NARRATOR]
                    raise self.fail(
                        f"{prefix}pins.{line_id}: no character named {who!r}"
                        f"{_suggest(who, names)}; add them under 'characters:' first",
                        line,
                    )
                sec.pins[line_id] = (canonical, line)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {value!r}"
    return repr(value)


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    return y


def _load_yaml(text: str, path: Path) -> Any:
    try:
        return _yaml().load(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        problem = " ".join(str(e.problem or e.context or "invalid YAML").split())
        if "duplicate key" in problem:
            problem += "; each key may appear once"
        elif e.context and e.context_mark is not None and mark is not e.context_mark:
            problem += f" ({' '.join(str(e.context).split())} started on line "
            problem += f"{e.context_mark.line + 1})"
        raise DramatisError(
            f"invalid YAML: {problem}", path, None if mark is None else mark.line + 1
        ) from None
    except YAMLError as e:
        raise DramatisError(f"invalid YAML: {' '.join(str(e).split())}", path) from None


def _read_text(path: Path) -> str | None:
    """The file's text (None if it does not exist); a BOM is kept as the first character."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise DramatisError("is a folder, expected a voices.yaml file", path) from None
    except OSError as e:
        raise DramatisError(f"cannot read: {e.strerror}", path) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise DramatisError("not a UTF-8 text file; save it as UTF-8", path) from None


def _parse_file(
    path: Path, engine_voices: Sequence[VoiceInfo] | None
) -> tuple[str | None, _CastFile]:
    text = _read_text(path)
    if text is None:
        return None, _CastFile()
    return text, _Parser(path, engine_voices).parse(text.removeprefix("\ufeff"))


# --------------------------------------------------------------------------- voices


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


def _family(voice_id: str) -> str:
    """The timbre of an espeak-style id: its ``+variant`` ('' for a base voice).

    Two ids with the same variant and a different accent (gmw/en+f3, gmw/en-us+f3) sound
    much alike, so a fresh variant is preferred over a fresh id with a used variant.
    """
    return voice_id.partition("+")[2].casefold()


def _stable_hash(name: str) -> int:
    """A hash that is the same on every run and machine (unlike ``hash()``)."""
    return int.from_bytes(hashlib.sha256(name.casefold().encode("utf-8")).digest()[:8], "big")


def _sound(voice: Voice, default_rate: int) -> tuple[str | None, int, int]:
    """What a listener hears apart: id, pitch and rate (unset ones at the defaults)."""
    return (
        voice.id,
        voice.pitch if voice.pitch is not None else DEFAULT_PITCH,
        voice.rate if voice.rate is not None else default_rate,
    )


def assign_voices(
    characters: Sequence[Character],
    engine_voices: Sequence[VoiceInfo],
    *,
    narrator: Voice | None = None,
    taken: Iterable[Voice] = (),
    avoid: Iterable[str] = (),
    default_voice: str | None = None,
    default_rate: int = 175,
) -> dict[str, Voice]:
    """Give each character without a voice id a distinct voice; returns name -> full Voice.

    Characters are handled in order, and the ones that already have a voice id (and
    ``taken``) count as taken.  Candidates are the engine voices in the narrator's language
    (English if unknown) of the character's gender (unknown: any), never the narrator's id
    (nor ``avoid``, nor ``default_voice`` when the narrator has no voice set, since that is
    what the narrator then speaks with).  The choice is by a stable hash of the name into
    the candidates sorted by id, skipping, in order of preference: novelty voices (robots,
    whispers), ids already taken, and variants already heard.  When every id is taken, the
    least-used id gets a pitch and rate no one else has with it.  The result is
    deterministic: the same inputs give the same voices on every run.
    """
    if not engine_voices:
        return {}
    by_id = {v.id: v for v in engine_voices}
    narrator = narrator or Voice()
    narrator_id = narrator.id if narrator.id is not None else default_voice
    banned = {i for i in (narrator_id, *avoid) if i is not None}

    language = voice_language(by_id.get(narrator_id) if narrator_id else None)
    pool = [v for v in engine_voices if speaks(v, language)] or list(engine_voices)
    pool = [v for v in pool if v.id not in banned] or pool  # one-voice engine: vary it

    sounds: set[tuple[str | None, int, int]] = {_sound(narrator, default_rate)}
    if narrator_id is not None:
        sounds.add(_sound(Voice(narrator_id, narrator.rate, narrator.pitch), default_rate))
    uses: dict[str, int] = {}
    families = {_family(i) for i in banned} if banned else {""}  # unknown narrator: a base

    def take(v: Voice) -> None:
        sounds.add(_sound(v, default_rate))
        if v.id is not None:
            uses[v.id] = uses.get(v.id, 0) + 1
            families.add(_family(v.id))

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
        start = _stable_hash(c.name) % len(candidates)
        ring = candidates[start:] + candidates[:start]

        def rank(item: tuple[int, VoiceInfo]) -> tuple[int, ...]:
            pos, v = item
            used = uses.get(v.id, 0)
            return (v.id in novel, used > 0, _family(v.id) in families, used, pos)

        chosen = min(enumerate(ring), key=rank)[1]
        voice = _vary(
            Voice(chosen.id, c.voice.rate, c.voice.pitch, c.voice.volume), sounds, default_rate
        )
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


def _vary(voice: Voice, sounds: set[tuple[str | None, int, int]], default_rate: int) -> Voice:
    """``voice`` itself if no one sounds like it, else the first free pitch/rate setting.

    Settings the user gave (rate or pitch without a voice id) are kept; only the unset
    ones vary.
    """
    if _sound(voice, default_rate) not in sounds:
        return voice
    base_rate = voice.rate if voice.rate is not None else default_rate
    for step in _RATE_STEPS:
        for pitch in _PITCHES:
            rate = base_rate + step if voice.rate is None else voice.rate
            rate = min(max(rate, RATE_RANGE[0]), RATE_RANGE[1])
            trial = Voice(
                voice.id,
                None if rate == default_rate and voice.rate is None else rate,
                voice.pitch
                if voice.pitch is not None
                else (None if pitch == DEFAULT_PITCH else pitch),
                voice.volume,
            )
            if _sound(trial, default_rate) not in sounds:
                return trial
    return voice  # over 70 characters on one voice id: nothing distinct is left


# --------------------------------------------------------------------------- loading


def _character(entry: _Entry) -> Character:
    return Character(
        name=entry.name,
        aliases=list(entry.aliases),
        gender=entry.gender or "unknown",
        voice=entry.voice,
    )


def _find(characters: dict[str, Character], names: Iterable[str]) -> Character | None:
    folded = {n.casefold() for n in names}
    for c in characters.values():
        if folded & {n.casefold() for n in c.names}:
            return c
    return None


def load_cast(
    path: Path,
    engine_voices: Sequence[VoiceInfo] | None = None,
    *,
    story: str | Sequence[str] | None = None,
    default_voice: str | None = None,
    default_rate: int = 175,
) -> Cast:
    """Read and validate voices.yaml (before any synthesis) into a complete :class:`Cast`.

    A missing file is an empty cast.  Voice ids are checked only when ``engine_voices`` is
    given; then every character also gets a full voice (assigned as in
    :func:`assign_voices` when the file gives none, in memory only).  ``story`` (a slug or
    file name, or several) selects the per-story overrides, merged over the global settings.
    ``default_voice`` is the engine's voice for an unset narrator (kept off characters).
    """
    _, cf = _parse_file(path, engine_voices)
    result = Cast(
        narrator=cf.glob.narrator,
        pronunciations=dict(cf.glob.pronunciations),
        pins={k: who for k, (who, _) in cf.glob.pins.items()},
    )
    for entry in cf.glob.characters:
        result.characters[entry.name] = _character(entry)

    # Automatic voices come from the global section alone, so a character keeps one voice
    # in every story; all narrators in the file are avoided for the same reason.
    avoid = cf.narrator_ids()
    if engine_voices:
        chars = list(result.characters.values())
        assigned = assign_voices(
            chars,
            engine_voices,
            narrator=cf.glob.narrator,
            avoid=avoid,
            default_voice=default_voice,
            default_rate=default_rate,
        )
        for name, voice in assigned.items():
            result.characters[name].voice = voice

    for sec in cf.story_sections(story):
        result.narrator = result.narrator.merged(sec.narrator)
        result.pronunciations.update(sec.pronunciations)
        result.pins.update({k: who for k, (who, _) in sec.pins.items()})
        for entry in sec.characters:
            found = _find(result.characters, entry.names)
            if found is None:
                new = _character(entry)
                if engine_voices:
                    taken = [c.voice for c in result.characters.values()]
                    new.voice = assign_voices(
                        [new],
                        engine_voices,
                        narrator=result.narrator,
                        taken=taken,
                        avoid=avoid,
                        default_voice=default_voice,
                        default_rate=default_rate,
                    ).get(new.name, new.voice)
                result.characters[new.name] = new
                continue
            found.voice = found.voice.merged(entry.voice)
            found.aliases += [
                a for a in entry.names if a.casefold() not in {n.casefold() for n in found.names}
            ]
            if entry.gender is not None:
                found.gender = entry.gender

    # Pins may name an alias or a story-only character: point them at the canonical name.
    for line_id, who in result.pins.items():
        if who != NARRATOR:
            found = _find(result.characters, [who])
            result.pins[line_id] = found.name if found else who
    return result


# --------------------------------------------------------------------------- adding


def add_characters(
    path: Path,
    characters: Sequence[Character],
    engine_voices: Sequence[VoiceInfo],
    *,
    story: str | Sequence[str] | None = None,
    default_voice: str | None = None,
    default_rate: int = 175,
) -> list[str]:
    """Append the characters voices.yaml lacks, each with a voice; return the names added.

    A character is already there when any of its names or aliases matches (ignoring case)
    a global character or one in ``story``'s section.  The file is validated first (an
    invalid file is reported, never overwritten), created with a short header if missing,
    and written atomically only when something is new.  Everything already in the file
    stays byte for byte; the new entries are appended to the ``characters:`` block.
    """
    text, cf = _parse_file(path, engine_voices)
    present: set[str] = set()
    for sec in [cf.glob, *cf.story_sections(story)]:
        for entry in sec.characters:
            present.update(n.casefold() for n in entry.names)
    existing = [_character(entry) for entry in cf.glob.characters]

    new: list[Character] = []
    for c in characters:
        names = {n.strip().casefold() for n in c.names if n.strip()}
        if not names or NARRATOR in names or names & present:
            continue
        present |= names
        voice = (
            c.voice
            if c.voice.id is None or c.voice.id in {v.id for v in engine_voices}
            else Voice()
        )
        new.append(
            Character(c.name.strip(), [a.strip() for a in c.aliases if a.strip()], c.gender, voice)
        )
    if not new:
        return []

    # What the file's characters sound like now (their automatic voices included), so the
    # new ones differ from all of them.
    assigned = assign_voices(
        [*existing, *new],
        engine_voices,
        narrator=cf.glob.narrator,
        avoid=cf.narrator_ids(),
        default_voice=default_voice,
        default_rate=default_rate,
    )
    for c in new:
        c.voice = assigned.get(c.name, c.voice)

    new_text, spliced = _insert(text, new, path)
    _verify(path, text if spliced else None, new_text, new, engine_voices)
    write_atomic(path, new_text.encode("utf-8"))
    return [c.name for c in new]


def _entry_map(c: Character) -> CommentedMap:
    m = CommentedMap()
    if c.aliases:
        seq = CommentedSeq(c.aliases)
        seq.fa.set_flow_style()
        m["aliases"] = seq
    m["gender"] = c.gender
    for key, value in (
        ("voice", c.voice.id),
        ("rate", c.voice.rate),
        ("pitch", c.voice.pitch),
        ("volume", c.voice.volume),
    ):
        if value is not None:
            m[key] = value
    return m


def _render(characters: Sequence[Character], indent: int, step: int, flow: bool) -> list[str]:
    """The new entries as YAML lines (ruamel quotes any name that needs it)."""
    y = YAML(typ="rt")
    y.indent(mapping=step, sequence=step + 2, offset=step)
    y.width = 4096
    doc = CommentedMap()
    for c in characters:
        entry = _entry_map(c)
        if flow:
            entry.fa.set_flow_style()
        doc[c.name] = entry
    buf = io.StringIO()
    y.dump(doc, buf)
    return [" " * indent + line + "\n" for line in buf.getvalue().splitlines()]


def _insert(text: str | None, new: Sequence[Character], path: Path) -> tuple[str, bool]:
    """``text`` with ``new`` spliced into its characters block, every other byte unchanged.

    Returns the new text and whether it was spliced (False: re-dumped by ruamel, only for
    flow-style blocks such as ``characters: {}`` where no line can simply be inserted).
    """
    if text is None:
        return HEADER + "\ncharacters:\n" + "".join(_render(new, 2, 2, False)), True
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text.removeprefix(bom)
    newline = "\r\n" if "\r\n" in body else "\n"
    lines = body.splitlines(keepends=True)
    data = _load_yaml(body, path)

    def join(at: int, added: list[str]) -> tuple[str, bool]:
        head = lines[:at]
        if head and not head[-1].endswith(("\n", "\r")):
            head[-1] += newline
        added = [line[:-1] + newline for line in added]
        return bom + "".join(head + added + lines[at:]), True

    chars = data.get("characters") if isinstance(data, CommentedMap) else None
    if data is None or (isinstance(data, CommentedMap) and "characters" not in data):
        if isinstance(data, CommentedMap) and data.fa.flow_style():
            return _redump(data, new, bom, newline)
        return join(len(lines), ["characters:\n", *_render(new, 2, 2, False)])

    assert isinstance(data, CommentedMap)
    key_line = data.lc.key("characters")[0]
    if chars is None:  # "characters:" with nothing under it (maybe a comment)
        rest = lines[key_line].split("characters", 1)[1].split(":", 1)[1]
        if rest.strip() and not rest.strip().startswith("#"):
            return _redump(data, new, bom, newline)  # "characters: ~" and the like
        return join(key_line + 1, _render(new, 2, 2, False))
    if not isinstance(chars, CommentedMap) or not chars or chars.fa.flow_style():
        return _redump(data, new, bom, newline)

    first = next(iter(chars))
    indent = chars.lc.key(first)[1]
    value = chars[first]
    flow = isinstance(value, CommentedMap) and value.fa.flow_style()
    step = 2
    if isinstance(value, CommentedMap) and value and not flow:
        step = max(1, value.lc.key(next(iter(value)))[1] - indent)

    # The block ends before the next top-level key, less the blank lines and unindented
    # comments that lead into that key (they belong to it, not to the characters).
    keys = list(data)
    after = keys[keys.index("characters") + 1 :]
    end = data.lc.key(after[0])[0] if after else len(lines)
    while end - 1 > key_line:
        stripped = lines[end - 1].strip()
        is_outer_comment = stripped.startswith("#") and _indent(lines[end - 1]) < indent
        if stripped and not is_outer_comment and stripped not in ("...", "---"):
            break
        end -= 1
    return join(end, _render(new, indent, step, flow))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _redump(
    data: CommentedMap, new: Sequence[Character], bom: str, newline: str
) -> tuple[str, bool]:
    """Fallback for flow-style files: ruamel's round trip (keeps data and comments)."""
    if not isinstance(data.get("characters"), CommentedMap):
        data["characters"] = CommentedMap()
    for c in new:
        data["characters"][c.name] = _entry_map(c)
    buf = io.StringIO()
    y = _yaml()
    y.width = 4096
    y.dump(data, buf)
    return bom + buf.getvalue().replace("\n", newline), False


def _verify(
    path: Path,
    old: str | None,
    new_text: str,
    added: Sequence[Character],
    engine_voices: Sequence[VoiceInfo],
) -> None:
    """Re-read what we are about to write: valid, with the new characters as intended."""
    try:
        cf = _Parser(path, engine_voices).parse(new_text.removeprefix("\ufeff"))
    except DramatisError as e:
        raise DramatisError(
            f"could not add characters safely ({e}); add them by hand", path
        ) from None
    written = {e.name: e for e in cf.glob.characters}
    for c in added:
        w = written.get(c.name)
        if w is None or w.voice != c.voice or w.aliases != c.aliases or w.gender != c.gender:
            raise DramatisError(
                f"could not add {c.name!r} safely; add it under 'characters:' by hand", path
            )
    if old is not None:
        if old and not old.endswith(("\n", "\r")):  # we end its last line first
            old += "\r\n" if "\r\n" in old else "\n"
        ops = difflib.SequenceMatcher(
            None,
            old.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            autojunk=False,
        ).get_opcodes()
        if any(op not in ("equal", "insert") for op, *_ in ops):
            raise DramatisError("could not add characters without changing your lines", path)


# --------------------------------------------------------------------------- pronunciations


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True, slots=True)
class CastRow:
    """One line of ``dramatis cast``: who speaks how much, and with which voice."""

    name: str
    gender: Gender
    lines: int
    words: int
    share: float  # of all dialogue words, 0-1
    voice: Voice
    listed: bool = True  # in voices.yaml (False: a build would add them)


_WORD = re.compile(r"\w+(?:['’]\w+)*")


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def cast_report(
    lines: Iterable[tuple[str | None, str]], cast_: Cast, unlisted: Iterable[Character] = ()
) -> list[CastRow]:
    """Rows for ``dramatis cast`` from the dialogue lines, as (speaker, text) pairs.

    ``unlisted`` are characters not in voices.yaml yet (with the voices a build would give
    them); their rows say so.

    A speaker of None (or "narrator") is dialogue nobody was found for: the narrator reads
    it, and it shows as a "narrator" row.  Every character of the cast has a row, silent
    ones with 0 lines (worth knowing: maybe an alias is missing).  Sorted by words spoken.
    """
    lines_by: dict[str, int] = {}
    words_by: dict[str, int] = {}
    for speaker, text in lines:
        name = NARRATOR if speaker in (None, NARRATOR) else str(speaker)
        found = _find(cast_.characters, [name]) if name != NARRATOR else None
        name = found.name if found else name
        lines_by[name] = lines_by.get(name, 0) + 1
        words_by[name] = words_by.get(name, 0) + count_words(text)
    total = sum(words_by.values()) or 1
    extra = {c.name: c for c in unlisted if c.name not in cast_.characters}
    if extra:
        cast_ = Cast(cast_.narrator, {**cast_.characters, **extra})
    names = list(dict.fromkeys([*cast_.characters, *lines_by]))
    rows = []
    for name in names:
        c = cast_.characters.get(name)
        rows.append(
            CastRow(
                name=name,
                gender=c.gender if c else "unknown",
                lines=lines_by.get(name, 0),
                words=words_by.get(name, 0),
                share=words_by.get(name, 0) / total,
                voice=cast_.voice_for(None if name == NARRATOR else name),
                listed=name == NARRATOR or (c is not None and name not in extra),
            )
        )
    rows.sort(key=lambda r: (-r.words, -r.lines, r.name.casefold()))
    return rows


def describe_voice(voice: Voice) -> str:
    """``gmw/en+f3 rate 180 pitch 30`` - a voice in a few words for tables."""
    parts = [voice.id or "(engine default)"]
    for label, value in (("rate", voice.rate), ("pitch", voice.pitch), ("volume", voice.volume)):
        if value is not None:
            parts.append(f"{label} {value}")
    return " ".join(parts)


def format_cast_table(rows: Sequence[CastRow]) -> str:
    """A plain-text table of :func:`cast_report` rows."""
    header = ("character", "gender", "lines", "words", "share", "voice")
    body = [
        (
            r.name if r.listed else f"{r.name} *",
            r.gender,
            str(r.lines),
            str(r.words),
            f"{r.share:.0%}",
            describe_voice(r.voice),
        )
        for r in rows
    ]
    table = _table(header, body, right=frozenset({2, 3, 4}))
    if any(not r.listed for r in rows):
        table += "\n* not in voices.yaml yet: the next build adds them with this voice"
    return table


def cast_json(rows: Sequence[CastRow]) -> dict[str, object]:
    """``dramatis cast --format json``: the rows as plain data."""
    return {
        "characters": [
            {
                "name": r.name,
                "gender": r.gender,
                "lines": r.lines,
                "words": r.words,
                "share": round(r.share, 4),
                "voice": {
                    "id": r.voice.id,
                    "rate": r.voice.rate,
                    "pitch": r.voice.pitch,
                    "volume": r.voice.volume,
                },
                "listed": r.listed,
            }
            for r in rows
        ]
    }


def format_voices_table(voices: Sequence[VoiceInfo]) -> str:
    """A plain-text table for ``dramatis voices``."""
    header = ("id", "name", "languages", "gender")
    body = [(v.id, v.name, ", ".join(v.languages), v.gender) for v in voices]
    return _table(header, body)


def _table(
    header: Sequence[str], body: Sequence[Sequence[str]], right: frozenset[int] = frozenset()
) -> str:
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    out = []
    for row in [header, *body]:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def find_character(cast_: Cast, name: str, path: Path | None = None) -> Character:
    """The character called ``name`` (or one of its aliases, any case), for ``preview``."""
    found = _find(cast_.characters, [name])
    if found is None:
        names = [n for c in cast_.characters.values() for n in c.names]
        hint = _suggest(name, names) or (
            f"; characters: {', '.join(cast_.characters)}"
            if cast_.characters
            else "; the cast has no characters yet (build a story first)"
        )
        raise DramatisError(f"no character named {name!r}{hint}", path)
    return found


_QUOTES = "\"'“”‘’«»„‚‹›"


def _fit(text: str, max_chars: int) -> str:
    """``text``, or as many of its first sentences as fit in ``max_chars`` ('' if none)."""
    if len(text) <= max_chars:
        return text
    out = ""
    for sentence in _SENTENCE_END.split(text):
        joined = f"{out} {sentence}".strip()
        if len(joined) > max_chars:
            break
        out = joined
    return out


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def preview_line(texts: Iterable[str], name: str, max_chars: int = 220) -> str:
    """A line that shows the voice off: the character's longest line that is not too long.

    Among ``texts`` (the character's dialogue, or narration for the narrator), lines of at
    least six words and at most ``max_chars`` are preferred; a longer one is cut at a
    sentence end.  Outer quote marks are dropped.  A character with no lines yet introduces
    themself.  Deterministic: the same lines give the same choice.
    """
    cleaned = [" ".join(t.strip().strip(_QUOTES).strip().split()) for t in texts]
    fitting = [f for f in (_fit(t, max_chars) for t in cleaned if t) if f]
    if fitting:
        long_enough = [t for t in fitting if count_words(t) >= 6] or fitting
        return max(long_enough, key=lambda t: (count_words(t), t))
    if any(cleaned):  # one endless sentence: cut it at a word
        cut = min((t for t in cleaned if t), key=len)[:max_chars]
        return cut.rsplit(" ", 1)[0] if " " in cut else cut
    return f"Hello. My name is {name}, and this is how I sound."
