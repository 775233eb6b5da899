"""Real books read like audiobooks: no furniture spoken, the chapters a reader expects.

Fixtures (tests/books_fixtures.py) are built in each format's real layout with invented text:
Standard Ebooks-style EPUB 3, a calibre-style EPUB 2 with a guide, Project Gutenberg texts in
three generations of layout, a story collection, an AO3 work in progress.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from books_fixtures import (
    AO3_WIP,
    COLLECTION_NEW,
    COLLECTION_OLD,
    EPUB3_DOCS,
    EPUB3_NAV,
    EPUB3_OPF,
    GUTENBERG_HTML,
    NOVEL_1990S,
    NOVEL_OLD,
    SVG_COVER,
    make_epub2,
    make_epub3,
)
from dramatis.formats.cover import embeddable, usable_cover
from dramatis.formats.tag import iso639_2
from dramatis.model import Cast, Story
from dramatis.speech.credits import CLOSING_TEXT, add_credits
from dramatis.speech.plan import plan_chapter
from dramatis.text.read import read_story, story_files
from readers_helpers import check_spans, spoken_text


def hidden(story: Story) -> list[tuple[str, str]]:
    return [(h.reason, " ".join(story.text[h.start : h.end].split())) for h in story.hidden]


def reasons(story: Story) -> set[str]:
    return {h.reason for h in story.hidden}


def write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- EPUB 3


def test_epub3_furniture_is_hidden_by_its_semantics(tmp_path: Path) -> None:
    story = read_story(make_epub3(tmp_path / "lamp.epub"))
    check_spans(story)
    assert story.title == "The Lamplighter’s Daughter"
    assert [c.title for c in story.chapters] == ["I", "Chapter The Last"]
    assert spoken_text(story) == (
        "I Nell lit the first lamp on the quay at dusk, as her father had done for forty "
        "years. “Another night,” she said to the gulls. Chapter The Last In the morning the "
        "harbour was full of ships that had found their way home."
    )
    assert reasons(story) == {
        "title page", "imprint", "contents", "list of illustrations", "half-title page",
        "note reference", "illustration caption", "endnotes", "acknowledgements", "colophon",
        "copyright page",
    }  # fmt: skip
    found = hidden(story)
    # the note number stays in the text, hidden; the endnote with its back-link arrow too
    assert ("note reference", "1") in found
    assert ("endnotes", "The quay lamps burned whale oil until 1850. ↩") in found
    assert ("illustration caption", "The lamp on the quay.") in found
    # a "set" is a publisher's collection, not a series
    assert "series" not in story.meta
    assert story.meta["language"] == "en-GB"


def test_epub3_series_only_from_a_series_collection(tmp_path: Path) -> None:
    opf = EPUB3_OPF.replace(">set</meta>", ">series</meta>").replace(
        '<meta property="collection-type"',
        '<meta property="group-position" refines="#collection-1">3</meta>\n'
        '    <meta property="collection-type"',
    )
    story = read_story(make_epub3(tmp_path / "s.epub", opf=opf))
    assert story.meta["series"] == "Great Books of the Harbour"
    assert story.meta["series_part"] == 3


def test_svg_cover_is_drawn_as_a_picture_players_show(tmp_path: Path) -> None:
    from PIL import Image

    story = read_story(make_epub3(tmp_path / "lamp.epub"))
    assert story.cover is not None and story.cover.lstrip().startswith(b"<?xml")
    picture, why = usable_cover(story.cover)
    assert why is None and picture is not None
    with Image.open(io.BytesIO(picture)) as img:
        assert img.format == "JPEG" and img.mode == "RGB"
        assert max(img.size) == 2400 and img.size[0] * 3 == img.size[1] * 2  # 350x525 scaled
        # the drawing is there: the SVG's orange sun in the middle, its dark blue around it
        w, h = img.size
        assert img.getpixel((w // 2, int(h * 220 / 525)))[0] > 200
        assert img.getpixel((5, 5))[2] > img.getpixel((5, 5))[0]


def test_a_cover_that_cannot_be_shown_gives_the_title_card_and_one_warning(caplog) -> None:
    # Warnings go through logging (the command prints them as "dramatis: warning: ...").
    caplog.set_level(logging.WARNING, logger="dramatis")
    assert embeddable(b"<svg xmlns='http://www.w3.org/2000/svg'><rect", "b.epub") is None
    assert embeddable(b"not a picture at all", "c.epub") is None
    err = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(err) == 2
    assert err[0].startswith("b.epub: the SVG cover cannot be drawn")
    assert "title card" in err[1] and "c.epub" in err[1]
    caplog.clear()
    png = SVG_COVER.encode()
    assert embeddable(png, "d.epub") is not None and not caplog.records


def test_a_huge_jpeg_cover_is_made_a_sensible_size() -> None:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4000, 6000), (10, 20, 30)).save(out, format="JPEG")
    picture, _ = usable_cover(out.getvalue())
    assert picture is not None
    with Image.open(io.BytesIO(picture)) as img:
        assert img.size == (2000, 3000) and img.format == "JPEG"


# ----------------------------------------------------------------------------- EPUB 2

EPUB2_OPF = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="uid">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">
    <dc:identifier id="uid">urn:uuid:1</dc:identifier>
    <dc:title>Harbour Tales</dc:title>
    <dc:creator opf:role="aut">Mara Vell</dc:creator>
    <dc:language>English</dc:language>
  </metadata>
  <manifest>
    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
    <item id="t" href="title.html" media-type="application/xhtml+xml"/>
    <item id="c" href="copy.html" media-type="application/xhtml+xml"/>
    <item id="a" href="part1.html" media-type="application/xhtml+xml"/>
    <item id="b" href="part2.html" media-type="application/xhtml+xml"/>
    <item id="k" href="thanks.html" media-type="application/xhtml+xml"/>
  </manifest>
  <spine toc="ncx"><itemref idref="t"/><itemref idref="c"/><itemref idref="a"/>
    <itemref idref="b"/><itemref idref="k"/></spine>
  <guide>
    <reference type="title-page" title="Title Page" href="title.html"/>
    <reference type="copyright-page" title="Legal" href="copy.html"/>
    <reference type="text" title="Start" href="part1.html"/>
    <reference type="acknowledgements" title="With Thanks" href="thanks.html"/>
  </guide>
</package>"""

