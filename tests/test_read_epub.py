"""Reading EPUB stories: spine order, titles from the table of contents, AO3's EPUBs."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from dramatis.errors import DramatisError
from dramatis.text.read import read_story
from readers_helpers import (
    AO3_AFTERWORD,
    AO3_CHAPTER_1,
    AO3_CHAPTER_2,
    AO3_PREFACE,
    check_ao3_story,
    check_spans,
    spoken_text,
)

CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>"""

COVER = b"\x89PNG\r\n\x1a\n" + b"tiny cover image bytes"


def xhtml(body: str, title: str = "x") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>'
        f'{escape(title)}</title></head><body class="calibre">{body}</body></html>'
    )


def make_epub(
    path: Path,
    docs: list[tuple[str, str]],
    toc: list[tuple[str, str]],
    metadata: str,
    *,
    cover: bool = False,
    spine_order: list[int] | None = None,
) -> Path:
    """An EPUB 2 as calibre writes it: OPF + NCX, documents in OEBPS/, optional cover."""
    order = spine_order or list(range(len(docs)))
    manifest = "\n".join(
        f'<item id="d{i}" href="{name}" media-type="application/xhtml+xml"/>'
        for i, (name, _) in enumerate(docs)
    )
    if cover:
        manifest += '\n<item id="cover" href="images/cover.png" media-type="image/png"/>'
        metadata += '\n<meta name="cover" content="cover"/>'
    spine = "\n".join(f'<itemref idref="d{i}"/>' for i in order)
    opf = f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="uuid_id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf"
            xmlns:calibre="http://calibre.kovidgoyal.net/2009/metadata">
    <dc:identifier id="uuid_id" opf:scheme="uuid">1234</dc:identifier>
    {metadata}
  </metadata>
  <manifest>
    {manifest}
    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
  </manifest>
  <spine toc="ncx">{spine}</spine>
</package>"""
    points = "\n".join(
        f'<navPoint id="n{i}" playOrder="{i + 1}"><navLabel><text>{escape(label)}</text>'
        f'</navLabel><content src="{href}"/></navPoint>'
        for i, (label, href) in enumerate(toc)
    )
    ncx = f"""<?xml version="1.0" encoding="utf-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
  <head><meta name="dtb:uid" content="1234"/></head>
  <docTitle><text>t</text></docTitle>
  <navMap>{points}</navMap>
</ncx>"""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", CONTAINER)
        z.writestr("OEBPS/content.opf", opf)
        z.writestr("OEBPS/toc.ncx", ncx)
        for name, body in docs:
            z.writestr(f"OEBPS/{name}", xhtml(body))
        if cover:
            z.writestr("OEBPS/images/cover.png", COVER)
    return path


AO3_METADATA = """
    <dc:title>The Long Way Home</dc:title>
    <dc:creator opf:role="aut" opf:file-as="writerperson">writerperson</dc:creator>
    <dc:description>&lt;p&gt;Bellamy goes looking for Clarke.&lt;/p&gt;</dc:description>
    <dc:publisher>Archive of Our Own</dc:publisher>
    <dc:date>2015-04-02T00:00:00+00:00</dc:date>
    <dc:language>en</dc:language>
    <dc:subject>Fanworks</dc:subject>
    <dc:subject>Teen And Up Audiences</dc:subject>
    <meta name="calibre:series" content="Forest Days"/>
    <meta name="calibre:series_index" content="2.0"/>
