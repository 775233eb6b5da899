"""What ``dramatis cast``, ``voices`` and ``preview`` show: who speaks how much, with which
voice, and a line that shows a voice off."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dramatis.cast.config import find_named
from dramatis.cast.parse import suggest
from dramatis.errors import DramatisError
from dramatis.model import NARRATOR, Cast, Character, Gender, Voice
from dramatis.speech.engines.base import VoiceInfo


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
        found = find_named(cast_.characters, [name]) if name != NARRATOR else None
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
    found = find_named(cast_.characters, [name])
    if found is None:
        names = [n for c in cast_.characters.values() for n in c.names]
        hint = suggest(name, names) or (
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
