"""What every reader shares: safe loading, decoding, front matter, headings, scene breaks.

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
from datetime import date, datetime
from pathlib import Path

from dramatis.errors import DramatisError
from dramatis.model import Chapter, Hidden, Story

MAX_BYTES = 100 * 1024 * 1024
Span = tuple[int, int]

_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an EPUB must be named .epub)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"ID3", "an MP3 file"),
    (b"RIFF", "a RIFF (WAV/AVI) file"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
    (b"\xd0\xcf\x11\xe0", "an old Word/Office document"),
]
_FORMATS_HINT = "give a .txt, .md, .html or .epub story"


# --------------------------------------------------------------------------- loading


def load_bytes(path: Path) -> bytes:
    """The file's bytes, after the checks every format shares (exists, size, not empty)."""
    if not path.exists():
        raise DramatisError("no such file; check the path", path)
    if path.is_dir():
        raise DramatisError("is a folder, not a story file", path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DramatisError(
            f"file is {size / 2**20:.0f} MB, over the 100 MB limit; split it into smaller files",
            path,
        )
    if size == 0:
        raise DramatisError("file is empty; give a story with text in it", path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DramatisError(
            f"cannot read file ({exc.strerror}); check its permissions", path
        ) from exc


def binary_kind(data: bytes) -> str | None:
    """A human name for well-known binary formats (for the error message), else None."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None


_BOMS = [
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
]


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode story bytes to text, BOM removed; returns ``(text, encoding)``.

    UTF-8 is tried strictly first (valid UTF-8 is almost never anything else). Other bytes go
    to charset-normalizer, a maintained detector that measures how "chaotic" each candidate
    decoding is, rather than a hand-written guess. Very short texts leave many single-byte
    code pages tied; Windows-1252 (the most common Western one) wins when it is about as good
    as the best, so "It’s" in cp1252 does not come out as Chinese.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise DramatisError(
                    f"starts with a {encoding.upper()} byte-order mark but is not valid "
                    f"{encoding.upper()} (byte {exc.start + len(bom)}); re-save it as UTF-8",
                    path,
                ) from exc
            return _checked(text, data, path), encoding
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise DramatisError(_binary_message(data), path)
        try:
            return _checked(data.decode(utf16), data, path), utf16
        except UnicodeDecodeError as exc:
            raise DramatisError(_binary_message(data), path) from exc
    kind = binary_kind(data)
    if kind is not None:
        raise DramatisError(_binary_message(data), path)
    try:
        return _checked(data.decode("utf-8"), data, path), "utf-8"
    except UnicodeDecodeError:
        pass
    detected = _detect(data)
    if detected is None:
        raise DramatisError(_binary_message(data), path)
    return _checked(data.decode(detected), data, path), detected


def _binary_message(data: bytes) -> str:
    kind = binary_kind(data)
    what = f"it looks like {kind}" if kind else "it looks like binary data"
    return f"not a text file ({what}); {_FORMATS_HINT}"


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM has a zero in every other byte for ASCII characters."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs == 0:
        return None
    odd_zero = sum(1 for i in range(1, 2 * pairs, 2) if sample[i] == 0)
    even_zero = sum(1 for i in range(0, 2 * pairs, 2) if sample[i] == 0)
    if odd_zero > 0.4 * pairs and even_zero < 0.05 * pairs:
        return "utf-16-le"
    if even_zero > 0.4 * pairs and odd_zero < 0.05 * pairs:
        return "utf-16-be"
    return None


# How close to the best candidate Windows-1252 must be to win: on a short sample
# charset-normalizer's chaos score differs by 0.1 between code pages that decode it equally
# well (measured: a French/English paragraph came out cp1257 without this tolerance), while
# Polish (cp1250), Russian (cp1251) and Greek (cp1253) keep their code pages with it.
_TIE_CHAOS = 0.1
_TIE_COHERENCE = 0.02


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    if "cp1252" in best.could_be_from_charset:
        return "cp1252"
    western = from_bytes(data, cp_isolation=["cp1252"]).best()
    if (
        western is not None
        and western.chaos <= best.chaos + _TIE_CHAOS
        and western.coherence >= best.coherence - _TIE_COHERENCE
    ):
        return "cp1252"
    return best.encoding


def _checked(text: str, data: bytes, path: Path) -> str:
    """Reject decodings that are mostly control characters (binary data that happened to decode)."""
    if not text.strip():
        raise DramatisError("has no text (only white space); give a story with text in it", path)
    sample = text[:20000]
    controls = sum(
        1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v\x1a"
    )
    if controls > max(2, len(sample) // 200):
        raise DramatisError(_binary_message(data), path)
    return text


# --------------------------------------------------------------------------- front matter

_FRONT_OPEN = re.compile(r"\A[ \t]*---[ \t]*(?:\r\n|\r|\n)")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|\Z)", re.M)
_YAMLISH = re.compile(r"^[A-Za-z_][\w \-]*:(?:\s|$)")
FRONT_KEYS = {
    "title", "author", "authors", "by", "summary", "description", "series", "series_part",
    "part", "series_index", "language", "lang", "fandom", "fandoms", "rating", "tags",
    "notes", "cover", "date", "published", "characters", "relationships", "warnings",
    "category", "categories", "url", "source", "words", "subtitle",
}  # fmt: skip


@dataclass
class FrontMatter:
    end: int  # offset just past the closing delimiter line
    data: dict[str, object]


def front_matter(text: str, path: Path) -> FrontMatter | None:
    """A leading ``---`` YAML block (as Jekyll/Pandoc write it), parsed with ruamel.yaml.

    A block is front matter only when it parses to a mapping with at least one known key, so a
    story that merely opens with a ``---`` rule is left alone. A block that looks like YAML but
    does not parse is reported with its line, as the user meant it as front matter.
    """
    opening = _FRONT_OPEN.match(text)
    if not opening:
        return None
    closing = _FRONT_CLOSE.search(text, opening.end(), min(len(text), opening.end() + 50_000))
    if closing is None:
        return None
    block = text[opening.end() : closing.start()]
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        data = YAML(typ="safe", pure=True).load(block)
    except YAMLError as exc:
        first = next((ln for ln in block.splitlines() if ln.strip()), "")
        if not _YAMLISH.match(first):
            return None
        line = None
        if isinstance(exc, MarkedYAMLError) and exc.problem_mark is not None:
            line = exc.problem_mark.line + 2  # +1 for 1-based, +1 for the opening ---
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DramatisError(
            f"front matter is not valid YAML ({problem}); fix it or remove the --- block",
            path,
            line,
        ) from exc
    if not isinstance(data, dict) or not any(_key(k) in FRONT_KEYS for k in data):
        return None
    return FrontMatter(closing.end(), {_key(k): _plain(v) for k, v in data.items()})


def _key(key: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(key).strip().lower())


def _plain(value: object) -> object:
    """YAML values as JSON-friendly Python values (dates become ISO strings)."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def apply_metadata(
    data: dict[str, object], base: Path
) -> tuple[str | None, str | None, dict, bytes | None]:
    """Front-matter keys -> (title, author, meta, cover bytes) with the names Story uses."""
    meta: dict[str, object] = {}
    title = author = None
    cover: bytes | None = None
    for key, value in data.items():
        if value is None:
            continue
        if key == "title":
            title = str(value).strip() or None
        elif key in ("author", "authors", "by"):
            author = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        elif key in ("summary", "description"):
            meta["summary"] = str(value).strip()
        elif key in ("series_part", "part", "series_index"):
            meta["series_part"] = _number(value)
        elif key in ("language", "lang"):
            meta["language"] = str(value)
        elif key in ("fandom", "fandoms"):
            meta["fandom"] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        elif key == "tags":
            meta["tags"] = split_tags(value)
        elif key == "cover":
            cover_path = (base / str(value)).resolve()
            try:
                cover = cover_path.read_bytes()
            except OSError as exc:
                raise DramatisError(
                    f"cover image {value!r} in the front matter cannot be read; fix the path",
                    base,
                ) from exc
        else:
            meta[key] = value
    return title, author, meta, cover


def split_tags(value: object) -> list[str]:
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(t).strip() for t in items if str(t).strip()]


