"""How stories are structured: heading lines, scene breaks, chapters tiled over what is spoken.

Conventions every reader keeps (the pipeline relies on them):

* ``Story.chapters`` tile ``[first spoken character, len(text))`` in order, with no gap and no
  overlap. Text before the first heading that is spoken becomes a chapter titled with the story
  title; without any heading the story is one chapter.
* ``Story.breaks`` (scene breaks: a pause) and ``Story.hidden`` (never spoken, each with its
  reason) may lie inside chapters; later stages skip them. They never overlap each other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dramatis.model import Chapter, Hidden, Section, Story

Span = tuple[int, int]


# --------------------------------------------------------------------------- lines

_NUM_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred)"
)
_ORDINAL = (
    r"(?:the[ \t]+)?(?:(?:twenty|thirty|forty|fifty)[ \t-]?)?(?:first|second|third|fourth|fifth|"
    r"sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|"
    r"sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|fortieth|fiftieth|last|"
    r"final)"
)
_CHAPTER = re.compile(
    rf"^(?:chapter|chap\.?|ch\.)[ \t]*"
    rf"(?P<num>\d{{1,4}}|[ivxlcdm]{{1,9}}\b|{_ORDINAL}\b"
    rf"|{_NUM_WORD}(?:(?:[ \t]*-[ \t]*|[ \t]+)(?:and[ \t]+)?{_NUM_WORD})*\b)"
    r"[ \t]*(?:(?P<sep>[:.\-–—|~]+|\))[ \t]*(?P<rest>.*?)|(?P<bare>[ \t].*?))?[ \t]*$",
    re.I,
)
_NAMED = re.compile(
    r"^(?P<name>prologue|epilogue|interlude|afterword|foreword|preface|introduction|postscript)"
    r"[ \t]*(?:[:.\-–—|~][ \t]*(?P<rest>.*?))?[ \t]*$",
    re.I,
)
_ROMAN = re.compile(r"^M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$", re.I)
_MD_HEADING = re.compile(r"^(?P<marks>#{1,6})[ \t]+(?P<title>.+?)(?:[ \t]+#+)?[ \t]*$")
_DECORATION = "*_~=[]<>|"
QUOTES = "\"'“”‘’«»„‚‹›「」『』"


@dataclass
class HeadingMatch:
    title: str
    strong: bool  # a numbered "Chapter N": certain even without a blank line after it
    level: int = 1  # Markdown heading level; 1 for chapter/prologue lines


def heading_of(line: str, *, markdown: bool = True) -> HeadingMatch | None:
    """Is this line (alone as the first line of a paragraph) a chapter heading?"""
    stripped = line.strip()
    if not stripped or len(stripped) > 100:
        return None
    if markdown:
        md = _MD_HEADING.match(stripped)
        if md:
            title = md.group("title").strip().strip("#").strip()
            if title:
                return HeadingMatch(title, True, len(md.group("marks")))
            return None
    core = stripped.strip(_DECORATION + " \t").strip()
    if core.startswith(("- ", "– ", "— ")) and core.endswith((" -", " –", " —")):
        core = core[1:-1].strip()
    m = _CHAPTER.match(core)
    if m:
        num = m.group("num")
        is_word = re.fullmatch(rf"(?:{_NUM_WORD}|{_ORDINAL}).*", num, re.I)
        if num.isalpha() and not is_word and not _ROMAN.match(num):
            return None
        rest = (m.group("rest") or "").strip()
        bare = (m.group("bare") or "").strip()
        if bare:
            # "Chapter 3 The Storm" without a separator: only a capitalised, short title.
            if not bare[0].isupper() or bare[-1] in ".!?," or len(bare.split()) > 10:
                return None
            return HeadingMatch(core, False)
        if len(rest.split()) > 15:
            return None
        return HeadingMatch(core.rstrip(":.-–—|~ "), True)
    m = _NAMED.match(core)
    if m and len((m.group("rest") or "").split()) <= 12:
        return HeadingMatch(core.rstrip(":.-–—|~ "), False)
    return None


def break_kind(line: str) -> str | None:
    """ "symbols" for a line of decoration only ("* * *", "~~~", "-----", "###", "⁂"),
    "letters" for the o/x patterns fan fiction uses ("oOo", "xXx", "Xx", "-x-"), else None."""
    s = line.strip()
    if not s or len(s) > 40 or any(c in QUOTES for c in s):
        return None
    letters = [c for c in s if c.isalnum()]
    others = [c for c in s if not c.isalnum() and not c.isspace()]
    if any(unicodedata.category(c)[0] not in "PS" for c in others):
        return None
    if not letters:
        if all(c in ".?!…" for c in others):
            return None  # "..." or "?!" alone is a (silent) line of text, not decoration
        return "symbols"
    family = set(letters)
    if not (family <= set("xX") or family <= set("oO0")):
        return None
    if len(letters) >= 2 or others:
        return "letters"
    return None


@dataclass
class Line:
    start: int
    end: int  # end of the line's text, before its line break
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def iter_lines(text: str, start: int = 0, end: int | None = None) -> Iterator[Line]:
    """Lines with offsets; ``\\r\\n``, ``\\r`` and ``\\n`` all end a line (text is untouched)."""
    for m in _LINE.finditer(text, start, len(text) if end is None else end):
        raw = m.group()
        body = raw.rstrip("\r\n")
        yield Line(m.start(), m.start() + len(body), body)


# --------------------------------------------------------------------------- chapters


def chapter_level(levels: list[int]) -> tuple[int, int | None]:
    """Given the levels of a document's headings in order, the level that marks chapters and
    the position of a title heading, if any: the outermost level is the chapter level, unless
    it is used once, by the first heading, above deeper ones; that one is the story's title."""
    if not levels:
        return 0, None
    outer = min(levels)
    deeper = sorted({lv for lv in levels if lv > outer})
    if levels.count(outer) == 1 and levels[0] == outer and deeper:
        return deeper[0], 0
    return outer, None


