"""Small books in the real layouts of public downloads, with invented text.

Built from the structure of Project Gutenberg plain texts (old and new header/footer, a wrapped
START marker, contents, list of illustrations, [Illustration] captions, the licence), a
collection of stories with roman-numeral sections (as The Adventures of Sherlock Holmes is laid
out), and an AO3 chapter with in-text author's notes. No one's story is copied.
"""

from __future__ import annotations

LICENCE = """
START: FULL LICENSE

THE FULL PROJECT GUTENBERG LICENSE
PLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK

To protect the Project Gutenberg-tm mission of promoting the free
distribution of electronic works, by using or distributing this work
(or any other work associated in any way with the phrase "Project
Gutenberg"), you agree to comply with all the terms of the Full Project
Gutenberg-tm License available with this file or online at
www.gutenberg.org/license.

Section 1. General Terms of Use and Redistributing Project
Gutenberg-tm electronic works
"""

# The layout Project Gutenberg uses since 2021: "The Project Gutenberg eBook of", a START
# marker whose long title wraps onto a second line, the title page, a contents list of the
# stories, each story a title line above "I.", "II." sections.
COLLECTION_NEW = (
    """The Project Gutenberg eBook of The Casebook of Mr Quill, by Ada Penrose

This eBook is for the use of anyone anywhere in the United States and
most other parts of the world at no cost and with almost no restrictions
whatsoever.

Title: The Casebook of Mr Quill

Author: Ada Penrose

Release Date: March, 1999 [eBook #9999]
[Most recently updated: October 10, 2023]

Language: English


*** START OF THE PROJECT GUTENBERG EBOOK THE CASEBOOK OF MR
QUILL ***




The Casebook of Mr Quill

by Ada Penrose


Contents

   I.     The Lantern of Saint Bride
   II.    A Matter of Three Keys
   III.   The Quiet Lodger




I. THE LANTERN OF SAINT BRIDE


I.


Mr Quill set down his cup and looked at the rain for a long while
before he spoke to me of the lantern.

"It was lit," said he, "on a night when no one should have been in the
church at all."


II.


We went down to Saint Bride the next morning. The sexton met us at
the gate and would not meet my eye.

"I saw nothing," said the sexton.




II. A MATTER OF THREE KEYS


I.


There were three keys on the ring, and the lady swore that only two of
them had ever been used.

"The third," said Mr Quill, "is the one that matters."


II.


By evening the third lock had been found, behind the panelling of the
old study, and it opened on an empty room.


III.


"An empty room," said I, "tells us nothing."

"On the contrary," said he. "It tells us everything."




III. THE QUIET LODGER


I.


The lodger paid a month in advance, in gold, and was never heard to
speak above a whisper.


II.


When we broke the door at last we found the room swept clean and the
gold returned, every coin of it, on the mantel.




*** END OF THE PROJECT GUTENBERG EBOOK THE CASEBOOK OF MR QUILL ***
"""
    + LICENCE
)

