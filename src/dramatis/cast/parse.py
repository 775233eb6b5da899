"""voices.yaml read and validated: every key, type, range and voice id, before any synthesis.

voices.yaml is a file people edit by hand between builds (like beets' config): a mistake is
one :class:`DramatisError` naming the file and the YAML line, with "did you mean ..." for a
misspelt name.  We parse with ruamel.yaml's round-trip loader because it is the well-kept
YAML library that keeps line numbers for every key and value (for error messages) and
comments.  What the file means (a :class:`~dramatis.model.Cast`) is built in
:mod:`dramatis.cast.config`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from dramatis.errors import DramatisError
from dramatis.model import NARRATOR, Gender, Voice
from dramatis.paths import slugify
from dramatis.speech.engines import DEFAULT_ENGINE, EngineFacts, available_engines

RATE_RANGE = (80, 450)  # words per minute
PITCH_RANGE = (0, 100)
VOLUME_RANGE = (0.0, 1.0)
VOICE_KEYS = ("voice", "rate", "pitch", "volume")
CHARACTER_KEYS = ("aliases", "gender", "accent", *VOICE_KEYS)
STORY_KEYS = ("engine", "narrator", "characters", "pronunciations", "pins")
TOP_KEYS = ("engine", "narrator", "characters", "stories", "pronunciations", "pins")
GENDERS: tuple[Gender, ...] = ("female", "male", "unknown")
STORY_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".epub")


# --------------------------------------------------------------------------- parsing


@dataclass(slots=True)
class Entry:
    """One character as written in the file (None: not given)."""

    name: str
    line: int
    aliases: list[str] = field(default_factory=list)
    gender: Gender | None = None
    voice: Voice = field(default_factory=Voice)
    accent: str | None = None

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass(slots=True)
class Section:
    """The global part of the file, or one story's overrides."""

    engine: str | None = None  # as written (None: not given)
    narrator: Voice = field(default_factory=Voice)
    characters: list[Entry] = field(default_factory=list)
    pronunciations: dict[str, str] = field(default_factory=dict)
    pins: dict[str, tuple[str, int]] = field(default_factory=dict)  # id -> (speaker, line)


@dataclass(slots=True)
class CastFile:
    glob: Section = field(default_factory=Section)
    stories: dict[str, Section] = field(default_factory=dict)

    def story_sections(self, story: str | Sequence[str] | None) -> list[Section]:
        if story is None:
            return []
        names = [story] if isinstance(story, str) else list(story)
        wanted = {k for n in names for k in _story_keys(n)}
        return [sec for key, sec in self.stories.items() if _story_keys(key) & wanted]

    def engine_for(self, story: str | Sequence[str] | None) -> str | None:
        """The engine the file names for ``story`` (its section's, else the top level's)."""
        named = [sec.engine for sec in self.story_sections(story) if sec.engine]
        return named[-1] if named else self.glob.engine

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


def suggest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean X or Y?)' for a misspelt name, '' when nothing is close."""
    choices = list(dict.fromkeys(choices))
    folded = {c.casefold(): c for c in choices}
    hits = difflib.get_close_matches(word.casefold(), list(folded), n=3, cutoff=0.6)
    if not hits:
        return ""
    return " (did you mean " + " or ".join(repr(folded[h]) for h in hits) + "?)"