"""


def ao3_epub(path: Path, *, cover: bool = False) -> Path:
    """AO3's EPUB: calibre's conversion of the HTML download, split at each chapter heading
    (the split files repeat the wrapper div, which keeps its id only in the first)."""
    docs = [
        ("index_split_000.html", AO3_PREFACE),
        ("index_split_001.html", f'<div class="calibre1" id="chapters">{AO3_CHAPTER_1}</div>'),
        ("index_split_002.html", f'<div class="calibre1">{AO3_CHAPTER_2}</div>'),
        ("index_split_003.html", AO3_AFTERWORD),
    ]
    toc = [
        ("Preface", "index_split_000.html"),
        ("Chapter 1: The Forest", "index_split_001.html"),
        ("Chapter 2: Home", "index_split_002.html"),
        ("Afterword", "index_split_003.html"),
    ]
    return make_epub(path, docs, toc, AO3_METADATA, cover=cover)


def test_ao3_epub(tmp_path: Path) -> None:
    story = read_story(ao3_epub(tmp_path / "work.epub", cover=True))
    check_ao3_story(story)
    assert story.cover == COVER


def test_ao3_epub_metadata_only_in_the_opf(tmp_path: Path) -> None:
    """Series and summary come from calibre's OPF metadata when the preface lacks them."""
    preface = AO3_PREFACE.replace("<dt>Series:</dt>", "").replace(
        '<dd>Part 2 of <a href="s">Forest Days</a></dd>', ""
    )
    docs = [
        ("p.html", preface),
        ("c1.html", f'<div id="chapters">{AO3_CHAPTER_1}</div>'),
        ("c2.html", f"<div>{AO3_CHAPTER_2}</div>"),
    ]
    toc = [
        ("Preface", "p.html"),
        ("Chapter 1: The Forest", "c1.html"),
        ("Chapter 2: Home", "c2.html"),
    ]
    story = read_story(make_epub(tmp_path / "w.epub", docs, toc, AO3_METADATA))
    assert story.meta["series"] == "Forest Days"
    assert story.meta["series_part"] == 2
    assert story.meta["summary"] == "Bellamy goes looking for Clarke."
    assert [c.title for c in story.chapters] == ["Chapter 1: The Forest", "Chapter 2: Home"]
    check_spans(story)


BOOK_METADATA = """
    <dc:title>A Small Book</dc:title>
    <dc:creator>Pat Author</dc:creator>
    <dc:language>en-GB</dc:language>
"""


def test_generic_epub_spine_order_and_toc_titles(tmp_path: Path) -> None:
    docs = [
        ("cover.xhtml", '<div><img src="images/cover.png" alt=""/></div>'),
        ("copyright.xhtml", "<p>Copyright 2020 Pat Author. All rights reserved.</p>"),
        ("one.xhtml", "<h1>I</h1><p>First words.</p><p>* * *</p><p>More.</p>"),
        (
            "two.xhtml",
            '<h1 id="c2">The Second</h1><p>Second words.</p>'
            '<h2 id="c3">Three</h2><p>Third words.</p>',
        ),
        ("more.xhtml", "<p>Still chapter three.</p>"),
    ]
    toc = [
        ("Copyright", "copyright.xhtml"),
        ("Chapter One", "one.xhtml"),
        ("The Second", "two.xhtml#c2"),
        ("Chapter Three", "two.xhtml#c3"),
    ]
    # The spine, not the manifest or the file names, gives the reading order.
    story = read_story(
        make_epub(tmp_path / "b.epub", docs, toc, BOOK_METADATA, spine_order=[0, 1, 2, 3, 4])
    )
    check_spans(story)
    assert story.title == "A Small Book"
    assert story.author == "Pat Author"
    assert story.meta["language"] == "en-GB"
    assert [c.title for c in story.chapters] == ["Chapter One", "The Second", "Chapter Three"]
    heads = [story.text[slice(*c.heading)] if c.heading else None for c in story.chapters]
    assert heads == [None, "The Second", None]
    assert spoken_text(story) == (
        "I First words. More. The Second Second words. Three Third words. Still chapter three."
    )
    assert "Copyright" in story.text and "Copyright" not in spoken_text(story)
    c3 = story.chapters[2]
    assert story.text[c3.start : c3.end].startswith("Three")


def test_epub_spine_order_wins_over_file_order(tmp_path: Path) -> None:
    docs = [("a.xhtml", "<p>Said second.</p>"), ("b.xhtml", "<p>Said first.</p>")]
    story = read_story(make_epub(tmp_path / "o.epub", docs, [], BOOK_METADATA, spine_order=[1, 0]))
    assert spoken_text(story) == "Said first. Said second."
    assert [c.title for c in story.chapters] == ["A Small Book"]


def test_corrupt_epubs(tmp_path: Path) -> None:
    not_zip = tmp_path / "junk.epub"
    not_zip.write_bytes(b"this is not a zip file at all")
    truncated = tmp_path / "cut.epub"
    truncated.write_bytes(ao3_epub(tmp_path / "whole.epub").read_bytes()[:300])
    no_opf = tmp_path / "noopf.epub"
    with zipfile.ZipFile(no_opf, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("META-INF/container.xml", CONTAINER)
    for path in (not_zip, truncated, no_opf):
        with pytest.raises(DramatisError, match="corrupt EPUB") as err:
            read_story(path)
        assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_epub_without_text(tmp_path: Path) -> None:
    path = make_epub(tmp_path / "e.epub", [("a.xhtml", "<div></div>")], [], BOOK_METADATA)
    with pytest.raises(DramatisError, match="no readable chapters"):
        read_story(path)
