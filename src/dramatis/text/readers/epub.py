"""EPUB stories: chapters in spine order, titled from the table of contents.

EbookLib (already a project dependency) parses the container, OPF manifest, spine, metadata
and both kinds of table of contents (EPUB 2 NCX, EPUB 3 nav) — each a small spec of its own
that zipfile+lxml would have us re-implement. Documents are then read with the HTML reader, and
AO3's EPUBs (calibre conversions of its HTML download) go through the AO3 reader.
"""

from __future__ import annotations

import io
import posixpath
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urldefrag

from bs4 import BeautifulSoup, Tag

from dramatis.errors import DramatisError
from dramatis.model import Story
from dramatis.text.readers.common import MAX_BYTES, split_tags
from dramatis.text.readers.markup import (
    Block,
    add_blocks,
    blocks,
    build_generic,
    clean,
    finish,
    is_ao3,
    parse_html,
    read_ao3,
)
from dramatis.text.readers.structure import TextBuilder

# Table-of-contents entries that are the book's furniture, not its story.
_FURNITURE = re.compile(
    r"^(cover|title ?page|copyright( page)?|(table of )?contents|toc|also by .*|"
    r"about the (author|publisher)|colophon|imprint)$",
    re.I,
)


@dataclass
class _Doc:
    name: str
    soup: BeautifulSoup


def read_epub(path: Path, data: bytes, *, include_notes: bool = False) -> Story:
    book = _open(path, data)
    docs = _spine_documents(book, path)
    if not docs:
        raise DramatisError("EPUB has no readable chapters in its spine; check the file", path)
    toc = _toc_entries(book)
    title = _dc(book, "title") or path.stem
    creators = [v for v, _ in book.get_metadata("DC", "creator") if v]
    author = ", ".join(c.strip() for c in creators) or None
    meta = _metadata(book)
    cover = _cover(book)
    publisher = _dc(book, "publisher") or ""
    soups = [d.soup for d in docs]
    if "archive of our own" in publisher.lower() or any(is_ao3(s) for s in soups):
        by_doc = {i: t for i, d in enumerate(docs) for name, _, t in toc if name == d.name}
        return read_ao3(
            soups,
            path,
            include_notes=include_notes,
            toc_titles=by_doc,
            meta=meta,
            title=title,
            author=author,
            cover=cover,
        )
    builder = TextBuilder()
    if not toc:  # no table of contents: chapters from the documents' headings
        build_generic(builder, [b for d in docs for b in blocks(d.soup.body or d.soup)])
    for doc in docs if toc else []:
        _add_document(builder, doc, [(frag, t) for name, frag, t in toc if name == doc.name])
    return finish(builder, path, title, author, meta, cover)