EPUB2_NCX = """<?xml version="1.0" encoding="utf-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
<head><meta name="dtb:uid" content="1"/></head><docTitle><text>Harbour Tales</text></docTitle>
<navMap>
<navPoint id="p1" playOrder="1"><navLabel><text>Harbour Tales</text></navLabel>
  <content src="title.html"/></navPoint>
<navPoint id="p2" playOrder="2"><navLabel><text>Legal</text></navLabel>
  <content src="copy.html"/></navPoint>
<navPoint id="p3" playOrder="3"><navLabel><text>The Fog</text></navLabel>
  <content src="part1.html"/></navPoint>
<navPoint id="p4" playOrder="4"><navLabel><text>The Bell</text></navLabel>
  <content src="part2.html"/></navPoint>
<navPoint id="p5" playOrder="5"><navLabel><text>With Thanks</text></navLabel>
  <content src="thanks.html"/></navPoint>
</navMap></ncx>"""


def test_epub2_guide_names_the_furniture(tmp_path: Path) -> None:
    """No epub:type and titles that name nothing ("Legal", "With Thanks"): the guide does."""
    docs = {
        "title.html": "<h1>Harbour Tales</h1><p>Mara Vell</p>",
        "copy.html": "<p>Published 1899. Reissued by the Harbour Press.</p>",
        "part1.html": "<h2>The Fog</h2><p>The fog came in at noon.</p>",
        "part2.html": "<h2>The Bell</h2><p>The bell rang twice.</p>",
        "thanks.html": "<p>To my editor, who waited.</p>",
    }
    path = make_epub2(tmp_path / "tales.epub", EPUB2_OPF, EPUB2_NCX, docs)
    story = read_story(path)
    check_spans(story)
    assert [c.title for c in story.chapters] == ["The Fog", "The Bell"]
    assert spoken_text(story) == "The Fog The fog came in at noon. The Bell The bell rang twice."
    assert reasons(story) == {"title page", "copyright page", "acknowledgements"}
    assert story.meta["language"] == "en"
    assert iso639_2(str(story.meta["language"])) == "eng"


