"""Book furniture: the parts of a book that are not the story, and why each is left unspoken.

An audiobook reads the story, not the title page, the licence, the contents or the printer's
colophon. Markup says what a part is where there is markup (EPUB 3 ``epub:type`` and DPUB-ARIA
``role``, the EPUB 2 guide, landmarks, calibre's and Project Gutenberg's classes); where there
is none (plain text, markup-free HTML) the words do: Project Gutenberg's START/END markers and
licence, a "Contents" list, ``[Illustration: ...]`` captions, "A/N:" author's notes.

Every rule here errs on the side of speaking: a part is hidden only when it says what it is
(a marker, a title such as "Contents", an opener such as "A/N:"), never because it merely looks
unusual, so story text is not lost. Each hidden part keeps its reason (:class:`Hidden`).

Illustration captions are hidden, not read as an aside: a caption describes a picture the
listener cannot see, sits wherever the printer put the plate (often mid-scene, pages before
or after the moment it shows), and usually repeats a line of the story ("[Illustration:
'Who are you?' said the Caterpillar]"), which would then be heard twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --------------------------------------------------------------------------- semantics

#: EPUB 3 structural semantics (epub:type) and DPUB-ARIA roles ("doc-" dropped) that are
#: furniture, with the reason shown. Dedications, epigraphs, forewords, prefaces and
#: introductions are spoken, as in a published audiobook.
SEMANTIC_REASONS: dict[str, str] = {
    "cover": "cover",
    "titlepage": "title page",
    "halftitlepage": "half-title page",
    "seriespage": "series page",
    "imprint": "imprint",
    "copyright-page": "copyright page",
    "colophon": "colophon",
    "toc": "contents",
    "loi": "list of illustrations",
    "lot": "list of tables",
    "loa": "list of illustrations",
    "landmarks": "contents",
    "page-list": "contents",
    "endnotes": "endnotes",
    "rearnotes": "endnotes",
    "footnotes": "footnotes",
    "footnote": "footnotes",
    "endnote": "endnotes",
    "rearnote": "endnotes",
    "acknowledgments": "acknowledgements",
    "acknowledgements": "acknowledgements",
    "index": "index",
    "other-credits": "credits",
    "credits": "credits",
    "errata": "errata",
    "contributors": "contributors",
    "pagebreak": "page number",
}

#: EPUB 2 guide reference types (OPF 2.0.1, 2.6) that are furniture.
GUIDE_REASONS: dict[str, str] = {
    "cover": "cover",
    "title-page": "title page",
    "toc": "contents",
    "copyright-page": "copyright page",
    "colophon": "colophon",
    "acknowledgements": "acknowledgements",
    "loi": "list of illustrations",
    "lot": "list of tables",
    "index": "index",
    "notes": "endnotes",
    "other.imprint": "imprint",
    "other.uncopyright": "licence",
    "other.halftitlepage": "half-title page",
}

#: Inline markers that are never spoken: the note number in the text and the arrow back.
INLINE_REASONS: dict[str, str] = {
    "noteref": "note reference",
    "backlink": "note back-link",
}

#: Table-of-contents titles of furniture, for books without semantic markup.
_TITLE_REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?:front )?cover( page| image)?$"), "cover"),
    (re.compile(r"^(?:half[- ]?)?title ?page$"), "title page"),
    (re.compile(r"^half[- ]?title$"), "half-title page"),
    (re.compile(r"^(?:copyright|copyright page|copyright notice|imprint|publisher'?s? notes?)$"),
     "copyright page"),
    (re.compile(r"^(?:un)?copyright$|^licen[cs]e$|^the project gutenberg licen[cs]e$"), "licence"),
    (re.compile(r"^(?:table of )?contents$|^toc$"), "contents"),
    (re.compile(r"^(?:list of )?(?:illustrations|plates|figures|maps)$"), "list of illustrations"),
    (re.compile(r"^(?:end ?notes|notes|footnotes)$"), "endnotes"),
    (re.compile(r"^acknowledge?ments?$"), "acknowledgements"),
    (re.compile(r"^colophon$"), "colophon"),
    (re.compile(r"^(?:also by .*|other books by .*|about the (?:author|publisher)s?)$"),
     "about the book"),
    (re.compile(r"^index$"), "index"),
]  # fmt: skip


def title_reason(title: str) -> str | None:
    """Why a part with this (table of contents) title is furniture, or None."""
    key = " ".join(re.sub(r"[^\w' -]", " ", title.lower()).split())
    for pattern, reason in _TITLE_REASONS:
        if pattern.match(key):
            return reason
    return None


def semantic_reason(types: str) -> str | None:
    """Why an element whose epub:type/role holds ``types`` is furniture, or None."""
    for word in types.lower().split():
        word = word.split(":")[-1].removeprefix("doc-")
        if word in SEMANTIC_REASONS:
            return SEMANTIC_REASONS[word]
    return None


# --------------------------------------------------------------------------- Project Gutenberg

_START = re.compile(
    r"^[ \t]*\*{3}[ \t]*START[ \t]+OF[ \t]+(?:THE[ \t]+|THIS[ \t]+)?PROJECT[ \t]+GUTENBERG"
    r"[ \t]+E-?(?:BOOK|TEXT)",
    re.I | re.M,
)
_SMALL_PRINT_END = re.compile(r"^[ \t]*\*END\*[ \t]*THE SMALL PRINT!.*$", re.I | re.M)
_END = re.compile(
    r"^[ \t]*(?:\*{3}[ \t]*END[ \t]+OF[ \t]+(?:THE[ \t]+|THIS[ \t]+)?PROJECT[ \t]+GUTENBERG"
    r"|END[ \t]+OF[ \t]+(?:THE[ \t]+|THIS[ \t]+)?PROJECT[ \t]+GUTENBERG(?:'S)?\b)",
    re.I | re.M,
)
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n|\r[ \t]*\r")
#: Producers' credits Project Gutenberg puts right after the START marker.
PRODUCED = re.compile(
    r"^[ \t]*(?:produced[ \t]+by|e-?text[ \t]+(?:was[ \t]+)?(?:prepared|produced|scanned)"
    r"|this[ \t]+e-?(?:text|book)[ \t]+was[ \t]+(?:prepared|produced|scanned)"
    r"|transcribed[ \t]+from|text[ \t]+file[ \t]+produced|prepared[ \t]+by|proofread[ \t]+by"
    r"|html[ \t]+version[ \t]+by|updated[ \t]+editions[ \t]+will)",
    re.I,
)


@dataclass
class GutenbergBody:
    header_end: int  # end of the START marker (a wrapped marker included)
    body_end: int  # where the footer ("End of the Project Gutenberg EBook", END marker) starts


def gutenberg_body(text: str, start: int = 0) -> GutenbergBody | None:
    """Where a Project Gutenberg text's book starts and ends, in any layout they have used:
    "*** START OF THE/THIS PROJECT GUTENBERG EBOOK ... ***" (also wrapped over two lines),
    or the 1990s "*END*THE SMALL PRINT!" header; the footer starts at the first "End of (the)
    Project Gutenberg('s) ..." line or END marker after it."""
    m = _START.search(text, start)
    if m:
        header_end = _line_end(text, m.end())
        close = text.find("***", m.end(), m.end() + 400)
        if close > header_end and not _BLANK_LINE.search(text, header_end, close):
            header_end = _line_end(text, close)  # the marker's title wrapped onto more lines
    else:
        small = _SMALL_PRINT_END.search(text, start)
        if small is None:
            return None
        header_end = small.end()
    end = _END.search(text, header_end)
    return GutenbergBody(header_end, end.start() if end else len(text))


def _line_end(text: str, pos: int) -> int:
    ends = [i for i in (text.find("\n", pos), text.find("\r", pos)) if i >= 0]
    return min(ends) if ends else len(text)


# --------------------------------------------------------------------------- lists

_LIST_TITLE = re.compile(
    r"^(?:(?:table[ \t]+of[ \t]+)?contents|list[ \t]+of[ \t]+(?:illustrations|plates|figures|maps)"
    r"|illustrations|plates)$",
    re.I,
)
_PAGE_NUMBER = re.compile(r"(?:\.{2,}|\s)\s*(?:\d{1,4}|[ivxlc]{1,7})$", re.I)
_NUMBERED = re.compile(r"^(?:\d{1,3}|[ivxlc]{1,7})\b\.?", re.I)


def list_title(text: str) -> str | None:
    """ "contents" or "list of illustrations" for a line that titles such a list."""
    core = text.strip().strip("*_=~#[]<>|").strip().rstrip(".:").strip()
    if not _LIST_TITLE.match(core):
        return None
    return "contents" if "content" in core.lower() else "list of illustrations"


def entry_like(text: str, is_heading) -> bool:
    """Does every line of this paragraph read as a list entry (short, numbered, a chapter
    heading, or ending in a page number) rather than prose?"""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return False
    for line in lines:
        # a short line that ends like a sentence is prose ("He opened the box."), not an entry
        short = len(line.split()) <= 10 and line[-1] not in ".!?…\"'”’)"
        if not (short or is_heading(line) or _PAGE_NUMBER.search(line) or _NUMBERED.match(line)):
            return False
        if len(line.split()) > 20:
            return False
    return True


def words_key(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", text.lower()))


def _repeats(key: tuple[str, ...], seen: set[tuple[str, ...]]) -> bool:
    """Does this line repeat a list entry, its numbering aside ("ADVENTURE I. THE LANTERN"
    repeats "I. The Lantern")? Compared on the entry's words after its first one."""
    for entry in seen:
        tail = entry[1:] if len(entry) > 2 else entry
        n = len(tail)
        if n and any(key[i : i + n] == tail for i in range(len(key) - n + 1)):
            return True
    return False


@dataclass
class Para:
    """A paragraph of plain text for list finding: its span, text and blank lines before it."""

    start: int
    end: int
    text: str
    gap: int = 1


def list_extent(paras: list[Para], i: int, is_heading) -> int:
    """How many paragraphs after the list title ``paras[i]`` are its entries.

    The list ends at prose, at another list's title, at a wide gap (Gutenberg leaves 2+
    blank lines between parts of the front matter, one between entries) or at a line that
    repeats an entry: the real "I. A SCANDAL IN BOHEMIA" after the contents that listed it."""
    seen: set[tuple[str, ...]] = set()
    j = i + 1
    while j < len(paras):
        para = paras[j]
        if (j > i + 1 and para.gap >= 2) or list_title(para.text):
            break
        if not entry_like(para.text, is_heading):
            break
        keys = [words_key(ln) for ln in para.text.splitlines() if words_key(ln)]
        if any(_repeats(k, seen) for k in keys):
            break
        seen.update(keys)
        j += 1
    # one entry is no list: "Contents" above a line of story is left alone
    return j - (i + 1) if len(seen) >= 2 else 0


# --------------------------------------------------------------------------- in-text notes

ILLUSTRATION = re.compile(
    r"\[[ \t]*(?:Illustration|Frontispiece|Picture|Image)(?=[\s:.\]])[^\[\]]{0,2000}\]", re.I
)

#: A paragraph that opens an author's note: "A/N: ...", "(A/N ...)", "Author's note: ...",
#: "AN: ...", "Disclaimer: ...", replies to reviewers. Conservative on purpose: only openers
#: that say what they are, so a story sentence is never taken for a note.
NOTE_OPENER = re.compile(
    r"^[ \t]*[(\[*_~]*[ \t]*(?:A/N\b|A\.N\.|AN:|author'?s?'?[ \t]+notes?\b|authors?[ \t]+notes?\b"
    r"|disclaimer[ \t]*[:\-–—]|(?:my[ \t]+)?(?:review(?:er)?s?[ \t]+)?repl(?:y|ies)[ \t]+to[ \t]+"
    r"(?:(?:my|the|all)[ \t]+)?(?:reviews|reviewers|comments)\b|review(?:er)?[ \t]+(?:replies|"
    r"responses|corner)\b|transcriber'?s[ \t]+notes?\b)",
    re.I,
)


def note_reason(text: str) -> str | None:
    m = NOTE_OPENER.match(text)
    if not m:
        return None
    return "transcriber's note" if "transcriber" in m.group().lower() else "author's note"


def note_label(text: str) -> bool:
    """A note opener that is only a label ("Review replies:"): the note is what follows."""
    return bool(NOTE_OPENER.match(text)) and text.strip().rstrip(")]*_~").endswith(":")
