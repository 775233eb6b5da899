"""Turn a chapter's attributed segments into the lines to speak, with the pauses between.

This is where the story's text becomes speech input, and the one place that decides what is
*not* spoken: hidden spans (front matter, boilerplate) and scene breaks (a pause instead).
Everything else in the chapter's span lands in exactly one line, in order; punctuation-only
leftovers (a lone dash, stray quote marks) become pauses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from dramatis.model import NARRATOR, Cast, Chapter, Segment, Story, Voice
from dramatis.text.normalize import speech

#: Pause kinds, shortest first; the assembler maps each to a duration.
PAUSES = ("none", "clause", "sentence", "paragraph", "speaker", "heading", "scene")

#: Narration longer than this is split at sentence ends: shorter clips retry cheaply,
#: cache better (an edit re-synthesizes one sentence group, not a page) and parallelize.
MAX_CLIP_CHARS = 400

_QUOTES = "\"'“”‘’«»„‚‹›「」『』"
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")
_SPEAKABLE = re.compile(r"\w", re.UNICODE)


@dataclass(slots=True)
class Line:
    """One clip: a run of story text (``start``/``end``) and what the engine is given."""

    start: int
    end: int
    speaker: str | None
    text: str
    voice: Voice
    pause_before: str = "sentence"
    line_id: str | None = None
    scene: int = 0


def paragraph_breaks(text: str) -> re.Pattern[str]:
    """Blank lines separate paragraphs, unless the story never uses them (one per line)."""
    if re.search(r"\n[ \t]*\n", text):
        return re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
    return re.compile(r"\n+")


def _subtract(
    start: int, end: int, holes: list[tuple[int, int, str]]
) -> Iterator[tuple[int, int] | str]:
    """Yield the parts of [start, end) outside ``holes``, and each hole's kind where it falls."""
    pos = start
    for h_start, h_end, kind in holes:
        if h_end <= pos or h_start >= end:
            continue
        if h_start > pos:
            yield (pos, h_start)
        yield kind
        pos = max(pos, h_end)
    if pos < end:
        yield (pos, end)


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split [start, end) at sentence ends into pieces of at most ~MAX_CLIP_CHARS."""
    if end - start <= MAX_CLIP_CHARS:
        yield (start, end)
        return
    cuts = [m.end() for m in _SENTENCE_END.finditer(text, start, end)]
    piece_start = start
    last_cut = start
    for cut in [*cuts, end]:
        if cut - piece_start > MAX_CLIP_CHARS and last_cut > piece_start:
            yield (piece_start, last_cut)
            piece_start = last_cut
        last_cut = cut
    if piece_start < end:
        yield (piece_start, end)


def spoken_text(raw: str, *, dialogue: bool, heading: bool, pronunciations: dict[str, str]) -> str:
    """What the engine says for ``raw``: quote marks dropped, numbers etc. normalised."""
    if dialogue:
        raw = raw.strip().strip(_QUOTES)
    return speech(" ".join(raw.split()), pronunciations=pronunciations, heading=heading).strip()


def plan_chapter(
    story: Story, chapter: Chapter, segments: Iterable[Segment], cast: Cast
) -> list[Line]:
    """The chapter's lines in order, each with the pause that precedes it."""
    text = story.text
    para = paragraph_breaks(text)
    holes = sorted(
        [(s, e, "scene") for s, e in story.breaks]
        + [(h.start, h.end, "hidden") for h in story.hidden]
    )
    lines: list[Line] = []
    pending = "none"  # strongest pause seen since the last line
    scene = 0
    last_speaker: str | None = None
    para_speaker: str | None = None  # who spoke the previous paragraph's last line

    def bump(kind: str) -> None:
        nonlocal pending
        if PAUSES.index(kind) > PAUSES.index(pending):
            pending = kind

    for seg in segments:
        if seg.end <= chapter.start or seg.start >= chapter.end:
            continue
        lo, hi = max(seg.start, chapter.start), min(seg.end, chapter.end)
        speaker = None if seg.speaker in (None, NARRATOR) else seg.speaker
        voice = cast.voice_for(speaker)
        for part in _subtract(lo, hi, holes):
            if isinstance(part, str):
                if part == "scene":
                    bump("scene")
                    scene += 1
                continue
            p_start, p_end = part
            # Paragraph breaks inside the part: pieces between them.
            pos = p_start
            for m in [*para.finditer(text, p_start, p_end), None]:
                piece_end = m.start() if m else p_end
                for s_start, s_end in _sentences(text, pos, piece_end):
                    raw = text[s_start:s_end]
                    heading = (
                        chapter.heading is not None
                        and s_start < chapter.heading[1]
                        and s_end > chapter.heading[0]
                    )
                    said = spoken_text(
                        raw,
                        dialogue=seg.kind == "dialogue",
                        heading=heading,
                        pronunciations=cast.pronunciations,
                    )
                    if not _SPEAKABLE.search(said):
                        if raw.strip():
                            bump("clause")
                        continue
                    if (
                        pending in ("paragraph",)
                        and para_speaker is not None
                        and speaker != para_speaker
                    ):
                        pending = "speaker"
                    elif pending == "none":
                        pending = "clause" if speaker != last_speaker else "sentence"
                    lines.append(
                        Line(s_start, s_end, speaker, said, voice, pending, seg.line_id, scene)
                    )
                    pending = "heading" if heading else "none"
                    last_speaker = speaker
                if m:
                    bump("paragraph")
                    para_speaker = last_speaker
                    pos = m.end()
    if lines:
        lines[0].pause_before = "none"
    return lines