# ----------------------------------------------------------------------------- Gutenberg


def test_gutenberg_collection_one_chapter_per_story_sections_inside(tmp_path: Path) -> None:
    story = read_story(write(tmp_path, COLLECTION_NEW, "pg9999.txt"))
    check_spans(story)
    assert story.title == "The Casebook of Mr Quill" and story.author == "Ada Penrose"
    assert [c.title for c in story.chapters] == [
        "The Lantern of Saint Bride",
        "A Matter of Three Keys",
        "The Quiet Lodger",
    ]
    assert [[s.title for s in c.sections] for c in story.chapters] == [
        ["I", "II"],
        ["I", "II", "III"],
        ["I", "II"],
    ]
    first = story.chapters[0]
    assert story.text[slice(*first.heading)] == "I. THE LANTERN OF SAINT BRIDE"
    assert story.text[first.sections[1].start :].startswith("II.\n\n\nWe went down")
    at = story.text.index("three keys on the ring")
    assert story.section_at(at) is story.chapters[1].sections[0]
    said = spoken_text(story)
    assert said.startswith("I. THE LANTERN OF SAINT BRIDE I. Mr Quill set down his cup")
    assert said.endswith("every coin of it, on the mantel.")
    for furniture in ("QUILL ***", "Gutenberg", "LICENSE", "Contents", "Release Date"):
        assert furniture not in said
    assert [r for r, _ in hidden(story)] == [
        "Project Gutenberg header", "title page", "title page", "contents",
        "Project Gutenberg licence",
    ]  # fmt: skip


def test_gutenberg_2000s_layout_contents_illustrations_and_the_last_chapter(
    tmp_path: Path,
) -> None:
    story = read_story(write(tmp_path, NOVEL_OLD, "river.txt"))
    check_spans(story)
    assert (story.title, story.author) == ("The River Boy", "Tom Warden")
    titles = [c.title for c in story.chapters]
    assert titles == ["CHAPTER I", "CHAPTER II", "CHAPTER THE LAST"]
    assert len(set(titles)) == len(titles)
    assert [r for r, _ in hidden(story)] == [
        "Project Gutenberg header", "Project Gutenberg credits", "title page", "title page",
        "contents", "list of illustrations", "illustration caption", "illustration caption",
        "illustration caption", "Project Gutenberg licence",
    ]  # fmt: skip
    said = spoken_text(story)
    assert said.startswith("CHAPTER I. THE raft was Ned's own work")
    assert "Illustration" not in said and "Come home before dark" not in said
    assert said.endswith("worse than anything she could have said. THE END.")


def test_gutenberg_1990s_small_print_and_parts(tmp_path: Path) -> None:
    story = read_story(write(tmp_path, NOVEL_1990S, "voyage.txt"))
    check_spans(story)
    assert (story.title, story.author) == ("A Short Voyage", "R. Lee")
    assert [c.title for c in story.chapters] == ["Part the First", "Part the Second"]
    assert spoken_text(story).startswith("PART THE FIRST The ship left harbour")
    assert "SMALL PRINT" not in spoken_text(story) and "Etext" not in spoken_text(story)


def test_gutenberg_2000s_collection_layout(tmp_path: Path) -> None:
    story = read_story(write(tmp_path, COLLECTION_OLD, "quill.txt"))
    check_spans(story)
    assert [(c.title, [s.title for s in c.sections]) for c in story.chapters] == [
        ("The Lantern of Saint Bride", ["I", "II"]),
        ("A Matter of Three Keys", ["I", "II"]),
    ]
    said = spoken_text(story)
    assert said.startswith("ADVENTURE I. THE LANTERN OF SAINT BRIDE I. Mr Quill set down")
    assert [r for r, _ in hidden(story)] == [
        "Project Gutenberg header", "Project Gutenberg credits", "title page", "title page",
        "title page", "contents", "Project Gutenberg licence",
    ]  # fmt: skip


