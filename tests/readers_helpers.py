"""Checks every reader test applies: the span promises of dramatis.readers.common."""

from __future__ import annotations

from itertools import pairwise

from dramatis.model import Story


def spoken_text(story: Story, start: int = 0, end: int | None = None) -> str:
    """The words that would be spoken in [start, end): hidden spans and breaks removed."""
    end = len(story.text) if end is None else end
    silent = sorted([*story.hidden, *story.breaks])
    out, pos = [], start
    for a, b in silent:
        if b <= pos or a >= end:
            continue
        out.append(story.text[pos:a])
        pos = max(pos, b)
    if pos < end:
        out.append(story.text[pos:end])
    return " ".join(" ".join(out).split())


def check_spans(story: Story) -> None:
    """Chapters tile [first spoken char, len(text)); breaks and hidden spans are disjoint."""
    text = story.text
    assert story.chapters, "a story always has at least one chapter"
    assert [c.index for c in story.chapters] == list(range(1, len(story.chapters) + 1))
    for a, b in pairwise(story.chapters):
        assert a.end == b.start
        assert a.start < a.end
    assert story.chapters[-1].end == len(text)
    first = story.chapters[0].start
    assert text[first].strip(), "chapter 1 starts at a visible character"
    assert spoken_text(story, 0, first) == "", "nothing spoken before chapter 1"
    for chapter in story.chapters:
        if chapter.heading is not None:
            a, b = chapter.heading
            assert chapter.start <= a < b <= chapter.end
            assert text[a:b] == text[a:b].strip() and text[a:b]
    silent = sorted([*story.hidden, *story.breaks])
    for (_, b1), (a2, _) in pairwise(silent):
        assert b1 <= a2, "breaks and hidden spans never overlap"
    for a, b in silent:
        assert 0 <= a < b <= len(text)
