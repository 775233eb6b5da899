"""The readable script and the JSON `dramatis script` prints."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from dramatis.build.analysis import analyze
from dramatis.model import Cast, Chapter, Character, Story
from dramatis.publish.script import render_json, render_text

TEXT = (
    'Clarke sat by the fire. Bellamy watched her.\n\n"The sun\'s almost gone," Clarke says.\n\n'
    '"Stay."\n\n"I can\'t."\n'
)


def _story() -> Story:
    return Story(TEXT, "T", Path("t.txt"), chapters=[Chapter("T", 0, len(TEXT))])


def test_render_text_labels_speakers_and_marks_low_confidence() -> None:
    c = Cast(
        characters={
            "Clarke": Character("Clarke", [], "female"),
            "Bellamy": Character("Bellamy", [], "male"),
        }
    )
    found = analyze(_story(), c)
    att = found.attribution
    out = render_text(found)
    lines = out.splitlines()
    assert lines[0] == "NARRATOR: Clarke sat by the fire. Bellamy watched her."
    dia = [s for s in att.segments if s.kind == "dialogue"]
    assert f'[{dia[0].line_id}] CLARKE: "The sun\'s almost gone,"' in lines
    assert "NARRATOR: Clarke says." in lines
    low = [s for s in dia if s.confidence < 0.5]
    for s in low:
        assert any(line.startswith(f"[{s.line_id}] ") and "?:" in line for line in lines)
    high = [s for s in dia if s.confidence >= 0.5]
    for s in high:
        assert not any(line.startswith(f"[{s.line_id}] ") and "?:" in line for line in lines)


def test_render_json_tiles_the_text() -> None:
    data = render_json(analyze(_story(), Cast()))
    segs = data["segments"]
    assert data["text"] == TEXT and data["hidden"] == []
    assert data["chapters"] == [{"title": "T", "start": 0, "end": len(TEXT)}]
    assert segs[0]["start"] == 0 and segs[-1]["end"] == len(TEXT)
    for a, b in pairwise(segs):
        assert a["end"] == b["start"]
    for s in segs:
        assert set(s) == {"start", "end", "kind", "speaker", "confidence", "line_id", "spoken"}
        assert s["spoken"] == any(ch.isalnum() for ch in TEXT[s["start"] : s["end"]])
        if s["kind"] == "narration":
            assert s["speaker"] is None
        else:
            assert TEXT[s["start"]] == '"' and 0 <= s["confidence"] <= 1
    assert next(s["speaker"] for s in segs if s["kind"] == "dialogue") == "Clarke"


FRONT = "Copyright 2020 Nobody. All rights reserved.\n\n"
BOOK = FRONT + 'Chapter 1\n\nClarke sat by the fire.\n\n"Stay," Bellamy said.\n'


def _book() -> Story:
    from dramatis.model import Hidden

    start = len(FRONT)
    return Story(
        BOOK,
        "B",
        Path("b.txt"),
        chapters=[Chapter("Chapter 1", start, len(BOOK))],
        hidden=[Hidden(0, start, "front matter")],
    )


def test_script_marks_what_the_build_does_not_speak() -> None:
    found = analyze(_book(), Cast())
    text = render_text(found)
    assert "[hidden: front matter] Copyright 2020 Nobody. All rights reserved." in text
    narration = [ln for ln in text.splitlines() if ln.startswith("NARRATOR: ")]
    assert any("Clarke sat by the fire." in ln for ln in narration)
    assert not any("Copyright" in ln for ln in narration)
    only = render_text(found, spoken_only=True)
    assert "Copyright" not in only and "hidden" not in only
    assert "Clarke sat by the fire." in only

    data = render_json(found)
    assert data["hidden"] == [{"start": 0, "end": len(FRONT), "reason": "front matter"}]
    assert data["chapters"] == [{"title": "Chapter 1", "start": len(FRONT), "end": len(BOOK)}]
    segs = data["segments"]
    assert segs[0]["start"] == 0 and segs[-1]["end"] == len(BOOK)
    assert all(a["end"] == b["start"] for a, b in pairwise(segs))
    for s in segs:
        inside = s["end"] <= len(FRONT)
        has_words = any(ch.isalnum() for ch in BOOK[s["start"] : s["end"]])
        assert s["spoken"] == (has_words and not inside)
    said = [BOOK[s["start"] : s["end"]] for s in render_json(found, spoken_only=True)["segments"]]
    assert not any("Copyright" in t for t in said) and any("Stay" in t for t in said)


def test_plan_leaves_the_story_as_it_was() -> None:
    """Planning picks a cover (here a generated title card) without writing it into the story."""
    from dramatis.build.chapters import plan
    from dramatis.build.state import BuildOptions
    from dramatis.speech.engines import EngineBook, EngineFacts

    class Book(EngineBook):  # facts of a made-up engine: planning starts none
        def __getitem__(self, name: str) -> EngineFacts:
            return EngineFacts(name, "test 1", frozenset({"rate"}), 175.0, [], None)

    story = _book()
    (ps,) = plan([analyze(story, Cast())], BuildOptions(out=Path("out")), Book())
    assert story.cover is None
    assert ps.cover and ps.cover[:3] in (b"\xff\xd8\xff", b"\x89PN")
    assert ps.chapters and all(ch.lines for ch in ps.chapters)
