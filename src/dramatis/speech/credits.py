"""Opening and closing credits, spoken by the narrator as ACX asks.

The credits are extra lines, not story text: each is a zero-width span (``start == end``)
at the edge of its chapter, so "every word of the story is spoken once" still holds, and
they go through the same clip cache as every other line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dramatis.model import Cast, Story
from dramatis.speech.plan import Line, spoken_text

READER = "Dramatis"


# a word of a file name that is an id, not a word to say: a long run with digits in it
# (a hash, a date: "d490e8756aafd380", "20240131"); leading numbers ("000_", "01 - ") too
_ID_WORD = re.compile(r"(?=\w*\d)\w{6,}")
_NUMBERING = re.compile(r"\d+")


def spoken_title(story: Story) -> str:
    """The title as the credits say it.

    Why: a story with no title of its own is named after its file, and the engine would
    spell out "000_d490e8756aafd380" letter by letter; the file name's separators are read
    as spaces and its ids and numbers left out (the tags keep the name as it is).
    """
    if story.title != story.source.stem:
        return story.title
    words = [w for w in re.split(r"[\s_.-]+", story.title) if w]
    while words and _NUMBERING.fullmatch(words[0]):
        del words[0]
    return " ".join(w for w in words if not _ID_WORD.fullmatch(w))


def opening_text(story: Story) -> str:
    """What the narrator says first: title, author, reader."""
    title = spoken_title(story).rstrip(".")
    parts = [title + "."] if title else []
    if story.author:
        parts.append(f"Written by {story.author.rstrip('.')}.")
    parts.append(f"Read by {READER}.")
    return " ".join(parts)


CLOSING_TEXT = "The End."


def _line(text: str, story: Story, cast: Cast, at: int, pause: str, scene: int) -> Line:
    said = spoken_text(text, dialogue=False, heading=False, pronunciations=cast.pronunciations)
    return Line(at, at, None, said, cast.narrator, pause, None, scene)


_ENDS_ITSELF = re.compile(r"\bthe\s+end\W*$", re.I)


def says_the_end(story: Story, chapters: Sequence[list[Line]]) -> bool:
    """Whether "The End." closes the book: not for a work in progress (AO3's "Chapters: 3/?"
    sets ``meta["complete"]`` False: more is coming), and not when the story's own last
    words already are "The End" (it would be heard twice)."""
    if story.meta.get("complete") is False:
        return False
    last = next((ln for lines in reversed(chapters) for ln in reversed(lines)), None)
    return last is None or not _ENDS_ITSELF.search(last.text)


def add_credits(story: Story, cast: Cast, chapters: Sequence[list[Line]]) -> None:
    """Put the opening credits before the first chapter's lines and "The End" after the last
    (when :func:`says_the_end`).

    ``chapters`` are the lines of each chapter in order (as :func:`plan_chapter` makes
    them); they are changed in place.  A scene-break pause separates credits from story.
    """
    if not chapters or not story.chapters:
        return
    closing = says_the_end(story, chapters)
    first, last = chapters[0], chapters[-1]
    at = story.chapters[0].start
    if first:
        first[0].pause_before = "scene"
    first.insert(0, _line(opening_text(story), story, cast, at, "none", 0))
    if not closing:
        return
    end = story.chapters[-1].end
    scene = last[-1].scene if last else 0
    last.append(_line(CLOSING_TEXT, story, cast, end, "scene", scene))
