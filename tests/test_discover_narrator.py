"""A first-person narrator is found by the name others call them, even when a document the
narrator reads out (made narration by the segmenter) names them again and again."""

from __future__ import annotations

from dramatis.attribution import attribute
from dramatis.model import Segment
from dramatis.text.segment import segment

STORY = (
    "Holmes was standing by the window when I came in, and I saw at once that my friend "
    "had news. I put down my bag and I waited.\n\n"
    '"Sit down, Watson," said he. "You look tired."\n\n'
    '"I am," said I. "What is it?"\n\n'
    '"Read this, Watson," said Holmes, and he handed me the evening paper. I read it aloud '
    "while he filled his pipe.\n\n"
    '"Last night Dr. Watson, the friend of the detective, was seen by the river. Dr. Watson '
    "would say nothing. Our reporter learned that Watson had been a surgeon in the army.\n\n"
    '"Watson is known in the district. The police believe that Watson and his friend will '
    'soon have the answer," ran the notice.\n\n'
    '"Well, Watson?" said Holmes. "What do you make of it?"\n\n'
    '"Nothing yet," said I.\n\n'
    '"Then look again, Watson," said he. I looked again, and I saw nothing more.\n\n'
    "In the evening we went down to the docks, where I heard a man shouting at a boy.\n\n"
    '"Come here, Mordaunt," said the sergeant.\n\n'
    '"Run, Mordaunt!" cried the sergeant.\n\n'
    '"Mordaunt, you fool," said the sergeant, "stand still."\n\n'
    "I turned to Holmes, and he only smiled at me.\n"
)


def _segments_with_document(text: str) -> list[Segment]:
    """The segmenter's segments, with the quoted notice made narration (as a document)."""
    doc_start = text.index('"Last night')
    doc_end = text.index("ran the notice.") + len("ran the notice.")
    out = []
    for s in segment(text):
        if s.kind == "dialogue" and doc_start <= s.start < doc_end:
            out.append(Segment(s.start, s.end, "narration"))
        else:
            out.append(s)
    return out


def test_narrator_named_in_a_quoted_document_is_still_the_narrator() -> None:
    segs = _segments_with_document(STORY)
    assert not any(s.kind == "dialogue" and "Last night" in STORY[s.start : s.end] for s in segs)
    att = attribute(STORY, segs, None)
    assert att.narrator is not None and "Watson" in att.narrator
    said_i = [s for s in att.segments if s.kind == "dialogue" and "Nothing yet" in s.text(STORY)]
    assert said_i[0].speaker == att.narrator
