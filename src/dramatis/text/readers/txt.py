"""Plain-text stories: the text is kept exactly as decoded; structure is found line by line."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from dramatis.model import Hidden, Story
from dramatis.text.readers.common import apply_metadata, decode_text, front_matter, language_tag
from dramatis.text.readers.furniture import (
    ILLUSTRATION,
    PRODUCED,
    Para,
    gutenberg_body,
    list_extent,
    list_title,
    note_label,
    note_reason,
    words_key,
)
from dramatis.text.readers.structure import (
    HeadingMatch,
    Line,
    Mark,
    Span,
    assemble,
    break_kind,
    chapter_level,
    display_title,
    heading_of,
    iter_lines,
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
# The first line of older Gutenberg headers: "The Project Gutenberg Etext of TITLE, by AUTHOR".
_GUTENBERG_OF = re.compile(
    r"Project Gutenberg'?s? E-?(?:Book|text) of (?P<title>[^\r\n]+?),? by (?P<author>[^\r\n*]+)",
    re.I,
)
# A section number alone on its line: "I.", "XII", "3." (the sections of a story).
_SECTION = re.compile(r"^[ \t]*(?P<num>[IVXLC]{1,7}|\d{1,3})\.?[ \t]*$")
# A contents list without a title: this many chapter headings with nothing between them
# but page numbers.
_LIST_RUN = 3
_PAGE = re.compile(r"^(?:\d{1,4}|[ivxlc]{1,7})\.?$", re.I)


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
    sections: list[tuple[Span, int]]  # bare section numbers and their value


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
        end = body_start + len(header.group().rstrip())
        hidden.append(Hidden(body_start, end, "front matter"))
        body_start += header.end()

    gutenberg = gutenberg_body(text, body_start)
    if gutenberg:
        title, author = _fields(text[body_start : gutenberg.header_end], title, author, meta)
        hidden.append(Hidden(body_start, gutenberg.header_end, "Project Gutenberg header"))
        body_start = gutenberg.header_end
        if gutenberg.body_end < len(text):
            hidden.append(Hidden(gutenberg.body_end, len(text), "Project Gutenberg licence"))
            body_end = gutenberg.body_end

    title = title or path.stem
    paras = _paragraphs(text, body_start, body_end)
    hidden.extend(_furniture(paras, title, author, gutenberg is not None, include_notes))
    hidden.extend(
        Hidden(m.start(), m.end(), "illustration caption")
        for m in ILLUSTRATION.finditer(text, body_start, body_end)
    )
    found = _structure(text, body_start, body_end, hidden)
    hidden.extend(_untitled_lists(text, found))
    marks = _chapter_marks(text, found, hidden)
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


def _paragraphs(text: str, start: int, end: int) -> list[Para]:
    """The body's paragraphs (runs of non-blank lines; each line when there is no blank line
    at all), with the number of blank lines before each."""
    lines = list(iter_lines(text, start, end))
    loose = not any(ln.blank for ln in lines[1:-1]) and len(lines) > 2
    paras: list[Para] = []
    gap = 0
    current: list[Line] = []

    def flush() -> None:
        nonlocal gap
        if current:
            a, b = current[0].start, current[-1].end
            paras.append(Para(a, b, text[a:b], gap))
            current.clear()
            gap = 0

    for line in lines:
        if line.blank:
            flush()
            gap += 1
            continue
        current.append(line)
        if loose:
            flush()
    flush()
    return paras


def _furniture(
    paras: list[Para], title: str, author: str | None, gutenberg: bool, include_notes: bool
) -> list[Hidden]:
    """Hidden spans found by their words: producers' credits and the title page right after
    Gutenberg's START marker, titled contents lists and lists of illustrations, author's
    notes (see :mod:`dramatis.text.readers.furniture`)."""
    out: list[Hidden] = []
    names = {words_key(title), words_key(f"by {author}" if author else ""), words_key(author or "")}
    names.discard(())
    names.add(("by",))
    is_heading = lambda line: heading_of(line) is not None  # noqa: E731
    opening = True  # still before the first spoken paragraph of the book
    i = 0
    while i < len(paras):
        para = paras[i]
        body = para.text.strip()
        reason = list_title(body)
        if reason and "\n" not in body:
            n = list_extent(paras, i, is_heading)
            if n:
                out.append(Hidden(para.start, paras[i + n].end, reason))
                i += n + 1
                continue
        lines = body.splitlines()
        if len(lines) >= 2 and all(is_heading(ln) for ln in lines):
            out.append(Hidden(para.start, para.end, "contents"))  # chapter headings, listed
        elif opening and gutenberg and i < 4 and PRODUCED.match(body):
            out.append(Hidden(para.start, para.end, "Project Gutenberg credits"))
        elif opening and words_key(body) in names:
            out.append(Hidden(para.start, para.end, "title page"))
        elif not include_notes and (why := note_reason(body)):
            end = para.end
            if note_label(body):
                end = _label_note_end(paras, i, is_heading)
            out.append(Hidden(para.start, end, why))
        else:
            opening = False
        i += 1
    return out


def _label_note_end(paras: list[Para], i: int, is_heading) -> int:
    """A label note ("Review replies:") covers the paragraphs after it up to a scene break, a
    heading or the end, when that comes within a few paragraphs; otherwise only the label
    (when unsure, the text is kept)."""
    for j in range(i + 1, min(len(paras), i + 10)):
        line = paras[j].text.strip()
        if break_kind(line) or is_heading(line):
            return paras[j - 1].end
    if len(paras) - i <= 9:
        return paras[-1].end
    return paras[i].end


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
            meta.setdefault("language", language_tag(value))
    first = _GUTENBERG_OF.search(block[:300])
    if first and title is None:
        title, author = first.group("title").strip(), author or first.group("author").strip()
    return title, author


def _structure(text: str, start: int, end: int, hidden: list[Hidden]) -> _Structure:
    lines = list(iter_lines(text, start, end))
    # Text with no blank line at all has one paragraph per line.
    loose = not any(ln.blank for ln in lines[1:-1]) and len(lines) > 2
    silent = sorted(h.span for h in hidden)
    headings: list[_Heading] = []
    parts: list[Span] = []
    breaks: list[Span] = []
    sections: list[tuple[Span, int]] = []
    skip = -1
    for i, line in enumerate(lines):
        if i == skip or line.blank or _inside(silent, line.start):
            continue
        first = loose or i == 0 or lines[i - 1].blank
        alone = loose or i + 1 == len(lines) or lines[i + 1].blank
        kind = break_kind(line.text)
        if kind == "symbols" or (kind == "letters" and first and alone):
            breaks.append(_trimmed_span(line))
            continue
        if not first:
            continue
        number = _SECTION.match(line.text)
        if number and alone and not loose:
            sections.append((_trimmed_span(line), _value(number.group("num"))))
            continue
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
    return _Structure(headings, parts, breaks, sections)


def _inside(spans: list[Span], pos: int) -> bool:
    i = bisect_right(spans, (pos, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def _value(num: str) -> int:
    if num.isdigit():
        return int(num)
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for a, b in zip(num.upper(), num.upper()[1:] + " ", strict=True):
        v = values[a]
        total += -v if b != " " and values[b] > v else v
    return total


def _untitled_lists(text: str, found: _Structure) -> list[Hidden]:
    """A run of chapter headings with nothing but page numbers between them is a contents
    list with no "Contents" title: hidden, and its headings are not chapters."""
    out: list[Hidden] = []
    heads = found.headings
    i = 0
    while i < len(heads):
        j = i
        while j + 1 < len(heads):
            gap = text[heads[j].span[1] : heads[j + 1].start]
            if not all(_PAGE.match(w) for w in gap.split()):
                break
            j += 1
        if j - i + 1 >= _LIST_RUN:
            out.append(Hidden(heads[i].start, heads[j].span[1], "contents"))
            del heads[i : j + 1]
            continue
        i = j + 1
    return out


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


def _chapter_marks(text: str, found: _Structure, hidden: list[Hidden]) -> _Marks:
    """Which headings are chapters (Markdown levels decide, see :func:`chapter_level`).

    A part heading ("BOOK THE FIRST", "Part Two") just above a chapter heading opens that
    chapter, so it is not spoken at the end of the chapter before; a book divided only into
    parts has them as its chapters. A collection of stories (a title line above each story's
    "I." section, numbering starting again) has a chapter per story, its numbered sections
    (and any chapter headings inside it) as the chapter's sections; bare numbered sections
    in a single story are its chapters."""
    silent = sorted(h.span for h in hidden)
    headings = [h for h in found.headings if not _inside(silent, h.start)]
    level, title_at = chapter_level([h.match.level for h in headings])
    story_title = headings[title_at].match.title if title_at is not None else None
    marks = [Mark(h.match.title, h.start, h.span) for h in headings if h.match.level == level]
    stories = _collection(text, found, silent)
    if stories:
        starts = {story.start for story in stories}
        inner = [
            *(Mark(text[a:b].rstrip("."), a, (a, b)) for (a, b), _ in found.sections),
            *(m for m in marks if m.start not in starts),
        ]
        for k, story in enumerate(stories):
            nxt = stories[k + 1].start if k + 1 < len(stories) else len(text)
            story.sections = sorted(
                (m for m in inner if story.start <= m.start < nxt), key=lambda m: m.start
            )
        return _Marks(stories, story_title)
    if not marks and _in_sequence(found.sections):
        marks = [Mark(text[a:b].rstrip("."), a, (a, b)) for (a, b), _ in found.sections]
    if not marks:
        marks = [Mark(display_title(text[a:b]), a, (a, b)) for a, b in found.parts]
        return _Marks(marks, story_title)
    floor = 0
    for mark in marks:
        before = [p for p in found.parts if floor <= p[0] < mark.start]
        if before and len(text[before[-1][1] : mark.start].split()) <= 8:
            mark.start = before[-1][0]
        floor = mark.heading[1] if mark.heading else mark.start
    return _Marks(marks, story_title)


def _in_sequence(sections: list[tuple[Span, int]]) -> bool:
    values = [v for _, v in sections]
    return len(values) >= 2 and values == list(range(values[0], values[0] + len(values)))


def _collection(text: str, found: _Structure, silent: list[Span]) -> list[Mark]:
    """The stories of a collection: the title paragraph (a line or two, no sentence) right
    above each "I."/"1." section. Two or more such stories make the file a collection."""
    stories: list[Mark] = []
    for (a, _b), value in found.sections:
        if value != 1:
            continue
        before = text[:a].rstrip()
        cut = max(before.rfind("\n\n"), before.rfind("\r\n\r\n"), before.rfind("\n\r\n"))
        para_start = cut + 1 if cut >= 0 else 0
        para = before[para_start:]
        lead = len(para) - len(para.lstrip())
        para_start += lead
        para = para.strip()
        if (
            not para
            or _inside(silent, para_start)
            or len(para.split()) > 15
            or len(para.splitlines()) > 3
            or para[-1] in "!?,;\"'”’"
            or break_kind(para)
            or _SECTION.match(para)
        ):
            continue
        heading = heading_of(para) if "\n" not in para else None
        title = heading.title if heading else display_title(" ".join(para.split()))
        stories.append(Mark(title, para_start, (para_start, para_start + len(para))))
    return stories if len(stories) >= 2 else []


def _trimmed_span(line: Line) -> Span:
    left = len(line.text) - len(line.text.lstrip())
    return line.start + left, line.start + len(line.text.rstrip())