def _open(path: Path, data: bytes):  # -> ebooklib.epub.EpubBook
    from ebooklib import epub

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        total = sum(info.file_size for info in archive.infolist())
        bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DramatisError(
            "corrupt EPUB (not a readable ZIP archive); download it again", path
        ) from exc
    if bad is not None:
        raise DramatisError(f"corrupt EPUB (damaged entry {bad!r}); download it again", path)
    if total > MAX_BYTES:
        raise DramatisError("EPUB unpacks to over 100 MB; split the book into smaller files", path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return epub.read_epub(io.BytesIO(data), {"ignore_ncx": False})
    except Exception as exc:  # EbookLib raises KeyError, IndexError, lxml errors...
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DramatisError(
            f"corrupt EPUB ({reason[:80]}); download it again or convert it with calibre", path
        ) from exc


def _spine_documents(book, path: Path) -> list[_Doc]:
    import ebooklib

    docs = []
    for idref, linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
            continue
        if str(linear).lower() == "no" or "nav" in (getattr(item, "properties", None) or []):
            continue
        soup = parse_html(item.get_content())
        if soup.body is None or not soup.body.get_text(strip=True):
            continue
        docs.append(_Doc(item.get_name(), soup))
    return docs


def _toc_entries(book) -> list[tuple[str, str, str]]:
    """Flattened table of contents: (document name, fragment, title) in reading order."""
    out: list[tuple[str, str, str]] = []

    def walk(entries) -> None:
        for entry in entries:
            if isinstance(entry, tuple):
                section, children = entry
                if getattr(section, "href", None):
                    add(section.href, section.title)
                walk(children)
            elif isinstance(entry, list):
                walk(entry)
            else:
                add(getattr(entry, "href", ""), getattr(entry, "title", ""))

    def add(href: str, title: str) -> None:
        if not href:
            return
        name, fragment = urldefrag(unquote(href))
        out.append((posixpath.normpath(name), fragment, clean(title or "")))

    walk(book.toc if isinstance(book.toc, (list, tuple)) else [book.toc])
    return out


def _add_document(builder: TextBuilder, doc: _Doc, entries: list[tuple[str, str]]) -> None:
    """Add one spine document; each TOC entry pointing into it starts a chapter there.

    The entry's title names the chapter; the heading (or first paragraph) it points at,
    when it reads like that title, becomes the chapter's spoken heading. Furniture entries
    (cover, copyright, contents) are hidden."""
    body = doc.soup.body or doc.soup
    items = blocks(body)
    starts: dict[int, str] = {}
    for fragment, title in entries:
        index = 0
        if fragment:
            target = doc.soup.find(id=fragment)
            index = _block_index(items, target) if isinstance(target, Tag) else 0
        starts.setdefault(index, title)
    hidden: str | None = None
    for i, block in enumerate(items):
        if i in starts:
            title = starts[i]
            hidden = title.lower() if _FURNITURE.match(title) else None
            if not hidden:
                if block.kind != "hr" and _same_words(block.text, title):
                    builder.heading(block.text, title=title)
                    continue
                builder.chapter(title)
        if hidden:
            builder.paragraph(block.text, hidden=hidden)
        elif block.level:  # a heading the table of contents does not list: just spoken
            builder.paragraph(block.text)
        else:
            add_blocks(builder, [block])


def _block_index(items: list[Block], target: Tag) -> int:
    """Index of the first block at or after ``target`` in document order."""
    for i, block in enumerate(items):
        element = block.element
        if element is None:
            continue
        if element is target or target in element.parents:
            return i
        if any(p is element for p in target.parents):
            return i
    following = set(map(id, target.find_all_next()))
    for i, block in enumerate(items):
        if block.element is not None and id(block.element) in following:
            return i
    return 0


def _same_words(text: str, title: str) -> bool:
    words = re.findall(r"\w+", text.lower())
    return bool(title) and words == re.findall(r"\w+", title.lower())


def _dc(book, name: str) -> str | None:
    values = book.get_metadata("DC", name)
    for value, _ in values:
        if value and value.strip():
            return value.strip()
    return None


def _metadata(book) -> dict[str, object]:
    meta: dict[str, object] = {}
    description = _dc(book, "description")
    if description:
        # calibre stores the summary as HTML
        meta["summary"] = "\n\n".join(
            b.text for b in blocks(BeautifulSoup(description, "lxml")) if b.text
        )
    language = _dc(book, "language")
    if language:
        meta["language"] = language
    subjects = [v for v, _ in book.get_metadata("DC", "subject") if v]
    if subjects:
        tags = [t for s in subjects for t in split_tags(s)]
        meta["tags"] = [t for t in tags if t.lower() != "fanworks"]
    publisher = _dc(book, "publisher")
    if publisher:
        meta["publisher"] = publisher
    date = _dc(book, "date")
    if date:
        meta["published"] = date[:10]
    for values in book.metadata.values():
        for name, entries in values.items():
            for text, attrs in entries:
                value = attrs.get("content") or text
                if not value:
                    continue
                key = (attrs.get("name") or attrs.get("property") or name or "").lower()
                if key in ("calibre:series", "series") or key.endswith("belongs-to-collection"):
                    meta["series"] = value.strip()
                elif key in ("calibre:series_index", "series_index", "group-position"):
                    try:
                        number = float(value)
                        meta["series_part"] = int(number) if number.is_integer() else number
                    except ValueError:
                        pass
    return meta


def _cover(book) -> bytes | None:
    import ebooklib

    covers = list(book.get_items_of_type(ebooklib.ITEM_COVER))
    if covers:
        return covers[0].get_content()
    cover_id = None
    for _, attrs in book.get_metadata("OPF", "cover"):
        cover_id = attrs.get("content")
    if cover_id:
        item = book.get_item_with_id(cover_id)
        if item is not None:
            return item.get_content()
    for item in book.get_items_of_type(ebooklib.ITEM_IMAGE):
        if "cover-image" in (getattr(item, "properties", None) or []):
            return item.get_content()
        if "cover" in item.get_name().lower():
            return item.get_content()
    return None