# The layout of the 2000s: "The Project Gutenberg EBook of ...", "*** START OF THIS PROJECT
# GUTENBERG EBOOK ... ***", producers' credits, CONTENTS of "CHAPTER I. ..." entries, a list of
# illustrations, captions in the text, "CHAPTER THE LAST", then "End of the Project Gutenberg
# EBook of ..." before the END marker and the licence.
NOVEL_OLD = (
    """The Project Gutenberg EBook of The River Boy, by Tom Warden

This eBook is for the use of anyone anywhere at no cost and with
almost no restrictions whatsoever.  You may copy it, give it away or
re-use it under the terms of the Project Gutenberg License included
with this eBook or online at www.gutenberg.net


Title: The River Boy

Author: Tom Warden

Release Date: August 20, 2006 [EBook #9998]

Language: English


*** START OF THIS PROJECT GUTENBERG EBOOK THE RIVER BOY ***




Produced by Jane Doe and the Online Distributed Proofreading Team




THE RIVER BOY

By Tom Warden




CONTENTS.

CHAPTER I. The Raft.--Aunt May.--A Plan Made.

CHAPTER II. Down the River.--The Storm.

CHAPTER THE LAST. Home Again.




ILLUSTRATIONS.

The Raft
Aunt May at the Gate
The Storm on the River




CHAPTER I.

[Illustration: The Raft]

THE raft was Ned's own work, and he was proud of it. Aunt May said it
would sink before it reached the bend.

"It won't," said Ned.

[Illustration: Aunt May at the Gate
"Come home before dark!"]

She stood at the gate until he was out of sight.




CHAPTER II.

The storm came up at noon. Ned tied himself to the mast and sang to
keep his courage.

[Illustration: The Storm on the River]

By night the river was calm again.




CHAPTER THE LAST.

So Ned came home, and Aunt May said nothing at all, which was worse
than anything she could have said.

THE END.




End of the Project Gutenberg EBook of The River Boy, by Tom Warden

*** END OF THIS PROJECT GUTENBERG EBOOK THE RIVER BOY ***

***** This file should be named 9998.txt or 9998.zip *****
This and all associated files of various formats will be found in:
        http://www.gutenberg.org/9/9/9/9998/
"""
    + LICENCE
)

# The 1990s layout: the small print first, ending "*END*THE SMALL PRINT!...", the book, then
# "End of the Project Gutenberg Etext of ...". Chapters are "PART THE FIRST" etc.
NOVEL_1990S = """**The Project Gutenberg Etext of A Short Voyage, by R. Lee**

Copyright laws are changing all over the world, be sure to check
the copyright laws for your country before posting these files!!

**Welcome To The World of Free Plain Vanilla Electronic Texts**

**Etexts Readable By Both Humans and By Computers, Since 1971**

*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*




A SHORT VOYAGE

by R. Lee




PART THE FIRST

The ship left harbour on a grey morning, and the captain would not say
where she was bound.


PART THE SECOND

We reached the islands in a week, and there the captain told us all.




End of the Project Gutenberg Etext of A Short Voyage, by R. Lee
"""

# An AO3 chapter of a work in progress (Chapters: 3/?), with notes written into the text.
AO3_WIP = """<!DOCTYPE html>
<html><head><meta charset="UTF-8"/><title>Night Shift - quillwriter [Archive of Our Own]</title></head>
<body>
<div id="preface">
  <p class="message"><b>Night Shift</b><br/>
  Posted originally on the <a href="https://archiveofourown.org/">Archive of Our Own</a>
  at <a href="https://archiveofourown.org/works/1">https://archiveofourown.org/works/1</a>.</p>
  <div class="meta">
    <dl class="tags">
      <dt>Rating:</dt><dd><a href="t">General Audiences</a></dd>
      <dt>Fandom:</dt><dd><a href="t">Original Work</a></dd>
      <dt>Language:</dt><dd>English</dd>
      <dt>Stats:</dt><dd>Published: 2020-01-01 Updated: 2020-02-01 Words: 400 Chapters: 3/?</dd>
    </dl>
    <h1>Night Shift</h1>
    <div class="byline">by <a rel="author" href="u">quillwriter</a></div>
  </div>
</div>
<div id="chapters" class="userstuff">
  <div class="meta group"><h2 class="heading">Chapter 3: The Long Hour</h2></div>
  <div class="userstuff">
    <p>A/N: Sorry this took so long, exams ate my life!</p>
    <p>Disclaimer: I own nothing but the plot.</p>
    <p>* * *</p>
    <p>The hospital was quiet at three in the morning.</p>
    <p>"Anyone there?" Mira called. An author's note was pinned to the board, but she ignored it.</p>
    <p>Nobody answered.</p>
    <p>~~~</p>
    <p>Review replies:</p>
    <p>Guest: thank you so much!</p>
    <p>nightowl: yes, Mira will be back next week.</p>
  </div>
</div>
</body></html>
"""


