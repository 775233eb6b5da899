"""Paragraph-level text of HTML (and so of EPUB and Markdown), with what is not story marked.

HTML is parsed with BeautifulSoup on lxml (fast, and forgiving of the tag soup real downloads
contain). While the text is gathered, markup that says a part is furniture (EPUB 3
``epub:type``, DPUB-ARIA ``role``, Project Gutenberg's and calibre's classes, figure captions)
marks its blocks hidden with a reason; note numbers and back-link arrows stay in the text as
hidden inline pieces. Rules by words (contents lists, Gutenberg markers, "A/N:" notes) then
run over the blocks: see :mod:`dramatis.text.readers.furniture`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag, XMLParsedAsHTMLWarning

from dramatis.text.readers.furniture import (
    ILLUSTRATION,
    INLINE_REASONS,
    Para,
    gutenberg_body,
    list_extent,
    list_title,
    note_label,
    note_reason,
    semantic_reason,
)
from dramatis.text.readers.structure import break_kind, heading_of, inline_hidden

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP = {
    "script", "style", "head", "title", "noscript", "template", "svg", "math", "iframe",
    "button", "form", "input", "select", "textarea", "object", "embed", "audio", "video",
}  # fmt: skip
_BLOCKS = {
    "p", "div", "section", "article", "blockquote", "li", "ul", "ol", "pre", "table", "tr",
    "td", "th", "dl", "dt", "dd", "header", "footer", "main", "aside", "figure", "figcaption",
    "center", "body", "html", "address", "details", "summary", "caption", "tbody", "thead",
    "nav", "hgroup",
}  # fmt: skip
_BR = "\x00"  # stands for <br> while whitespace is collapsed
_ARROWS = {"↩", "↩︎", "⮐", "↑", "⤴", "^", "[return]", "[back]"}
_CLASS_REASONS = [
    (re.compile(r"^pg-?header$|^pgheader$"), "Project Gutenberg header"),
    (re.compile(r"^pg-?footer$|^pgfooter$|^pg-boilerplate$"), "Project Gutenberg licence"),
    (re.compile(r"^cbj_"), "metadata jacket"),
    (re.compile(r"^calibre_?toc$|^calibre_generated_inline_toc$"), "contents"),
    (re.compile(r"^(?:fig)?caption$|^illus(?:tration)?-?caption$"), "illustration caption"),
    (re.compile(r"^footnotes?$|^endnotes?$"), "footnotes"),
]
# Note numbers by class (Gutenberg's HTML: <a class="fnanchor" href="#Footnote_1">[1]</a>).
_INLINE_CLASSES = re.compile(r"^(?:fnanchor|noteref|footnote-?ref|footnote-?link)$")


@dataclass
class Block:
    """A paragraph-level piece of extracted text: "p", "h1".."h6" or "hr"; ``hidden`` is why
    it is never spoken, when it is not."""

    kind: str
    text: str
    element: Tag | None = None
    hidden: str | None = None

    @property
    def level(self) -> int:
        return int(self.kind[1]) if self.kind in HEADINGS else 0


def element_reason(tag: Tag) -> str | None:
    """Why this element (and all inside it) is furniture, from its markup, or None."""
    types = f"{tag.get('epub:type') or ''} {tag.get('role') or ''}"
    reason = semantic_reason(types) if types.strip() else None
    if reason:
        return reason
    if tag.name == "figcaption":
        return "illustration caption"
    if tag.name == "nav":
        return "navigation"
    names = [str(tag.get("id") or ""), *(tag.get("class") or [])]
    for name in names:
        for pattern, why in _CLASS_REASONS:
            if pattern.match(name.lower()):
                return why
    return None


def _inline_reason(tag: Tag) -> str | None:
    """Note numbers and back-link arrows: pieces of a paragraph that are never spoken."""
    types = f"{tag.get('epub:type') or ''} {tag.get('role') or ''}".lower()
    for word in types.split():
        word = word.split(":")[-1].removeprefix("doc-")
        if word in INLINE_REASONS:
            return INLINE_REASONS[word]
    if tag.name == "a" and tag.get_text().strip() in _ARROWS:
        return "note back-link"
    if any(_INLINE_CLASSES.match(str(c).lower()) for c in tag.get("class") or []):
        return "note reference"
    return None


def blocks(root: Tag, skip: Iterable[Tag] = (), *, semantics: bool = True) -> list[Block]:
    """Paragraph-level text of ``root`` in document order; ``skip`` elements are left out.
    With ``semantics``, blocks inside furniture markup are marked hidden (see module doc)."""
    skipped = {id(t) for t in skip}
    out: list[Block] = []
    buf: list[str] = []

    def flush(element: Tag | None, reason: str | None) -> None:
        text = clean("".join(buf))
        buf.clear()
        if text:
            out.append(Block("p", text, element, reason))

    def walk(node: Tag, reason: str | None) -> None:
        for child in node.children:
            if isinstance(child, (Comment, Doctype)):
                continue
            if isinstance(child, NavigableString):
                buf.append(str(child))
                continue
            if not isinstance(child, Tag) or id(child) in skipped:
                continue
            name = child.name
            if name in _SKIP:
                continue
            inline = _inline_reason(child) if semantics else None
            if inline:
                text = inline_text(child)
                buf.append(text if reason else inline_hidden(text, inline))
                continue
            own = (element_reason(child) if semantics else None) or reason
            if own != reason:
                flush(node, reason)
            if name == "br":
                buf.append(_BR)
            elif name == "hr":
                flush(node, reason)
                out.append(Block("hr", "", child, reason))
            elif name in HEADINGS:
                flush(node, reason)
                text = clean(inline_text(child, semantics=semantics and not own))
                if text:
                    out.append(Block(name, text, child, own))
            elif name in _BLOCKS or own != reason:
                flush(node, reason)
                walk(child, own)
                flush(child, own)
            elif name == "img":
                continue
            else:
                walk(child, reason)

    walk(root, None)
    flush(root, None)
    return out


def inline_text(element: Tag, *, semantics: bool = False) -> str:
    parts = []
    for node in element.descendants:
        if isinstance(node, (Comment, Doctype)):
            continue
        if isinstance(node, NavigableString):
            parents = [p for p in node.parents if isinstance(p, Tag)]
            if any(p.name in _SKIP for p in parents):
                continue
            if semantics:
                inline = next((r for p in parents if (r := _inline_reason(p))), None)
                if inline:
                    parts.append(inline_hidden(str(node), inline))
                    continue
            parts.append(str(node))
        elif isinstance(node, Tag) and node.name == "br":
            parts.append(_BR)
    return "".join(parts)


def clean(text: str) -> str:
    """HTML white-space rules: runs collapse to one space; a <br> stays a line break."""
    text = re.sub(r"[^\S\x00]+", " ", text)
    text = re.sub(r" ?\x00 ?", "\n", text)
    return text.strip()


def parse_html(data: bytes | str) -> BeautifulSoup:
    """lxml's HTML parser, also for XHTML: it forgives the malformed markup real files have."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(data, "lxml")


