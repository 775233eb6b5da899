"""Reading .txt stories: decoding, front matter, chapter headings, scene breaks, bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dramatis.errors import DramatisError
from dramatis.model import Hidden
from dramatis.text.read import read_story, story_files
from readers_helpers import check_spans, spoken_text

SEEDS = sorted((Path(__file__).resolve().parent / "data" / "seeds").glob("*.txt"))


def write(tmp_path: Path, text: str, name: str = "story.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def titles(story) -> list[str]:
    return [c.title for c in story.chapters]


def chapter_text(story, i: int) -> str:
    c = story.chapters[i]
    return story.text[c.start : c.end]


# ----------------------------------------------------------------------------- seeds


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seed_story_is_one_chapter_with_the_file_text(seed: Path) -> None:
    story = read_story(seed)
    raw = seed.read_text(encoding="utf-8")
    assert story.text == raw
    assert story.title == seed.stem
    assert len(story.chapters) == 1
    assert story.chapters[0].title == seed.stem
    assert story.chapters[0].heading is None
    assert story.hidden == []
    check_spans(story)


def test_seed_scene_breaks_are_found() -> None:
    seed = next(p for p in SEEDS if "Xx" in p.read_text(encoding="utf-8"))
    story = read_story(seed)
    assert [story.text[a:b] for a, b in story.breaks] == ["Xx", "Xx"]
    assert "Xx" not in spoken_text(story).split()


# ----------------------------------------------------------------------------- headings


HEADED = """Chapter 12

It rained.

CHAPTER XII

Chapter 12 of the book was missing, she noticed, and nobody cared.

Chapter Two: The Storm
The wind rose.

Chapter 3 - Title

He left.

# A Markdown Heading

Prologue

Short.

Epilogue

Done.
"""


def test_chapter_headings_are_found_and_tile_the_text(tmp_path: Path) -> None:
    story = read_story(write(tmp_path, HEADED))
    assert titles(story) == [
        "Chapter 12",
        "CHAPTER XII",
        "Chapter Two: The Storm",
        "Chapter 3 - Title",
        "A Markdown Heading",
        "Prologue",
        "Epilogue",
    ]
    check_spans(story)
    text = story.text
    assert [text[slice(*c.heading)] for c in story.chapters] == [
        "Chapter 12",
        "CHAPTER XII",
        "Chapter Two: The Storm",
        "Chapter 3 - Title",
        "# A Markdown Heading",
        "Prologue",
        "Epilogue",
    ]
    # The sentence that starts with "Chapter 12" stays inside chapter XII.
    assert "Chapter 12 of the book was missing" in chapter_text(story, 1)
    assert chapter_text(story, 2).endswith("The wind rose.\n\n")
    assert story.chapters[0].start == 0


def test_chapter_word_in_a_sentence_is_not_a_heading(tmp_path: Path) -> None:
    text = (
        "She read on.\n\nChapter and verse, he knew them all.\n\n"
        "Chapter 4 was where it all went wrong.\n\nChapter I was fond of.\n"
    )
    story = read_story(write(tmp_path, text))
    assert len(story.chapters) == 1
    assert story.chapters[0].heading is None


def test_heading_inside_a_paragraph_is_not_a_heading(tmp_path: Path) -> None:
    text = "He turned the page and read aloud:\nChapter 7\nand then stopped.\n"
    story = read_story(write(tmp_path, text))
    assert len(story.chapters) == 1


def test_text_before_the_first_heading(tmp_path: Path) -> None:
    # A title line and a byline join chapter 1 rather than becoming a 2-second chapter.
    short = "My Story\nby Someone\n\nChapter 1\n\nIt began.\n\nChapter 2\n\nIt ended.\n"
    story = read_story(write(tmp_path, short))
    assert titles(story) == ["Chapter 1", "Chapter 2"]
    assert story.chapters[0].start == 0
    assert story.text[slice(*story.chapters[0].heading)] == "Chapter 1"
    check_spans(story)
    # A real preface of many words is a chapter of its own, titled with the story title.
    preface = " ".join(["word"] * 40)
    story = read_story(write(tmp_path, f"{preface}\n\nChapter 1\n\nIt began.\n", "long.txt"))
    assert titles(story) == ["long", "Chapter 1"]
    check_spans(story)


def test_markdown_title_heading_over_chapter_headings(tmp_path: Path) -> None:
    text = "# The Long Night\n\n## One\n\nFirst.\n\n## Two\n\nSecond.\n"
    story = read_story(write(tmp_path, text))
    assert story.title == "The Long Night"
    assert titles(story) == ["One", "Two"]
    assert chapter_text(story, 0).startswith("# The Long Night")
    check_spans(story)


def test_crlf_text_is_untouched_and_headings_found(tmp_path: Path) -> None:
    text = "Chapter 1\r\n\r\nHello there.\r\n\r\n* * *\r\n\r\nChapter 2\r\n\r\nBye.\r\n"
    story = read_story(write(tmp_path, text))
    assert story.text == text
    assert titles(story) == ["Chapter 1", "Chapter 2"]
    assert [text[a:b] for a, b in story.breaks] == ["* * *"]
    check_spans(story)


# ----------------------------------------------------------------------------- breaks

BREAKS = ["***", "* * *", "~~~", "oOo", "xXx", "Xx", "-----", "###", "~*~*~", "⁂", "-x-"]


@pytest.mark.parametrize("mark", BREAKS)
def test_scene_breaks_are_pauses_not_speech(tmp_path: Path, mark: str) -> None:
    text = f"They slept.\n\n{mark}\n\nMorning came.\n"
    story = read_story(write(tmp_path, text))
    assert [text[a:b] for a, b in story.breaks] == [mark]
    assert spoken_text(story) == "They slept. Morning came."
    assert len(story.chapters) == 1
    check_spans(story)


@pytest.mark.parametrize("line", ["Ox", "No.", "...", '"..."', "Oh", "X"])
def test_short_lines_that_are_not_breaks(tmp_path: Path, line: str) -> None:
    text = f"They slept.\n\n{line}\n\nMorning came.\n"
    story = read_story(write(tmp_path, text))
    assert story.breaks == []


def test_letter_break_needs_to_stand_alone(tmp_path: Path) -> None:
    # Inside a hard-wrapped paragraph "Xx" is a word, not decoration.
    text = "He wrote the letters\nXx\nat the bottom of the note.\n\nThen he left.\n"
    story = read_story(write(tmp_path, text))
    assert story.breaks == []


# ----------------------------------------------------------------------------- front matter

FRONT = """---
title: The Storm
author: [Ann Writer, Bo Coauthor]
summary: A storm comes.
series: Weather
series_part: 2
language: en
tags: rain, wind
published: 2021-05-01
---

