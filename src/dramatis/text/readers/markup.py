"""HTML and Markdown stories, and the Archive of Our Own (AO3) download layout.

HTML is parsed with BeautifulSoup on lxml (fast, and forgiving of the tag soup real downloads
contain). Markdown is rendered to HTML by markdown-it-py (a CommonMark implementation) and read
as HTML, so emphasis and links are reduced to their words by a real parser, not by regexes.
The AO3 part is shared with the EPUB reader, since AO3's EPUBs are converted from its HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from dramatis.errors import DramatisError
from dramatis.model import Story
from dramatis.text.readers.blocks import (
    HEADINGS,
    Block,
    blocks,
    clean,
    mark_furniture,
    mark_notes,
    parse_html,
)
from dramatis.text.readers.common import (
    apply_metadata,
    binary_kind,
    decode_text,
    front_matter,
    language_tag,
    split_tags,
)
from dramatis.text.readers.structure import (
    TextBuilder,
    assemble,
    break_kind,
    chapter_level,
    heading_of,
)

# --------------------------------------------------------------------------- generic HTML


def add_blocks(builder: TextBuilder, items: Iterable[Block], *, hidden: str | None = None) -> None:
    """Append body blocks; decoration paragraphs and <hr> become scene breaks. ``hidden``: the
    reason none of them is spoken, if so."""
    last_break = False
    for block in items:
        if hidden or block.hidden:
            builder.paragraph(block.text, hidden=hidden or block.hidden)
            continue
        if block.kind == "hr" or (block.kind == "p" and break_kind(block.text)):
            if not last_break and builder.parts:
                builder.scene_break(block.text or "* * *")
            last_break = True
            continue
        if builder.paragraph(block.text, hidden=hidden) is not None:
            last_break = False


def build_generic(builder: TextBuilder, items: list[Block]) -> str | None:
    """Chapters from headings (see :func:`chapter_level`); without h1-h6, from paragraphs that
    read as chapter headings ("Chapter 3", "Prologue"). Returns a title heading, if any."""
    if not any(b.kind in HEADINGS and not b.hidden for b in items):
        items = [
            Block("h1", b.text, b.element)
            if b.kind == "p" and not b.hidden and heading_of(b.text, markdown=False)
            else b
            for b in items
        ]
    levels = [b.level for b in items if b.level and not b.hidden]
    level, title_at = chapter_level(levels)
    title = None
    seen = 0
    for block in items:
        if block.hidden:
            builder.paragraph(block.text, hidden=block.hidden)
        elif block.level:
            if seen == title_at:
                title = block.text
                builder.paragraph(block.text)
            elif block.level == level:
                builder.heading(block.text)
            else:
                builder.paragraph(block.text)
            seen += 1
        else:
            add_blocks(builder, [block])
    return title


def read_html(path: Path, data: bytes, *, include_notes: bool = False) -> Story:
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    kind = binary_kind(data) or (None if utf16 or b"\x00" not in data[:4096] else "binary data")
    if kind:
        raise DramatisError(f"not an HTML file (it looks like {kind}); check the file", path)
    soup = parse_html(data)
    body = soup.body
    if body is None or not body.get_text(strip=True):
        raise DramatisError(
            "HTML has no <body> text; save the whole page (or the AO3 download) again", path
        )
    if is_ao3(soup):
        return read_ao3([soup], path, include_notes=include_notes)
    builder = TextBuilder()
    items = mark_furniture(blocks(body))
    if not include_notes:
        mark_notes(items)
    heading_title = build_generic(builder, items)
    title = _meta_title(soup) or heading_title or path.stem
    author_tag = soup.find("meta", attrs={"name": re.compile("^(author|dc.creator)$", re.I)})
    author = author_tag.get("content") if isinstance(author_tag, Tag) else None
    gutenberg = _PG_TITLE.match(title)
    if gutenberg:  # "The Project Gutenberg eBook of Tiny, by A. Person"
        title = gutenberg.group("title").strip()
        author = author or gutenberg.group("author")
    meta: dict[str, object] = {}
    html = soup.find("html")
    if isinstance(html, Tag) and html.get("lang"):
        meta["language"] = language_tag(str(html.get("lang")))
    description = soup.find("meta", attrs={"name": re.compile("^description$", re.I)})
    if isinstance(description, Tag) and description.get("content"):
        meta["summary"] = str(description.get("content")).strip()
    return finish(builder, path, title, str(author) if author else None, meta)


_PG_TITLE = re.compile(
    r"^\s*The Project Gutenberg e-?(?:book|text) of (?P<title>.+?)(?:,\s*by\s+(?P<author>.+?))?"
    r"\.?\s*$",
    re.I,
)


def _meta_title(soup: BeautifulSoup) -> str | None:
    tag = soup.find("title")
    text = clean(tag.get_text()) if tag else ""
    return text or None


def finish(
    builder: TextBuilder,
    path: Path,
    title: str,
    author: str | None,
    meta: dict[str, object],
    cover: bytes | None = None,
) -> Story:
    return assemble(
        builder.text,
        path,
        title,
        builder.marks,
        breaks=builder.breaks,
        hidden=builder.hidden,
        author=author,
        meta=meta,
        cover=cover,
    )


# --------------------------------------------------------------------------- Markdown

_MD_BREAK_FENCE = re.compile(r"^[ \t]*(?:~{3,}|`{3,})[ \t]*$")


def read_markdown(path: Path, data: bytes, *, include_notes: bool = False) -> Story:
    """Markdown: front matter as in .txt, then the rendered HTML read like any HTML.

    Lines that are scene breaks standing alone are swapped for placeholders before
    rendering, so "~~~" does not open a code block and "***" keeps its own characters.
    """
    from markdown_it import MarkdownIt

    source, _encoding = decode_text(data, path)
    title = author = None
    meta: dict[str, object] = {}
    cover = None
    fm = front_matter(source, path)
    if fm is not None:
        title, author, meta, cover = apply_metadata(fm.data, path.parent)
        source = source[fm.end :]
    lines = source.splitlines()
    originals: dict[str, str] = {}
    for i, line in enumerate(lines):
        alone = (i == 0 or not lines[i - 1].strip()) and (
            i + 1 == len(lines) or not lines[i + 1].strip()
        )
        if alone and (break_kind(line) or _MD_BREAK_FENCE.match(line)):
            key = f"DRAMATISBREAK{len(originals)}X"
            originals[key] = line.strip()
            lines[i] = key
    html = MarkdownIt("commonmark").render("\n".join(lines))
    soup = parse_html(f"<html><body>{html}</body></html>")
    items = [
        Block("hr", originals[b.text], b.element) if b.text in originals else b
        for b in blocks(soup.body or soup)
    ]
    mark_furniture(items)
    if not include_notes:
        mark_notes(items)
    builder = TextBuilder()
    heading_title = build_generic(builder, items)
    return finish(builder, path, title or heading_title or path.stem, author, meta, cover)


# --------------------------------------------------------------------------- AO3

_AO3_POSTED = re.compile(r"Posted originally on the", re.I)
_AO3_COMMENT = re.compile(r"drop by the archive and comment", re.I)


# AO3 tag list label (start) -> (meta key, joined into one string?)
_TAG_KEYS = {
    "rating": ("rating", True),
    "archive warning": ("warnings", False),
    "categor": ("category", False),
    "fandom": ("fandom", True),
    "relationship": ("relationships", False),
    "character": ("characters", False),
    "additional tag": ("tags", False),
    "collection": ("collections", False),
}


def is_ao3(soup: BeautifulSoup) -> bool:
    """An AO3 download: its preface box says "Posted originally on the Archive of Our Own"
    (or it has AO3's #preface/#chapters layout with the tag list)."""
    preface = soup.find(id="preface")
    if isinstance(preface, Tag) and _AO3_POSTED.search(preface.get_text(" ")):
        return True
    return soup.find(id="chapters") is not None and soup.find("dl", class_="tags") is not None


@dataclass
class _Note:
    label: str
    items: list[Block]


@dataclass
class _Chapter:
    title: str | None = None
    heading: str | None = None
    notes: list[_Note] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    end_notes: list[_Note] = field(default_factory=list)
    doc: int = 0  # which document (EPUB spine file) its heading came from


@dataclass
class Ao3Work:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    meta: dict[str, object] = field(default_factory=dict)
    notes: list[_Note] = field(default_factory=list)
    end_notes: list[_Note] = field(default_factory=list)
    chapters: list[_Chapter] = field(default_factory=list)


def parse_ao3(docs: list[BeautifulSoup]) -> Ao3Work:
    """The parts of an AO3 work from its download HTML, which may be split over several
    documents (calibre splits AO3's EPUBs at each chapter). Classes are used only as hints:
    ids and the order of elements carry the structure, since converters rename classes."""
    work = Ao3Work()
    for index, doc in enumerate(docs):
        body = doc.body or doc
        preface = body.find(id="preface")
        if isinstance(preface, Tag):
            _parse_preface(preface, work)
        afterword = body.find(id="afterword")
        if isinstance(afterword, Tag):
            work.end_notes.extend(_labelled_notes(afterword, skip_messages=True))
        container = body.find(id="chapters")
        if not isinstance(container, Tag):
            if isinstance(preface, Tag) or isinstance(afterword, Tag):
                continue
            container = _chapter_container(body)
        _parse_chapters(container, work, index)
    return work


def _parse_preface(preface: Tag, work: Ao3Work) -> None:
    heading = preface.find("h1")
    if isinstance(heading, Tag):
        work.title = clean(heading.get_text())
    if not work.title:
        message = preface.find(class_="message")
        bold = message.find("b") if isinstance(message, Tag) else None
        if isinstance(bold, Tag):
            work.title = clean(bold.get_text())
    byline = preface.find(class_="byline")
    if isinstance(byline, Tag):
        names = [clean(a.get_text()) for a in byline.find_all("a", rel="author")]
        if not names:
            names = [a for a in (clean(x.get_text()) for x in byline.find_all("a")) if a]
        if not names:
            names = [re.sub(r"^by\s+", "", clean(byline.get_text()), flags=re.I)]
        work.authors = [n for n in names if n]
    tags = preface.find("dl")
    if isinstance(tags, Tag):
        _parse_tags(tags, work.meta)
    for note in _labelled_notes(preface):
        if note.label.lower().startswith("summary"):
            work.meta["summary"] = "\n\n".join(b.text for b in note.items if b.text)
        else:
            work.notes.append(note)


def _parse_tags(dl: Tag, meta: dict[str, object]) -> None:
    for dt in dl.find_all("dt"):
        dd = dt.find_next_sibling("dd")
        if not isinstance(dd, Tag):
            continue
        key = clean(dt.get_text()).rstrip(":").strip().lower()
        links = [clean(a.get_text()) for a in dd.find_all("a")]
        value = clean(dd.get_text(" "))
        items = links or split_tags(value)
        listed = next((v for k, v in _TAG_KEYS.items() if key.startswith(k)), None)
        if listed is not None:
            name, joined = listed
            meta[name] = ", ".join(items) if joined else items
        elif key == "language":
            meta["language"] = language_tag(value)
        elif key == "series":
            m = re.match(r"Part\s+(\d+)\s+of\s+(.+?)(?:,\s*Part\s+\d+\s+of\s+.*)?$", value)
            if m:
                meta["series"] = m.group(2).strip()
                meta["series_part"] = int(m.group(1))
            else:
                meta["series"] = value
        elif key == "stats":
            for name, number in re.findall(r"(\w+):\s*([\d,/?-]+)", value):
                name = name.lower()
                if name in ("published", "updated", "completed"):
                    meta[name] = number
                elif name == "words":
                    meta["words"] = int(number.replace(",", ""))
                elif name == "chapters":
                    meta["chapter_count"] = number
                    done, _, planned = number.partition("/")
                    # "3/?" or "3/5": a work in progress, so no "The End." after its last chapter
                    meta["complete"] = planned.strip() == done.strip()


def _labelled_notes(container: Tag, *, skip_messages: bool = False) -> Iterator[_Note]:
    """AO3 writes notes as a label paragraph ("Notes", "Chapter Summary", "End Notes")
    followed by a blockquote of the author's text."""
    for quote in container.find_all("blockquote"):
        label_tag = quote.find_previous_sibling("p")
        label = clean(label_tag.get_text()) if isinstance(label_tag, Tag) else "Notes"
        if skip_messages and _AO3_COMMENT.search(label):
            label = "Notes"
        yield _Note(label, blocks(quote))


def _chapter_container(body: Tag) -> Tag:
    """Where chapter parts are siblings: the parent of the chapter heading's box."""
    heading = body.find("h2")
    if isinstance(heading, Tag) and isinstance(heading.parent, Tag):
        box = heading.parent
        if box is not body and isinstance(box.parent, Tag):
            return box.parent
    return body


def _is_heading_box(tag: Tag) -> bool:
    return tag.name == "div" and tag.find("h2", recursive=False) is not None


def _parse_chapters(container: Tag, work: Ao3Work, doc: int) -> None:
    current = work.chapters[-1] if work.chapters else None
    for child in container.children:
        if not isinstance(child, Tag):
            continue
        if child.name == "h2":  # single-chapter works: a bare heading in #chapters
            current = _Chapter(title=clean(child.get_text()), doc=doc)
            current.heading = current.title
            work.chapters.append(current)
        elif _is_heading_box(child):
            h2 = child.find("h2", recursive=False)
            title = clean(h2.get_text()) if isinstance(h2, Tag) else None
            current = _Chapter(title=title, heading=title, doc=doc)
            work.chapters.append(current)
            current.notes.extend(_labelled_notes(child))
        elif str(child.get("id", "")).startswith("endnotes"):
            if current is None:
                current = _Chapter(doc=doc)
                work.chapters.append(current)
            current.end_notes.extend(_labelled_notes(child))
        else:
            if current is None:
                current = _Chapter(doc=doc)
                work.chapters.append(current)
            skip = [t for t in child.find_all(class_="landmark")]
            current.body.extend(blocks(child, skip=skip))


def read_ao3(
    docs: list[BeautifulSoup],
    path: Path,
    *,
    include_notes: bool,
    toc_titles: dict[int, str] | None = None,
    meta: dict[str, object] | None = None,
    title: str | None = None,
    author: str | None = None,
    cover: bytes | None = None,
) -> Story:
    """Build a Story from AO3 documents: the archive's boxes and prompts are not in the text;
    the author's notes are, hidden unless ``include_notes``. ``toc_titles`` (document index ->
    title from an EPUB's table of contents) name chapters that have no heading of their own;
    a chapter's heading ("Chapter 1: Prologue") names it otherwise, so the HTML and the EPUB
    download of one work give the same track titles. In-text notes ("A/N:") in a chapter's
    body are hidden with the boxed notes."""
    work = parse_ao3(docs)
    title = work.title or title or path.stem
    author = ", ".join(work.authors) or author
    merged = dict(meta or {})
    merged.update(work.meta)
    builder = TextBuilder()
    hide = not include_notes
    multi = len(work.chapters) > 1 or any(c.heading for c in work.chapters)
    for i, chapter in enumerate(work.chapters or [_Chapter()]):
        name = chapter.title or title
        if toc_titles and not chapter.heading and chapter.doc in toc_titles:
            name = toc_titles[chapter.doc]
        if multi:
            name = ao3_chapter_title(i + 1, name)
        builder.chapter(name if multi else title)
        if i == 0:
            _add_notes(builder, work.notes, hide)
        if chapter.heading:
            builder.heading(chapter.heading, title=name, new_chapter=False)
        _add_notes(builder, chapter.notes, hide)
        add_blocks(builder, mark_notes(chapter.body) if hide else chapter.body)
        _add_notes(builder, chapter.end_notes, hide)
        if i == len(work.chapters) - 1:
            _add_notes(builder, work.end_notes, hide)
    return finish(builder, path, title, author, merged, cover)


_AO3_NUMBERED = re.compile(r"^(?:chapter\s+(?P<n>\d+)|(?P<m>\d+)\.)\s*(?::\s*)?(?P<rest>.*)$", re.I)


def ao3_chapter_title(index: int, text: str) -> str:
    """One title for a chapter whether it came from AO3's HTML ("Chapter 1: Prologue"), an
    EPUB heading or table of contents ("Prologue", "1. Prologue"): "Chapter N: Title", or
    "Chapter N" for an untitled chapter, so both downloads of a work name tracks alike."""
    m = _AO3_NUMBERED.match(text.strip())
    number, rest = index, text.strip()
    if m:
        number = int(m.group("n") or m.group("m"))
        rest = m.group("rest").strip()
    return f"Chapter {number}: {rest}" if rest else f"Chapter {number}"


def _add_notes(builder: TextBuilder, notes: list[_Note], hide: bool) -> None:
    for note in notes:
        texts = [b.text for b in note.items if b.text]
        if not texts:
            continue
        reason = "author's note" if hide else None
        builder.paragraph(note.label, hidden=reason)
        for text in texts:
            builder.paragraph(text, hidden=reason)