def test_chapters_with_numbered_sections_and_an_untitled_contents(tmp_path: Path) -> None:
    text = (
        "Chapter 1: Arrival\nChapter 2: Departure\n\n"
        "CHAPTER I\n\nI.\n\nOne.\n\nII.\n\nTwo.\n\nCHAPTER II\n\nI.\n\nThree.\n\nII.\n\nFour.\n"
    )
    story = read_story(write(tmp_path, text, "n.txt"))
    check_spans(story)
    assert [(c.title, [s.title for s in c.sections]) for c in story.chapters] == [
        ("CHAPTER I", ["I", "II"]),
        ("CHAPTER II", ["I", "II"]),
    ]
    assert hidden(story) == [("contents", "Chapter 1: Arrival Chapter 2: Departure")]


def test_gutenberg_html(tmp_path: Path) -> None:
    story = read_story(write(tmp_path, GUTENBERG_HTML, "tiny.html"))
    check_spans(story)
    assert (story.title, story.author) == ("Tiny", "A. Person")
    assert [c.title for c in story.chapters] == ["CHAPTER I.", "CHAPTER II."]
    assert (
        spoken_text(story) == "TINY CHAPTER I. Once there was a small thing. CHAPTER II. It grew."
    )
    assert reasons(story) == {
        "Project Gutenberg header", "contents", "illustration caption", "Project Gutenberg licence",
        "note reference", "footnotes",
    }  # fmt: skip


def test_wrapped_start_marker_line_is_not_spoken(tmp_path: Path) -> None:
    text = (
        "*** START OF THE PROJECT GUTENBERG EBOOK THE ADVENTURES OF A VERY LONG\n"
        "TITLE INDEED ***\n\nOnce upon a time.\n"
    )
    story = read_story(write(tmp_path, text, "w.txt"))
    assert spoken_text(story) == "Once upon a time."


# ----------------------------------------------------------------------------- AO3


def test_ao3_in_text_notes_hidden_and_a_wip_has_no_the_end(tmp_path: Path) -> None:
    story = read_story(write(tmp_path, AO3_WIP, "night.html"))
    check_spans(story)
    assert [c.title for c in story.chapters] == ["Chapter 3: The Long Hour"]
    assert spoken_text(story) == (
        'Chapter 3: The Long Hour The hospital was quiet at three in the morning. "Anyone '
        "there?\" Mira called. An author's note was pinned to the board, but she ignored it. "
        "Nobody answered."
    )
    assert hidden(story) == [
        ("author's note", "A/N: Sorry this took so long, exams ate my life!"),
        ("author's note", "Disclaimer: I own nothing but the plot."),
        ("author's note", "Review replies:"),
        ("author's note", "Guest: thank you so much!"),
        ("author's note", "nightowl: yes, Mira will be back next week."),
    ]
    assert story.meta["complete"] is False
    cast = Cast()
    lines = [plan_chapter(story, c, [], cast) for c in story.chapters]
    add_credits(story, cast, lines)
    assert all(CLOSING_TEXT not in ln.text for ln in lines[-1])
    # with notes asked for, every word is there
    assert "exams ate my life" in spoken_text(
        read_story(tmp_path / "night.html", include_notes=True)
    )


def test_the_end_is_said_once_for_a_finished_work(tmp_path: Path) -> None:
    from dramatis.model import Segment

    cast = Cast()
    for text, ends in [("Once.\n", True), ("Once.\n\nTHE END.\n", False)]:
        story = read_story(write(tmp_path, text, "t.txt"))
        segs = [Segment(0, len(story.text))]
        lines = [plan_chapter(story, c, segs, cast) for c in story.chapters]
        add_credits(story, cast, lines)
        closing = [ln for ln in lines[-1] if ln.start == ln.end == len(story.text)]
        assert bool(closing) is ends, text


# ----------------------------------------------------------------------------- smaller