@dataclass
class Mark:
    """Where a chapter starts, its title, the span of its heading line if it has one, and the
    sections (chapter marks inside its track) it holds."""

    title: str
    start: int
    heading: Span | None = None
    sections: list[Mark] = field(default_factory=list)


_NUMBER_PREFIX = re.compile(
    r"^(?:(?:adventure|story|tale|book|part|no\.?)[ \t]+)?(?:[IVXLC]{1,7}|\d{1,3})[.:)][ \t]+",
    re.I,
)
_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the",
                "to", "with", "from", "into", "nor"}  # fmt: skip


def display_title(text: str) -> str:
    """A story's title from its heading line: numbering ("ADVENTURE I.", "II.") dropped and
    ALL CAPS set in title case, as a player's track list shows it."""
    title = " ".join(text.split())
    stripped = _NUMBER_PREFIX.sub("", title)
    title = stripped or title
    if title.isupper():
        words = title.split()
        title = " ".join(
            w if _ROMAN.match(w.rstrip(".,:;")) and len(w.rstrip(".,:;")) > 1
            else w.lower() if (i and w.lower() in _SMALL_WORDS)
            else w[:1] + w[1:].lower()
            for i, w in enumerate(words)
        )  # fmt: skip
    return title.rstrip(".")


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


_VISIBLE = re.compile(r"\S")


class _Spoken:
    """Answers "is anything spoken in [a, b)?" given the spans that are not spoken."""

    def __init__(self, text: str, silent: Iterable[Span]):
        self.text = text
        self.silent = merge_spans(silent)

    def first(self, a: int, b: int) -> int | None:
        pos = a
        for s, e in self.silent:
            if e <= pos:
                continue
            if s >= b:
                break
            hit = self._first_visible(pos, min(s, b))
            if hit is not None:
                return hit
            pos = max(pos, e)
            if pos >= b:
                return None
        return self._first_visible(pos, b)

    def _first_visible(self, a: int, b: int) -> int | None:
        if a >= b:
            return None
        m = _VISIBLE.search(self.text, a, b)
        return m.start() if m else None


# Spoken text before the first heading shorter than this (a title line, "by Someone") joins
# chapter 1 instead of becoming a chapter of a few seconds.
FRONT_CHAPTER_WORDS = 25


def _words(text: str, a: int, b: int, silent: list[Span]) -> int:
    count, pos = 0, a
    for s, e in silent:
        if e <= pos or s >= b:
            continue
        count += len(text[pos:s].split())
        pos = e
    return count + len(text[pos:b].split()) if pos < b else count


def tile_chapters(
    text: str, marks: list[Mark], story_title: str, silent: Iterable[Span]
) -> list[Chapter]:
    """Chapters covering ``[first spoken char, len(text))``; marks with nothing spoken merge
    into the chapter before them. Spoken text before the first mark gets its own chapter,
    titled with the story title, unless it is only a few words (then it opens chapter 1)."""
    spoken = _Spoken(text, silent)
    first = spoken.first(0, len(text))
    if first is None:
        return []
    marks = sorted(marks, key=lambda m: m.start)
    kept: list[Mark] = []
    for i, mark in enumerate(marks):
        nxt = marks[i + 1].start if i + 1 < len(marks) else len(text)
        if spoken.first(mark.start, nxt) is not None:
            kept.append(mark)
    if not kept or _words(text, 0, kept[0].start, spoken.silent) >= FRONT_CHAPTER_WORDS:
        kept.insert(0, Mark(story_title, first))
    chapters = []
    used: dict[str, int] = {}
    for i, mark in enumerate(kept):
        start = first if i == 0 else mark.start
        end = kept[i + 1].start if i + 1 < len(kept) else len(text)
        # No two tracks share a title: a player (and a file name) could not tell them apart.
        used[mark.title] = used.get(mark.title, 0) + 1
        title = mark.title if used[mark.title] == 1 else f"{mark.title} ({used[mark.title]})"
        sections = [
            Section(s.title, max(s.start, start), s.heading)
            for s in mark.sections
            if start <= s.start < end and spoken.first(s.start, end) is not None
        ]
        chapters.append(Chapter(title, start, end, i + 1, mark.heading, sections))
    return chapters


