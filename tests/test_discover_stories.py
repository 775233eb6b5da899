"""A collection's stories each have their own cast: a character of one story never speaks in
another.  The collection is written for this test, laid out as Project Gutenberg lays out story
collections (a title line above each story's numbered sections)."""

from __future__ import annotations

from pathlib import Path

from dramatis.attribution import attribute
from dramatis.text.read import read_story
from dramatis.text.segment import segment

COLLECTION = """Two Tales of the Marsh

by Nobody Known


Contents

   I.     The Red Lamp
   II.    The Grey Door




THE RED LAMP


I.


Colonel Vane stood at the window of the inn. He had seen the lamp again, and he
was angry.

"It was red," said Colonel Vane. "Red as blood, on the marsh road."

"You are sure?" asked the landlord.

"I am always sure," said Colonel Vane. He struck the table.


II.


The next night Colonel Vane went out alone, and he did not come back until dawn.

"Nothing," he said. "Nothing at all."

"Then it is over," said the landlord.

"It is never over," said Colonel Vane.




THE GREY DOOR


I.


"Who is there?"

"Only the wind."

"The wind does not knock."

Martha Grey opened the door. She was alone in the house, and the night was cold.

"Nobody," said Martha. She shut the door again.


II.


In the morning Martha walked to the village. She told Ellen Marsh what she had heard.

"A knock, and nobody?" said Ellen.

"Nobody," said Martha.
"""


def test_each_story_of_a_collection_has_its_own_cast(tmp_path: Path) -> None:
    path = tmp_path / "tales.txt"
    path.write_text(COLLECTION, encoding="utf-8")
    story = read_story(path)
    scopes = story.stories()
    assert len(scopes) == 2
    second = story.text.index("THE GREY DOOR")
    assert scopes[1][0] <= second < scopes[1][1]
    att = attribute(story.text, segment(story.text), None, scopes)
    first_cast = {s.speaker for s in att.segments if s.kind == "dialogue" and s.start < second}
    second_cast = {s.speaker for s in att.segments if s.kind == "dialogue" and s.start > second}
    assert "Colonel Vane" in first_cast and "Colonel Vane" not in second_cast
    assert {"Martha Grey", "Ellen Marsh"} <= second_cast
    assert not first_cast & {"Martha Grey", "Ellen Marsh"}
    # line ids stay those of the whole text (a pin made on one build holds on the next)
    ids = [s.line_id for s in att.segments if s.kind == "dialogue"]
    whole = attribute(story.text, segment(story.text), None)
    assert ids == [s.line_id for s in whole.segments if s.kind == "dialogue"]


def test_a_novel_is_one_scope(tmp_path: Path) -> None:
    path = tmp_path / "novel.txt"
    path.write_text(
        "CHAPTER I\n\nMartha Grey walked home.\n\nCHAPTER II\n\nShe slept.\n", encoding="utf-8"
    )
    assert read_story(path).stories() == []