Chapter 1

Rain.
"""


def test_front_matter_gives_metadata_and_is_hidden(tmp_path: Path) -> None:
    path = write(tmp_path, FRONT)
    story = read_story(path)
    assert story.title == "The Storm"
    assert story.author == "Ann Writer, Bo Coauthor"
    assert story.meta["summary"] == "A storm comes."
    assert story.meta["series"] == "Weather"
    assert story.meta["series_part"] == 2
    assert story.meta["language"] == "en"
    assert story.meta["tags"] == ["rain", "wind"]
    assert story.meta["published"] == "2021-05-01"
    assert story.text == FRONT
    assert story.hidden == [Hidden(0, FRONT.index("\n\nChapter 1") + 1, "front matter")]
    assert titles(story) == ["Chapter 1"]
    assert spoken_text(story) == "Chapter 1 Rain."
    check_spans(story)


def test_front_matter_cover_is_read(tmp_path: Path) -> None:
    (tmp_path / "cover.png").write_bytes(b"\x89PNG fake image bytes")
    story = read_story(write(tmp_path, "---\ntitle: T\ncover: cover.png\n---\nText.\n"))
    assert story.cover == b"\x89PNG fake image bytes"


def test_invalid_front_matter_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "---\ntitle: The Storm\nauthor: [unclosed\n---\nText.\n")
    with pytest.raises(DramatisError) as err:
        read_story(path)
    assert err.value.path == path
    assert err.value.line is not None and 2 <= err.value.line <= 5
    assert "YAML" in str(err.value)


def test_story_opening_with_a_rule_is_not_front_matter(tmp_path: Path) -> None:
    text = "---\nHe said: we go now.\n---\nThey went.\n"
    story = read_story(write(tmp_path, text))
    assert story.title == "story"
    assert story.hidden == []
    assert [text[a:b] for a, b in story.breaks] == ["---", "---"]
    assert spoken_text(story) == "He said: we go now. They went."


# ----------------------------------------------------------------------------- encodings

SAMPLE = "“It’s late,” said Zoë. “Café’s closed… we’ll go.”\n\nÉté — déjà vu.\n"


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
        ("cp1252", b""),
    ],
)
def test_encodings_decode_to_the_same_text(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    path = tmp_path / "enc.txt"
    path.write_bytes(prefix + SAMPLE.encode(encoding))
    story = read_story(path)
    assert story.text == SAMPLE  # BOM removed, nothing else changed
    check_spans(story)


def test_short_windows_1252_is_not_mistaken(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes("It’s fine.".encode("cp1252"))
    assert read_story(path).text == "It’s fine."


def test_longer_windows_1252_story(tmp_path: Path) -> None:
    seed = SEEDS[0].read_text(encoding="utf-8")
    path = tmp_path / "win.txt"
    path.write_bytes(seed.encode("cp1252", errors="replace"))
    assert read_story(path).text == seed.encode("cp1252", errors="replace").decode("cp1252")


def test_cyrillic_windows_1251_is_detected_not_assumed_1252(tmp_path: Path) -> None:
    text = "Привет, как дела? Всё хорошо, спасибо. Мы пошли домой вечером.\n"
    path = tmp_path / "ru.txt"
    path.write_bytes(text.encode("cp1251"))
    assert read_story(path).text == text


# ----------------------------------------------------------------------------- notes


def test_authors_notes_hidden_unless_asked(tmp_path: Path) -> None:
    text = (
        "A/N: Thanks for reading!\nPlease review.\n\nChapter 1\n\nShe ran.\n\n"
        "Author's Note: more soon.\n"
    )
    path = write(tmp_path, text)
    story = read_story(path)
    assert spoken_text(story) == "Chapter 1 She ran."
    assert titles(story) == ["Chapter 1"]
    check_spans(story)
    with_notes = read_story(path, include_notes=True)
    assert spoken_text(with_notes) == " ".join(text.split())
    check_spans(with_notes)


def test_gutenberg_boilerplate_is_hidden(tmp_path: Path) -> None:
    text = (
        "The Project Gutenberg eBook of Tiny\n\nTitle: Tiny Tale\n\nAuthor: A. Person\n\n"
        "*** START OF THE PROJECT GUTENBERG EBOOK TINY ***\n\nCHAPTER I.\n\nOnce.\n\n"
        "*** END OF THE PROJECT GUTENBERG EBOOK TINY ***\n\nLicense text.\n"
    )
    story = read_story(write(tmp_path, text))
    assert story.title == "Tiny Tale"
    assert story.author == "A. Person"
    assert spoken_text(story) == "CHAPTER I. Once."
    assert titles(story) == ["CHAPTER I"]
    assert [h.reason for h in story.hidden] == [
        "Project Gutenberg header",
        "Project Gutenberg licence",
    ]
    check_spans(story)


# ----------------------------------------------------------------------------- bad input


def bad(path: Path, *words: str) -> None:
    with pytest.raises(DramatisError) as err:
        read_story(path)
    message = str(err.value)
    assert str(path) in message and "\n" not in message
    for word in words:
        assert word in message


def test_missing_file(tmp_path: Path) -> None:
    bad(tmp_path / "nope.txt", "no such file")


def test_empty_and_blank_files(tmp_path: Path) -> None:
    bad(write(tmp_path, "", "empty.txt"), "empty")
    bad(write(tmp_path, " \n\n\t\n", "blank.txt"), "no text")
    bad(write(tmp_path, "---\ntitle: Only metadata\n---\n", "front.txt"), "no story text")


def test_binary_files(tmp_path: Path) -> None:
    png = tmp_path / "image.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    bad(png, "not a text file", "PNG")
    noise = tmp_path / "noise.txt"
    noise.write_bytes(os.urandom(4096))
    bad(noise, "not a text file")


def test_file_over_100_mb(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as f:  # sparse: costs no disk or time
        f.truncate(100 * 1024 * 1024 + 1)
    bad(big, "100 MB")


def test_folder_and_unknown_type(tmp_path: Path) -> None:
    bad(tmp_path, "folder")
    bad(write(tmp_path, "text", "story.docx"), "unsupported")


# ----------------------------------------------------------------------------- story_files


def test_story_files_expands_folders_sorted(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "a.md").write_text("a")
    (tmp_path / "notes.docx").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.epub").write_bytes(b"x")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "d.txt").write_text("d")
    single = write(tmp_path, "z", "z.html")
    assert story_files([tmp_path]) == [
        tmp_path / "a.md",
        tmp_path / "b.txt",
        tmp_path / "sub" / "c.epub",
        single,
    ]
    assert story_files([single, tmp_path / "b.txt", single]) == [single, tmp_path / "b.txt"]
    with pytest.raises(DramatisError, match="no such file"):
        story_files([tmp_path / "missing"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DramatisError, match="no story files"):
        story_files([empty])


def test_heading_with_a_title_line_and_a_part_heading(tmp_path: Path) -> None:
    text = (
        "Title: Hard Days\n\nAuthor: C. Writer\n\n"
        "BOOK THE FIRST\n_SOWING_\n\n\nCHAPTER I\nTHE ONE THING NEEDFUL\n\n\n"
        '"NOW, what I want is, Facts."\n\nCHAPTER II\nMURDER\n\nA man of realities.\n\n'
        "Part Two\n\nCHAPTER III\n\nIt rained.\n"
    )
    story = read_story(write(tmp_path, text))
    check_spans(story)
    assert story.title == "Hard Days"
    assert story.author == "C. Writer"
    assert [(story.text[h.start : h.end], h.reason) for h in story.hidden] == [
        ("Title: Hard Days\n\nAuthor: C. Writer", "front matter")
    ]
    assert titles(story) == [
        "CHAPTER I: THE ONE THING NEEDFUL",
        "CHAPTER II: MURDER",
        "CHAPTER III",
    ]
    assert story.text[slice(*story.chapters[0].heading)] == "CHAPTER I\nTHE ONE THING NEEDFUL"
    # The part headings open the chapter after them rather than closing the one before.
    assert chapter_text(story, 0).startswith("BOOK THE FIRST\n_SOWING_")
    assert chapter_text(story, 1).endswith("A man of realities.\n\n")
    assert chapter_text(story, 2).startswith("Part Two\n\nCHAPTER III")


def test_sentence_under_a_heading_is_not_its_title(tmp_path: Path) -> None:
    story = read_story(write(tmp_path, "Chapter 1\nIt was dark.\n\nMore.\n"))
    assert titles(story) == ["Chapter 1"]
