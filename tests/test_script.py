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
