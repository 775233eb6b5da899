"""The user's seed stories, attributed as a careful human reader would (issue 3, "done when").

Each expectation was decided by reading the story, not by running Dramatis.  Lines are found
by their opening words in reading order, so a change in how a quote is split does not shift
the rest.  The cast file lists nobody: every speaker must be discovered, the second-person
narrator ("you") included.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dramatis.attribution import attribute
from dramatis.model import Cast
from dramatis.text.segment import segment

STORIES = Path(__file__).resolve().parent / "data" / "seeds"  # copies of stories/ (see README)

# 000: third person, Bellamy finds Clarke in the woods.
THIRD_PERSON = [
    ('"What\'s your problem?"', "Bellamy"),  # He wonders aloud
    ('"DOWN!"', "Clarke"),  # "The voice" is his savior's, who turns out to be Clarke
    ('"Clarke."', "Bellamy"),  # He breaths
    ('"What…"', "Bellamy"),  # same paragraph
    ("\"The sun's almost gone.", "Clarke"),  # She says
    ('"I\'m not going back without you."', "Bellamy"),  # He tells her
    ('"Of course you are."', "Clarke"),  # her ruined voice
    ('"They need you."', "Clarke"),  # same paragraph
    ('"They need you."', "Bellamy"),  # He mutters
    ('"I have my own."', "Bellamy"),  # he shook his head at her water; he pulls out his own
    ('"Is this a muffin?"', "Clarke"),  # She asks
    ('"Yeah. Callie made them.', "Bellamy"),  # he nodded; He watches as she takes a bite
    ('"There are more where that came from."', "Bellamy"),  # He tells her
    ('"I can\'t, Bellamy."', "Clarke"),  # addresses Bellamy; her voice
    ('"Why not?"', "Bellamy"),  # he steps towards her
    ('"You know why."', "Clarke"),  # She turns away
    ("\"No, I don't.", "Bellamy"),  # His hand is on her shoulder
    ('"I knew where you were, always.', "Bellamy"),  # same paragraph ("She glares at him")
    ('"But you didn\'t."', "Bellamy"),  # he lets the silence grow, then goes on
    ('"I can\'t."', "Clarke"),
    ('"That\'s bullshit."', "Bellamy"),  # He growls
    ('"I don\'t want to."', "Clarke"),  # she looks defeated
    ('"That\'s bullshit, too."', "Bellamy"),  # he shakes his head; "She's lying"
    ('"Bellamy-"', "Clarke"),
    ("\"If you think people haven't forgiven you", "Bellamy"),  # "...is you, Clarke"
    ('"They believe in you."', "Clarke"),  # She says
    ('"You can be that leader, Bellamy.', "Clarke"),  # same paragraph
    ('"Not without you."', "Bellamy"),  # He means it
    ('"You\'re better off."', "Clarke"),  # "her lies"
    ('"None of us are better off with you gone."', "Bellamy"),  # His words
    ("\"It's late.", "Clarke"),  # the only defense she has left
    ('"Clarke."', "Bellamy"),  # He says suddenly
    ('"What?"', "Clarke"),  # Her voice is still rough
    ('"Bellamy?"', "Clarke"),  # same paragraph
    ('"Clarke-"', "Bellamy"),  # He gasps
    ('"Shhh."', "Clarke"),  # Clarke's voice
    ("\"You're okay Bellamy.", "Clarke"),  # same paragraph
    ('"Please."', "Bellamy"),  # he opens his mouth to say thank you
    ('"Okay."', "Clarke"),  # her voice
]

# 004: second person, "you" is Clarke; the other speaker is Lexa.
SECOND_PERSON = [
    ('"Clarke."', "Lexa"),  # She says: "she" is never the "you" narrator
    ('"Lexa."', "Clarke"),  # You try to regain your composure
    ('"Come with me."', "Lexa"),  # She tells you
    ('"I have heard stories about you, Clarke,"', "Lexa"),  # She starts
    ('"Is it true what you did at Mount Weather?"', "Lexa"),  # same paragraph; you nod
    ('"I know that must have been difficult for you.', "Lexa"),  # She tells you
    ('"It took a lot of strength."', "Lexa"),  # her pity ... replaced by respect
    # "We do what we must ..." is skipped: the paragraph is Clarke's turn (her lines below),
    # but "She looks at you finally" right after it could also be read as Lexa's beat.
    ('"You got my message, I assume?"', "Clarke"),  # Clarke sent it; Lexa nods in reply
    ('"I want to thank you for having a team', "Clarke"),  # Lexa's people followed Clarke
    ('"Our alliance may be broken', "Lexa"),  # She takes her jacket off
    ("\"I don't know what I would do if anything", "Lexa"),  # She places her hand on yours
    ('"Lexa,"', "Clarke"),  # You say her name
    ('"Look at me."', "Clarke"),  # same quotation, interrupted
    ('"I can\'t."', "Lexa"),  # She whispers
    ('"I don\'t want this all to be a dream."', "Lexa"),  # before she continues
    ('"I\'m not going anywhere unless you tell me to."', "Clarke"),  # You tell her
    ('"You have always been my weakness, Clarke."', "Lexa"),  # You smile at her words
    ('"We have a lot to talk about."', "Clarke"),  # Her eyes open and she nods
    ('"We do."', "Lexa"),  # She steps back
    ('"But how about for now', "Lexa"),  # same paragraph
    ('"How long have you been in the woods for?', "Lexa"),  # same paragraph
    ('"It was about eight I think."', "Clarke"),  # the answer
    ('"Lexa?"', "Clarke"),  # You call to her
    ('"Yes, Clarke?"', "Lexa"),  # she responds
    ('"Was it easy for you to walk away?"', "Clarke"),  # you ask
    ('"To pick your head over your heart?"', "Clarke"),  # same paragraph
    ('"As Commander,"', "Lexa"),  # She opens her eyes
    ('"it was easy."', "Lexa"),  # same quotation
    ('"But as Lexa?"', "Clarke"),  # She looks down (a reaction): the question is Clarke's
    ('"How can you ask that?', "Lexa"),  # She says
    ('"It tore me apart.', "Lexa"),  # she says
]


def _lines(name: str, cast: Cast | None = None) -> tuple[list[tuple[str, str | None]], str | None]:
    text = (STORIES / name).read_text(encoding="utf-8")
    att = attribute(text, segment(text), cast)
    lines = [(text[s.start : s.end], s.speaker) for s in att.segments if s.kind == "dialogue"]
    return lines, att.narrator


def _check(lines: list[tuple[str, str | None]], expected: list[tuple[str, str]]) -> None:
    """Each expected line is the next dialogue segment opening with its words."""
    wrong = []
    i = 0
    for opening, want in expected:
        while i < len(lines) and not lines[i][0].startswith(opening):
            i += 1
        assert i < len(lines), f"line {opening!r} not found as dialogue"
        if lines[i][1] != want:
            wrong.append((opening, lines[i][1], want))
        i += 1
    assert not wrong, "\n".join(f"{o}: got {g}, want {w}" for o, g, w in wrong)


@pytest.mark.parametrize(
    ("name", "expected", "narrator"),
    [
        ("000_d490e8756aafd380.txt", THIRD_PERSON, None),
        ("004_215bc1b0a1c1d0a6.txt", SECOND_PERSON, "Clarke"),
    ],
)
def test_seed_story_speakers(name: str, expected: list[tuple[str, str]], narrator) -> None:
    lines, found = _lines(name)
    assert found == narrator
    _check(lines, expected)


def test_second_story_keeps_its_speakers_with_the_first_storys_cast() -> None:
    """``./setup.sh`` builds 000 first, and its build writes Bellamy and Clarke into
    voices.yaml; 004 is then attributed with that cast, which does not list Lexa.  She is
    never named in a speech tag, yet her lines must stay hers, not fall to Clarke."""
    first = (STORIES / "000_d490e8756aafd380.txt").read_text(encoding="utf-8")
    found = attribute(first, segment(first), None).characters
    cast = Cast(characters={c.name: c for c in found})
    assert {"Bellamy", "Clarke"} <= set(cast.characters) and "Lexa" not in cast.characters
    name = "004_215bc1b0a1c1d0a6.txt"
    lines, narrator = _lines(name, cast)
    assert narrator == "Clarke"
    _check(lines, SECOND_PERSON)


def test_common_noun_is_not_a_character() -> None:
    """ "a Grounder whilst he was sleeping", "the Grounder camp": a kind of person, never
    named as a speaker, so no character (and no voice) of its own."""
    text = (STORIES / "004_215bc1b0a1c1d0a6.txt").read_text(encoding="utf-8")
    att = attribute(text, segment(text), None)
    names = {n for c in att.characters for n in c.names}
    assert not any("Grounder" in n for n in names)
    lexa = att.character("Lexa")
    assert lexa is not None and lexa.gender == "female"