def test_unsupported_books_in_a_folder_are_named_in_one_line(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="dramatis")
    (tmp_path / "a.txt").write_text("Once.")
    (tmp_path / "b.mobi").write_bytes(b"BOOKMOBI")
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    assert story_files([tmp_path]) == [tmp_path / "a.txt"]
    err = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(err) == 1
    assert "b.mobi, c.pdf" in err[0] and "cover.jpg" not in err[0]


@pytest.mark.parametrize(
    ("given", "code"),
    [("en", "eng"), ("en-GB", "eng"), ("fr", "fra"), ("pt_BR", "por"), ("English", None)],
)
def test_language_codes_for_id3(given: str, code: str | None) -> None:
    assert iso639_2(given) == code


def test_epub_without_furniture_markup_keeps_its_story(tmp_path: Path) -> None:
    """Conservative: a chapter the table of contents calls "Notes" but whose own markup says
    it is a chapter is spoken."""
    docs = [(n, t, b) for n, t, b in EPUB3_DOCS if n == "chapter-1.xhtml"]
    docs.append(
        ("notes.xhtml", "bodymatter", '<section epub:type="chapter"><h2>Notes</h2>'
         "<p>Notes on a harbour, she called it.</p></section>")
    )  # fmt: skip
    nav = EPUB3_NAV.replace('<li><a href="text/endnotes.xhtml">Endnotes</a></li>',
                            '<li><a href="text/notes.xhtml">Notes</a></li>')  # fmt: skip
    story = read_story(make_epub3(tmp_path / "n.epub", docs, nav=nav))
    assert [c.title for c in story.chapters] == ["I", "Notes"]
    assert "Notes on a harbour, she called it." in spoken_text(story)


# ----------------------------------------------------------------------------- build + check


