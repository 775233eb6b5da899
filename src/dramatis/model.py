"""The shared data model every stage reads and writes.

Like spaCy's ``Doc``, a :class:`Story` keeps the untouched text once; everything else
(chapters, scene breaks, segments) is a span of character offsets into it.  Stages never
copy or rewrite the text, so "every word is spoken once" can be checked by tiling offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Kind = Literal["narration", "dialogue"]
Gender = Literal["female", "male", "unknown"]
NARRATOR = "narrator"


@dataclass(slots=True)
class Segment:
    """A run of story text spoken by one voice.

    ``start``/``end`` index ``Story.text``; a dialogue segment includes its quote marks.
    ``speaker`` is a character's canonical name, or None for the narrator.
    """

    start: int
    end: int
    kind: Kind = "narration"
    speaker: str | None = None
    confidence: float = 1.0
    line_id: str | None = None

    def text(self, source: str) -> str:
        return source[self.start : self.end]


@dataclass(slots=True)
class Section:
    """A numbered part inside a chapter (the "I.", "II." of a story in a collection such as
    The Adventures of Sherlock Holmes): a chapter mark inside the chapter's track, not a track.
    ``start`` is where it begins in ``Story.text``; it runs to the next section or the
    chapter's end."""

    title: str
    start: int
    heading: tuple[int, int] | None = None


@dataclass(slots=True)
class Chapter:
    """A chapter (one track): ``start``/``end`` cover its heading (if any) and body in
    ``Story.text``; ``sections`` are chapter marks inside it, in order."""

    title: str
    start: int
    end: int
    index: int = 0
    heading: tuple[int, int] | None = None
    sections: list[Section] = field(default_factory=list)


@dataclass(frozen=True, slots=True, order=True)
class Hidden:
    """A span of ``Story.text`` that is never spoken, and why.

    The reason is kept (not just the offsets) so ``dramatis script`` can show a proof-reader
    what was left out and why, and a wrong guess can be told from a right one. Readers use
    short lower-case reasons such as "front matter", "licence", "contents", "illustration
    caption", "author's note", "colophon", "endnotes".
    """

    start: int
    end: int
    reason: str

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


@dataclass(slots=True)
class Story:
    """One story file, decoded, with its structure as spans over ``text``."""

    text: str
    title: str
    source: Path
    author: str | None = None
    chapters: list[Chapter] = field(default_factory=list)
    # Spans that are a pause, not speech (scene breaks such as "* * *").
    breaks: list[tuple[int, int]] = field(default_factory=list)
    # Spans never spoken (front matter, book furniture, notes not asked for), with reasons.
    hidden: list[Hidden] = field(default_factory=list)
    # Free-form metadata: summary, series, part, language, fandom, rating, tags...
    meta: dict[str, object] = field(default_factory=dict)
    cover: bytes | None = None

    def section_at(self, offset: int) -> Section | None:
        """The section of the chapter holding ``offset`` that ``offset`` falls in, if any (a
        chapter's end offset counts as inside it, for the closing credits)."""
        for chapter in self.chapters:
            if chapter.start <= offset < chapter.end or offset == chapter.end == len(self.text):
                found = None
                for section in chapter.sections:
                    if section.start <= offset:
                        found = section
                return found
        return None

    def stories(self) -> list[tuple[int, int]]:
        """The spans of the stories when this is a collection (each story has its own cast),
        else [].  A collection's stories are the chapters that hold numbered sections (the
        readers give sections only to a collection's stories: "A Scandal in Bohemia" / I, II)."""
        if not any(c.sections for c in self.chapters):
            return []
        return [(c.start, c.end) for c in self.chapters]

    @property
    def slug(self) -> str:
        from dramatis.paths import slugify

        return slugify(self.title) or slugify(self.source.stem) or "story"


@dataclass(frozen=True, slots=True)
class Voice:
    """Settings for one speaker; None means "engine default".

    ``id`` is the engine's own voice id; the others are engine-neutral, each engine maps them
    (see :mod:`dramatis.speech.engines.base`).
    """

    id: str | None = None
    rate: int | None = None  # words per minute (None: the engine's natural pace)
    pitch: int | None = None  # 0-100, 50 = the voice's own pitch
    volume: float | None = None  # 0.0-1.0

    def merged(self, other: Voice) -> Voice:
        """``other``'s set values win over ours (used for per-story overrides)."""
        return Voice(
            id=other.id if other.id is not None else self.id,
            rate=other.rate if other.rate is not None else self.rate,
            pitch=other.pitch if other.pitch is not None else self.pitch,
            volume=other.volume if other.volume is not None else self.volume,
        )


@dataclass(slots=True)
class Character:
    name: str
    aliases: list[str] = field(default_factory=list)
    gender: Gender = "unknown"
    voice: Voice = field(default_factory=Voice)
    accent: str | None = None  # "en-gb", "en-us"...: automatic voices prefer it

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass(slots=True)
class Cast:
    """Who reads what: the narrator's voice and the characters (from voices.yaml)."""

    narrator: Voice = field(default_factory=Voice)
    characters: dict[str, Character] = field(default_factory=dict)
    pronunciations: dict[str, str] = field(default_factory=dict)
    # line id -> character name (or "narrator"): pinned by the user, always wins.
    pins: dict[str, str] = field(default_factory=dict)
    # The engine whose voices these are (None: loaded without one).
    engine: str | None = None
    # Things worth telling the user that are not errors (settings the engine ignores...).
    notes: list[str] = field(default_factory=list, compare=False)

    def voice_for(self, speaker: str | None) -> Voice:
        if speaker is None or speaker == NARRATOR or speaker not in self.characters:
            return self.narrator
        return self.characters[speaker].voice
