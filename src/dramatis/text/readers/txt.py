"""Plain-text stories: the text is kept exactly as decoded; structure is found line by line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dramatis.model import Hidden, Story
from dramatis.text.readers.common import apply_metadata, decode_text, front_matter
from dramatis.text.readers.structure import (
    HeadingMatch,
    Line,
    Mark,
    Span,
    assemble,
    break_kind,
    chapter_level,
    heading_of,
    iter_lines,
)

# An author's note paragraph: "A/N: ...", "(A/N ...)", "Author's note: ...", "AN: ...".
_NOTE = re.compile(
    r"^[ \t]*[(\[*_]*[ \t]*(?:A/N|A\.N\.|AN:|author'?s?'?[ \t]+notes?\b|authors?[ \t]+notes?\b)",
    re.I,
)
_GUTENBERG_START = re.compile(
    r"^\*{3}[ \t]*START OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK.*$", re.I | re.M
)
_GUTENBERG_END = re.compile(
    r"^\*{3}[ \t]*END OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK.*$", re.I | re.M
)
_PART = re.compile(
    r"^(?:book|part|volume)[ \t]+(?:the[ \t]+)?(?:\d+|[ivxlcdm]+|[a-z]+)\b[^.!?]{0,40}$", re.I
)
# A header of "Title: ..." / "Author: ..." lines at the top (Gutenberg-derived texts).
_HEADER = re.compile(
    r"\A(?:[ \t]*(?:Title|Author|Translator|Illustrator|Editor|Release Date|Language|"
    r"Credits|Produced by):[^\r\n]*(?:\r\n|\r|\n|\Z)(?:[ \t]*(?:\r\n|\r|\n))*)+"
)
_GUTENBERG_FIELD = re.compile(r"^(Title|Author|Language):[ \t]*(.+?)[ \t]*$", re.M)


@dataclass
class _Heading:
    start: int  # where the heading's line starts
    span: Span  # the heading's text (with a subtitle line under it, if any)
    match: HeadingMatch


@dataclass
class _Structure:
    headings: list[_Heading]
    parts: list[Span]  # "BOOK THE FIRST", "Part Two": lines that open the chapter after them
    breaks: list[Span]
    notes: list[Span]


def read_txt(path: Path, data: bytes, *, include_notes: bool = False) -> Story:
    text, _encoding = decode_text(data, path)
    hidden: list[Hidden] = []
    title = author = None
    meta: dict[str, object] = {}
    cover = None
    body_start, body_end = 0, len(text)

    fm = front_matter(text, path)
    if fm is not None:
        hidden.append(Hidden(0, fm.end, "front matter"))
        body_start = fm.end
        title, author, meta, cover = apply_metadata(fm.data, path.parent)

    header = _HEADER.match(text[body_start:])
    if header and re.match(r"\s*Title:", header.group()):
        title, author = _fields(header.group(), title, author, meta)
        hidden.append(Hidden(body_start, body_start + len(header.group().rstrip()), "front matter"))
        body_start += header.end()

    start_line = _GUTENBERG_START.search(text, body_start)
    if start_line:
        title, author = _fields(text[body_start : start_line.start()], title, author, meta)
        hidden.append(Hidden(body_start, start_line.end(), "Project Gutenberg header"))
        body_start = start_line.end()
        end_line = _GUTENBERG_END.search(text, body_start)
        if end_line:
            hidden.append(Hidden(end_line.start(), len(text), "Project Gutenberg licence"))
            body_end = end_line.start()

    title = title or path.stem
    found = _structure(text, body_start, body_end)
    if not include_notes:
        hidden.extend(Hidden(a, b, "author's note") for a, b in found.notes)
    marks = _chapter_marks(text, found)
    if marks.story_title and title == path.stem and fm is None:
        title = marks.story_title
    return assemble(
        text,
        path,
        title,
        marks.marks,
        breaks=found.breaks,
        hidden=hidden,
        author=author,
        meta=meta,
        cover=cover,
    )


def _fields(
    block: str, title: str | None, author: str | None, meta: dict[str, object]
) -> tuple[str | None, str | None]:
    """ "Title:", "Author:" and "Language:" lines; front matter, read first, wins."""
    for key, value in _GUTENBERG_FIELD.findall(block):
        if key == "Title" and title is None:
            title = value
        elif key == "Author" and author is None:
            author = value
        elif key == "Language":
            meta.setdefault("language", value)
    return title, author


def _structure(text: str, start: int, end: int) -> _Structure:
    lines = list(iter_lines(text, start, end))
    # Text with no blank line at all has one paragraph per line.
    loose = not any(ln.blank for ln in lines[1:-1]) and len(lines) > 2
    headings: list[_Heading] = []
    parts: list[Span] = []
    breaks: list[Span] = []
    notes: list[Span] = []
    note_start: int | None = None
    skip = -1
    for i, line in enumerate(lines):
        if i == skip:
            continue
        if line.blank:
            if note_start is not None:
                notes.append((note_start, lines[i - 1].end))
                note_start = None
            continue
        first = loose or i == 0 or lines[i - 1].blank
        alone = loose or i + 1 == len(lines) or lines[i + 1].blank
        kind = break_kind(line.text)
        if kind == "symbols" or (kind == "letters" and first and alone):
            breaks.append(_trimmed_span(line))
            continue
        if first:
            heading = heading_of(line.text)
            if heading is not None and (heading.strong or alone):
                span = _trimmed_span(line)
                sub = _subtitle(lines, i, loose)
                if sub is not None:
                    heading = HeadingMatch(
                        f"{heading.title}: {sub.text.strip()}", heading.strong, heading.level
                    )
                    span = (span[0], _trimmed_span(sub)[1])
                    skip = i + 1
                headings.append(_Heading(line.start, span, heading))
                continue
            if _PART.match(line.text.strip()) and (alone or _subtitle(lines, i, loose)):
                parts.append((line.start, line.end))
            if note_start is None and _NOTE.match(line.text):
                note_start = line.start
        if loose and note_start is not None:
            notes.append((note_start, line.end))
            note_start = None
    if note_start is not None and lines:
        notes.append((note_start, lines[-1].end))
    return _Structure(headings, parts, breaks, notes)


def _subtitle(lines: list[Line], i: int, loose: bool) -> Line | None:
    """A short title line right under a heading ("CHAPTER I" / "THE ONE THING NEEDFUL")."""
    if loose or i + 1 >= len(lines):
        return None
    sub = lines[i + 1]
    text = sub.text.strip()
    if (
        sub.blank
        or (i + 2 < len(lines) and not lines[i + 2].blank)
        or len(text.split()) > 8
        or text[-1] in ".!?,;:\"'”’"
        or break_kind(text)
        or heading_of(text)
    ):
        return None
    return sub


@dataclass
class _Marks:
    marks: list[Mark]
    story_title: str | None


def _chapter_marks(text: str, found: _Structure) -> _Marks:
    """Which headings are chapters (Markdown levels decide, see :func:`chapter_level`).

    A part heading ("BOOK THE FIRST", "Part Two") just above a chapter heading opens that
    chapter, so it is not spoken at the end of the chapter before."""
    headings = found.headings
    level, title_at = chapter_level([h.match.level for h in headings])
    story_title = headings[title_at].match.title if title_at is not None else None
    marks = [Mark(h.match.title, h.start, h.span) for h in headings if h.match.level == level]
    floor = 0
    for mark in marks:
        before = [p for p in found.parts if floor <= p[0] < mark.start]
        if before and len(text[before[-1][1] : mark.start].split()) <= 8:
            mark.start = before[-1][0]
        floor = mark.heading[1] if mark.heading else mark.start
    return _Marks(marks, story_title)


def _trimmed_span(line: Line) -> Span:
    left = len(line.text) - len(line.text.lstrip())
    return line.start + left, line.start + len(line.text.rstrip())