# --------------------------------------------------------------------------- EPUB

CONTAINER = """<?xml version="1.0" encoding="utf-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="epub/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>"""

SVG_COVER = """<?xml version="1.0" encoding="utf-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 350 525">
  <title>The cover for The Lamplighter's Daughter</title>
  <rect width="350" height="525" fill="#1d3557"/>
  <circle cx="175" cy="220" r="90" fill="#f4a261"/>
  <text x="175" y="430" font-size="28" text-anchor="middle" fill="#ffffff"
        font-family="serif">The Lamplighter's Daughter</text>
</svg>"""


def se_xhtml(body: str, body_type: str, title: str = "x") -> str:
    """A content document as Standard Ebooks writes it (XHTML5 with epub:type semantics)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        'epub:prefix="z3998: http://www.daisy.org/z3998/2012/vocab/structure/, '
        'se: https://standardebooks.org/vocab/1.0" xml:lang="en-GB">\n'
        f"<head><title>{title}</title></head>\n"
        f'<body epub:type="{body_type}">{body}</body></html>'
    )


# (file name, body epub:type, body) in spine order: every kind of furniture Standard Ebooks
# and other EPUB 3 producers put around a story.
EPUB3_DOCS = [
    ("titlepage.xhtml", "frontmatter",
     '<section id="titlepage" epub:type="titlepage"><h1 epub:type="title">'
     "The Lamplighter’s Daughter</h1><p>By <b epub:type=\"z3998:personal-name\">Mara Vell"
     "</b>.</p></section>"),
    ("imprint.xhtml", "frontmatter",
     '<section id="imprint" epub:type="imprint"><header><h2 epub:type="title">Imprint</h2>'
     "</header><p>This ebook is the product of many hours of hard work by volunteers.</p>"
     "</section>"),
    ("contents.xhtml", "frontmatter",
     '<nav id="contents" epub:type="toc"><h2>Contents</h2><ol>'
     '<li><a href="chapter-1.xhtml">I</a></li><li><a href="chapter-2.xhtml">Chapter The Last'
     "</a></li></ol></nav>"),
    ("loi.xhtml", "backmatter",
     '<nav id="loi" epub:type="loi"><h2 epub:type="title">List of Illustrations</h2><ol>'
     '<li><a href="chapter-1.xhtml#illustration-1">The lamp on the quay</a></li></ol></nav>'),
    ("halftitlepage.xhtml", "frontmatter",
     '<section id="halftitlepage" epub:type="halftitlepage"><hgroup>'
     '<h2 epub:type="fulltitle">The Lamplighter’s Daughter</h2></hgroup></section>'),
    ("chapter-1.xhtml", "bodymatter z3998:fiction",
     '<section id="chapter-1" epub:type="chapter"><h2 epub:type="ordinal z3998:roman">I</h2>'
     "<p>Nell lit the first lamp on the quay at dusk, as her father had done for forty years."
     '<a href="endnotes.xhtml#note-1" id="noteref-1" epub:type="noteref">1</a></p>'
     '<figure id="illustration-1"><img src="../images/illustration-1.png" alt=""/>'
     "<figcaption>The lamp on the quay.</figcaption></figure>"
     "<p>“Another night,” she said to the gulls.</p></section>"),
    ("chapter-2.xhtml", "bodymatter z3998:fiction",
     '<section id="chapter-2" epub:type="chapter"><h2 epub:type="title">Chapter The Last</h2>'
     "<p>In the morning the harbour was full of ships that had found their way home.</p>"
     "</section>"),
    ("endnotes.xhtml", "backmatter",
     '<section id="endnotes" epub:type="endnotes"><h2 epub:type="title">Endnotes</h2><ol>'
     '<li id="note-1" epub:type="endnote"><p>The quay lamps burned whale oil until 1850. '
     '<a href="chapter-1.xhtml#noteref-1" epub:type="backlink">↩</a></p></li></ol></section>'),
    ("acknowledgments.xhtml", "backmatter",
     '<section id="acknowledgments" epub:type="acknowledgments"><h2>Acknowledgments</h2>'
     "<p>My thanks to the harbour master.</p></section>"),
    ("colophon.xhtml", "backmatter",
     '<section id="colophon" epub:type="colophon"><h2 epub:type="title">Colophon</h2>'
     "<p>The Lamplighter’s Daughter was published in 1901. This ebook was produced for a test."
     "</p></section>"),
    ("uncopyright.xhtml", "backmatter",
     '<section id="uncopyright" epub:type="copyright-page"><h2 epub:type="title">Uncopyright'
     "</h2><p>May you do good and not evil. The source text and artwork in this ebook are "
     "believed to be in the public domain.</p></section>"),
]  # fmt: skip

EPUB3_NAV = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>Table of Contents</title></head>
<body epub:type="frontmatter">
<nav id="toc" epub:type="toc"><h2 epub:type="title">Table of Contents</h2><ol>
<li><a href="text/titlepage.xhtml">Titlepage</a></li>
<li><a href="text/imprint.xhtml">Imprint</a></li>
<li><a href="text/chapter-1.xhtml">I</a></li>
<li><a href="text/chapter-2.xhtml">Chapter The Last</a></li>
<li><a href="text/endnotes.xhtml">Endnotes</a></li>
<li><a href="text/acknowledgments.xhtml">Acknowledgments</a></li>
<li><a href="text/colophon.xhtml">Colophon</a></li>
<li><a href="text/uncopyright.xhtml">Uncopyright</a></li>
</ol></nav>
<nav id="landmarks" epub:type="landmarks"><h2 epub:type="title">Landmarks</h2><ol>
<li><a href="text/titlepage.xhtml" epub:type="frontmatter titlepage">Titlepage</a></li>
<li><a href="text/chapter-1.xhtml" epub:type="bodymatter z3998:fiction">The Story</a></li>
<li><a href="text/endnotes.xhtml" epub:type="backmatter endnotes">Endnotes</a></li>
</ol></nav>
</body></html>"""

