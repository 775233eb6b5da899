"""Reading HTML (AO3 downloads and other pages) and Markdown stories."""

from __future__ import annotations

from pathlib import Path

import pytest

from dramatis.errors import DramatisError
from dramatis.text.read import read_story
from readers_helpers import AO3_HTML, AO3_NOTES, check_ao3_story, check_spans, spoken_text


def write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_ao3_html_work(tmp_path: Path) -> None:
    check_ao3_story(read_story(write(tmp_path, AO3_HTML, "work.html")))


def test_ao3_notes_are_spoken_when_asked(tmp_path: Path) -> None:
    story = read_story(write(tmp_path, AO3_HTML, "work.html"), include_notes=True)
    check_spans(story)
    assert story.hidden == []
    spoken = spoken_text(story)
    assert spoken.startswith("Notes Thanks to my beta reader! Chapter 1: The Forest Chapter Notes")
    assert spoken.endswith("Chapter End Notes Kudos are love. End Notes Thank you for reading!")
    assert all(note in spoken for note in AO3_NOTES)
    # Work notes open chapter 1; the work's end notes close the last chapter.
    assert story.chapters[0].start == 0
    assert story.text[story.chapters[0].start :].startswith("Notes")


def test_ao3_single_chapter_work_is_titled_by_the_work(tmp_path: Path) -> None:
    html = AO3_HTML.split('<div id="chapters"')[0] + (
        '<div id="chapters" class="userstuff"><div class="userstuff">'
        "<p>Only one part.</p><p>xXx</p><p>The end.</p></div></div></body></html>"
    )
    story = read_story(write(tmp_path, html, "one.html"))
    check_spans(story)
    assert [(c.title, c.heading) for c in story.chapters] == [("The Long Way Home", None)]
    assert spoken_text(story) == "Only one part. The end."
    assert [story.text[a:b] for a, b in story.breaks] == ["xXx"]


GENERIC = """<html lang="en"><head><title>A Plain Page</title>
<meta name="author" content="Jo Writer"><style>p { color: red }</style>
<script>var x = "not story";</script></head>
<body>
<nav><a href="/">Home</a></nav>
<h1>A Plain Page</h1>
<h2>Part One</h2>
<p>It was <b>dark</b> and <a href="https://example.com">stormy</a>.</p>
<p>oOo</p>
<p>Later.</p>
<h2>Part Two</h2>
<h3>A subheading</h3>
<p>Dawn.</p>
</body></html>"""


def test_generic_html_by_its_headings(tmp_path: Path) -> None:
    story = read_story(write(tmp_path, GENERIC, "page.html"))
    check_spans(story)
    assert story.title == "A Plain Page"
    assert story.author == "Jo Writer"
    assert story.meta["language"] == "en"
    assert [c.title for c in story.chapters] == ["Part One", "Part Two"]
    assert spoken_text(story) == (
        "A Plain Page Part One It was dark and stormy. Later. Part Two A subheading Dawn."
    )
    assert "not story" not in story.text and "color" not in story.text
    # navigation is not story: kept in the data as a hidden span with its reason
    assert [(story.text[h.start : h.end], h.reason) for h in story.hidden] == [
        ("Home", "navigation")
    ]


def test_html_chapters_from_paragraphs_when_no_heading_tags(tmp_path: Path) -> None:
    html = (
        "<html><body><p>Chapter 1</p><p>One.</p><p>Chapter Two: Later</p><p>Two.</p></body></html>"
    )
    story = read_story(write(tmp_path, html, "p.html"))
    assert [c.title for c in story.chapters] == ["Chapter 1", "Chapter Two: Later"]
    check_spans(story)


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>Nothing</title></head></html>",
        "<html><head><title>Nothing</title></head><body>  </body></html>",
    ],
)
def test_html_without_a_body(tmp_path: Path, html: str) -> None:
    path = write(tmp_path, html, "empty.html")
    with pytest.raises(DramatisError, match="no <body>") as err:
        read_story(path)
    assert str(path) in str(err.value)


def test_binary_html(tmp_path: Path) -> None:
    path = tmp_path / "x.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(DramatisError, match="not an HTML file"):
        read_story(path)


# ----------------------------------------------------------------------------- Markdown

MARKDOWN = """---
title: Storm Notes
author: Ann
---

# Chapter 1

It was *dark* and __stormy__, said [the radio](https://example.com).

~~~

Then ![a picture](x.png) calm.

***

# Chapter 2

- one
- two

> quoted line
"""


def test_markdown_headings_emphasis_links_and_breaks(tmp_path: Path) -> None:
    story = read_story(write(tmp_path, MARKDOWN, "s.md"))
    check_spans(story)
    assert story.title == "Storm Notes"
    assert story.author == "Ann"
    assert [c.title for c in story.chapters] == ["Chapter 1", "Chapter 2"]
    assert [story.text[a:b] for a, b in story.breaks] == ["~~~", "***"]
    assert spoken_text(story) == (
        "Chapter 1 It was dark and stormy, said the radio. Then calm. Chapter 2 one two quoted line"
    )
    for marker in ("*", "__", "](", "#", "---"):
        assert marker not in spoken_text(story)


def test_markdown_without_headings_is_one_chapter(tmp_path: Path) -> None:
    story = read_story(write(tmp_path, "Just *one* line.\n", "one.md"))
    assert story.text == "Just one line."
    assert [(c.title, c.start, c.end) for c in story.chapters] == [("one", 0, 14)]