@pytest.mark.needs("ffmpeg", "ffprobe", "espeak-ng")
def test_a_build_of_the_svg_cover_epub_passes_check(tmp_path: Path) -> None:
    """The cover a reader found as SVG is embedded as a JPEG that ``dramatis check`` (and a
    player) can show, and the build says nothing about it."""
    import json
    import os
    import subprocess
    import sys

    from mutagen.id3 import ID3

    (tmp_path / "stories").mkdir()
    make_epub3(tmp_path / "stories" / "lamp.epub")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dramatis.cli", *args],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240,
        )  # fmt: skip

    built = run("build", "stories", "--json", "--quiet", "--cache", str(tmp_path / "cache"))
    assert built.returncode == 0, built.stderr
    assert "warning" not in built.stderr
    mp3s = sorted((tmp_path / "audio").rglob("*.mp3"))
    assert [p.name.split(" - ", 1)[1] for p in mp3s] == ["I.mp3", "Chapter The Last.mp3"]
    (apic,) = ID3(mp3s[0]).getall("APIC")
    assert apic.mime == "image/jpeg" and apic.data[:3] == b"\xff\xd8\xff"
    checked = run("check", "audio", "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert json.loads(checked.stdout)


# ----------------------------------------------------------------------------- script JSON

# Words that belong to book furniture only: none may be in a spoken segment.
FURNITURE_WORDS = (
    "Gutenberg", "Contents", "CONTENTS", "Illustration", "ILLUSTRATIONS", "A/N", "Disclaimer",
    "Imprint", "Colophon", "Uncopyright", "Endnotes", "↩", "whale oil", "Produced by",
    "Review replies", "LICENSE", "harbour master", "Release Date",
)  # fmt: skip


@pytest.mark.parametrize(
    ("name", "make", "titles"),
    [
        ("casebook.txt", lambda p: p.write_text(COLLECTION_NEW, encoding="utf-8"),
         ["The Lantern of Saint Bride", "A Matter of Three Keys", "The Quiet Lodger"]),
        ("river.txt", lambda p: p.write_text(NOVEL_OLD, encoding="utf-8"),
         ["CHAPTER I", "CHAPTER II", "CHAPTER THE LAST"]),
        ("voyage.txt", lambda p: p.write_text(NOVEL_1990S, encoding="utf-8"),
         ["Part the First", "Part the Second"]),
        ("night.html", lambda p: p.write_text(AO3_WIP, encoding="utf-8"),
         ["Chapter 3: The Long Hour"]),
        ("lamp.epub", make_epub3, ["I", "Chapter The Last"]),
    ],
)  # fmt: skip
def test_script_json_speaks_no_furniture(tmp_path: Path, capsys, name, make, titles) -> None:
    import json

    from dramatis.cli import main

    path = tmp_path / name
    make(path)
    assert main(["script", str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    text = out["text"]
    assert [c["title"] for c in out["chapters"]] == titles
    holes = sorted((h["start"], h["end"]) for h in out["hidden"])

    def said(a: int, b: int) -> str:
        parts, pos = [], a
        for s, e in holes:
            if e <= pos or s >= b:
                continue
            parts.append(text[pos:s])
            pos = max(pos, e)
        return " ".join([*parts, text[pos:b] if pos < b else ""])

    spoken = " ".join(said(s["start"], s["end"]) for s in out["segments"] if s["spoken"])
    assert [w for w in FURNITURE_WORDS if w in spoken] == []
    assert {h["reason"] for h in out["hidden"]} and all(h["reason"] for h in out["hidden"])
    assert any(s["spoken"] for s in out["segments"])


def test_ao3_html_and_epub_of_one_work_give_the_same_track_titles(tmp_path: Path) -> None:
    """AO3's HTML heads chapters "Chapter 1: Prologue"; an EPUB may say just "Prologue"."""
    from readers_helpers import AO3_AFTERWORD, AO3_CHAPTER_1, AO3_CHAPTER_2, AO3_HTML, AO3_PREFACE

    html = read_story(write(tmp_path, AO3_HTML, "work.html"))
    one = AO3_CHAPTER_1.replace("Chapter 1: The Forest", "The Forest")
    two = AO3_CHAPTER_2.replace("Chapter 2: Home", "Home")
    docs = {
        "p.html": AO3_PREFACE,
        "c1.html": f'<div id="chapters">{one}</div>',
        "c2.html": f"<div>{two}</div>",
        "a.html": AO3_AFTERWORD,
    }
    names = [("Preface", "p.html"), ("The Forest", "c1.html"), ("Home", "c2.html")]
    opf = EPUB2_OPF.replace("Harbour Tales", "The Long Way Home").split("<manifest>")[0] + (
        "<manifest>"
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
        + "".join(f'<item id="d{i}" href="{n}" media-type="application/xhtml+xml"/>'
                  for i, n in enumerate(docs))
        + '</manifest><spine toc="ncx">'
        + "".join(f'<itemref idref="d{i}"/>' for i in range(len(docs)))
        + "</spine></package>"
    )  # fmt: skip
    ncx = EPUB2_NCX.split("<navMap>")[0] + (
        "<navMap>"
        + "".join(f'<navPoint id="n{i}" playOrder="{i + 1}"><navLabel><text>{t}</text>'
                  f'</navLabel><content src="{h}"/></navPoint>' for i, (t, h) in enumerate(names))
        + "</navMap></ncx>"
    )  # fmt: skip
    epub = read_story(make_epub2(tmp_path / "work.epub", opf, ncx, docs))
    assert [c.title for c in html.chapters] == ["Chapter 1: The Forest", "Chapter 2: Home"]
    assert [c.title for c in epub.chapters] == [c.title for c in html.chapters]
    # what is said is each file's own heading, word for word
    assert epub.text[slice(*epub.chapters[0].heading)] == "The Forest"


def test_a_contents_title_above_story_lines_is_not_a_list(tmp_path: Path) -> None:
    """Conservative: 'Contents' followed by sentences (or by one line) hides nothing."""
    text = "Chapter 1\n\nContents\n\nHe opened the box.\n\nIt was empty.\n\nContents\n\nThe lid\n"
    story = read_story(write(tmp_path, text, "c.txt"))
    assert story.hidden == []
    assert spoken_text(story) == " ".join(text.split())