EPUB3_OPF = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid"
         xml:lang="en-GB">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">url:https://example.org/ebooks/mara-vell/lamplighters-daughter</dc:identifier>
    <dc:title id="title">The Lamplighter’s Daughter</dc:title>
    <dc:creator id="author">Mara Vell</dc:creator>
    <dc:language>en-GB</dc:language>
    <meta property="dcterms:modified">2024-01-01T00:00:00Z</meta>
    <meta property="belongs-to-collection" id="collection-1">Great Books of the Harbour</meta>
    <meta property="collection-type" refines="#collection-1">set</meta>
  </metadata>
  <manifest>
    <item id="toc.xhtml" href="toc.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="cover.svg" href="images/cover.svg" media-type="image/svg+xml"
          properties="cover-image"/>
    {items}
  </manifest>
  <spine>{spine}</spine>
</package>"""


def make_epub3(
    path, docs=EPUB3_DOCS, *, cover: str = SVG_COVER, opf: str = EPUB3_OPF, nav: str = EPUB3_NAV
):
    """An EPUB 3 laid out as Standard Ebooks lays theirs out (epub/content.opf, epub/text/,
    a nav document with toc and landmarks), with an SVG cover."""
    import zipfile

    items = "\n    ".join(
        f'<item id="{n}" href="text/{n}" media-type="application/xhtml+xml"/>' for n, _, _ in docs
    )
    spine = "".join(f'<itemref idref="{n}"/>' for n, _, _ in docs)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", CONTAINER)
        z.writestr("epub/content.opf", opf.format(items=items, spine=spine))
        z.writestr("epub/toc.xhtml", nav)
        z.writestr("epub/images/cover.svg", cover)
        for name, body_type, body in docs:
            z.writestr(f"epub/text/{name}", se_xhtml(body, body_type))
    return path


# The 2000s layout of a collection: "ADVENTURE I. TITLE" lines, a tab-separated contents list,
# "BY" on a line of its own.
COLLECTION_OLD = """Project Gutenberg's The Casebook of Mr Quill, by Ada Penrose

