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
from dramatis.text.readers.blocks import Block, blocks, clean, mark_furniture, parse_html
from dramatis.text.readers.common import MAX_BYTES, language_tag, split_tags
from dramatis.text.readers.furniture import GUIDE_REASONS, semantic_reason, title_reason
from dramatis.text.readers.markup import add_blocks, build_generic, finish, is_ao3, read_ao3
from dramatis.text.readers.structure import TextBuilder


@dataclass
class _Doc:
    name: str
    soup: BeautifulSoup
    reason: str | None = None  # furniture by the guide or landmarks: the whole document


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
    reasons = _document_reasons(book)
    for doc in docs:
        doc.reason = reasons.get(doc.name)
    builder = TextBuilder()
    if not toc:  # no table of contents: chapters from the documents' headings
        build_generic(builder, [b for d in docs for b in _blocks(d)])
    for doc in docs if toc else []:
        _add_document(builder, doc, [(frag, t) for name, frag, t in toc if name == doc.name])
    return finish(builder, path, title, author, meta, cover)


def _blocks(doc: _Doc) -> list[Block]:
    """The document's blocks, furniture marked: by its own markup first (epub:type, role,
    classes), then the guide's or landmarks' word for the whole document, then by words."""
    items = blocks(doc.soup.body or doc.soup)
    if doc.reason and not _is_story(doc.soup):
        for block in items:
            block.hidden = block.hidden or doc.reason
    return mark_furniture(items)


_STORY_TYPES = re.compile(r"\b(?:bodymatter|chapter|part|volume|z3998:fiction)\b", re.I)


def _is_story(soup: BeautifulSoup) -> bool:
    """The document's own markup says it is story (EPUB 3 body/section epub:type)."""
    for tag in [soup.body, *soup.find_all("section", limit=3)]:
        if isinstance(tag, Tag) and _STORY_TYPES.search(str(tag.get("epub:type") or "")):
            return True
    return False


def _document_reasons(book) -> dict[str, str]:
    """Documents the EPUB 2 guide or the EPUB 3 landmarks name as furniture (cover, title page,
    copyright page, colophon, contents, notes...), by document name."""
    import ebooklib

    out: dict[str, str] = {}
    for ref in getattr(book, "guide", None) or []:
        why = GUIDE_REASONS.get(str(ref.get("type", "")).lower())
        if why and ref.get("href"):
            out.setdefault(_name(ref["href"]), why)
    for item in book.get_items_of_type(ebooklib.ITEM_NAVIGATION) or []:
        _landmarks(item, out)
    for item in book.get_items_of_type(ebooklib.ITEM_DOCUMENT):
        if "nav" in (getattr(item, "properties", None) or []):
            _landmarks(item, out)
    return out


def _landmarks(item, out: dict[str, str]) -> None:
    try:
        soup = parse_html(item.get_content())
    except Exception:  # a broken nav document only loses its landmarks
        return
    base = posixpath.dirname(item.get_name())
    for nav in soup.find_all("nav"):
        if "landmarks" not in str(nav.get("epub:type") or ""):
            continue
        for link in nav.find_all("a", href=True):
            why = semantic_reason(str(link.get("epub:type") or ""))
            if why:
                out.setdefault(_name(posixpath.join(base, str(link["href"]))), why)


def _name(href: str) -> str:
    return posixpath.normpath(urldefrag(unquote(href))[0])


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
    when it reads like that title, becomes the chapter's spoken heading. Furniture is hidden
    with its reason: by markup (see :func:`_blocks`), else by the entry's title ("Copyright",
    "Uncopyright", "Endnotes"...), unless the document's markup says it is story."""
    items = _blocks(doc)
    story = _is_story(doc.soup)
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
            hidden = None if story else title_reason(title)
            if not hidden and not block.hidden:
                if block.kind != "hr" and _same_words(block.text, title):
                    builder.heading(block.text, title=title)
                    continue
                builder.chapter(title)
        if hidden or block.hidden:
            builder.paragraph(block.text, hidden=block.hidden or hidden)
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
        meta["language"] = language_tag(language)
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
    meta.update(_series(book))
    return meta


def _series(book) -> dict[str, object]:
    """calibre's series, or an EPUB 3 ``belongs-to-collection`` whose ``collection-type`` is
    "series". A collection of another type (a "set" such as "Great Books of the Western
    World") is a publisher's grouping, not a series, and gives no series tag."""
    entries = [
        ((attrs.get("name") or attrs.get("property") or name or "").lower(), text, attrs)
        for values in book.metadata.values()
        for name, found in values.items()
        for text, attrs in found
    ]
    refined: dict[tuple[str, str], str] = {}
    for key, text, attrs in entries:
        target = str(attrs.get("refines") or "").lstrip("#")
        if target and text:
            refined[(target, key.split(":")[-1])] = text.strip()
    out: dict[str, object] = {}
    for key, text, attrs in entries:
        value = (attrs.get("content") or text or "").strip()
        if not value:
            continue
        if key in ("calibre:series", "series"):
            out["series"] = value
        elif key in ("calibre:series_index", "series_index"):
            _part(out, value)
        elif key.endswith("belongs-to-collection") and "series" not in out:
            ident = str(attrs.get("id") or "")
            if refined.get((ident, "collection-type"), "").lower() == "series":
                out["series"] = value
                if (ident, "group-position") in refined:
                    _part(out, refined[(ident, "group-position")])
    return out


def _part(out: dict[str, object], value: str) -> None:
    try:
        number = float(value)
    except ValueError:
        return
    out["series_part"] = int(number) if number.is_integer() else number


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