def _number(value: object) -> object:
    try:
        number = float(str(value).strip())
    except ValueError:
        return value
    return int(number) if number.is_integer() else number


# --------------------------------------------------------------------------- lines

_NUM_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred)"
)
_CHAPTER = re.compile(
    rf"^(?:chapter|chap\.?|ch\.)[ \t]*"
    rf"(?P<num>\d{{1,4}}|[ivxlcdm]{{1,9}}\b"
    rf"|{_NUM_WORD}(?:(?:[ \t]*-[ \t]*|[ \t]+)(?:and[ \t]+)?{_NUM_WORD})*\b)"
    r"[ \t]*(?:(?P<sep>[:.\-–—|~]+|\))[ \t]*(?P<rest>.*?)|(?P<bare>[ \t].*?))?[ \t]*$",
    re.I,
)
_NAMED = re.compile(
    r"^(?P<name>prologue|epilogue|interlude|afterword|foreword|preface|introduction)"
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
        is_word = re.fullmatch(_NUM_WORD + r".*", num, re.I)
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
    """Where a chapter starts, its title, and the span of its heading line if it has one."""

    title: str
    start: int
    heading: Span | None = None


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
    for i, mark in enumerate(kept):
        start = first if i == 0 else mark.start
        end = kept[i + 1].start if i + 1 < len(kept) else len(text)
        chapters.append(Chapter(mark.title, start, end, i + 1, mark.heading))
    return chapters


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
    hidden = sorted(hidden)
    return Story(
        text=text,
        title=title,
        source=path,
        author=author,
        chapters=tile_chapters(text, marks, title, [*(h.span for h in hidden), *breaks]),
        breaks=sorted(breaks),
        hidden=hidden,
        meta=meta or {},
        cover=cover,
    )


# --------------------------------------------------------------------------- built text


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
        """Append a paragraph; ``hidden`` is the reason it is never spoken, if it is not."""
        text = text.strip()
        if not text:
            return None
        span = self._append(text)
        if hidden:
            self.hidden.append(Hidden(*span, hidden))
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