# --------------------------------------------------------------------------- rules by words


def _is_heading(line: str) -> bool:
    return heading_of(line, markdown=False) is not None


def mark_furniture(items: list[Block]) -> list[Block]:
    """Mark, by their words, the furniture markup did not name: Project Gutenberg's header and
    licence around its START/END markers, titled contents lists and lists of illustrations,
    and ``[Illustration: ...]`` captions. Returns ``items`` (changed in place)."""
    joined = "\n\n".join(b.text for b in items)
    body = gutenberg_body(joined) if "gutenberg" in joined.lower() else None
    if body is not None:
        pos = 0
        for block in items:
            end = pos + len(block.text)
            if end <= body.header_end and not block.hidden:
                block.hidden = "Project Gutenberg header"
            elif pos >= body.body_end and not block.hidden:
                block.hidden = "Project Gutenberg licence"
            pos = end + 2
    paras = [Para(0, 0, b.text) for b in items]
    i = 0
    while i < len(items):
        block = items[i]
        if block.hidden or block.kind == "hr":
            i += 1
            continue
        reason = list_title(block.text)
        if reason:
            n = list_extent(paras, i, _is_heading)
            if n and not any(b.hidden for b in items[i + 1 : i + 1 + n]):
                for b in items[i : i + 1 + n]:
                    b.hidden = reason
                i += n + 1
                continue
        if ILLUSTRATION.fullmatch(block.text.strip()):
            block.hidden = "illustration caption"
        i += 1
    return items


def mark_notes(items: list[Block]) -> list[Block]:
    """Mark author's notes written into the text ("A/N:", "Disclaimer:", replies to reviewers).
    A note is the paragraph that opens with such words; a label alone ("Review replies:")
    also takes the paragraphs after it up to a scene break, a heading or the end, when that
    comes within a few paragraphs. When unsure, the text is kept."""
    i = 0
    while i < len(items):
        block = items[i]
        why = None if block.hidden or block.kind != "p" else note_reason(block.text)
        if not why:
            i += 1
            continue
        block.hidden = why
        if note_label(block.text):
            end = _label_end(items, i)
            for b in items[i + 1 : end]:
                b.hidden = b.hidden or why
            i = end
            continue
        i += 1
    return items


def _label_end(items: list[Block], i: int) -> int:
    for j in range(i + 1, min(len(items), i + 10)):
        b = items[j]
        if b.kind == "hr" or b.level or break_kind(b.text) or _is_heading(b.text):
            return j
    return len(items) if len(items) - i <= 9 else i + 1