Title: The Casebook of Mr Quill

Author: Ada Penrose

*** START OF THIS PROJECT GUTENBERG EBOOK THE CASEBOOK OF MR QUILL ***




Produced by An Anonymous Volunteer





THE CASEBOOK OF MR QUILL

BY

ADA PENROSE

CONTENTS

I.	The Lantern of Saint Bride
II.	A Matter of Three Keys


ADVENTURE I. THE LANTERN OF SAINT BRIDE

I.

Mr Quill set down his cup.

II.

We went down to Saint Bride.



ADVENTURE II. A MATTER OF THREE KEYS

I.

There were three keys on the ring.

II.

By evening the lock was found.





End of the Project Gutenberg EBook of The Casebook of Mr Quill, by Ada Penrose

*** END OF THIS PROJECT GUTENBERG EBOOK THE CASEBOOK OF MR QUILL ***
"""

# Gutenberg's HTML: the boilerplate in pg-header/pg-footer sections, a contents table,
# captions under pictures.
GUTENBERG_HTML = """<html><head><title>The Project Gutenberg eBook of Tiny, by A. Person</title></head><body>
<section class="pg-boilerplate pgheader" id="pg-header" lang="en">
<h2 id="pg-header-heading">The Project Gutenberg eBook of <span lang="en">Tiny</span></h2>
<p>This ebook is for the use of anyone anywhere.</p>
<div class="container" id="pg-machine-header"><p><strong>Title</strong>: Tiny</p></div>
<div id="pg-start-separator"><span>*** START OF THE PROJECT GUTENBERG EBOOK TINY ***</span></div>
</section>
<h1>TINY</h1>
<h2>CONTENTS</h2>
<table><tr><td><a href="#c1">CHAPTER I.</a></td></tr><tr><td><a href="#c2">CHAPTER II.</a></td></tr></table>
<div class="chapter"><h2><a id="c1"></a>CHAPTER I.</h2>
<p>Once there was a small thing.</p>
<div class="figcenter"><img src="images/i1.jpg" alt=""/><p class="caption">The small thing.</p></div>
<p>[Illustration: The small thing again]</p>
</div>
<div class="chapter"><h2><a id="c2"></a>CHAPTER II.</h2><p>It grew.<a id="FNanchor_1" href="#Footnote_1" class="fnanchor">[1]</a></p>
<div class="footnotes"><div class="footnote"><p><a id="Footnote_1" href="#FNanchor_1" class="label">[1]</a> It was a seed.</p></div></div></div>
<section class="pg-boilerplate pgfooter" id="pg-footer">
<div id="pg-end-separator"><span>*** END OF THE PROJECT GUTENBERG EBOOK TINY ***</span></div>
<h2>THE FULL PROJECT GUTENBERG LICENSE</h2><p>To protect the mission...</p>
</section></body></html>"""


def make_epub2(path, opf: str, ncx: str, docs: dict[str, str]):
    """An EPUB 2 as calibre writes it: OEBPS/content.opf, an NCX, XHTML documents."""
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:'
            'opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" '
            'media-type="application/oebps-package+xml"/></rootfiles></container>',
        )
        z.writestr("OEBPS/content.opf", opf)
        z.writestr("OEBPS/toc.ncx", ncx)
        for name, body in docs.items():
            z.writestr(
                f"OEBPS/{name}",
                '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head>'
                f"<body>{body}</body></html>",
            )
    return path