class Parser:
    """Walks the round-trip tree, checking as it goes; errors carry the YAML line.

    Voice ids are checked against ``engine`` (when given) in the sections whose ``engine:``
    (their own, else the top level's, else the default) is that engine; elsewhere they were
    written for another engine, so an id ``engine`` lacks is dropped with a note (the
    character gets an automatic voice) rather than refused.  ``notes`` collects such notes.
    """

    def __init__(self, path: Path, engine: EngineFacts | None):
        self.path = path
        self.engine = engine
        self.voices = list(engine.voices) if engine is not None else None
        self.by_id = {v.id: v for v in self.voices or ()}
        self.by_folded: dict[str, list[str]] = {}
        for v in self.voices or ():
            self.by_folded.setdefault(v.id.casefold(), []).append(v.id)
        self.strict = True  # ids in the section being parsed are for ``engine``
        self.notes: list[str] = []
        self.ignored: dict[str, list[str]] = {}  # setting the engine ignores -> where set

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
            return Parser.key_line(m, key)

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
                hint = suggest(str(key), allowed) if isinstance(key, str) else ""
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
        if self.engine is not None:
            for key in ("rate", "pitch", "volume"):
                if m.get(key) is not None and key not in self.engine.settings:
                    self.ignored.setdefault(key, []).append(where)
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
        if not self.strict and self.engine is not None:
            self.notes.append(
                f"{self.path}:{line + 1 if line is not None else '?'}: {where}.voice {value!r} "
                f"is not a {self.engine.name} voice; an automatic one is used instead"
            )
            return None
        # "Alicia" or "f3": a voice's name or variant rather than its id
        named = sorted(
            v.id
            for v in self.voices
            if value.casefold()
            in (v.name.casefold(), v.id.partition("+")[2].casefold(), v.id.rpartition("/")[2])
        )
        hint = (
            " (did you mean " + " or ".join(repr(n) for n in named[:3]) + "?)"
            if named
            else suggest(value, self.by_id)
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

    def engine_name(self, m: CommentedMap, where: str) -> str | None:
        value, line = m["engine"], self.value_line(m, "engine")
        if value is None:
            return None
        names = available_engines()
        if not isinstance(value, str) or value.strip() not in names:
            hint = suggest(str(value), names) if isinstance(value, str) else ""
            raise self.fail(
                f"{where}engine {value!r} is not an installed engine{hint}; "
                f"choose one of: {', '.join(names)}",
                line,
            )
        return value.strip()

    def accent(self, m: CommentedMap, where: str) -> str | None:
        value, line = m["accent"], self.value_line(m, "accent")
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip() or " " in value.strip():
            raise self.fail(
                f"{where}.accent must be a language tag such as en-gb or en-us, not {_kind(value)}",
                line,
            )
        return value.strip().lower().replace("_", "-")

    def gender(self, m: CommentedMap, where: str) -> Gender | None:
        value, line = m["gender"], self.value_line(m, "gender")
        if value is None:
            return None
        if not isinstance(value, str) or value.strip().lower() not in GENDERS:
            hint = suggest(str(value), GENDERS) if isinstance(value, str) else ""
            raise self.fail(
                f"{where}.gender {value!r} is not one of {', '.join(GENDERS)}{hint}", line
            )
        return cast(Gender, value.strip().lower())

    # -- sections
    def character(self, m: CommentedMap, name: str, where: str) -> Entry:
        body = self.mapping(m[name], f"{where}.{name}", self.value_line(m, name))
        self.keys(body, CHARACTER_KEYS, f"{where}.{name}")
        if name.strip().casefold() == NARRATOR:
            raise self.fail(
                f"{where}: {name!r} is reserved for the narrator; set the narrator's voice "
                "under the top-level 'narrator:' key",
                self.key_line(m, name),
            )
        entry = Entry(name=name.strip(), line=self.key_line(m, name) or 0)
        if "aliases" in body:
            entry.aliases = self.strings(body, "aliases", f"{where}.{name}")
        if "gender" in body:
            entry.gender = self.gender(body, f"{where}.{name}")
        if "accent" in body:
            entry.accent = self.accent(body, f"{where}.{name}")
        entry.voice = self.voice(body, f"{where}.{name}")
        return entry

    def section(
        self, m: CommentedMap, allowed: Sequence[str], prefix: str, outer: str | None = None
    ) -> Section:
        """One section; ``outer`` is the engine of the enclosing level (for a story)."""
        sec = Section()
        self.keys(m, allowed, prefix or "the top level")
        dot = f"{prefix}." if prefix else ""
        if "engine" in m:
            sec.engine = self.engine_name(m, dot)
        speaks_with = sec.engine or outer or DEFAULT_ENGINE
        self.strict = self.engine is None or speaks_with == self.engine.name
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

    def parse(self, text: str) -> CastFile:
        data = load_yaml(text, self.path)
        if data is None:
            return CastFile()
        top = self.mapping(data, "the file", 0, null_ok=False)
        out = CastFile(glob=self.section(top, TOP_KEYS, ""))
        if "stories" in top:
            sm = self.mapping(top["stories"], "stories", self.value_line(top, "stories"))
            for key in sm:
                name = self.name_key(sm, key, "stories")
                body = self.mapping(sm[key], f"stories.{name}", self.value_line(sm, key))
                out.stories[name] = self.section(
                    body, STORY_KEYS, f"stories.{name}", outer=out.glob.engine
                )
        self.check_pins(out)
        if self.engine is not None:
            for key, wheres in self.ignored.items():
                self.notes.append(
                    f"{self.path}: the {self.engine.name} engine ignores {key} "
                    f"(set for {', '.join(wheres[:3])}{' ...' if len(wheres) > 3 else ''})"
                )
        return out

    def check_pins(self, cf: CastFile) -> None:
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
                        f"{suggest(who, names)}; add them under 'characters:' first",
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


def round_trip_yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    return y


def load_yaml(text: str, path: Path) -> Any:
    try:
        return round_trip_yaml().load(text)
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


def parse_file(
    path: Path, engine: EngineFacts | None, notes: list[str] | None = None
) -> tuple[str | None, CastFile]:
    """The file's text (None when missing) and what it says; notes go into ``notes``."""
    text = _read_text(path)
    if text is None:
        return None, CastFile()
    parser = Parser(path, engine)
    cf = parser.parse(text.removeprefix("\ufeff"))
    if notes is not None:
        notes.extend(parser.notes)
    return text, cf