def tidy_spans(hidden: list[Hidden], breaks: list[Span]) -> tuple[list[Hidden], list[Span]]:
    """Hidden spans sorted and disjoint (one inside another is dropped, a partial overlap is
    cut), and breaks that fall in a hidden span dropped: the silent spans never overlap."""
    out: list[Hidden] = []
    for h in sorted(hidden, key=lambda h: (h.start, -h.end)):
        if out and h.end <= out[-1].end:
            continue
        if out and h.start < out[-1].end:
            h = Hidden(out[-1].end, h.end, h.reason)
        if h.start < h.end:
            out.append(h)
    kept = [b for b in sorted(breaks) if not any(h.start < b[1] and b[0] < h.end for h in out)]
    return out, kept


def assemble(
    text: str,
    path: Path,
    title: str,
    marks: list[Mark],
    *,
    breaks: list[Span],
    hidden: list[Hidden],
    author: str | None = None,
    meta: dict[str, object] | None = None,
    cover: bytes | None = None,
) -> Story:
    """The Story every reader returns, chapters tiled over what is spoken."""
    hidden, breaks = tidy_spans(hidden, breaks)
    return Story(
        text=text,
        title=title,
        source=path,
        author=author,
        chapters=tile_chapters(text, marks, title, [*(h.span for h in hidden), *breaks]),
        breaks=breaks,
        hidden=hidden,
        meta=meta or {},
        cover=cover,
    )


# --------------------------------------------------------------------------- built text

INLINE_OPEN, INLINE_REASON, INLINE_CLOSE = "\x01", "\x02", "\x03"


def inline_hidden(text: str, reason: str) -> str:
    """Mark a piece of a paragraph as never spoken, for :meth:`TextBuilder.paragraph`."""
    return f"{INLINE_OPEN}{reason}{INLINE_REASON}{text}{INLINE_CLOSE}" if text else ""


def _unwrap_inline(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = length = 0
    for m in re.finditer(
        f"{INLINE_OPEN}([^{INLINE_REASON}]*){INLINE_REASON}([^{INLINE_CLOSE}]*){INLINE_CLOSE}",
        text,
    ):
        out.append(text[pos : m.start()])
        length += m.start() - pos
        inner = m.group(2)
        if inner.strip():
            spans.append((length, length + len(inner), m.group(1)))
        out.append(inner)
        length += len(inner)
        pos = m.end()
    out.append(text[pos:])
    joined = "".join(out)
    lead = len(joined) - len(joined.lstrip())
    return joined, [(a - lead, b - lead, r) for a, b, r in spans if a >= lead]


@dataclass
class TextBuilder:
    """Builds ``Story.text`` for formats whose text is extracted (Markdown, HTML, EPUB).

    Paragraphs are joined by a blank line; a ``<br>`` inside one stays a single newline.
    Spans are recorded as paragraphs are added, so offsets are right by construction.
    """

    parts: list[str] = field(default_factory=list)
    pos: int = 0
    breaks: list[Span] = field(default_factory=list)
    hidden: list[Hidden] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    _pending: Mark | None = None

    def _append(self, text: str) -> Span:
        if self.parts:
            self.parts.append("\n\n")
            self.pos += 2
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        if self._pending is not None:
            self._pending.start = start
            self.marks.append(self._pending)
            self._pending = None
        return start, self.pos

    def paragraph(self, text: str, *, hidden: str | None = None) -> Span | None:
        """Append a paragraph; ``hidden`` is the reason it is never spoken, if it is not.

        Parts of it wrapped as ``INLINE_OPEN reason INLINE_REASON text INLINE_CLOSE`` (see
        :func:`inline_hidden`: a note number, a back-link arrow) stay in the text as hidden
        spans of their own."""
        text = text.strip()
        inline: list[tuple[int, int, str]] = []
        if INLINE_OPEN in text:
            text, inline = _unwrap_inline(text)
            text = text.strip()
        if not text:
            return None
        span = self._append(text)
        if hidden:
            self.hidden.append(Hidden(*span, hidden))
        else:
            self.hidden.extend(Hidden(span[0] + a, span[0] + b, r) for a, b, r in inline)
        return span

    def scene_break(self, text: str) -> None:
        self.breaks.append(self._append(text.strip() or "* * *"))

    def chapter(self, title: str) -> None:
        """The next paragraph starts a chapter (its heading may come later, after notes)."""
        self._pending = Mark(title, -1)

    def heading(self, text: str, *, title: str | None = None, new_chapter: bool = True) -> None:
        """A heading line; starts a new chapter unless one was just opened with chapter()."""
        if new_chapter and self._pending is None:
            self.chapter(title or text.strip())
        span = self._append(text.strip())
        current = self.marks[-1] if self.marks else None
        if current is not None and current.heading is None:
            current.heading = span
            if title:
                current.title = title

    @property
    def text(self) -> str:
        return "".join(self.parts)
